import types

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from stable_baselines3.common import base_class
from stable_baselines3.common.callbacks import BaseCallback, CheckpointCallback, EvalCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.envs import (
    FakeImageEnv,
    IdentityEnv,
    IdentityEnvBox,
    IdentityEnvMultiBinary,
    IdentityEnvMultiDiscrete,
    SimpleMultiObsEnv,
)
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.utils import obs_as_tensor
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecNormalize, patch_gym

from sb3_reinforce import REINFORCE
from sb3_reinforce.common.buffers import EpisodicDictRolloutBuffer, episodes_per_rollout


def short_episodes(env: gym.Env, length: int = 20) -> gym.Env:
    return gym.wrappers.TimeLimit(env, max_episode_steps=length)


@pytest.mark.parametrize(
    "make_env",
    [
        lambda: IdentityEnv(dim=3, ep_length=20),
        lambda: IdentityEnvBox(ep_length=20),
        lambda: IdentityEnvMultiDiscrete(dim=3, ep_length=20),
        lambda: IdentityEnvMultiBinary(dim=3, ep_length=20),
    ],
    ids=["Discrete", "Box", "MultiDiscrete", "MultiBinary"],
)
@pytest.mark.parametrize("baseline", [None, "mean", "leave_one_out", "value"])
def test_action_spaces(make_env, baseline):
    model = REINFORCE("MlpPolicy", make_vec_env(make_env, n_envs=2, seed=0), n_steps=32, baseline=baseline, seed=0)
    model.learn(300)
    assert model.num_timesteps >= 300
    obs = model.get_env().reset()
    action, _ = model.predict(obs, deterministic=True)
    assert model.get_env().action_space.contains(action[0])


def parameters(module: th.nn.Module) -> list[th.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def changed(before: list[th.Tensor], module: th.nn.Module) -> bool:
    return any(not th.equal(b, a) for b, a in zip(before, module.parameters(), strict=True))


@pytest.mark.parametrize("use_sde", [False, True])
def test_continuous_and_gsde(use_sde):
    """The exploration noise is learned; gSDE draws a new noise matrix every sde_sample_freq steps."""
    model = REINFORCE("MlpPolicy", "Pendulum-v1", n_steps=64, use_sde=use_sde, sde_sample_freq=16, seed=0)
    log_std = model.policy.log_std.detach().clone()
    resamples = []
    reset_noise = model.policy.reset_noise
    model.policy.reset_noise = lambda n_envs=1: (resamples.append(n_envs), reset_noise(n_envs))
    model.learn(400)  # one batch of two 200-step episodes
    assert not th.equal(model.policy.log_std, log_std)
    # once at the start of the rollout, then at its steps 0, 16, ..., 384 (gSDE only)
    assert len(resamples) == (1 + 400 // 16 if use_sde else 0)
    actions = model.rollout_buffer.actions.flatten()
    assert len(np.unique(actions)) == len(actions)  # sampled, not the mean


class RewardActionZero(gym.Wrapper):
    """Reward 1 for action 0 (FakeImageEnv's rewards are all 0, which gives a zero gradient)."""

    def step(self, action):
        obs, _, terminated, truncated, info = self.env.step(action)
        return obs, float(action == 0), terminated, truncated, info


def test_image_observations():
    env = make_vec_env(
        lambda: RewardActionZero(short_episodes(FakeImageEnv(screen_height=36, screen_width=36, n_channels=1))), n_envs=2
    )
    model = REINFORCE("CnnPolicy", env, n_steps=16, policy_kwargs=dict(features_extractor_kwargs=dict(features_dim=16)))
    cnn = parameters(model.policy.features_extractor)
    model.learn(64)
    # the batch's images went through the CNN, which the update trained
    assert model.rollout_buffer.observations.shape[1:] == (1, 36, 36)
    assert changed(cnn, model.policy.features_extractor)
    action, _ = model.predict(env.reset())
    assert action.shape == (2,) and env.action_space.contains(action[0])


def test_openai_gym_envs_pass_the_type_check_to_sb3s_conversion(monkeypatch):
    """An OpenAI Gym env reaches SB3's conversion to gymnasium (shimmy's wrappers), as it does with A2C."""
    # (where SB3 looks for OpenAI Gym, and the function that converts its envs)
    assert hasattr(patch_gym, "gym_installed") and base_class._patch_env is patch_gym._patch_env
    legacy_gym = types.ModuleType("gym")
    legacy_gym.Env = type("Env", (), {})
    legacy_env = legacy_gym.Env()
    converted = []

    def convert(env: object) -> gym.Env:  # stands for shimmy's compatibility wrapper
        converted.append(env)
        return IdentityEnv(dim=2, ep_length=5)

    monkeypatch.setattr(patch_gym, "gym", legacy_gym, raising=False)
    monkeypatch.setattr(base_class, "_patch_env", convert)
    model = REINFORCE("MlpPolicy", legacy_env, n_steps=16, seed=0).learn(20)
    assert converted == [legacy_env]
    assert model.num_timesteps >= 20


@pytest.mark.parametrize("baseline", [None, "value"])
def test_dict_observations(baseline):
    env = make_vec_env(lambda: short_episodes(SimpleMultiObsEnv(random_start=True)), n_envs=2, seed=0)
    model = REINFORCE("MultiInputPolicy", env, n_steps=32, baseline=baseline, seed=0)
    extractor = parameters(model.policy.features_extractor)
    model.learn(200)
    assert isinstance(model.rollout_buffer, EpisodicDictRolloutBuffer)
    assert set(model.rollout_buffer.observations) == {"vec", "img"}
    assert changed(extractor, model.policy.features_extractor)
    assert (baseline == "value") == ("train/explained_variance" in model.logger.name_to_value)
    mean_return, _ = evaluate_policy(model, env, n_eval_episodes=2)
    assert np.isfinite(mean_return)


@pytest.mark.parametrize("n_envs", [1, 3])
def test_batches_are_whole_episodes(n_envs):
    """
    A batch is N complete episodes, N fixed beforehand from the previous batch's mean episode length; the
    logger's episodes (``ep_info_buffer``) are the batch's, not the ones envs out of the batch end meanwhile.
    """
    n_steps = 50
    model = REINFORCE(
        "MlpPolicy", make_vec_env("CartPole-v1", n_envs=n_envs, seed=0), n_steps=n_steps, seed=0, stats_window_size=1000
    )
    _, callback = model._setup_learn(10_000, None)
    # the buffer as collect_rollouts leaves it to compute_weights, before the batch's steps are repacked
    buffer, layouts = model.rollout_buffer, []
    compute_weights = buffer.compute_weights

    def keep_layout(**kwargs):
        used = slice(0, buffer.pos)
        layouts.append((buffer.episode_starts[used].copy(), buffer.in_batch[used].copy(), buffer.dones[used].copy()))
        return compute_weights(**kwargs)

    buffer.compute_weights = keep_layout
    for rollout in range(3):
        previous_length = model._mean_episode_length
        logged = len(model.ep_info_buffer)
        expected = episodes_per_rollout(n_steps, n_envs, previous_length)
        assert expected == (max(n_envs, 2) if rollout == 0 else max(round(n_steps * n_envs / previous_length), n_envs, 2))
        model.collect_rollouts(model.env, callback, model.rollout_buffer, n_steps)
        starts, in_batch, dones = layouts[-1]
        # every env starts the rollout at the start of an episode
        assert starts[0].all()
        for env in range(n_envs):
            # a contiguous prefix of whole episodes
            steps = np.flatnonzero(in_batch[:, env])
            np.testing.assert_array_equal(steps, np.arange(len(steps)))
            assert dones[steps[-1], env]
        assert (dones & in_batch).sum() == expected
        episodes = list(model.ep_info_buffer)[logged:]
        assert len(episodes) == expected
        assert sum(episode["l"] for episode in episodes) == in_batch.sum()
        assert model._mean_episode_length == pytest.approx(in_batch.sum() / expected)
        model.train()
        assert buffer.buffer_size == in_batch.sum()
        assert model.logger.name_to_value["train/n_episodes"] == expected


def test_time_limit_truncation_is_the_end_of_the_episode():
    """A truncated episode's return is the sum of its rewards: nothing is bootstrapped."""
    env = make_vec_env(
        lambda: IdentityEnv(dim=3, ep_length=1000), n_envs=1, wrapper_class=short_episodes, wrapper_kwargs=dict(length=5)
    )
    model = REINFORCE("MlpPolicy", env, n_steps=5, gamma=1.0, baseline="value", seed=0)
    _, callback = model._setup_learn(100, None)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, 5)
    buffer = model.rollout_buffer
    assert buffer.pos == 10  # two episodes of 5 steps
    rewards = buffer.rewards[:10, 0].reshape(2, 5)
    assert rewards.any() and not rewards.all()  # (1 for an action equal to the observation, 0 otherwise)
    expected = np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1].flatten()
    model.train()
    np.testing.assert_allclose(buffer.returns.flatten(), expected, rtol=1e-5)


class BatchAtRolloutEnd(BaseCallback):
    """Keeps the rollout buffer's returns and advantages as a callback sees them at on_rollout_end."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[bool, np.ndarray, np.ndarray]] = []

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        buffer = self.locals["rollout_buffer"]
        self.seen.append((buffer.full, buffer.returns.copy(), buffer.advantages.copy()))


def test_callbacks_see_the_batch_returns_at_rollout_end():
    """As with SB3's algorithms, the returns and advantages are computed when on_rollout_end runs."""
    callback = BatchAtRolloutEnd()
    model = REINFORCE("MlpPolicy", make_vec_env("CartPole-v1", n_envs=2, seed=0), n_steps=64, gamma=1.0, seed=0)
    model.learn(300, callback=callback)
    assert len(callback.seen) == model._n_updates > 1
    for full, returns, advantages in callback.seen:
        # CartPole's reward is 1 a step: the reward-to-go of every step is at least 1
        assert full and returns.min() >= 1.0 and advantages.any()
    # what the last callback saw is what the last update trained on
    np.testing.assert_array_equal(callback.seen[-1][1], model.rollout_buffer.returns)
    np.testing.assert_array_equal(callback.seen[-1][2], model.rollout_buffer.advantages)


class ValuesAtRolloutEnd(BaseCallback):
    """Checks, before every update, the value baseline's values against the value function at the batch's steps."""

    def __init__(self) -> None:
        super().__init__()
        self.n_checked = 0

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        buffer = self.model.rollout_buffer
        stored = buffer.observations  # the batch, one env column
        observations = {key: array[:, 0] for key, array in stored.items()} if isinstance(stored, dict) else stored[:, 0]
        with th.no_grad():
            expected = self.model.policy.predict_values(obs_as_tensor(observations, self.model.device)).numpy().flatten()
        assert buffer.values.shape == (buffer.buffer_size, 1) and np.all(buffer.values != 0)
        np.testing.assert_allclose(buffer.values[:, 0], expected, rtol=1e-5, atol=1e-6)
        self.n_checked += 1


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Pendulum-v1", "multi-obs"])
def test_value_baseline_values_without_the_policy_forward(env_id):
    """
    The value baseline's values are the value function at every step of the batch, computed once the rollout is
    over; the rollout samples the actions with the actor alone, never through the policy's forward (which also
    runs the critic and builds a distribution object at every step).
    """
    if env_id == "multi-obs":
        env = make_vec_env(lambda: short_episodes(SimpleMultiObsEnv(random_start=True)), n_envs=2, seed=0)
        policy = "MultiInputPolicy"
    else:
        env, policy = make_vec_env(lambda: short_episodes(gym.make(env_id), 50), n_envs=3, seed=0), "MlpPolicy"
    model = REINFORCE(policy, env, n_steps=40, baseline="value", value_epochs=2, seed=0)
    forward_calls = []
    forward = model.policy.forward
    model.policy.forward = lambda *args, **kwargs: forward_calls.append(1) or forward(*args, **kwargs)
    callback = ValuesAtRolloutEnd()
    model.learn(300, callback=callback)
    assert callback.n_checked == model._n_updates >= 2
    assert not forward_calls


def test_callbacks_tensorboard_progress_bar(tmp_path):
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
    eval_callback = EvalCallback(make_vec_env("CartPole-v1", n_envs=1), eval_freq=200, n_eval_episodes=2)
    checkpoint = CheckpointCallback(save_freq=200, save_path=str(tmp_path / "checkpoints"))
    model = REINFORCE("MlpPolicy", env, n_steps=64, baseline="value", tensorboard_log=str(tmp_path / "tb"), verbose=1)
    model.learn(1000, callback=[eval_callback, checkpoint], progress_bar=True)
    assert eval_callback.n_calls > 0 and len(list((tmp_path / "checkpoints").glob("*.zip"))) > 0
    assert len(list((tmp_path / "tb").glob("REINFORCE_1/events.out.tfevents.*"))) == 1
    logged = model.logger.name_to_value
    for key in [
        "train/policy_loss",
        "train/entropy_loss",
        "train/value_loss",
        "train/explained_variance",
        "train/weights_mean",
        "train/weights_std",
        "train/n_episodes",
        "train/grad_norm",
    ]:
        assert key in logged, key


class StepLocals(BaseCallback):
    """Keeps what a callback reads in ``self.locals`` at the first step."""

    def _on_step(self) -> bool:
        self.step_locals = {key: self.locals[key] for key in ("actions", "clipped_actions", "new_obs", "rewards", "dones")}
        return False


def test_callbacks_see_the_step_under_sb3_names():
    # Pendulum's actions lie in [-2, 2]: with log_std_init 3, the sampled ones go past it and the env gets them clipped
    callback = StepLocals()
    REINFORCE("MlpPolicy", "Pendulum-v1", policy_kwargs=dict(log_std_init=3.0), seed=0).learn(100, callback=callback)
    step = callback.step_locals
    assert np.abs(step["actions"]).max() > 2.0
    np.testing.assert_array_equal(step["clipped_actions"], np.clip(step["actions"], -2.0, 2.0))
    assert step["new_obs"].shape == (1, 3) and step["rewards"].shape == step["dones"].shape == (1,)


def test_vec_normalize_and_continued_learning():
    env = VecNormalize(make_vec_env("CartPole-v1", n_envs=2, seed=0))
    model = REINFORCE("MlpPolicy", env, n_steps=64, seed=0).learn(500)
    steps, updates = model.num_timesteps, model._n_updates
    # the policy saw normalized observations, whose statistics were updated at every step
    assert env.obs_rms.count == pytest.approx(steps + 2 * 4, abs=10)  # and at each reset of the two envs
    assert np.abs(model.rollout_buffer.observations).max() <= env.clip_obs
    model.learn(500, reset_num_timesteps=False)
    assert steps + 500 <= model.num_timesteps and model._n_updates > updates
    assert model._total_timesteps == steps + 500


def test_stop_training_callback_stops_mid_rollout():
    from stable_baselines3.common.callbacks import StopTrainingOnMaxEpisodes

    model = REINFORCE("MlpPolicy", "CartPole-v1", seed=0)
    # the first batch holds two episodes: the rollout is stopped after the first one, and nothing is trained
    model.learn(100_000, callback=StopTrainingOnMaxEpisodes(max_episodes=1))
    assert model.num_timesteps < 500 and model._n_updates == 0


class Clock(gym.Env):
    """An env whose observation is the step of its episode; episodes of 5 steps."""

    observation_space = gym.spaces.Box(0, 100, (1,))
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        self.t = 0
        return np.array([0.0], dtype=np.float32), {}

    def step(self, action):
        self.t += 1
        return np.array([self.t], dtype=np.float32), 1.0, self.t >= 5, False, {}


class StopAt(BaseCallback):
    def __init__(self, n_steps: int) -> None:
        super().__init__()
        self.n_steps = n_steps

    def _on_step(self) -> bool:
        return self.num_timesteps < self.n_steps


@pytest.mark.parametrize("stop_at", [11, 13])
def test_learning_resumed_after_a_stop_starts_whole_episodes(stop_at):
    """
    A callback stops learn() one step (an episode's first) or three steps into the second batch; learn() again
    trains on whole episodes, each observed from its first step (0) to its last (4).
    """
    model = REINFORCE("MlpPolicy", Clock(), n_steps=10, seed=0)
    model.learn(100, callback=StopAt(stop_at))  # the first batch: two episodes (10 steps); then stopped
    assert model._n_updates == 1 and model.num_timesteps == stop_at
    batches = ObservationsAtRolloutEnd()
    model.learn(10, reset_num_timesteps=False, callback=batches)
    assert len(batches.seen) == 1  # one batch of 10 steps
    observations, episode_starts = batches.seen[0]
    np.testing.assert_array_equal(observations, np.tile(np.arange(5.0), 2))
    np.testing.assert_array_equal(episode_starts, np.tile([1.0, 0, 0, 0, 0], 2))


class ObservationsAtRolloutEnd(BaseCallback):
    """Keeps the observations and episode starts of every batch (one env, one-dimensional observations)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[np.ndarray, np.ndarray]] = []

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        buffer = self.model.rollout_buffer
        self.seen.append((buffer.observations.reshape(-1).copy(), buffer.episode_starts.reshape(-1).copy()))


class EndlessEnv(gym.Env):
    """An env whose episodes never end: no termination, no time limit."""

    observation_space = gym.spaces.Box(-1, 1, (2,))
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        return np.zeros(2, dtype=np.float32), {}

    def step(self, action):
        return np.zeros(2, dtype=np.float32), 1.0, False, False, {}


def test_endless_episodes_raise_a_clear_error():
    model = REINFORCE("MlpPolicy", EndlessEnv(), n_steps=64, max_episode_length=300)
    with pytest.raises(ValueError, match=r"env: an episode of env 0 ran past max_episode_length=300 steps .*TimeLimit"):
        model.learn(2000)
    assert model.num_timesteps == 301
    # the fix the message names works
    model = REINFORCE("MlpPolicy", gym.wrappers.TimeLimit(EndlessEnv(), max_episode_steps=300), n_steps=64)
    model.learn(2000)
    assert model._n_updates > 0


def test_a_monitor_forbidding_early_resets_is_refused_where_an_episode_would_be_reset():
    def make_env():
        return Monitor(gym.make("CartPole-v1"), allow_early_resets=False)

    model = REINFORCE("MlpPolicy", DummyVecEnv([make_env, make_env]), n_steps=32)
    with pytest.raises(ValueError, match=r"env: env 0 is wrapped in a Monitor with allow_early_resets=False"):
        model.learn(500)
    assert model.num_timesteps == 0
    # one env is never reset inside an episode: its batches end with its episodes
    REINFORCE("MlpPolicy", DummyVecEnv([make_env]), n_steps=32).learn(500)
    # unless a callback stopped learn() inside an episode, and learn() goes on from there
    model = REINFORCE("MlpPolicy", DummyVecEnv([make_env]), n_steps=32)
    model.learn(500, callback=lambda local_vars, global_vars: local_vars["n_steps"] < 7)
    stopped_at = model.num_timesteps
    assert not model._last_episode_starts.all()
    with pytest.raises(ValueError, match=r"env: env 0 .*allow_early_resets=False; the previous learn\(\) stopped inside"):
        model.learn(500, reset_num_timesteps=False)
    assert model.num_timesteps == stopped_at


class RewardFrom(gym.Wrapper):
    """Gives ``reward`` from the env's ``step``-th step on (counted over episodes)."""

    def __init__(self, env: gym.Env, step: int, reward: float):
        super().__init__(env)
        self.steps, self.at, self.reward = 0, step, reward

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.steps += 1
        return obs, self.reward if self.steps >= self.at else reward, terminated, truncated, info


@pytest.mark.parametrize("reward", [np.nan, np.inf, -np.inf])
def test_non_finite_rewards_raise_a_clear_error(reward):
    env = make_vec_env(lambda: RewardFrom(IdentityEnv(dim=2, ep_length=10), step=37, reward=reward), n_envs=2, seed=0)
    model = REINFORCE("MlpPolicy", env, n_steps=16)
    with pytest.raises(ValueError, match=rf"env: env 0 returned the reward {reward} at step 74 .*VecCheckNan"):
        model.learn(1000)


def test_overflowing_returns_raise_a_clear_error():
    # every reward is a float32, but their sum is not
    env = make_vec_env(lambda: RewardFrom(IdentityEnv(dim=2, ep_length=10), step=3, reward=3e38), n_envs=1)
    model = REINFORCE("MlpPolicy", env, n_steps=16, gamma=1.0)
    with pytest.raises(ValueError, match=r"the batch's returns are not finite numbers .*VecNormalize"):
        model.learn(1000)


@pytest.mark.parametrize("n_envs", [1, 4])
def test_the_last_batch_is_sized_to_the_steps_left(n_envs):
    """learn(N) stops at N when whole episodes fit; it plays at least one episode per env per batch."""
    env = make_vec_env(lambda: IdentityEnv(dim=2, ep_length=100), n_envs=n_envs)
    model = REINFORCE("MlpPolicy", env, n_steps=1000 // n_envs)
    # 1 env: batches of 2, 10 and the 3 episodes left. 4 envs: 4 episodes, 10 (the envs step in lockstep: 12
    # episodes' worth of steps) and the 4 left (one per env), where a full batch would run to 2800.
    total = 1500 if n_envs == 1 else 2000
    model.learn(total)
    assert model.num_timesteps == total


def test_schedules_never_see_progress_outside_0_1():
    progress = []

    def schedule(progress_remaining: float) -> float:
        progress.append(progress_remaining)
        return 0.01 * progress_remaining

    # Episodes of 500 steps: the first batch (two episodes) already runs past learn(600).
    model = REINFORCE("MlpPolicy", make_vec_env(lambda: IdentityEnv(dim=2, ep_length=500)), learning_rate=schedule)
    model.learn(600)
    assert model.num_timesteps == 1000
    assert len(progress) > 1 and min(progress) == 0.0 and max(progress) <= 1.0
    assert model.policy.optimizer.param_groups[0]["lr"] == 0.0


@pytest.mark.parametrize("use_sde", [False, True])
@pytest.mark.parametrize("baseline", ["leave_one_out", "value"])
def test_box_actions_of_any_shape(use_sde, baseline):
    """A (2, 2) Box: the flat output of the Gaussian is reshaped to the space's shape, as SB3's policies do."""

    class SquareBoxEnv(gym.Env):
        observation_space = gym.spaces.Box(-1, 1, (3,), dtype=np.float32)
        action_space = gym.spaces.Box(-1, 1, (2, 2), dtype=np.float32)

        def reset(self, *, seed=None, options=None):
            super().reset(seed=seed)
            self.t = 0
            return self.observation_space.sample(), {}

        def step(self, action):
            assert action.shape == (2, 2) and self.action_space.contains(action)
            self.t += 1
            return self.observation_space.sample(), -float(np.sum(action**2)), self.t == 10, False, {}

    env = make_vec_env(SquareBoxEnv, n_envs=2)
    model = REINFORCE("MlpPolicy", env, n_steps=20, use_sde=use_sde, baseline=baseline, seed=0).learn(200)
    assert model._n_updates > 0 and model.rollout_buffer.actions.shape[-1] == 4
    action, _ = model.predict(env.reset())
    assert action.shape == (2, 2, 2)


def test_same_seed_same_model():
    def train(**kwargs):
        return REINFORCE("MlpPolicy", "CartPole-v1", n_steps=128, **kwargs).learn(2000)

    first, second = train(seed=3), train(seed=3)
    for a, b in zip(first.policy.parameters(), second.policy.parameters(), strict=True):
        assert th.equal(a, b)
    other = train(seed=4)
    assert not all(th.equal(a, b) for a, b in zip(first.policy.parameters(), other.policy.parameters(), strict=True))


def test_subprocess_envs():
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0, vec_env_cls=SubprocVecEnv)
    try:
        model = REINFORCE("MlpPolicy", env, n_steps=64, seed=0).learn(600)
        assert model._n_updates >= 2
    finally:
        env.close()


class DeterministicPolicy(th.nn.Module):
    """The policy's greedy action, as a module to trace or export (SB3's export guide)."""

    def __init__(self, policy: th.nn.Module):
        super().__init__()
        self.policy = policy

    def forward(self, observation: th.Tensor) -> th.Tensor:
        return self.policy(observation, deterministic=True)[0]


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Pendulum-v1"])
def test_export_torchscript_and_onnx(tmp_path, env_id):
    import onnxruntime

    model = REINFORCE("MlpPolicy", env_id, n_steps=64, seed=0).learn(500)
    model.observation_space.seed(0)
    observations = np.stack([model.observation_space.sample() for _ in range(5)])
    expected, _ = model.predict(observations, deterministic=True)

    exported = DeterministicPolicy(model.policy)
    th.jit.trace(exported, th.as_tensor(observations[:1])).save(tmp_path / "policy.pt")
    traced = th.jit.load(tmp_path / "policy.pt")
    for observation, action in zip(observations, expected, strict=True):
        np.testing.assert_allclose(traced(th.as_tensor(observation[None])).detach().numpy()[0], action, rtol=1e-6)

    th.onnx.export(exported, th.as_tensor(observations[:1]), tmp_path / "policy.onnx", input_names=["input"], dynamo=False)
    session = onnxruntime.InferenceSession(tmp_path / "policy.onnx")
    for observation, action in zip(observations, expected, strict=True):
        (onnx_action,) = session.run(None, {"input": observation[None]})
        np.testing.assert_allclose(onnx_action[0], action, rtol=1e-5)

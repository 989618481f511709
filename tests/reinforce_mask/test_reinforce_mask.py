import gymnasium as gym
import numpy as np
import pytest
from sb3_contrib.common.envs import InvalidActionEnvDiscrete, InvalidActionEnvMultiBinary, InvalidActionEnvMultiDiscrete
from sb3_contrib.common.maskable.callbacks import MaskableEvalCallback
from sb3_contrib.common.maskable.evaluation import evaluate_policy
from sb3_contrib.common.maskable.utils import get_action_masks
from sb3_contrib.common.wrappers import ActionMasker
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.envs import IdentityEnv
from stable_baselines3.common.policies import ActorCriticPolicy

from sb3_reinforce import MaskableREINFORCE
from tests.reinforce.test_exact_gradient import (
    WEIGHT_OF,
    assert_matches,
    exact_expectation,
    make_model,
    sampled_gradients,
    unbiased_samples,
)


class InvalidActionCounter(gym.Wrapper):
    """Counts the steps taken with an action its env's mask forbids."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.invalid = 0
        self.steps = 0

    def step(self, action):
        mask = np.asarray(self.env.unwrapped.action_masks(), dtype=bool)
        space = self.action_space
        if isinstance(space, gym.spaces.Discrete):
            valid = mask[int(action)]
        else:  # MultiDiscrete: one block of the mask per dimension
            offsets = np.concatenate(([0], np.cumsum(space.nvec)[:-1]))
            valid = mask[offsets + np.asarray(action)].all()
        self.invalid += int(not valid)
        self.steps += 1
        return self.env.step(action)


@pytest.mark.parametrize(
    "make_env",
    [
        lambda: InvalidActionEnvDiscrete(dim=20, n_invalid_actions=15, ep_length=50),
        lambda: InvalidActionEnvMultiDiscrete(dims=[4, 5], n_invalid_actions=5, ep_length=50),
    ],
    ids=["Discrete", "MultiDiscrete"],
)
def test_never_samples_an_invalid_action(make_env):
    env = make_vec_env(make_env, n_envs=2, seed=0, wrapper_class=InvalidActionCounter)
    eval_env = make_vec_env(make_env, n_envs=1, seed=1, wrapper_class=InvalidActionCounter)
    callback = MaskableEvalCallback(eval_env, eval_freq=500, n_eval_episodes=3, warn=False)
    model = MaskableREINFORCE("MlpPolicy", env, n_steps=100, seed=0).learn(2_000, callback=callback)
    evaluate_policy(model, eval_env, n_eval_episodes=3, deterministic=False, warn=False)
    train_counts = env.get_attr("invalid"), env.get_attr("steps")
    eval_counts = eval_env.get_attr("invalid"), eval_env.get_attr("steps")
    assert sum(train_counts[1]) >= 2_000 and sum(eval_counts[1]) >= 3 * 50
    assert sum(train_counts[0]) == 0 and sum(eval_counts[0]) == 0


@pytest.mark.slow
def test_learns_invalid_action_env_discrete():
    """sb3-contrib's threshold for MaskablePPO on this env: a mean return of 90 over 20 episodes."""
    env = InvalidActionEnvDiscrete(dim=70, n_invalid_actions=55)
    model = MaskableREINFORCE("MlpPolicy", env, gamma=0.4, seed=32).learn(6_000)
    evaluate_policy(model, env, n_eval_episodes=20, reward_threshold=90, warn=False)


@pytest.mark.slow
def test_learns_invalid_action_env_multi_discrete():
    env = InvalidActionEnvMultiDiscrete(dims=[10, 10], n_invalid_actions=10)
    model = MaskableREINFORCE("MlpPolicy", env, gamma=0.4, seed=32).learn(6_000)
    evaluate_policy(model, env, n_eval_episodes=20, reward_threshold=90, warn=False)


def test_multi_binary_and_value_baseline():
    env = InvalidActionEnvMultiBinary(dims=3, n_invalid_actions=1, ep_length=20)
    model = MaskableREINFORCE("MlpPolicy", env, n_steps=40, baseline="value", seed=0).learn(200)
    # the value head gave the baseline and was fitted
    assert np.any(model.rollout_buffer.values != 0)
    assert np.isfinite(model.logger.name_to_value["train/value_loss"])
    # and the masked policy never picks a forbidden bit value: mask[2 * i + b] allows bit i to be b
    obs, _ = env.reset(seed=0)
    for _ in range(20):
        masks = np.asarray(env.action_masks())
        action, _ = model.predict(obs, action_masks=masks)
        assert masks[2 * np.arange(3) + action].all()
        obs, *_ = env.step(action)


def test_predict_with_masks():
    env = InvalidActionEnvDiscrete(dim=10, n_invalid_actions=9)
    model = MaskableREINFORCE("MlpPolicy", env, seed=0)
    obs, _ = env.reset(seed=0)
    masks = np.asarray(env.action_masks())
    for _ in range(20):
        action, _ = model.predict(obs, action_masks=masks)
        assert masks[int(action)]


@pytest.mark.parametrize("baseline", [None, "leave_one_out"])
@pytest.mark.parametrize("reward_to_go, exact", [(False, False), (True, True)])
def test_exact_gradient_with_masks(reward_to_go, exact, baseline):
    """The loss uses the masked policy's log-probabilities: its gradient estimates the masked policy's grad J."""
    model = make_model(
        algo=MaskableREINFORCE,
        masked=True,
        reward_to_go=reward_to_go,
        exact_discounted_gradient=exact,
        baseline=baseline,
    )
    samples, episodes = sampled_gradients(model)
    expected = exact_expectation(model, WEIGHT_OF[reward_to_go, exact], masked=True)
    assert_matches(unbiased_samples(model, samples, episodes), expected)


def test_save_load_keeps_masked_predictions(tmp_path):
    env = make_vec_env(lambda: InvalidActionEnvDiscrete(dim=10, n_invalid_actions=5), n_envs=2, seed=0)
    model = MaskableREINFORCE("MlpPolicy", env, n_steps=200, seed=0).learn(1_000)
    obs = env.reset()
    masks = get_action_masks(env)
    actions, _ = model.predict(obs, deterministic=True, action_masks=masks)
    model.save(tmp_path / "model")
    loaded = MaskableREINFORCE.load(tmp_path / "model", env=env)
    np.testing.assert_array_equal(loaded.predict(obs, deterministic=True, action_masks=masks)[0], actions)
    assert np.all(masks[np.arange(2), actions])
    loaded.learn(500, reset_num_timesteps=False)


class ActionZeroCounter(gym.Wrapper):
    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.zeros = 0
        self.steps = 0

    def step(self, action):
        self.zeros += int(action == 0)
        self.steps += 1
        return self.env.step(action)


def test_action_masker_wrapper():
    def mask_fn(env: gym.Env) -> np.ndarray:
        return np.arange(env.action_space.n) != 0

    counter = ActionZeroCounter(IdentityEnv(dim=4, ep_length=20))
    model = MaskableREINFORCE("MlpPolicy", ActionMasker(counter, mask_fn), n_steps=40, seed=0).learn(400)
    assert counter.steps >= 400 and counter.zeros == 0
    assert not model.rollout_buffer.action_masks[..., 0].any()


def test_an_env_without_masks_is_accepted_until_masking_is_asked_for(tmp_path):
    """As MaskablePPO: construction and load take a plain env; learn() with masking says what is missing."""
    env = make_vec_env(lambda: IdentityEnv(dim=3, ep_length=10), n_envs=2, seed=0)
    model = MaskableREINFORCE("MlpPolicy", env, n_steps=20, seed=0)
    with pytest.raises(
        ValueError, match=r"env: MaskableREINFORCE needs an env with an action_masks\(\) method.*use_masking=False"
    ):
        model.learn(100)
    model.learn(200, use_masking=False)
    assert model._n_updates > 0
    mean_return, _ = evaluate_policy(model, env, n_eval_episodes=2, use_masking=False, warn=False)
    assert 0 <= mean_return <= 10
    model.save(tmp_path / "model")
    loaded = MaskableREINFORCE.load(tmp_path / "model", env=env)
    loaded.learn(100, use_masking=False, reset_num_timesteps=False)
    with pytest.raises(ValueError, match=r"action_masks\(\)"):
        loaded.learn(100)


def test_clear_errors():
    with pytest.raises(
        ValueError, match=r"env: MaskableREINFORCE supports the action spaces Discrete, MultiDiscrete, MultiBinary"
    ):
        MaskableREINFORCE("MlpPolicy", ActionMasker(gym.make("Pendulum-v1"), lambda env: np.ones(1, dtype=bool)))
    with pytest.raises(ValueError, match=r"use_sde"):
        MaskableREINFORCE("MlpPolicy", InvalidActionEnvDiscrete(dim=3, n_invalid_actions=1), use_sde=True)
    message = r"policy: MaskableREINFORCE needs a subclass of MaskableActorCriticPolicy \(MlpPolicy, .*\); got"
    with pytest.raises(ValueError, match=message):
        MaskableREINFORCE(ActorCriticPolicy, InvalidActionEnvDiscrete(dim=3, n_invalid_actions=1))


def test_learning_without_masks():
    """use_masking=False ignores the env's masks: the stored masks allow everything and invalid actions are played."""
    env = make_vec_env(
        lambda: InvalidActionEnvDiscrete(dim=5, n_invalid_actions=2, ep_length=20),
        n_envs=1,
        wrapper_class=InvalidActionCounter,
    )
    model = MaskableREINFORCE("MlpPolicy", env, n_steps=40, seed=0)
    model.learn(200, use_masking=False)
    assert model.rollout_buffer.action_masks.all()
    assert sum(env.get_attr("invalid")) > 0


def test_natural_gradient_with_masks():
    """The Fisher products go through the masked distribution: steps within target_kl, never an invalid action."""
    make_env = lambda: InvalidActionEnvDiscrete(dim=20, n_invalid_actions=10, ep_length=50)  # noqa: E731
    env = make_vec_env(make_env, n_envs=2, seed=0, wrapper_class=InvalidActionCounter)
    model = MaskableREINFORCE("MlpPolicy", env, n_steps=64, gamma=0.4, target_kl=0.02, natural_gradient=True, seed=0)
    model.learn(2_000)
    assert 0 < model.logger.name_to_value["train/approx_kl"] <= 0.02
    invalid, steps = env.get_attr("invalid"), env.get_attr("steps")
    assert sum(steps) >= 2_000 and sum(invalid) == 0

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from sb3_contrib.common.envs import InvalidActionEnvDiscrete, InvalidActionEnvMultiBinary, InvalidActionEnvMultiDiscrete
from sb3_contrib.common.maskable import evaluation as contrib_evaluation
from sb3_contrib.common.maskable.utils import get_action_masks
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.envs import FakeImageEnv, SimpleMultiObsEnv
from stable_baselines3.common.vec_env import DummyVecEnv

from sb3_reinforce import MaskableRecurrentREINFORCE, RecurrentREINFORCE
from sb3_reinforce.common.evaluation import MaskableEvalCallback, evaluate_policy
from sb3_reinforce.reinforce_recurrent_mask.policies import MaskableRecurrentActorCriticPolicy
from tests.cue_recall import CueRecall
from tests.reinforce_mask.test_reinforce_mask import InvalidActionCounter
from tests.reinforce_recurrent.test_reinforce_recurrent import check_multi_discrete_observations

SMALL = dict(lstm_hidden_size=16, net_arch=[16])


def masked_cue_env(n_envs: int = 4, seed: int = 0):
    return make_vec_env(CueRecall, n_envs=n_envs, seed=seed, env_kwargs=dict(masked=True))


def test_learns_a_masked_memory_task_without_an_invalid_action():
    """
    The cue task with masks (only action 2 before the query, actions 0 and 1 at it): the env fails on any
    invalid action, in training and in evaluation. With sb3-contrib's maskable evaluate_policy the policy
    loses its memory (it is given no state), with sb3_reinforce's it recalls every cue.
    """
    model = MaskableRecurrentREINFORCE(
        "MlpLstmPolicy", masked_cue_env(), n_steps=16, learning_rate=0.01, policy_kwargs=SMALL, seed=0
    )
    model.learn(15_000)
    mean, _ = evaluate_policy(model, masked_cue_env(n_envs=2, seed=100), n_eval_episodes=100)
    assert mean >= 0.95
    forgetful, _ = contrib_evaluation.evaluate_policy(model, masked_cue_env(n_envs=2, seed=100), n_eval_episodes=100)
    assert forgetful <= 0.65
    # the evaluation callback too
    callback = MaskableEvalCallback(masked_cue_env(n_envs=1, seed=100), n_eval_episodes=20, eval_freq=1, verbose=0)
    callback.init_callback(model)
    callback._on_step()
    assert callback.last_mean_reward >= 0.95 and callback.model is model


def test_masks_are_applied_in_rollouts_and_in_the_loss():
    """sb3-contrib's test env with 60 invalid actions of 80: none is ever sampled, and the loss sees the masks."""
    env = InvalidActionEnvDiscrete(dim=80, n_invalid_actions=60)
    model = MaskableRecurrentREINFORCE("MlpLstmPolicy", env, n_steps=64, policy_kwargs=SMALL, seed=0)
    model.learn(500)  # the env raises on an invalid action
    data = next(model.rollout_buffer.get())
    log_prob, entropy, _ = model._evaluate_actions(data)
    assert th.all(th.isfinite(log_prob)) and th.all(entropy <= np.log(20) + 1e-5)
    assert data.action_masks.sum(dim=1).eq(20).all()


def test_multi_discrete_actions():
    """sb3-contrib's MultiDiscrete test env (MultiDiscrete observations too): no invalid action is ever taken."""
    make_env = lambda: InvalidActionEnvMultiDiscrete(dims=[4, 5], n_invalid_actions=5)  # noqa: E731
    env = make_vec_env(make_env, n_envs=2, seed=0, wrapper_class=InvalidActionCounter)
    model = MaskableRecurrentREINFORCE("MlpLstmPolicy", env, n_steps=64, policy_kwargs=SMALL, seed=0)
    model.learn(500)
    assert model.policy.action_net.out_features == 9
    assert sum(env.get_attr("steps")) >= 500 and sum(env.get_attr("invalid")) == 0


@pytest.mark.parametrize("baseline", [None, "value"])
def test_multibinary_and_value_baseline(baseline):
    env = InvalidActionEnvMultiBinary(dims=10, n_invalid_actions=5)
    model = MaskableRecurrentREINFORCE("MlpLstmPolicy", env, n_steps=64, baseline=baseline, policy_kwargs=SMALL, seed=0)
    model.learn(300)
    assert model.policy.action_net.out_features == 20


def test_predict_with_states_and_masks(tmp_path):
    env = masked_cue_env(n_envs=2)
    model = MaskableRecurrentREINFORCE("MlpLstmPolicy", env, n_steps=16, policy_kwargs=SMALL, seed=0)
    model.learn(200)
    obs = env.reset()
    masks = get_action_masks(env)
    actions, state = model.predict(obs, action_masks=masks)
    assert np.all(actions == 2) and state[0].shape == (1, 2, 16)
    # the state goes on, and episode_start resets it, as RecurrentPPO's predict does
    _, carried = model.predict(obs, state, np.zeros(2, dtype=bool), action_masks=masks)
    _, restarted = model.predict(obs, carried, np.ones(2, dtype=bool), action_masks=masks)
    np.testing.assert_allclose(restarted[0], state[0], atol=1e-6)
    assert not np.allclose(carried[0], state[0])
    model.save(tmp_path / "model")
    loaded = MaskableRecurrentREINFORCE.load(tmp_path / "model", env=env)
    assert isinstance(loaded.policy, MaskableRecurrentActorCriticPolicy)
    for _ in range(20):
        masks = get_action_masks(env)
        actions, state = loaded.predict(obs, state, deterministic=True, action_masks=masks)
        assert masks[np.arange(2), actions].all()
        obs, *_ = env.step(actions)


def test_eval_callback_keeps_the_state(tmp_path):
    eval_env = masked_cue_env(n_envs=1, seed=100)
    callback = MaskableEvalCallback(eval_env, n_eval_episodes=4, eval_freq=100, best_model_save_path=str(tmp_path), verbose=0)
    model = MaskableRecurrentREINFORCE("MlpLstmPolicy", masked_cue_env(), n_steps=16, policy_kwargs=SMALL, seed=0)
    model.learn(500, callback=callback)
    assert (tmp_path / "best_model.zip").exists() and np.isfinite(callback.best_mean_reward)
    assert callback.model is model


def test_learn_without_masking():
    model = MaskableRecurrentREINFORCE(
        "MlpLstmPolicy", make_vec_env("CartPole-v1", n_envs=2, seed=0), n_steps=16, policy_kwargs=SMALL
    )
    model.learn(200, use_masking=False)
    with pytest.raises(ValueError, match=r"env: MaskableRecurrentREINFORCE needs an env with an action_masks\(\) method"):
        model.learn(200)


def test_errors():
    policy = RecurrentREINFORCE.policy_aliases["MlpLstmPolicy"]
    with pytest.raises(
        ValueError, match=r"policy: MaskableRecurrentREINFORCE needs a subclass of MaskableRecurrentActorCriticPolicy"
    ):
        MaskableRecurrentREINFORCE(policy, masked_cue_env())
    with pytest.raises(ValueError, match="use_sde"):
        MaskableRecurrentREINFORCE("MlpLstmPolicy", masked_cue_env(), use_sde=True)
    with pytest.raises(ValueError, match="env: MaskableRecurrentREINFORCE supports the action spaces"):
        MaskableRecurrentREINFORCE("MlpLstmPolicy", "Pendulum-v1")


def test_multi_discrete_observations():
    check_multi_discrete_observations(MaskableRecurrentREINFORCE)


class FirstActionsForbidden(gym.Wrapper):
    """An env of SB3's tests whose mask forbids its first ``n_forbidden`` actions; counts the steps that take one."""

    def __init__(self, env: gym.Env, n_forbidden: int):
        super().__init__(gym.wrappers.TimeLimit(env, 20))
        self.mask = np.arange(env.action_space.n) >= n_forbidden
        self.invalid = 0

    def action_masks(self) -> np.ndarray:
        return self.mask

    def step(self, action):
        self.invalid += int(not self.mask[int(action)])
        return super().step(action)


@pytest.mark.parametrize(
    "policy, env, n_forbidden",
    [
        ("MultiInputLstmPolicy", lambda: SimpleMultiObsEnv(random_start=False), 2),
        ("CnnLstmPolicy", lambda: FakeImageEnv(screen_height=36, screen_width=36, n_channels=1, discrete=True), 1),
    ],
)
def test_dict_and_image_observations(policy, env, n_forbidden):
    vec_env = DummyVecEnv([lambda: FirstActionsForbidden(env(), n_forbidden)] * 2)
    kwargs = dict(lstm_hidden_size=8, features_extractor_kwargs=dict(features_dim=16)) if policy == "CnnLstmPolicy" else SMALL
    model = MaskableRecurrentREINFORCE(
        policy, vec_env, n_steps=16, baseline="value", value_epochs=1, policy_kwargs=kwargs, seed=0
    )
    model.learn(300)
    assert vec_env.get_attr("invalid") == [0, 0]
    # the batch's masks reach the loss: its distributions spread over the allowed actions only
    data = next(model.rollout_buffer.get())
    log_prob, entropy, _ = model._evaluate_actions(data)
    n_allowed = vec_env.action_space.n - n_forbidden
    assert th.all(th.isfinite(log_prob)) and th.all(entropy <= np.log(n_allowed) + 1e-5)
    assert data.action_masks.sum(dim=1).eq(n_allowed).all()
    obs = vec_env.reset()
    actions, state = model.predict(obs, deterministic=True, action_masks=get_action_masks(vec_env))
    assert np.all(actions >= n_forbidden) and state[0].shape == (1, 2, kwargs["lstm_hidden_size"])

from types import SimpleNamespace

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from sb3_contrib.common.envs import InvalidActionEnvDiscrete
from stable_baselines3.common.envs import IdentityEnv, IdentityEnvBox, IdentityEnvMultiDiscrete
from stable_baselines3.common.policies import ActorCriticPolicy, BasePolicy
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor

from sb3_reinforce import REINFORCE, MaskableRecurrentREINFORCE, MaskableREINFORCE, RecurrentREINFORCE
from sb3_reinforce.common.sampling import sample_actions

N_SAMPLES = 200_000


def policy_for(env: gym.Env, policy: str | type[ActorCriticPolicy] = "MlpPolicy", **kwargs):
    kwargs.setdefault("policy_kwargs", dict(net_arch=[8]))
    return REINFORCE(policy, env, seed=0, **kwargs).policy


def sample_one_observation(env: gym.Env | str, **kwargs) -> tuple[np.ndarray, th.distributions.Distribution]:
    """Sample N_SAMPLES actions for one random observation, and return them with the policy's distribution there."""
    env = gym.make(env) if isinstance(env, str) else env
    env.observation_space.seed(1)
    policy = policy_for(env, **kwargs)
    obs = policy.obs_to_tensor(env.observation_space.sample()[None])[0]
    th.manual_seed(0)
    with th.no_grad():
        # SB3 initialises the action layer near zero; random weights make a distribution far from uniform.
        th.nn.init.normal_(policy.action_net.weight)
        th.nn.init.normal_(policy.action_net.bias)
        actions = sample_actions(policy, obs.repeat(N_SAMPLES, 1))
        distribution = policy.get_distribution(obs).distribution
    return actions.numpy(), distribution


def assert_frequencies_match(actions: np.ndarray, probs: np.ndarray) -> None:
    """The empirical frequencies of ``actions`` are those of ``probs`` within 4 standard errors."""
    frequencies = np.bincount(actions, minlength=len(probs)) / len(actions)
    standard_errors = np.sqrt(probs * (1 - probs) / len(actions))
    assert np.all(np.abs(frequencies - probs) < 4 * standard_errors), (frequencies, probs)


@pytest.mark.parametrize("env", ["CartPole-v1", IdentityEnv(dim=3), IdentityEnv(dim=6)], ids=["2", "3", "6"])
def test_categorical_frequencies_match_the_policy(env):
    """With three or more actions a wrong Gumbel noise (its sign flipped, say) gives wrong probabilities."""
    actions, distribution = sample_one_observation(env)
    assert actions.shape == (N_SAMPLES,) and actions.dtype == np.int64
    probs = distribution.probs[0].numpy()
    assert probs.max() - probs.min() > 0.1  # the test tells a wrong sampler from a uniform one
    assert_frequencies_match(actions, probs)


def test_multi_discrete_frequencies_match_the_policy():
    actions, distributions = sample_one_observation(IdentityEnvMultiDiscrete(dim=4))
    assert actions.shape == (N_SAMPLES, 2)
    for dim, distribution in enumerate(distributions):
        assert_frequencies_match(actions[:, dim], distribution.probs[0].numpy())


def test_gaussian_mean_and_std_match_the_policy():
    actions, distribution = sample_one_observation("Pendulum-v1", policy_kwargs=dict(net_arch=[8], log_std_init=-1.0))
    mean, std = distribution.mean[0].numpy(), distribution.stddev[0].numpy()
    assert actions.shape == (N_SAMPLES, 1)
    assert np.all(np.abs(actions.mean(axis=0) - mean) < 4 * std / np.sqrt(N_SAMPLES))
    np.testing.assert_allclose(actions.std(axis=0), std, rtol=0.01)


OTHER_DISTRIBUTIONS = [(IdentityEnvMultiDiscrete(dim=3), {}), (IdentityEnvBox(), dict(use_sde=True))]


@pytest.mark.parametrize("env, kwargs", OTHER_DISTRIBUTIONS, ids=["multidiscrete", "sde"])
def test_other_distributions_sample_through_the_policy(env, kwargs):
    policy = policy_for(env, **kwargs)
    obs = policy.obs_to_tensor(env.observation_space.sample()[None])[0]
    with th.no_grad():
        th.manual_seed(1)
        expected = policy.get_distribution(obs).get_actions()
        th.manual_seed(1)
        np.testing.assert_array_equal(sample_actions(policy, obs).numpy(), expected.numpy())


class LeftOnly(ActorCriticPolicy):
    """A policy whose forward always pushes the cart left."""

    def forward(self, obs: th.Tensor, deterministic: bool = False) -> tuple[th.Tensor, th.Tensor, th.Tensor]:
        actions, values, log_prob = super().forward(obs, deterministic)
        return th.zeros_like(actions), values, log_prob


def test_a_policy_that_overrides_forward_is_sampled_through_it():
    """As SB3's rollouts, which call the policy's forward."""
    model = REINFORCE(LeftOnly, "CartPole-v1", n_steps=64, seed=0)
    model.learn(100)
    assert model.rollout_buffer.buffer_size > 0 and not model.rollout_buffer.actions.any()


class Blind(ActorCriticPolicy):
    """A policy whose own features ignore the observation."""

    def extract_features(
        self, obs: th.Tensor, features_extractor: BaseFeaturesExtractor | None = None
    ) -> th.Tensor | tuple[th.Tensor, th.Tensor]:
        return super().extract_features(th.zeros_like(obs), features_extractor)


def test_a_policy_that_overrides_its_features_is_trained_through_them():
    """The policy trained is the one that sampled (as A2C's, which trains through evaluate_actions): the first
    layer of a policy that never sees the observation gets no gradient."""
    model = REINFORCE(Blind, "CartPole-v1", n_steps=64, seed=0, policy_kwargs=dict(net_arch=[8]))
    first_layer = model.policy.mlp_extractor.policy_net[0].weight
    before = first_layer.detach().clone()
    model.learn(500)
    assert model._n_updates > 0
    th.testing.assert_close(first_layer.detach(), before, rtol=0, atol=0)
    data = next(model.rollout_buffer.get())
    _, expected, _ = model.policy.evaluate_actions(data.observations, data.actions.long().flatten())
    th.testing.assert_close(model._evaluate_actions(data)[0], expected)


@pytest.mark.parametrize("env", ["CartPole-v1", "Pendulum-v1", IdentityEnvMultiDiscrete(dim=3)])
def test_training_without_the_critic_is_the_policys_evaluate_actions(env):
    env = gym.make(env) if isinstance(env, str) else env
    model = REINFORCE("MlpPolicy", env, seed=0, policy_kwargs=dict(net_arch=[8]))
    policy = model.policy
    obs = policy.obs_to_tensor(np.stack([env.observation_space.sample() for _ in range(5)]))[0]
    with th.no_grad():
        actions = policy(obs)[0]
        _, log_prob, entropy = policy.evaluate_actions(obs, actions)
        log_prob_trained, entropy_trained, values = model._evaluate_actions(SimpleNamespace(observations=obs, actions=actions))
        th.testing.assert_close((log_prob_trained, entropy_trained), (log_prob, entropy))
        assert values is None


def counting_features(base: type[BasePolicy]) -> type[BasePolicy]:
    """A subclass of ``base`` that counts the calls of its own extract_features."""

    class Counted(base):  # type: ignore[misc, valid-type]
        calls = 0

        def extract_features(self, *args, **kwargs):
            Counted.calls += 1
            return super().extract_features(*args, **kwargs)

    return Counted


ALGOS = [
    (REINFORCE, "CartPole-v1"),
    (MaskableREINFORCE, "masked"),
    (RecurrentREINFORCE, "CartPole-v1"),
    (MaskableRecurrentREINFORCE, "masked"),
]


@pytest.mark.parametrize("baseline", [dict(), dict(baseline="value"), dict(baseline="value", value_epochs=1)])
@pytest.mark.parametrize(("algo", "env"), ALGOS, ids=[algo.__name__ for algo, _ in ALGOS])
def test_a_policy_that_overrides_its_features_is_sampled_and_trained_through_them(algo, env, baseline):
    """As SB3's and sb3-contrib's algorithms: they sample through forward and train through evaluate_actions."""
    env = InvalidActionEnvDiscrete(dim=4, n_invalid_actions=1) if env == "masked" else env
    policy = counting_features(algo.policy_base)
    model = algo(policy, env, n_steps=32, seed=0, **baseline)
    _, callback = model._setup_learn(1000, None)
    policy.calls = 0
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    assert policy.calls > 0
    policy.calls = 0
    model._evaluate_actions(next(model.rollout_buffer.get()))
    assert policy.calls > 0

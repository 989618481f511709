import gymnasium as gym
import numpy as np
import pytest
import torch as th
from stable_baselines3.common.envs import IdentityEnvBox, IdentityEnvMultiDiscrete

from sb3_reinforce import REINFORCE
from sb3_reinforce.common.sampling import sample_actions

N_SAMPLES = 200_000


def policy_for(env: gym.Env, **kwargs):
    kwargs.setdefault("policy_kwargs", dict(net_arch=[8]))
    return REINFORCE("MlpPolicy", env, seed=0, **kwargs).policy


def sample_one_observation(env_id: str, **kwargs) -> tuple[np.ndarray, th.distributions.Distribution]:
    """Sample N_SAMPLES actions for one random observation, and return them with the policy's distribution there."""
    env = gym.make(env_id)
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


def test_categorical_frequencies_match_the_policy():
    actions, distribution = sample_one_observation("CartPole-v1")
    assert actions.shape == (N_SAMPLES,) and actions.dtype == np.int64
    probs = distribution.probs[0].numpy()
    assert probs.min() < 0.45  # the test tells a wrong sampler from a fair coin
    frequencies = np.bincount(actions, minlength=2) / N_SAMPLES
    standard_errors = np.sqrt(probs * (1 - probs) / N_SAMPLES)
    assert np.all(np.abs(frequencies - probs) < 4 * standard_errors), (frequencies, probs)


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

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from stable_baselines3.common.envs import IdentityEnv, IdentityEnvBox, IdentityEnvMultiDiscrete

from sb3_reinforce import REINFORCE
from sb3_reinforce.common.sampling import sample_actions

N_SAMPLES = 200_000


def policy_for(env: gym.Env, **kwargs):
    return REINFORCE("MlpPolicy", env, seed=0, policy_kwargs=dict(net_arch=[8]), **kwargs).policy


def test_categorical_frequencies_match_softmax():
    policy = policy_for(IdentityEnv(dim=4))
    logits = th.tensor([1.5, -0.5, 0.0, 0.7])
    with th.no_grad():
        policy.action_net.weight.zero_()
        policy.action_net.bias.copy_(logits)
    obs = th.zeros(N_SAMPLES, 1)
    th.manual_seed(0)
    with th.no_grad():
        actions = sample_actions(policy, obs)
    assert actions.shape == (N_SAMPLES,) and actions.dtype == th.int64
    frequencies = np.bincount(actions.numpy(), minlength=4) / N_SAMPLES
    probs = th.softmax(logits, 0).numpy()
    standard_errors = np.sqrt(probs * (1 - probs) / N_SAMPLES)
    assert np.all(np.abs(frequencies - probs) < 4 * standard_errors), (frequencies, probs)


def test_gaussian_mean_and_std():
    policy = policy_for(IdentityEnvBox(), use_sde=False)
    with th.no_grad():
        policy.action_net.weight.zero_()
        policy.action_net.bias.fill_(0.3)
        policy.log_std.fill_(np.log(0.2))
    th.manual_seed(0)
    with th.no_grad():
        actions = sample_actions(policy, th.zeros(N_SAMPLES, 1)).numpy()
    assert actions.shape == (N_SAMPLES, 1)
    assert abs(actions.mean() - 0.3) < 4 * 0.2 / np.sqrt(N_SAMPLES)
    assert abs(actions.std() - 0.2) < 0.002


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

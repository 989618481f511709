"""
The loss's gradient against the exact policy gradient of a tiny MDP, computed by enumerating every
trajectory. With learning rate 0 the policy stays fixed, so the gradients of many rollouts are
independent samples of the estimator, whose mean must match ``c * grad J`` within a few standard errors.
"""

import numpy as np
import pytest
import torch as th
from stable_baselines3.common.env_util import make_vec_env

from sb3_reinforce import REINFORCE
from tests.tiny_mdp import N_STATES, TinyMDP, expected_estimator, state_values

GAMMA = 0.5
N_ROLLOUTS = 2000
TOLERANCE = 4.5  # standard errors, for each of the 12 gradient components


def make_model(algo=REINFORCE, masked=False, n_envs=2, n_steps=3, **kwargs):
    env = make_vec_env(TinyMDP, n_envs=n_envs, seed=0, env_kwargs=dict(masked=masked))
    model = algo(
        "MlpPolicy",
        env,
        learning_rate=0.0,
        n_steps=n_steps,
        gamma=GAMMA,
        ent_coef=0.0,
        max_grad_norm=None,
        normalize_advantage=False,
        policy_kwargs=dict(net_arch=dict(pi=[], vf=[])),
        seed=0,
        **kwargs,
    )
    # A policy far from uniform, and (for the value baseline) the exact state values of that policy.
    generator = th.Generator().manual_seed(1)
    with th.no_grad():
        model.policy.action_net.weight.copy_(th.randn(2, N_STATES, generator=generator))
        model.policy.action_net.bias.zero_()
        values = state_values(log_prob_table(model, masked), GAMMA, masked)
        model.policy.value_net.weight.copy_(th.as_tensor(values, dtype=th.float32)[None])
        model.policy.value_net.bias.zero_()
    return model


def log_prob_table(model, masked=False) -> th.Tensor:
    obs = th.eye(N_STATES)
    distribution = model.policy.get_distribution(obs)
    return th.log_softmax(distribution.distribution.logits, dim=-1)


def policy_parameters(model) -> list[th.Tensor]:
    return [model.policy.action_net.weight, model.policy.action_net.bias]


def sampled_gradients(model, n_rollouts=N_ROLLOUTS) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of ``-loss`` over many rollouts, and the number of episodes per env in each rollout."""
    _, callback = model._setup_learn(total_timesteps=10**9, callback=None)
    gradients, episodes = [], []
    for _ in range(n_rollouts):
        assert model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
        model.train()
        gradients.append(-th.cat([p.grad.flatten() for p in policy_parameters(model)]).numpy())
        episodes.append(model.logger.name_to_value["train/n_episodes"] / model.n_envs)
    return np.array(gradients), np.array(episodes)


def exact_gradient(model, weight: str, masked=False) -> tuple[np.ndarray, float]:
    """Exact expectation of the estimator ``sum_t grad log pi * Psi_t`` and of the episodes per env."""
    surrogate, p_short = expected_estimator(log_prob_table(model, masked), GAMMA, weight, masked)
    parameters = policy_parameters(model)
    grads = th.autograd.grad(surrogate, parameters)
    # With n_steps = 3, an env plays a second episode exactly when its first one lasts two steps.
    episodes_per_env = 1.0 + p_short.item() if model.n_steps == 3 else 1.0
    return th.cat([g.flatten() for g in grads]).numpy(), episodes_per_env


def assert_matches(samples: np.ndarray, expected: np.ndarray) -> None:
    mean = samples.mean(axis=0)
    stderr = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    z = np.abs(mean - expected) / np.maximum(stderr, 1e-12)
    assert np.all(z < TOLERANCE), f"mean {mean}\nexpected {expected}\nz {z}"


WEIGHT_OF = {(False, False): "R", (True, True): "gG", (True, False): "G"}


@pytest.mark.parametrize("baseline", [None, "leave_one_out", "value"])
@pytest.mark.parametrize("reward_to_go, exact", [(False, False), (True, True), (True, False)])
def test_estimator_expectation(reward_to_go, exact, baseline):
    """
    Two envs, n_steps = 3: the number of episodes in a batch is random (an env plays a second episode
    when its first lasts two steps), and the expectation is ``c * E[sum_t grad log pi * Psi_t]`` with
    ``c = E[K] / n_steps`` by Wald's identity.
    """
    model = make_model(reward_to_go=reward_to_go, exact_discounted_gradient=exact, baseline=baseline)
    samples, episodes = sampled_gradients(model)
    own, episodes_per_env = exact_gradient(model, WEIGHT_OF[reward_to_go, exact])
    assert abs(episodes.mean() - episodes_per_env) < 5 * episodes.std() / np.sqrt(len(episodes))
    c = episodes_per_env / model.n_steps
    assert_matches(samples, c * own)

    grad_j, _ = exact_gradient(model, "R")
    if WEIGHT_OF[reward_to_go, exact] == "G":
        # The plain G_t estimator with gamma < 1 is not the gradient of the discounted objective,
        # and the test is sharp enough to tell.
        stderr = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
        assert np.max(np.abs(samples.mean(axis=0) - c * grad_j) / stderr) > TOLERANCE
    else:
        np.testing.assert_allclose(own, grad_j, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reward_to_go, exact", [(False, False), (True, True)])
def test_mean_baseline_expectation(reward_to_go, exact):
    """One episode per env (n_steps = 1): the mean baseline gives exactly (N - 1) / N times grad J."""
    n_envs = 4
    model = make_model(n_envs=n_envs, n_steps=1, reward_to_go=reward_to_go, exact_discounted_gradient=exact, baseline="mean")
    samples, episodes = sampled_gradients(model)
    assert np.all(episodes == 1.0)
    grad_j, _ = exact_gradient(model, "R")
    assert_matches(samples, (n_envs - 1) / n_envs * grad_j)


def total_variance(samples: np.ndarray) -> float:
    return float(samples.var(axis=0, ddof=1).sum())


def test_reward_to_go_and_baselines_lower_the_variance():
    """Same scale c for all (n_steps = 1, four envs): compare the variance of the per-rollout gradients."""

    def variance(**kwargs):
        model = make_model(n_envs=4, n_steps=1, **kwargs)
        samples, _ = sampled_gradients(model, n_rollouts=1000)
        scale = 0.75 if kwargs.get("baseline") == "mean" else 1.0
        return total_variance(samples / scale)

    whole = variance(reward_to_go=False)
    to_go = variance(reward_to_go=True, exact_discounted_gradient=True)
    assert to_go < 0.9 * whole, (to_go, whole)
    for baseline in ("mean", "leave_one_out", "value"):
        with_baseline = variance(reward_to_go=True, exact_discounted_gradient=True, baseline=baseline)
        assert with_baseline < 0.5 * to_go, (baseline, with_baseline, to_go)

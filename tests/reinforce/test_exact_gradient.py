"""
The loss's gradient against the exact policy gradient of a tiny MDP, computed by enumerating every
trajectory. With learning rate 0 the policy stays fixed, so the gradients of many rollouts are
independent samples of the estimator. Each rollout's gradient is ``c_k`` times an unbiased estimate,
``c_k = N_k / (n_steps * n_envs)`` with ``N_k`` the number of episodes of the batch (fixed before the
batch is played); divided by ``c_k``, the samples' mean must match the exact expectation within a few
standard errors.
"""

import copy

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from stable_baselines3.common.env_util import make_vec_env

from sb3_reinforce import REINFORCE
from tests.tiny_mdp import ACTION_MASKS, N_STATES, TinyMDP, expected_estimator, state_values

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
    """``(N_STATES, 2)`` log-probabilities of the model's policy (masked with the MDP's masks if ``masked``)."""
    obs = th.eye(N_STATES)
    if masked:
        masks = np.array([ACTION_MASKS[state] for state in range(N_STATES)])
        distribution = model.policy.get_distribution(obs, action_masks=masks)
    else:
        distribution = model.policy.get_distribution(obs)
    return th.log_softmax(distribution.distribution.logits, dim=-1)


def policy_parameters(model) -> list[th.Tensor]:
    return [model.policy.action_net.weight, model.policy.action_net.bias]


def sampled_gradients(model, n_rollouts=N_ROLLOUTS, parameters=None) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of ``-loss`` (of ``parameters``, the actor's by default) over many rollouts, and the number of
    episodes of each batch."""
    parameters = policy_parameters(model) if parameters is None else parameters
    _, callback = model._setup_learn(total_timesteps=10**9, callback=None)
    gradients, episodes = [], []
    for _ in range(n_rollouts):
        assert model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
        model.train()
        gradients.append(-th.cat([p.grad.flatten() for p in parameters]).numpy())
        episodes.append(model.logger.name_to_value["train/n_episodes"])
    return np.array(gradients), np.array(episodes)


def unbiased_samples(model, samples: np.ndarray, episodes: np.ndarray) -> np.ndarray:
    """Divide each rollout's gradient by its scale ``c_k``."""
    scale = episodes / (model.n_steps * model.n_envs)
    return samples / scale[:, None]


def exact_expectation(model, weight: str, masked=False) -> np.ndarray:
    """Exact expectation of the estimator ``sum_t grad log pi * Psi_t`` over one episode."""
    surrogate = expected_estimator(log_prob_table(model, masked), GAMMA, weight, masked)
    grads = th.autograd.grad(surrogate, policy_parameters(model))
    return th.cat([g.flatten() for g in grads]).numpy()


def assert_matches(samples: np.ndarray, expected: np.ndarray) -> None:
    mean = samples.mean(axis=0)
    stderr = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    z = np.abs(mean - expected) / np.maximum(stderr, 1e-12)
    assert np.all(z < TOLERANCE), f"mean {mean}\nexpected {expected}\nz {z}"


WEIGHT_OF = {(False, False): "R", (True, True): "gG", (True, False): "G"}


@pytest.mark.parametrize("baseline", [None, "mean", "leave_one_out", "value"])
@pytest.mark.parametrize("reward_to_go, exact", [(False, False), (True, True), (True, False)])
def test_estimator_expectation(reward_to_go, exact, baseline):
    """
    Two envs, n_steps = 3: batches of two or three episodes (set by the previous batch's mean length),
    some episodes lasting two steps and some three. The mean baseline's estimator is ``(N - 1) / N``
    times the leave-one-out one.
    """
    model = make_model(reward_to_go=reward_to_go, exact_discounted_gradient=exact, baseline=baseline)
    samples, episodes = sampled_gradients(model)
    assert set(episodes) == {2, 3}
    samples = unbiased_samples(model, samples, episodes)
    if baseline == "mean":
        samples = samples * (episodes / (episodes - 1))[:, None]
    own = exact_expectation(model, WEIGHT_OF[reward_to_go, exact])
    assert_matches(samples, own)

    grad_j = exact_expectation(model, "R")
    if WEIGHT_OF[reward_to_go, exact] == "G":
        # The plain G_t estimator with gamma < 1 is not the gradient of the discounted objective,
        # and the test is sharp enough to tell.
        stderr = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
        assert np.max(np.abs(samples.mean(axis=0) - grad_j) / stderr) > TOLERANCE
    else:
        np.testing.assert_allclose(own, grad_j, rtol=1e-5, atol=1e-6)


def total_variance(samples: np.ndarray) -> float:
    return float(samples.var(axis=0, ddof=1).sum())


def test_reward_to_go_and_baselines_lower_the_variance():
    """Four envs, n_steps = 1: batches of four episodes, the same scale c for all options."""

    def variance(baseline=None, **kwargs):
        model = make_model(n_envs=4, n_steps=1, baseline=baseline, **kwargs)
        samples, episodes = sampled_gradients(model, n_rollouts=1000)
        assert np.all(episodes == 4)
        # the mean baseline's estimator is (N - 1) / N times an unbiased one: compare at the same scale
        scale = 3 / 4 if baseline == "mean" else 1.0
        return total_variance(samples / scale)

    whole = variance(reward_to_go=False)
    to_go = variance(reward_to_go=True, exact_discounted_gradient=True)
    assert to_go < 0.9 * whole, (to_go, whole)
    for baseline in ("mean", "leave_one_out", "value"):
        with_baseline = variance(reward_to_go=True, exact_discounted_gradient=True, baseline=baseline)
        assert with_baseline < 0.5 * to_go, (baseline, with_baseline, to_go)


def test_fitted_value_baseline_stays_unbiased():
    """
    With value_epochs, the value function is fitted on each batch after the policy step: the baseline of a
    batch comes from the batches before it. Starting from V = 0 and moving all along, it leaves the estimator
    unbiased, and it converges to the policy's state values, which the policy step never touches.
    """
    model = make_model(
        reward_to_go=True,
        exact_discounted_gradient=True,
        baseline="value",
        value_epochs=2,
        value_learning_rate=0.02,
        value_batch_size=None,
    )
    with th.no_grad():
        model.policy.value_net.weight.zero_()
    actor = [p.detach().clone() for p in policy_parameters(model)]
    samples, episodes = sampled_gradients(model)
    assert_matches(unbiased_samples(model, samples, episodes), exact_expectation(model, "R"))
    for before, after in zip(actor, policy_parameters(model), strict=True):
        assert th.equal(before, after)
    with th.no_grad():
        fitted = model.policy.predict_values(th.eye(N_STATES)).numpy()[:, 0]
    values = state_values(log_prob_table(model), GAMMA)
    # within the noise of the last few batches' returns (each step fits batches of two or three episodes)
    np.testing.assert_allclose(fitted, values, atol=0.3)


@pytest.mark.parametrize("ent_coef, progress_remaining", [(0.1, 1.0), (lambda progress: 0.4 * progress, 0.25)])
def test_entropy_bonus_adds_its_coefficient_times_the_gradient_of_the_batch_mean_entropy(ent_coef, progress_remaining):
    """
    The entropy bonus is no part of ``grad J``: it adds ``ent_coef`` (a schedule's value at the current progress)
    times the gradient of the mean entropy of the policy at the batch's states, computed here from the table of
    the policy's probabilities, to the gradient of ``-loss``.
    """
    model = make_model()
    _, callback = model._setup_learn(total_timesteps=10**9, callback=None)
    assert model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    batch = copy.deepcopy(model.rollout_buffer)
    model._current_progress_remaining = progress_remaining

    def gradient(coefficient) -> th.Tensor:
        model.rollout_buffer, model.ent_coef = copy.deepcopy(batch), coefficient
        model.train()
        return -th.cat([p.grad.flatten() for p in policy_parameters(model)])

    without = gradient(0.0)
    with_bonus = gradient(ent_coef)
    # (a schedule's value is logged)
    assert model.logger.name_to_value.get("train/ent_coef") == (pytest.approx(0.1) if callable(ent_coef) else None)

    states = next(batch.get(batch_size=None)).observations.argmax(dim=1)
    table = log_prob_table(model)
    mean_entropy = -(table.exp() * table).sum(dim=1)[states].mean()
    bonus = th.cat([g.flatten() for g in th.autograd.grad(mean_entropy, policy_parameters(model))])
    assert th.count_nonzero(bonus) > 0
    th.testing.assert_close(with_bonus - without, 0.1 * bonus)


class ProductOfTwoActions(gym.Env):
    """Two steps, observed as (1, 0) then (1, 1); the reward of the second is ``a_0 * a_1`` (the first's is 0)."""

    observation_space = gym.spaces.Box(-1, 1, (2,), dtype=np.float32)
    action_space = gym.spaces.Box(-1000, 1000, (1,), dtype=np.float32)  # (no clipping)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.first = None
        return np.array([1, 0], np.float32), {}

    def step(self, action):
        if self.first is None:
            self.first = float(action[0])
            return np.array([1, 1], np.float32), 0.0, False, False, {}
        return np.array([1, 1], np.float32), self.first * float(action[0]), True, False, {}


@pytest.mark.parametrize("sde_sample_freq", [1, -1])
def test_gsde_is_unbiased_only_with_new_noise_at_every_step(sde_sample_freq):
    """
    gSDE's actions are ``a_t = mu + theta . phi(s_t)`` with ``theta ~ N(0, sigma^2)`` elementwise, ``phi(s_t)`` the
    observation here (no hidden layer) and ``mu = 0.5`` at both steps. Sampled at every step, ``theta`` is new
    and ``J = E[a_0 a_1] = mu^2``: the gradient is 1 for the action bias and 0 for both ``log_std``. Held over the
    episode (``-1``), ``J = mu^2 + sigma_1^2``: ``(2, 0)`` for ``log_std``, which the per-step log-probabilities
    of the loss do not estimate: their expectation, with ``x, y ~ N(0, 1)``, ``a_0 = mu + x``, ``a_1 = mu + x + y``
    and the marginal variances 1 and 2 of the steps, is ``E[a_0 a_1 (x + (x + y) / 2)] = 3.5 mu = 1.75`` for the
    bias and ``E[a_0 a_1 ((x^2 - 1) + ((x + y)^2 / 2 - 1) / 2)] = 3``, ``E[a_0 a_1 ((x + y)^2 / 2 - 1) / 2] = 1`` for
    ``log_std`` (README, "gSDE").
    """
    env = make_vec_env(ProductOfTwoActions, n_envs=1, seed=0)
    model = REINFORCE(
        "MlpPolicy",
        env,
        learning_rate=0.0,
        n_steps=2,
        gamma=1.0,
        reward_to_go=False,
        baseline=None,
        normalize_advantage=False,
        use_sde=True,
        sde_sample_freq=sde_sample_freq,
        policy_kwargs=dict(net_arch=[], log_std_init=0.0),
        seed=0,
    )
    with th.no_grad():
        model.policy.action_net.weight.zero_()
        model.policy.action_net.bias.fill_(0.5)
    parameters = [model.policy.action_net.bias, model.policy.log_std]
    n_rollouts = N_ROLLOUTS if sde_sample_freq == 1 else N_ROLLOUTS // 2
    samples, episodes = sampled_gradients(model, n_rollouts, parameters)
    samples = unbiased_samples(model, samples, episodes)
    if sde_sample_freq == 1:
        assert_matches(samples, np.array([1.0, 0.0, 0.0]))
    else:
        assert_matches(samples, np.array([1.75, 3.0, 1.0]))
        mean = samples.mean(axis=0)
        stderr = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
        assert np.any(np.abs(mean - np.array([1.0, 2.0, 0.0])) > TOLERANCE * stderr), mean

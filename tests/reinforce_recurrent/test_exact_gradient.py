"""
The loss's gradient against the exact policy gradient of a tiny partially observed task, computed by
enumerating every trajectory and running the LSTM over each with torch autograd. As in
``tests/reinforce/test_exact_gradient.py``: with learning rate 0 the policy stays fixed, each rollout's
gradient divided by ``c_k = N_k / (n_steps * n_envs)`` is an unbiased sample of the estimator, and the
samples' mean must match the exact expectation within a few standard errors, for every parameter of the
actor (its LSTM included).
"""

import numpy as np
import pytest
import torch as th
from stable_baselines3.common.env_util import make_vec_env

from sb3_reinforce import MaskableRecurrentREINFORCE, RecurrentREINFORCE
from tests.tiny_mdp import reward_to_go
from tests.tiny_pomdp import ACTION_MASKS, N_OBS, OBSERVATION, TinyPOMDP, trajectories

GAMMA = 0.5
N_ROLLOUTS = 600
TOLERANCE = 4.5  # standard errors, for each gradient component


def make_model(algo=RecurrentREINFORCE, masked=False, **kwargs):
    env = make_vec_env(TinyPOMDP, n_envs=2, seed=0, env_kwargs=dict(masked=masked))
    model = algo(
        "MlpLstmPolicy",
        env,
        learning_rate=0.0,
        n_steps=2,
        gamma=GAMMA,
        max_grad_norm=None,
        normalize_advantage=False,
        policy_kwargs=dict(lstm_hidden_size=3, net_arch=dict(pi=[], vf=[])),
        seed=0,
        **kwargs,
    )
    # A policy far from uniform, so that the gradient's components are of different sizes
    generator = th.Generator().manual_seed(1)
    with th.no_grad():
        for parameter in actor_parameters(model):
            parameter.copy_(th.randn(parameter.shape, generator=generator))
    return model


def actor_parameters(model) -> list[th.Tensor]:
    policy = model.policy
    return [*policy.lstm_actor.parameters(), policy.action_net.weight, policy.action_net.bias]


def sampled_gradients(model) -> np.ndarray:
    """Gradients of ``-loss`` over many rollouts, each divided by its scale ``c_k``."""
    _, callback = model._setup_learn(total_timesteps=10**9, callback=None)
    samples = []
    for _ in range(N_ROLLOUTS):
        assert model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
        model.train()
        gradient = -th.cat([p.grad.flatten() for p in actor_parameters(model)]).numpy()
        scale = model.logger.name_to_value["train/n_episodes"] / (model.n_steps * model.n_envs)
        samples.append(gradient / scale)
    return np.array(samples)


def exact_expectation(model, weight: str, masked=False, memoryless=False) -> np.ndarray:
    """
    Exact expectation of ``sum_t grad log pi(a_t|h_t) * Psi_t`` over one episode, ``Psi_t`` being ``R(tau)``
    (``weight="R"``) or ``gamma^t G_t`` (``"gG"``). With ``memoryless``, the LSTM state is reset at every
    step instead (what a policy that forgets the previous observation computes).
    """
    policy = model.policy
    lstm = policy.lstm_actor
    surrogate = th.zeros(())
    for start_probability, states, actions, rewards in trajectories(masked):
        obs = th.eye(N_OBS)[[OBSERVATION[state] for state in states]]
        zeros = th.zeros(lstm.num_layers, 1, lstm.hidden_size)
        episode_starts = th.ones(len(states)) if memoryless else th.zeros(len(states))
        if masked:
            with policy.masked(np.array([ACTION_MASKS[state] for state in states])):
                distribution, _ = policy.get_distribution(obs, (zeros, zeros), episode_starts)
        else:
            distribution, _ = policy.get_distribution(obs, (zeros, zeros), episode_starts)
        log_probs = distribution.log_prob(th.tensor(actions))
        probability = start_probability * th.exp(log_probs.sum()).detach()
        g = reward_to_go(rewards, GAMMA)
        psi = [g[0]] * len(g) if weight == "R" else [GAMMA**t * g_t for t, g_t in enumerate(g)]
        surrogate = surrogate + probability * (log_probs * th.tensor(psi)).sum()
    grads = th.autograd.grad(surrogate, actor_parameters(model))
    return th.cat([g.flatten() for g in grads]).numpy()


def z_scores(samples: np.ndarray, expected: np.ndarray) -> np.ndarray:
    stderr = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    return np.abs(samples.mean(axis=0) - expected) / np.maximum(stderr, 1e-12)


@pytest.mark.parametrize(
    "masked, reward_to_go_, baseline",
    [
        (False, False, None),
        (False, True, None),
        (False, True, "leave_one_out"),
        (False, True, "value"),
        (True, True, "leave_one_out"),
    ],
)
def test_estimator_expectation(masked, reward_to_go_, baseline):
    """
    Two envs, n_steps = 2: batches of two or more episodes of one to three steps, evaluated in one padded
    pass. Whole-episode return, reward-to-go (``gamma^t G_t``), baselines and masks: all unbiased estimates
    of grad J, and the test tells them from the gradient of a policy that forgets the previous observation.
    """
    algo = MaskableRecurrentREINFORCE if masked else RecurrentREINFORCE
    model = make_model(algo, masked, reward_to_go=reward_to_go_, exact_discounted_gradient=reward_to_go_, baseline=baseline)
    samples = sampled_gradients(model)
    expected = exact_expectation(model, "gG" if reward_to_go_ else "R", masked)
    z = z_scores(samples, expected)
    assert np.all(z < TOLERANCE), f"mean {samples.mean(axis=0)}\nexpected {expected}\nz {z}"
    # The same for the discounted objective J, whichever weight
    np.testing.assert_allclose(expected, exact_expectation(model, "R", masked), rtol=1e-4, atol=1e-5)
    assert np.max(z_scores(samples, exact_expectation(model, "R", masked, memoryless=True))) > TOLERANCE

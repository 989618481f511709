"""
The per-step weights of the score-function estimator ``sum_t grad log pi(a_t|s_t) * A_t``.

``A_t = (Psi_t - b_t) / scale`` where ``Psi_t`` is the Monte-Carlo weight chosen by the user, ``b_t``
the baseline and ``scale`` the optional normalization. Arrays are time-major ``(n_steps, n_envs)``.
"""

from typing import NamedTuple

import numpy as np

from sb3_reinforce.common.baselines import leave_one_out_baseline, mean_baseline
from sb3_reinforce.common.returns import broadcast_episode_start, discount_powers, reward_to_go

BASELINES = (None, "mean", "leave_one_out", "value")


class ScoreFunctionWeights(NamedTuple):
    """
    :param advantages: ``A_t``, zero outside the batch mask
    :param returns: the Monte-Carlo reward-to-go ``G_t`` (the value baseline's regression target)
    :param weights: ``Psi_t`` before the baseline, of the batch's steps only (1-D)
    :param n_episodes: number of episodes in the batch
    """

    advantages: np.ndarray
    returns: np.ndarray
    weights: np.ndarray
    n_episodes: int


def score_function_weights(
    rewards: np.ndarray,
    episode_starts: np.ndarray,
    dones: np.ndarray,
    mask: np.ndarray,
    gamma: float,
    use_reward_to_go: bool,
    exact_discounted_gradient: bool,
    baseline: str | None,
    normalize: bool,
    values: np.ndarray | None = None,
) -> ScoreFunctionWeights:
    """
    Weights of the REINFORCE estimator for a batch of complete episodes.

    ``Psi_t`` is
    ``R(tau) = sum_k gamma^k r_k`` when ``use_reward_to_go`` is False,
    ``G_t = sum_{k>=t} gamma^(k-t) r_k`` when it is True, and
    ``gamma^t G_t`` when ``exact_discounted_gradient`` is True as well.

    Baselines (same units as ``Psi_t``): ``"mean"`` (:func:`~sb3_reinforce.common.baselines.mean_baseline`),
    ``"leave_one_out"`` (:func:`~sb3_reinforce.common.baselines.leave_one_out_baseline`), ``"value"``: ``V(s_t)``
    for ``G_t``, ``gamma^t V(s_t)`` for ``gamma^t G_t``, and ``V(s_0)`` of the episode for ``R(tau)``
    (``R(tau) = G_0`` estimates ``V(s_0)``).

    ``normalize`` divides ``Psi_t - b_t`` by the batch standard deviation of ``Psi_t`` (the scale of the
    returns), not of ``Psi_t - b_t``: when the baseline explains the returns, as with a policy that
    solves an episodic task, the update shrinks instead of being blown up to unit scale. A batch whose
    ``Psi_t`` are all equal has no spread to divide by, and tells no action from another: its weights are 0.

    :param rewards: ``(n_steps, n_envs)`` rewards
    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :param dones: ``(n_steps, n_envs)`` episode-end flags
    :param mask: ``(n_steps, n_envs)`` steps of complete episodes that form the batch
    :param gamma: discount factor in [0, 1]
    :param use_reward_to_go: weight step t by ``G_t`` instead of ``R(tau)``
    :param exact_discounted_gradient: with reward-to-go, weight by ``gamma^t G_t``
    :param baseline: one of ``None``, ``"mean"``, ``"leave_one_out"``, ``"value"``
    :param normalize: divide the weights by the standard deviation of ``Psi_t``
    :param values: ``(n_steps, n_envs)`` state values ``V(s_t)``, needed by the ``"value"`` baseline
    :return: the weights, the Monte-Carlo returns and batch statistics
    """
    if baseline not in BASELINES:
        raise ValueError(f"baseline must be one of {BASELINES}, got {baseline!r}")
    mask = np.asarray(mask, dtype=bool)
    starts = np.asarray(episode_starts, dtype=bool)
    returns = reward_to_go(rewards, dones, gamma)
    # Weight of step t in the batch's value of the baseline too (Psi and b in the same units).
    step_scale = discount_powers(starts, gamma) if use_reward_to_go and exact_discounted_gradient else 1.0
    if use_reward_to_go:
        psi = returns * step_scale
    else:
        psi = broadcast_episode_start(returns, starts)
    psi = np.where(mask, psi, 0.0).astype(np.float32)

    if baseline is None:
        base = np.zeros_like(psi)
    elif baseline == "mean":
        base = mean_baseline(psi, starts, mask, pad_with_last=not use_reward_to_go)
    elif baseline == "leave_one_out":
        base = leave_one_out_baseline(psi, starts, mask, pad_with_last=not use_reward_to_go)
    else:
        if values is None:
            raise ValueError("the 'value' baseline needs the state values")
        base = values * step_scale if use_reward_to_go else broadcast_episode_start(values, starts)

    advantages = np.where(mask, psi - base, 0.0)
    if normalize and mask.any():
        batch_psi = psi[mask]
        if np.ptp(batch_psi) > 0:
            advantages = advantages / (batch_psi.std() + 1e-8)
        else:
            # Every Psi_t of the batch is the same (every return 0 on a sparse-reward task, every episode alike):
            # the batch tells no action from another, and dividing by its zero spread would scale Psi_t - b_t
            # (not 0 with the value baseline) by 1e8.
            advantages = np.zeros_like(advantages)
    n_episodes = int((starts & mask).sum())
    return ScoreFunctionWeights(advantages.astype(np.float32), returns, psi[mask], n_episodes)

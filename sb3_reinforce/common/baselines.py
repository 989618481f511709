"""
Batch baselines for the score-function estimator.

A baseline ``b_t`` subtracted from the weight ``Psi_t`` of step ``t`` leaves the estimator unbiased when
``b_t`` is independent of the action ``a_t`` and of the episode it corrects, because
``E[grad log pi(a_t|s_t) | s_t] = 0``. Arrays are time-major ``(n_steps, n_envs)`` as in
:mod:`sb3_reinforce.common.returns`.
"""

from typing import NamedTuple

import numpy as np

from sb3_reinforce.common.returns import step_in_episode


class _EpisodeTable(NamedTuple):
    """The batch's weights laid out episode by episode: ``padded[i, t] = Psi_t`` of episode ``i``."""

    padded: np.ndarray
    ids: np.ndarray
    times: np.ndarray
    counts: np.ndarray
    offsets: np.ndarray


def _episode_table(weights: np.ndarray, episode_starts: np.ndarray, mask: np.ndarray, pad_with_last: bool) -> _EpisodeTable:
    firsts = np.asarray(episode_starts, dtype=bool) & mask
    counts = firsts.sum(axis=0)
    # Episodes are numbered env by env, in the order they were played: the ids of env e are
    # offsets[e], ..., offsets[e] + counts[e] - 1.
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    ids = (offsets[None, :] + np.cumsum(firsts, axis=0) - 1)[mask]
    times = step_in_episode(episode_starts)[mask]
    n_episodes = int(counts.sum())
    lengths = np.bincount(ids, minlength=n_episodes)
    padded = np.zeros((n_episodes, int(lengths.max())), dtype=np.float64)
    padded[ids, times] = weights[mask]
    if pad_with_last:
        last = padded[np.arange(n_episodes), lengths - 1]
        padded = np.where(np.arange(padded.shape[1])[None, :] < lengths[:, None], padded, last[:, None])
    return _EpisodeTable(padded, ids, times, counts, offsets)


def mean_baseline(weights: np.ndarray, episode_starts: np.ndarray, mask: np.ndarray, pad_with_last: bool) -> np.ndarray:
    """
    Time-indexed mean of the weights of all the episodes of the batch: ``b_t = mean_j Psi_t^(j)``.

    It includes the episode it corrects. With ``N`` episodes collected independently (one episode per
    env, ``n_steps=1``) the estimator it gives is exactly ``(N - 1) / N`` times the leave-one-out one,
    so unbiased up to that factor; in general it is biased by a term of order ``1 / N``.
    Episodes are padded past their end as in :func:`leave_one_out_baseline`.

    :param weights: ``(n_steps, n_envs)`` weights ``Psi_t``
    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :param mask: ``(n_steps, n_envs)`` steps of complete episodes that belong to the batch
    :param pad_with_last: extend each episode past its end with its last weight instead of zero
    :return: ``(n_steps, n_envs)`` baseline, zero outside ``mask``
    """
    mask = np.asarray(mask, dtype=bool)
    baseline = np.zeros(mask.shape, dtype=np.float32)
    if not mask.any():
        return baseline
    table = _episode_table(weights, episode_starts, mask, pad_with_last)
    baseline[mask] = table.padded.mean(axis=0)[table.times]
    return baseline


def leave_one_out_baseline(
    weights: np.ndarray,
    episode_starts: np.ndarray,
    mask: np.ndarray,
    pad_with_last: bool,
) -> np.ndarray:
    """
    Time-indexed mean of the weights of the *other* episodes of the batch that are independent of the
    episode being corrected: ``b_t^(i) = mean_{j in D_i} Psi_t^(j)``.

    ``D_i`` holds every episode of the other envs and the episodes of the same env that started before
    episode ``i``. The later episodes of the same env are left out: whether they are in the batch
    depends on the length of episode ``i`` (a rollout closes once an env has collected its steps), so
    they are not independent of it. With one env, ``D_i`` is the episodes before ``i``; the first
    episode of a batch with no independent episode gets ``b = 0``.

    An episode ``j`` shorter than ``t + 1`` steps contributes ``Psi_t^(j) = 0`` (nothing is left to
    collect after its end), or its last weight when ``pad_with_last`` is set (for the whole-episode
    return ``R(tau)``, which is constant over an episode).

    :param weights: ``(n_steps, n_envs)`` weights ``Psi_t``
    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :param mask: ``(n_steps, n_envs)`` steps of complete episodes that belong to the batch
    :param pad_with_last: extend each episode past its end with its last weight instead of zero
    :return: ``(n_steps, n_envs)`` baseline, zero outside ``mask``
    """
    mask = np.asarray(mask, dtype=bool)
    baseline = np.zeros(mask.shape, dtype=np.float32)
    if not mask.any():
        return baseline
    padded, ids, times, counts, offsets = _episode_table(weights, episode_starts, mask, pad_with_last)
    n_episodes = len(padded)
    env_of = np.repeat(np.arange(mask.shape[1]), counts)
    order_in_env = np.arange(n_episodes) - offsets[env_of]
    inclusive = np.cumsum(padded, axis=0)
    exclusive = inclusive - padded
    env_before = exclusive[offsets[env_of]]
    earlier_same_env = exclusive - env_before
    whole_env = inclusive[offsets[env_of] + counts[env_of] - 1] - env_before
    other_envs = inclusive[-1] - whole_env

    n_independent = (n_episodes - counts[env_of] + order_in_env)[:, None]
    per_episode = np.where(n_independent > 0, (other_envs + earlier_same_env) / np.maximum(n_independent, 1), 0.0)
    baseline[mask] = per_episode[ids, times]
    return baseline

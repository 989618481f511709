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
    """The batch's weights episode by episode: ``padded[i, t] = Psi_t`` of episode ``i``."""

    padded: np.ndarray
    ids: np.ndarray
    times: np.ndarray


def _episode_table(weights: np.ndarray, episode_starts: np.ndarray, mask: np.ndarray, pad_with_last: bool) -> _EpisodeTable:
    firsts = np.asarray(episode_starts, dtype=bool) & mask
    # Number the episodes env by env: the ids of env e start at offsets[e].
    counts = firsts.sum(axis=0)
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
    return _EpisodeTable(padded, ids, times)


def mean_baseline(weights: np.ndarray, episode_starts: np.ndarray, mask: np.ndarray, pad_with_last: bool) -> np.ndarray:
    """
    Time-indexed mean of the weights of all the ``N`` episodes of the batch: ``b_t = mean_j Psi_t^(j)``.

    It includes the episode it corrects: ``Psi_t - b_t = (N - 1) / N * (Psi_t - b_t^loo)`` exactly, with
    ``b_t^loo`` the :func:`leave_one_out_baseline`, so the estimator it gives is the leave-one-out
    estimator scaled by ``(N - 1) / N``. Episodes are padded past their end as in
    :func:`leave_one_out_baseline`.

    :param weights: ``(n_steps, n_envs)`` weights ``Psi_t``
    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :param mask: ``(n_steps, n_envs)`` steps of complete episodes that belong to the batch
    :param pad_with_last: extend each episode past its end with its last weight instead of zero
    :return: ``(n_steps, n_envs)`` baseline, zero outside ``mask``
    """
    mask = np.asarray(mask, dtype=bool)
    baseline = np.zeros(mask.shape, dtype=np.float32)
    if mask.any():
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
    Time-indexed mean of the weights of the *other* episodes of the batch:
    ``b_t^(i) = mean_{j != i} Psi_t^(j)``.

    The batch's episodes are independent draws (their number is fixed before they are played), so
    ``b^(i)`` is independent of episode ``i`` and the estimator stays unbiased. An episode ``j``
    shorter than ``t + 1`` steps contributes ``Psi_t^(j) = 0`` (nothing is left to collect after its
    end), or its last weight when ``pad_with_last`` is set (for the whole-episode return ``R(tau)``,
    which is constant over an episode). A batch of one episode gets ``b = 0``.

    :param weights: ``(n_steps, n_envs)`` weights ``Psi_t``
    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :param mask: ``(n_steps, n_envs)`` steps of complete episodes that belong to the batch
    :param pad_with_last: extend each episode past its end with its last weight instead of zero
    :return: ``(n_steps, n_envs)`` baseline, zero outside ``mask``
    """
    mask = np.asarray(mask, dtype=bool)
    baseline = np.zeros(mask.shape, dtype=np.float32)
    if mask.any():
        padded, ids, times = _episode_table(weights, episode_starts, mask, pad_with_last)
        if len(padded) > 1:
            others = (padded.sum(axis=0)[None, :] - padded) / (len(padded) - 1)
            baseline[mask] = others[ids, times]
    return baseline

"""
Monte-Carlo return computation for REINFORCE.

Every function here is pure and works on time-major arrays of shape ``(n_steps, n_envs)``, as stored by
SB3's rollout buffers: column ``e`` is the sequence of transitions of environment ``e``. Two boolean arrays
describe the episode structure:

- ``episode_starts[t, e]``: step ``t`` of env ``e`` is the first step of an episode;
- ``dones[t, e]``: the episode of env ``e`` ended (terminated or truncated) after step ``t``.

They must agree: ``episode_starts[t + 1] == dones[t]``. Returns are never computed across an episode
boundary, across envs, or for an episode that does not both start and end inside the arrays
(see :func:`complete_episode_mask`).
"""

import numpy as np


def complete_episode_mask(episode_starts: np.ndarray, dones: np.ndarray) -> np.ndarray:
    """
    Which steps belong to an episode that both starts and ends inside the arrays.

    The steps of an episode that was already running at the first row, or that is still running
    at the last row, have no known Monte-Carlo return here and are ``False``.

    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :param dones: ``(n_steps, n_envs)`` episode-end flags
    :return: ``(n_steps, n_envs)`` boolean mask
    """
    starts = np.asarray(episode_starts, dtype=bool)
    ends = np.asarray(dones, dtype=bool)
    started_here = np.logical_or.accumulate(starts, axis=0)
    ends_here = np.logical_or.accumulate(ends[::-1], axis=0)[::-1]
    return started_here & ends_here


def step_in_episode(episode_starts: np.ndarray) -> np.ndarray:
    """
    The time index ``t`` of every step within its episode (0 at the episode's first step).

    Steps before the first episode start of a column are counted from the first row.

    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :return: ``(n_steps, n_envs)`` integer array
    """
    starts = np.asarray(episode_starts, dtype=bool)
    rows = np.arange(starts.shape[0])[:, None]
    last_start = np.maximum.accumulate(np.where(starts, rows, 0), axis=0)
    return rows - last_start


def reward_to_go(rewards: np.ndarray, dones: np.ndarray, gamma: float) -> np.ndarray:
    """
    Discounted reward-to-go ``G_t = sum_{k >= t} gamma^(k - t) r_k``, the sum running to the end of
    the episode that contains step ``t``.

    Steps of an episode still running at the last row get the sum of the rewards seen so far;
    they are not valid returns and :func:`complete_episode_mask` excludes them.

    :param rewards: ``(n_steps, n_envs)`` rewards
    :param dones: ``(n_steps, n_envs)`` episode-end flags
    :param gamma: discount factor in [0, 1]
    :return: ``(n_steps, n_envs)`` float32 array
    """
    rewards = np.asarray(rewards, dtype=np.float64)
    continues = 1.0 - np.asarray(dones, dtype=np.float64)
    returns = np.zeros_like(rewards)
    running = np.zeros(rewards.shape[1:], dtype=np.float64)
    for t in reversed(range(rewards.shape[0])):
        running = rewards[t] + gamma * continues[t] * running
        returns[t] = running
    return returns.astype(np.float32)


def broadcast_episode_start(values: np.ndarray, episode_starts: np.ndarray) -> np.ndarray:
    """
    The value at each episode's first step, repeated over all steps of that episode.

    Applied to :func:`reward_to_go`, this gives the whole discounted return
    ``R(tau) = G_0 = sum_k gamma^k r_k`` at every step of the episode.

    :param values: ``(n_steps, n_envs)`` per-step values
    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :return: ``(n_steps, n_envs)`` array of the same dtype as ``values``
    """
    values = np.asarray(values)
    start_rows = np.arange(values.shape[0])[:, None] - step_in_episode(episode_starts)
    return np.take_along_axis(values, start_rows, axis=0)


def discount_powers(episode_starts: np.ndarray, gamma: float) -> np.ndarray:
    """
    ``gamma^t`` for every step, ``t`` being the step's index within its episode.

    :param episode_starts: ``(n_steps, n_envs)`` episode-start flags
    :param gamma: discount factor in [0, 1]
    :return: ``(n_steps, n_envs)`` float32 array
    """
    return np.power(np.float64(gamma), step_in_episode(episode_starts)).astype(np.float32)

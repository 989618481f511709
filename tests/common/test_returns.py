import numpy as np
import pytest

from sb3_reinforce.common.returns import (
    broadcast_episode_start,
    complete_episode_mask,
    discount_powers,
    reward_to_go,
    step_in_episode,
)

# Three envs, five steps (rows are time, columns are envs):
# env 0: an episode of 2 steps, then one of 3 steps;
# env 1: an episode of 3 steps, then one still running when the rollout ends;
# env 2: the end of an episode begun before the rollout, then an episode of 3 steps
#        (cut by a time limit, which ends an episode like a termination).
REWARDS = np.array(
    [
        [1.0, 1.0, 2.0],
        [2.0, 1.0, 2.0],
        [3.0, 1.0, 2.0],
        [4.0, 1.0, 2.0],
        [5.0, 1.0, 2.0],
    ]
)
STARTS = np.array(
    [
        [1, 1, 0],
        [0, 0, 0],
        [1, 0, 1],
        [0, 1, 0],
        [0, 0, 0],
    ],
    dtype=bool,
)
DONES = np.array(
    [
        [0, 0, 0],
        [1, 0, 1],
        [0, 1, 0],
        [0, 0, 0],
        [1, 0, 1],
    ],
    dtype=bool,
)


def test_complete_episode_mask():
    expected = np.array(
        [
            [1, 1, 0],
            [1, 1, 0],
            [1, 1, 1],
            [1, 0, 1],
            [1, 0, 1],
        ],
        dtype=bool,
    )
    np.testing.assert_array_equal(complete_episode_mask(STARTS, DONES), expected)


def test_step_in_episode():
    expected = np.array(
        [
            [0, 0, 0],
            [1, 1, 1],
            [0, 2, 0],
            [1, 0, 1],
            [2, 1, 2],
        ]
    )
    np.testing.assert_array_equal(step_in_episode(STARTS), expected)


@pytest.mark.parametrize(
    "gamma, expected",
    [
        # gamma = 0.5, by hand: env 0: G_1 = 2, G_0 = 1 + 0.5 * 2 = 2; G_4 = 5, G_3 = 4 + 2.5 = 6.5,
        # G_2 = 3 + 3.25 = 6.25. env 1: 1.75, 1.5, 1 (then the unfinished episode: not a return).
        # env 2: G_4 = 2, G_3 = 3, G_2 = 3.5.
        (0.5, [[2.0, 1.75, 3.0], [2.0, 1.5, 2.0], [6.25, 1.0, 3.5], [6.5, 1.5, 3.0], [5.0, 1.0, 2.0]]),
        # gamma = 1: plain sums of the rewards to the end of the episode.
        (1.0, [[3.0, 3.0, 4.0], [2.0, 2.0, 2.0], [12.0, 1.0, 6.0], [9.0, 2.0, 4.0], [5.0, 1.0, 2.0]]),
    ],
)
def test_reward_to_go(gamma, expected):
    mask = complete_episode_mask(STARTS, DONES)
    returns = reward_to_go(REWARDS, DONES, gamma)
    np.testing.assert_allclose(returns[mask], np.asarray(expected)[mask])
    assert returns.dtype == np.float32


def test_whole_episode_return():
    mask = complete_episode_mask(STARTS, DONES)
    returns = broadcast_episode_start(reward_to_go(REWARDS, DONES, 0.5), STARTS)
    # R(tau) = G_0 of each episode, on every one of its steps.
    expected = np.array([[2.0, 1.75, 0], [2.0, 1.75, 0], [6.25, 1.75, 3.5], [6.25, 0, 3.5], [6.25, 0, 3.5]])
    np.testing.assert_allclose(returns[mask], expected[mask])


def test_discount_powers():
    expected = 0.5 ** step_in_episode(STARTS)
    np.testing.assert_allclose(discount_powers(STARTS, 0.5), expected)
    np.testing.assert_allclose(discount_powers(STARTS, 1.0), np.ones_like(expected))


def test_returns_stay_within_episodes_and_envs():
    # A huge reward in env 1 after env 0's episode boundary must not leak into env 0 or across the boundary.
    rewards = np.zeros((4, 2))
    rewards[2, 1] = 1e6
    rewards[2, 0] = 1.0
    dones = np.array([[0, 0], [1, 0], [0, 0], [1, 1]], dtype=bool)
    returns = reward_to_go(rewards, dones, 1.0)
    np.testing.assert_allclose(returns[:, 0], [0.0, 0.0, 1.0, 0.0])
    np.testing.assert_allclose(returns[:, 1], [1e6, 1e6, 1e6, 0.0])


def test_returns_are_summed_in_float64():
    # -2**24 + 2**24 + 1 = 1 by hand; summed in float32, 2**24 + 1 would round to 2**24 and lose the 1
    rewards = np.float32([[-(2.0**24)], [2.0**24], [1.0]])  # (as the buffer stores them)
    dones = np.array([[0], [0], [1]], dtype=bool)
    assert reward_to_go(rewards, dones, 1.0)[0, 0] == 1.0  # (the returns are stored in float32)

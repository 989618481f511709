import numpy as np
import pytest
import torch as th
from gymnasium import spaces

from sb3_reinforce.common.buffers import (
    EpisodicRolloutBuffer,
    MaskableEpisodicDictRolloutBuffer,
    MaskableEpisodicRolloutBuffer,
    SequentialRolloutBuffer,
    episodes_per_rollout,
)

# Two envs, 7 rows. Env 0: the tail of an episode begun before the first row (rows 0-1), a complete episode
# (rows 2-4), then an episode never ended (rows 5-6). Env 1: a complete episode (rows 0-2), a complete
# episode played while the env was out of the batch (rows 3-4), then steps out of the batch (rows 5-6).
STARTS = np.array([[0, 1], [0, 0], [1, 0], [0, 1], [0, 0], [1, 1], [0, 0]], dtype=bool)
DONES = np.array([[0, 0], [1, 0], [0, 1], [0, 0], [1, 1], [0, 0], [0, 0]], dtype=bool)
IN_BATCH = np.array([[1, 1], [1, 1], [1, 1], [1, 0], [1, 0], [1, 0], [1, 0]], dtype=bool)
# The steps that may reach the loss: (row, env)
KEPT = [(2, 0), (3, 0), (4, 0), (0, 1), (1, 1), (2, 1)]


def filled_buffer(grow: bool, buffer_class: type[EpisodicRolloutBuffer] = EpisodicRolloutBuffer) -> EpisodicRolloutBuffer:
    # A buffer of 4 rows has to grow to hold the 7
    size = 4 if grow else 7
    buffer = buffer_class(size, spaces.Box(-np.inf, np.inf, (1,)), spaces.Discrete(3), n_envs=2, gamma=1.0)
    buffer.reset()
    for row in range(len(STARTS)):
        # Each step's observation and reward say which step it is: 10 * row + env
        code = 10.0 * row + np.arange(2)
        buffer.add(
            code[:, None],
            np.zeros((2, 1)),
            code,
            STARTS[row],
            th.zeros(2),
            th.zeros(2),
            dones=DONES[row],
            in_batch=IN_BATCH[row],
        )
    return buffer


# The kept steps' reward-to-go within their own episode, sorted by code (1, 11, 20, 21, 30, 40):
# env 1's (1 + 11 + 21, 11 + 21, 21) and env 0's (20 + 30 + 40, 30 + 40, 40)
RETURNS = [33, 32, 90, 21, 70, 40]
# ... less the other episode's at the same step (leave-one-out): env 0's (90 - 33, 70 - 32, 40 - 21), env 1's the opposite
LEAVE_ONE_OUT = [-57, -38, 57, -19, 38, 19]


@pytest.mark.parametrize("grow", [False, True])
@pytest.mark.parametrize("baseline, advantages", [(None, RETURNS), ("leave_one_out", LEAVE_ONE_OUT)])
def test_only_complete_episodes_of_the_batch_reach_the_loss(grow, baseline, advantages):
    buffer = filled_buffer(grow)
    result = buffer.compute_weights(
        gamma=1.0, use_reward_to_go=True, exact_discounted_gradient=False, baseline=baseline, normalize=False
    )
    assert result.n_episodes == 2
    batch = next(buffer.get(batch_size=None))
    # get() shuffles the steps: sort them by code (1, 11, 20, 21, 30, 40)
    order = np.argsort(batch.observations.flatten().numpy())
    codes = batch.observations.flatten().numpy()[order]
    np.testing.assert_array_equal(codes, sorted(10 * row + env for row, env in KEPT))
    np.testing.assert_allclose(batch.returns.numpy()[order], RETURNS)
    np.testing.assert_allclose(batch.advantages.numpy()[order], advantages)


def test_sequential_buffers_yield_the_batch_episode_after_episode():
    buffer = filled_buffer(grow=False, buffer_class=SequentialRolloutBuffer)
    buffer.compute_weights(gamma=1.0, use_reward_to_go=True, exact_discounted_gradient=False, baseline=None, normalize=False)
    batch = next(buffer.get())
    # env 0's episode (rows 2-4), then env 1's (rows 0-2), each in time order
    np.testing.assert_array_equal(batch.observations.flatten().numpy(), [20, 30, 40, 1, 11, 21])
    np.testing.assert_array_equal(buffer.episode_starts, [1, 0, 0, 1, 0, 0])
    np.testing.assert_allclose(batch.returns.numpy(), [90, 70, 40, 33, 32, 21])


def test_reset_after_a_batch_restores_the_envs_and_keeps_the_capacity():
    buffer = filled_buffer(grow=True)
    buffer.compute_weights(gamma=1.0, use_reward_to_go=True, exact_discounted_gradient=False, baseline=None, normalize=False)
    buffer.reset()
    assert buffer.n_envs == 2 and buffer.buffer_size == 8 and buffer.pos == 0
    assert buffer.observations.shape == (8, 2, 1) and not buffer.in_batch.any()


@pytest.mark.parametrize(
    "n_steps, n_envs, mean_length, expected",
    [(100, 1, None, 2), (100, 4, None, 4), (100, 1, 20.0, 5), (100, 2, 30.0, 7), (100, 4, 500.0, 4), (10, 1, 500.0, 2)],
)
def test_episodes_per_rollout(n_steps, n_envs, mean_length, expected):
    assert episodes_per_rollout(n_steps, n_envs, mean_length) == expected


@pytest.mark.parametrize("buffer_class", [MaskableEpisodicRolloutBuffer, MaskableEpisodicDictRolloutBuffer])
def test_grown_rows_start_as_reset_rows(buffer_class):
    """Steps stored without masks keep sb3-contrib's all-valid masks, also in the rows the buffer grows by."""
    box = spaces.Box(-1, 1, (2,))
    space = spaces.Dict({"a": box}) if buffer_class is MaskableEpisodicDictRolloutBuffer else box
    buffer = buffer_class(2, space, spaces.Discrete(3), n_envs=1)
    buffer.reset()
    given = np.array([[1.0, 0.0, 1.0]])
    for row in range(7):
        obs = space.sample()
        obs = {"a": obs["a"][None]} if isinstance(obs, dict) else obs[None]
        masks = given if row == 5 else None
        buffer.add(
            obs,
            np.zeros((1, 1)),
            np.ones(1),
            np.array([row == 0]),
            th.zeros(1),
            th.zeros(1),
            action_masks=masks,
            dones=np.array([row == 6]),
            in_batch=np.ones(1, dtype=bool),
        )
    assert buffer.buffer_size == 8 and buffer.pos == 7
    expected = np.ones((8, 1, 3))
    expected[5] = given
    np.testing.assert_array_equal(buffer.action_masks, expected)
    assert not buffer.rewards[7:].any() and not buffer.dones[7:].any()

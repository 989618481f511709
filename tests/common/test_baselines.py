import numpy as np
import pytest

from sb3_reinforce.common.baselines import leave_one_out_baseline, mean_baseline

# env 0 plays episode A (weights 1, 2) then B (weight 3); env 1 plays C (weights 4, 5, 6).
WEIGHTS = np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])
STARTS = np.array([[1, 1], [0, 0], [1, 0]], dtype=bool)
MASK = np.ones((3, 2), dtype=bool)


@pytest.mark.parametrize(
    "pad_with_last, expected",
    [
        # A: mean of B and C -> ((3 + 4) / 2, (0 + 5) / 2). B: mean of A and C at t = 0 -> (1 + 4) / 2.
        # C: mean of A and B -> (1 + 3) / 2, (2 + 0) / 2, 0.
        (False, [[3.5, 2.0], [2.5, 1.0], [2.5, 0.0]]),
        # Past its end an episode keeps its last weight: A at t = 1 -> (3 + 5) / 2; C: (2 + 3) / 2 twice.
        (True, [[3.5, 2.0], [4.0, 2.5], [2.5, 2.5]]),
    ],
)
def test_leave_one_out(pad_with_last, expected):
    baseline = leave_one_out_baseline(WEIGHTS, STARTS, MASK, pad_with_last=pad_with_last)
    np.testing.assert_allclose(baseline, expected)


def test_leave_one_out_sums_in_float64():
    # three one-step episodes in three envs: b^(0) = (1 + 1) / 2 = 1 by hand, lost if 2**24 + 1 + 1 is summed in float32
    weights = np.float32([[2.0**24, 1.0, 1.0]])
    baseline = leave_one_out_baseline(weights, np.ones((1, 3), dtype=bool), np.ones((1, 3), dtype=bool), False)
    assert baseline[0, 0] == 1.0  # (the baseline is stored in float32)


def test_leave_one_out_single_episode_gets_zero():
    starts = np.array([[1], [0], [0]], dtype=bool)
    assert not leave_one_out_baseline(WEIGHTS[:, :1], starts, np.ones((3, 1), dtype=bool), False).any()


def test_leave_one_out_ignores_steps_outside_the_mask():
    mask = MASK.copy()
    mask[2, 0] = False  # drop episode B
    weights = WEIGHTS.copy()
    weights[2, 0] = 1e9
    baseline = leave_one_out_baseline(weights, STARTS, mask, pad_with_last=False)
    # A is compared with C only, C with A only
    np.testing.assert_allclose(baseline, [[4.0, 1.0], [5.0, 2.0], [0.0, 0.0]])


@pytest.mark.parametrize(
    "pad_with_last, expected",
    [
        # t = 0: (1 + 3 + 4) / 3; t = 1: (2 + 0 + 5) / 3; t = 2: (0 + 0 + 6) / 3
        (False, [[8 / 3, 8 / 3], [7 / 3, 7 / 3], [8 / 3, 2.0]]),
        # t = 1: (2 + 3 + 5) / 3; t = 2: (2 + 3 + 6) / 3
        (True, [[8 / 3, 8 / 3], [10 / 3, 10 / 3], [8 / 3, 11 / 3]]),
    ],
)
def test_mean(pad_with_last, expected):
    np.testing.assert_allclose(mean_baseline(WEIGHTS, STARTS, MASK, pad_with_last), expected, rtol=1e-6)


def test_mean_is_leave_one_out_scaled():
    # Psi - mean = (N - 1) / N * (Psi - leave_one_out), exactly.
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(5, 4))
    starts = np.zeros((5, 4), dtype=bool)
    starts[0] = True
    starts[2, 0] = True  # two episodes in env 0: five in all
    mask = np.ones((5, 4), dtype=bool)
    mask[3:, 1] = False
    mask[2:, 3] = False
    for pad in (False, True):
        mean = mean_baseline(weights, starts, mask, pad)
        loo = leave_one_out_baseline(weights, starts, mask, pad)
        np.testing.assert_allclose((weights - mean)[mask], 0.8 * (weights - loo)[mask], rtol=1e-5, atol=1e-6)


def test_empty_batch():
    empty = np.zeros((3, 2), dtype=bool)
    assert not leave_one_out_baseline(WEIGHTS, STARTS, empty, False).any()
    assert not mean_baseline(WEIGHTS, STARTS, empty, False).any()

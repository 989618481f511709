import numpy as np
import pytest

from sb3_reinforce.common.weights import score_function_weights

# One env: an episode of 2 steps, an episode of 3 steps, then 1 step of an unfinished episode.
REWARDS = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 100.0])[:, None]
STARTS = np.array([1, 0, 1, 0, 0, 1], dtype=bool)[:, None]
DONES = np.array([0, 1, 0, 0, 1, 0], dtype=bool)[:, None]
MASK = np.array([1, 1, 1, 1, 1, 0], dtype=bool)[:, None]
VALUES = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])[:, None]
GAMMA = 0.5
# By hand (gamma = 0.5): G = 2, 2 | 6.25, 6.5, 5 ; R(tau) = 2, 2 | 6.25, 6.25, 6.25
G = np.array([2.0, 2.0, 6.25, 6.5, 5.0])
R = np.array([2.0, 2.0, 6.25, 6.25, 6.25])
POWERS = np.array([1.0, 0.5, 1.0, 0.5, 0.25])


def weights(**kwargs):
    options = dict(use_reward_to_go=True, exact_discounted_gradient=False, baseline=None, normalize=False)
    options.update(kwargs)
    return score_function_weights(REWARDS, STARTS, DONES, MASK, GAMMA, values=VALUES, **options)


@pytest.mark.parametrize(
    "options, psi",
    [
        (dict(use_reward_to_go=True), G),
        (dict(use_reward_to_go=True, exact_discounted_gradient=True), POWERS * G),
        (dict(use_reward_to_go=False), R),
    ],
)
def test_weights_without_baseline(options, psi):
    result = weights(**options)
    np.testing.assert_allclose(result.advantages[:5, 0], psi)
    assert result.advantages[5, 0] == 0.0  # the unfinished episode is not in the batch
    np.testing.assert_allclose(result.weights, psi)
    np.testing.assert_allclose(result.returns[:5, 0], G)
    assert result.n_episodes == 2


def test_value_baseline():
    v = VALUES[:5, 0]
    np.testing.assert_allclose(weights(baseline="value").advantages[:5, 0], G - v)
    exact = weights(baseline="value", exact_discounted_gradient=True).advantages[:5, 0]
    np.testing.assert_allclose(exact, POWERS * (G - v))
    # R(tau) is corrected by the value of its episode's first state.
    whole = weights(baseline="value", use_reward_to_go=False).advantages[:5, 0]
    np.testing.assert_allclose(whole, R - np.array([10.0, 10.0, 30.0, 30.0, 30.0]))


def test_leave_one_out_and_mean_baselines():
    # Each episode's baseline is the other episode's G at the same time index (0 past its end).
    loo = weights(baseline="leave_one_out").advantages[:5, 0]
    np.testing.assert_allclose(loo, G - np.array([6.25, 6.5, 2.0, 2.0, 0.0]))
    mean = weights(baseline="mean").advantages[:5, 0]
    time_mean = np.array([(2 + 6.25) / 2, (2 + 6.5) / 2, 2.5])
    np.testing.assert_allclose(mean, G - time_mean[[0, 1, 0, 1, 2]])


def test_normalize_divides_by_the_scale_of_the_weights():
    plain = weights(baseline="leave_one_out").advantages[:5, 0]
    normalized = weights(baseline="leave_one_out", normalize=True).advantages[:5, 0]
    np.testing.assert_allclose(normalized, plain / G.std(), rtol=1e-5)


def test_unknown_baseline():
    with pytest.raises(ValueError, match="baseline"):
        weights(baseline="median")

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
    advantages = weights(baseline="value").advantages
    np.testing.assert_allclose(advantages[:5, 0], G - v)
    assert advantages[5, 0] == 0.0  # not Psi - V: the unfinished episode's step is outside the batch
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


def test_whole_episode_return_baselines_pad_episodes_with_their_return():
    """
    With R(tau), every step of an episode weighs its return, so a shorter episode is compared past its end with
    its return, not with 0: the 3-step episode's baseline at t = 2 is the 2-step one's return (2).
    """
    loo = weights(baseline="leave_one_out", use_reward_to_go=False).advantages[:5, 0]
    np.testing.assert_allclose(loo, R - np.array([6.25, 6.25, 2.0, 2.0, 2.0]))
    mean = weights(baseline="mean", use_reward_to_go=False).advantages[:5, 0]
    np.testing.assert_allclose(mean, R - (2.0 + 6.25) / 2)


def test_normalize_divides_by_the_scale_of_the_weights():
    plain = weights(baseline="leave_one_out").advantages[:5, 0]
    normalized = weights(baseline="leave_one_out", normalize=True).advantages[:5, 0]
    np.testing.assert_allclose(normalized, plain / G.std(), rtol=1e-5)


@pytest.mark.parametrize("baseline", [None, "mean", "leave_one_out", "value"])
@pytest.mark.parametrize("use_reward_to_go", [True, False])
def test_normalize_gives_zero_weights_when_every_psi_is_the_same(baseline, use_reward_to_go):
    """
    A batch whose Psi_t are all equal (here every reward 0, as on a sparse-reward task where no episode
    succeeds, or all returns equal with R(tau)) has no spread to normalize by: its weights are 0, where
    dividing by the spread plus 1e-8 would multiply the value baseline's Psi_t - V(s_t) by 1e8.
    """
    # with R(tau), both episodes return 2 (gamma 0.5); with G_t, every reward-to-go is 0
    rewards = np.array([2.0, 0.0, 2.0, 0.0, 0.0, 7.0] if not use_reward_to_go else [0.0] * 5 + [7.0])[:, None]
    options = dict(use_reward_to_go=use_reward_to_go, exact_discounted_gradient=False, baseline=baseline)
    result = score_function_weights(rewards, STARTS, DONES, MASK, GAMMA, normalize=True, values=VALUES, **options)
    assert np.ptp(result.weights) == 0
    np.testing.assert_array_equal(result.advantages, 0.0)
    if baseline == "value":  # unnormalized, the value baseline's weights are Psi_t - V(s_t), not 0
        plain = score_function_weights(rewards, STARTS, DONES, MASK, GAMMA, normalize=False, values=VALUES, **options)
        assert np.all(plain.advantages[:5] != 0)


def test_a_batch_without_complete_episodes_has_zero_weights():
    options = dict(use_reward_to_go=True, exact_discounted_gradient=False, baseline=None, normalize=True)
    result = score_function_weights(REWARDS, STARTS, DONES, np.zeros_like(MASK), GAMMA, values=VALUES, **options)
    np.testing.assert_array_equal(result.advantages, 0.0)
    assert result.n_episodes == 0


def test_unknown_baseline():
    with pytest.raises(ValueError, match="baseline"):
        weights(baseline="median")

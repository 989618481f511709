import numpy as np
import pytest

from sb3_reinforce.common.recurrent import episode_buckets


def starts_of(lengths: list[int]) -> np.ndarray:
    starts = np.zeros(sum(lengths), dtype=bool)
    starts[np.cumsum([0, *lengths[:-1]])] = True
    return starts


@pytest.mark.parametrize("max_padding", [0.0, 0.5, 1.0, np.inf])
def test_buckets_hold_every_step_once_in_time_order(max_padding):
    lengths = [5, 1, 1, 1, 3, 12, 2, 5, 7, 1]
    buckets = episode_buckets(starts_of(lengths), "cpu", max_padding)
    steps = np.concatenate([bucket.numpy().flatten() for bucket in buckets])
    assert sorted(steps[steps >= 0]) == list(range(sum(lengths)))
    offsets = np.cumsum([0, *lengths[:-1]])
    for bucket in buckets:
        for row in bucket.numpy():
            episode = row[row >= 0]
            # a whole episode, in time order, padded at its end
            assert episode[0] in offsets and lengths[list(offsets).index(episode[0])] == len(episode)
            np.testing.assert_array_equal(episode, np.arange(episode[0], episode[0] + len(episode)))
            assert np.all(row[len(episode) :] == -1)
        padding = (bucket < 0).sum().item()
        assert padding <= max_padding * (bucket >= 0).sum().item()


def test_one_long_episode_does_not_pad_the_others():
    """A 1000-step episode among 50 episodes of 10 steps: 1500 steps, padded to at most twice that."""
    lengths = [10] * 25 + [1000] + [10] * 25
    buckets = episode_buckets(starts_of(lengths), "cpu")
    # padded to the longest episode, the batch would be 51 x 1000 steps
    assert sum(bucket.numel() for bucket in buckets) <= 2 * sum(lengths)
    assert max(bucket.shape[0] for bucket in buckets if bucket.shape[1] == 1000) <= 2
    assert sum(bucket.numel() for bucket in episode_buckets(starts_of(lengths), "cpu", max_padding=0.0)) == sum(lengths)
    assert len(episode_buckets(starts_of(lengths), "cpu", max_padding=np.inf)) == 1


@pytest.mark.parametrize("max_padding", [0.0, 1.0])
def test_equal_lengths_make_one_bucket(max_padding):
    (bucket,) = episode_buckets(starts_of([4, 4, 4]), "cpu", max_padding)
    np.testing.assert_array_equal(bucket.numpy(), np.arange(12).reshape(3, 4))


def test_a_bucket_may_reach_the_padding_bound():
    """Episodes of 4, 1 and 1 steps padded to 4: 6 padded steps for 6 real ones, max_padding 1 allows it."""
    (bucket,) = episode_buckets(starts_of([4, 1, 1]), "cpu", max_padding=1.0)
    np.testing.assert_array_equal(bucket.numpy(), [[0, 1, 2, 3], [4, -1, -1, -1], [5, -1, -1, -1]])
    assert len(episode_buckets(starts_of([4, 1, 1]), "cpu", max_padding=0.99)) == 2


def test_steps_must_be_whole_episodes():
    with pytest.raises(ValueError, match="episode_starts"):
        episode_buckets(np.array([False, True, False]), "cpu")

"""
A batch of whole episodes as sequences, for recurrent policies.

A batch of REINFORCE is complete episodes one after the other, in time order. Each episode is one
sequence, started from a zero LSTM state. Padding every episode to the longest one would make a
batch's tensors ``n_episodes x longest episode``, so that one long episode multiplies the memory of a
batch of short ones: :func:`episode_buckets` groups the episodes by length instead, and pads each group
only to its own longest episode.
"""

import numpy as np
import torch as th
from sb3_contrib.common.recurrent.buffers import pad


def episode_buckets(episode_starts: np.ndarray, device: th.device | str, max_padding: float = 1.0) -> list[th.Tensor]:
    """
    Group the episodes of a batch into buckets of episodes of similar lengths, each padded to its longest
    episode, with at most ``max_padding`` padded steps per step of the bucket. The episodes are sorted by
    length, longest first, and a bucket takes the next episode as long as that bound holds, so all the
    buckets together hold at most ``(1 + max_padding)`` times the batch's steps (a batch of episodes of
    equal length is one bucket without padding).

    :param episode_starts: ``(n_steps,)`` whether each step starts an episode; the steps are whole episodes
        one after the other, in time order (the first step starts an episode)
    :param device: the device of the tensors returned
    :param max_padding: the most padded steps per step in a bucket
    :return: for every bucket, an ``(n_episodes, longest)`` tensor of step indices into ``episode_starts``,
        each row an episode in time order, ``-1`` where it is padded
    """
    episode_starts = np.asarray(episode_starts).reshape(-1)
    starts = np.flatnonzero(episode_starts)
    if len(episode_starts) == 0 or len(starts) == 0 or starts[0] != 0:
        raise ValueError("episode_starts: the steps must be whole episodes, the first step starting one")
    lengths = np.diff(starts, append=len(episode_starts))
    order = np.argsort(-lengths, kind="stable")
    steps = np.arange(len(episode_starts))
    buckets, first, bucket_steps = [], 0, 0
    for i, episode in enumerate(order):
        longest = lengths[order[first]]
        if i > first and (i - first + 1) * longest > (1 + max_padding) * (bucket_steps + lengths[episode]):
            buckets.append(order[first:i])
            first, bucket_steps = i, 0
        bucket_steps += lengths[episode]
    buckets.append(order[first:])
    return [
        pad(starts[bucket], starts[bucket] + lengths[bucket] - 1, th.device(device), steps, padding_value=-1)
        for bucket in buckets
    ]

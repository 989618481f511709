"""
Rollout buffers that hold whole episodes.

SB3's rollout buffers have a fixed length of ``n_steps`` per env. REINFORCE needs the Monte-Carlo
return of every step it trains on, so a rollout lasts until the batch's episodes have ended:
:class:`EpisodicBufferMixin` grows the storage on demand, records which steps form the batch,
computes the weights with :func:`~sb3_reinforce.common.weights.score_function_weights` and then
hands the batch to SB3's own ``get()`` unchanged.
"""

from collections.abc import Callable, Generator
from typing import Any

import numpy as np
from sb3_contrib.common.maskable.buffers import MaskableDictRolloutBuffer, MaskableRolloutBuffer
from stable_baselines3.common.buffers import DictRolloutBuffer, RolloutBuffer

from sb3_reinforce.common.returns import complete_episode_mask
from sb3_reinforce.common.weights import ScoreFunctionWeights, score_function_weights


def episodes_per_rollout(n_steps: int, n_envs: int, mean_episode_length: float | None) -> int:
    """
    How many episodes the next batch holds: about ``n_steps * n_envs`` steps' worth, judged by the mean
    episode length of the previous batch, and at least one per env and two in all (so that every
    episode has another one to be compared with). The first batch, with no previous one, holds
    ``max(n_envs, 2)`` episodes.

    The count is fixed before the batch is played, so the batch's episodes are independent draws
    from the current policy and their number does not depend on them.

    :param n_steps: steps per env per update, on average
    :param n_envs: number of envs
    :param mean_episode_length: mean episode length of the previous batch, ``None`` for the first one
    :return: the number of episodes
    """
    wanted = 0 if mean_episode_length is None else round(n_steps * n_envs / mean_episode_length)
    return max(wanted, n_envs, 2)


class EpisodicBufferMixin:
    """
    Turns an SB3 ``RolloutBuffer`` (or any subclass of it) into a buffer of complete episodes.

    ``add`` takes two more keyword arguments: ``dones``, the episode-end flags of the step, and
    ``in_batch``, which envs' steps belong to the batch. When the batch is complete,
    :meth:`compute_weights` fills ``advantages`` and ``returns``, keeps what it computed as ``batch_weights``
    and repacks the batch's steps as one column, so that the base class's ``get()`` yields exactly those steps.
    """

    buffer_size: int
    n_envs: int
    pos: int
    full: bool
    rewards: np.ndarray
    episode_starts: np.ndarray
    values: np.ndarray
    advantages: np.ndarray
    returns: np.ndarray
    dones: np.ndarray
    in_batch: np.ndarray
    batch_weights: ScoreFunctionWeights | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._batch_n_envs: int | None = None
        super().__init__(*args, **kwargs)

    def reset(self) -> None:
        if self._batch_n_envs is not None:
            # Undo the repacking of the previous batch; keep the grown capacity.
            self.n_envs = self._batch_n_envs
            self.buffer_size = self._capacity
        self._batch_n_envs = None
        self._capacity = self.buffer_size
        self.batch_weights = None
        super().reset()  # type: ignore[misc]
        self.dones = np.zeros((self.buffer_size, self.n_envs), dtype=bool)
        self.in_batch = np.zeros((self.buffer_size, self.n_envs), dtype=bool)
        # The value reset() gives every row of each array (0; 1 for sb3-contrib's action masks, every action
        # valid until add() is given masks): the rows _grow adds start with it too.
        self._reset_values = {name: array.flat[0] if array.size else 0 for name, array in self._storage().items()}

    def _storage(self) -> dict[str, np.ndarray]:
        """
        The per-step arrays (leading dims ``(buffer_size, n_envs)``) by attribute name; an array of a dict of
        them (Dict observations) is named ``"<dict>/<key>"``.
        """

        def is_storage(value: Any) -> bool:
            return isinstance(value, np.ndarray) and value.shape[:2] == (self.buffer_size, self.n_envs)

        arrays = {}
        for name, value in vars(self).items():
            if is_storage(value):
                arrays[name] = value
            elif isinstance(value, dict) and value and all(is_storage(v) for v in value.values()):
                arrays.update({f"{name}/{key}": v for key, v in value.items()})
        return arrays

    def _map_storage(self, fn: Callable[[str, np.ndarray], np.ndarray]) -> None:
        """Replace every per-step array by ``fn(name, array)`` (names as :meth:`_storage` gives them)."""
        for name, array in self._storage().items():
            owner, _, key = name.partition("/")
            if key:
                getattr(self, owner)[key] = fn(name, array)
            else:
                setattr(self, name, fn(name, array))

    def _grow(self) -> None:
        extra = self.buffer_size

        def grow(name: str, array: np.ndarray) -> np.ndarray:
            added = np.full((extra, *array.shape[1:]), self._reset_values[name], dtype=array.dtype)
            return np.concatenate([array, added])

        self._map_storage(grow)
        self.buffer_size += extra
        self._capacity = self.buffer_size

    def add(self, *args: Any, dones: np.ndarray, in_batch: np.ndarray, **kwargs: Any) -> None:
        """
        Store one step of every env; arguments as the base class's ``add``, plus:

        :param dones: ``(n_envs,)`` whether each env's episode ended with this step
        :param in_batch: ``(n_envs,)`` whether each env's step belongs to the batch
        """
        if self.pos == self.buffer_size:
            self._grow()
        self.dones[self.pos] = dones
        self.in_batch[self.pos] = in_batch
        super().add(*args, **kwargs)  # type: ignore[misc]
        self.full = False

    def compute_weights(
        self,
        gamma: float,
        use_reward_to_go: bool,
        exact_discounted_gradient: bool,
        baseline: str | None,
        normalize: bool,
    ) -> ScoreFunctionWeights:
        """
        Compute the estimator's weights over the batch's complete episodes (see
        :func:`~sb3_reinforce.common.weights.score_function_weights` for the parameters), store them in
        ``advantages`` and the Monte-Carlo returns in ``returns``, then keep only the batch's steps.
        """
        used = slice(0, self.pos)
        starts = self.episode_starts[used].astype(bool)
        mask = self.in_batch[used] & complete_episode_mask(starts, self.dones[used])
        result = score_function_weights(
            self.rewards[used],
            starts,
            self.dones[used],
            mask,
            gamma=gamma,
            use_reward_to_go=use_reward_to_go,
            exact_discounted_gradient=exact_discounted_gradient,
            baseline=baseline,
            normalize=normalize,
            values=self.values[used],
        )
        if not (np.isfinite(result.advantages).all() and np.isfinite(result.returns[mask]).all()):
            raise ValueError(
                "env: the batch's returns are not finite numbers (float32 overflow of large rewards, or a "
                "non-finite value estimate); scale the rewards, e.g. with stable_baselines3's VecNormalize"
            )
        self.advantages[used] = result.advantages
        self.returns[used] = result.returns

        # Repack the batch's steps, env by env in time order, as a single env column.
        full_mask = np.zeros((self.buffer_size, self.n_envs), dtype=bool)
        full_mask[used] = mask
        order = np.flatnonzero(full_mask.T)
        rows, cols = order % self.buffer_size, order // self.buffer_size
        self._map_storage(lambda _, array: array[rows, cols][:, None])
        self._batch_n_envs = self.n_envs
        self.buffer_size, self.n_envs = len(order), 1
        self.pos, self.full = self.buffer_size, True
        self.batch_weights = result
        return result


class EpisodicRolloutBuffer(EpisodicBufferMixin, RolloutBuffer):
    """SB3's ``RolloutBuffer`` holding whole episodes (see :class:`EpisodicBufferMixin`)."""


class EpisodicDictRolloutBuffer(EpisodicBufferMixin, DictRolloutBuffer):
    """SB3's ``DictRolloutBuffer`` holding whole episodes (see :class:`EpisodicBufferMixin`)."""


class MaskableEpisodicRolloutBuffer(EpisodicBufferMixin, MaskableRolloutBuffer):
    """sb3-contrib's ``MaskableRolloutBuffer`` holding whole episodes (see :class:`EpisodicBufferMixin`)."""


class MaskableEpisodicDictRolloutBuffer(EpisodicBufferMixin, MaskableDictRolloutBuffer):
    """sb3-contrib's ``MaskableDictRolloutBuffer`` holding whole episodes (see :class:`EpisodicBufferMixin`)."""


class SequentialBufferMixin(EpisodicBufferMixin):
    """
    An :class:`EpisodicBufferMixin` whose ``get()`` yields the whole batch in time order, episode after
    episode (env by env, as :meth:`~EpisodicBufferMixin.compute_weights` repacks it), instead of SB3's shuffled
    minibatches, for recurrent policies: step ``i`` of the samples is step ``i`` of ``episode_starts``.
    """

    def get(self, batch_size: int | None = None) -> Generator[Any, None, None]:
        """
        :param batch_size: ``None``: the whole batch is one sample (a recurrent policy reads whole episodes)
        :return: the batch's samples, in time order
        """
        assert self.full, "the batch is not complete: call compute_weights() first"
        if batch_size is not None:
            raise ValueError(f"batch_size: {type(self).__name__} yields the whole batch, in time order; got {batch_size}")
        if not self.generator_ready:
            # The batch is one env column: drop that axis from every per-step array.
            self._map_storage(lambda _, array: array.reshape(len(array), *array.shape[2:]))
            self.generator_ready = True
        yield self._get_samples(np.arange(self.buffer_size))  # type: ignore[attr-defined]


class SequentialRolloutBuffer(SequentialBufferMixin, RolloutBuffer):
    """SB3's ``RolloutBuffer`` holding whole episodes, read in time order (see :class:`SequentialBufferMixin`)."""


class SequentialDictRolloutBuffer(SequentialBufferMixin, DictRolloutBuffer):
    """SB3's ``DictRolloutBuffer`` holding whole episodes, read in time order (see :class:`SequentialBufferMixin`)."""


class MaskableSequentialRolloutBuffer(SequentialBufferMixin, MaskableRolloutBuffer):
    """sb3-contrib's ``MaskableRolloutBuffer`` holding whole episodes, read in time order."""


class MaskableSequentialDictRolloutBuffer(SequentialBufferMixin, MaskableDictRolloutBuffer):
    """sb3-contrib's ``MaskableDictRolloutBuffer`` holding whole episodes, read in time order."""

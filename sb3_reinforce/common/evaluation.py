"""
sb3-contrib's maskable evaluation, for recurrent models.

When it masks, sb3-contrib's maskable ``evaluate_policy`` (and so ``MaskableEvalCallback``, which calls it)
stores the state that ``predict`` returns in a variable it never reads, and passes ``state=None`` at every
step: a recurrent policy is then evaluated from a zero LSTM state at every step, without memory. The
``evaluate_policy`` and ``MaskableEvalCallback`` here are sb3-contrib's, given the model through
:class:`StatePassing`, which passes each ``predict`` the state the previous one returned (``episode_start``
still resets it). For memoryless models they are sb3-contrib's unchanged.
"""

from typing import Any

import numpy as np
from sb3_contrib.common.maskable import callbacks, evaluation
from stable_baselines3.common.base_class import BaseAlgorithm


class StatePassing:
    """
    A model whose ``predict`` passes on the state the previous call returned, whatever state it is given;
    every other attribute is the model's.

    :param model: the model
    """

    def __init__(self, model: BaseAlgorithm):
        self._model = model
        self._state: tuple[np.ndarray, ...] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def predict(
        self,
        observation: np.ndarray | dict[str, np.ndarray],
        state: tuple[np.ndarray, ...] | None = None,
        episode_start: np.ndarray | None = None,
        deterministic: bool = False,
        **kwargs: Any,
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...] | None]:
        """
        The model's ``predict``, from the state the previous call returned (``state`` is ignored).

        :param observation: the input observation
        :param state: ignored
        :param episode_start: Whether the observations start new episodes (their states are reset)
        :param deterministic: Whether or not to return deterministic actions.
        :param kwargs: the model's other arguments (``action_masks``)
        :return: the model's action and the next hidden state
        """
        actions, self._state = self._model.predict(observation, self._state, episode_start, deterministic, **kwargs)
        return actions, self._state


def evaluate_policy(model: BaseAlgorithm, env: Any, *args: Any, **kwargs: Any) -> Any:
    """
    sb3-contrib's maskable ``evaluate_policy``, that keeps the LSTM state of a recurrent model from step to
    step; its arguments and result are sb3-contrib's.

    :param model: the model to evaluate
    :param env: the env to evaluate it on
    :return: as sb3-contrib's
    """
    return evaluation.evaluate_policy(StatePassing(model), env, *args, **kwargs)  # type: ignore[arg-type]


class MaskableEvalCallback(callbacks.MaskableEvalCallback):
    """
    sb3-contrib's ``MaskableEvalCallback``, that keeps the LSTM state of a recurrent model from step to step
    of its evaluations; its parameters are sb3-contrib's.
    """

    def _on_step(self) -> bool:
        model = self.model
        self.model = StatePassing(model)  # type: ignore[assignment]
        try:
            return super()._on_step()
        finally:
            self.model = model

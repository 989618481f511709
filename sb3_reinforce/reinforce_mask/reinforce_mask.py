from typing import Any, ClassVar, TypeVar

import numpy as np
import torch as th
from gymnasium import spaces
from sb3_contrib.common.maskable.buffers import MaskableDictRolloutBufferSamples, MaskableRolloutBufferSamples
from sb3_contrib.common.maskable.policies import MaskableActorCriticPolicy
from sb3_contrib.common.maskable.utils import get_action_masks, is_masking_supported
from stable_baselines3.common.policies import BasePolicy
from stable_baselines3.common.type_aliases import MaybeCallback
from stable_baselines3.common.vec_env import VecEnv

from sb3_reinforce.common.buffers import (
    EpisodicBufferMixin,
    MaskableEpisodicDictRolloutBuffer,
    MaskableEpisodicRolloutBuffer,
)
from sb3_reinforce.common.checks import check_bool
from sb3_reinforce.common.sampling import overrides_actor
from sb3_reinforce.reinforce.reinforce import REINFORCE
from sb3_reinforce.reinforce_mask.policies import CnnPolicy, MlpPolicy, MultiInputPolicy

SelfMaskableREINFORCE = TypeVar("SelfMaskableREINFORCE", bound="MaskableREINFORCE")


class MaskableREINFORCE(REINFORCE):
    """
    REINFORCE with invalid action masking, built on sb3-contrib's maskable policies and buffers, as
    ``MaskablePPO`` is.

    The masks come from the env's ``action_masks()`` method (directly or through sb3-contrib's
    ``ActionMasker`` wrapper), read with ``get_action_masks`` at every step and stored with the batch.
    The loss uses the log-probabilities of the *masked* distribution, so it is the score-function
    estimator of the masked policy's gradient, with the same returns, baselines and scale ``c`` as
    :class:`~sb3_reinforce.reinforce.REINFORCE`, whose parameters it takes, except ``use_sde`` and
    ``sde_sample_freq`` (its action spaces are Discrete, MultiDiscrete and MultiBinary).
    """

    policy_aliases: ClassVar[dict[str, type[BasePolicy]]] = {
        "MlpPolicy": MlpPolicy,
        "CnnPolicy": CnnPolicy,
        "MultiInputPolicy": MultiInputPolicy,
    }
    supported_action_spaces: ClassVar[tuple[type[spaces.Space], ...]] = (
        spaces.Discrete,
        spaces.MultiDiscrete,
        spaces.MultiBinary,
    )
    rollout_buffer_classes: ClassVar[tuple[type[EpisodicBufferMixin], type[EpisodicBufferMixin]]] = (
        MaskableEpisodicRolloutBuffer,
        MaskableEpisodicDictRolloutBuffer,
    )
    supports_sde: ClassVar[bool] = False
    # The policies this algorithm accepts
    policy_base: ClassVar[type[BasePolicy]] = MaskableActorCriticPolicy
    policy: MaskableActorCriticPolicy  # type: ignore[assignment]

    _use_masking = True

    def _check_masking_supported(self, env: VecEnv) -> None:
        if not is_masking_supported(env):
            raise ValueError(
                f"env: {type(self).__name__} needs an env with an action_masks() method; add one or wrap the env "
                "with sb3_contrib.common.wrappers.ActionMasker (or learn with use_masking=False)"
            )

    def _sample_actions(self, obs: th.Tensor, env: VecEnv) -> tuple[th.Tensor, th.Tensor | None, dict[str, Any]]:
        action_masks = get_action_masks(env) if self._use_masking else None
        if overrides_actor(self.policy, self.policy_base):
            actions = self.policy(obs, action_masks=action_masks)[0]
        else:
            actions = self.policy.get_distribution(obs, action_masks=action_masks).get_actions()
        return actions, None, {"action_masks": action_masks}

    def _evaluate_actions(  # type: ignore[override]
        self, data: MaskableRolloutBufferSamples | MaskableDictRolloutBufferSamples
    ) -> tuple[th.Tensor, th.Tensor | None, th.Tensor | None]:
        actions = data.actions
        if isinstance(self.action_space, spaces.Discrete):
            actions = actions.long().flatten()
        if self._value_in_loss or overrides_actor(self.policy, self.policy_base):
            values, log_prob, entropy = self.policy.evaluate_actions(
                data.observations,  # type: ignore[arg-type]
                actions,
                action_masks=data.action_masks,
            )
            return log_prob, entropy, values.flatten() if self._value_in_loss else None
        distribution = self.policy.get_distribution(data.observations, action_masks=data.action_masks)  # type: ignore[arg-type]
        return distribution.log_prob(actions), distribution.entropy(), None

    def predict(  # type: ignore[override]
        self,
        observation: np.ndarray | dict[str, np.ndarray],
        state: tuple[np.ndarray, ...] | None = None,
        episode_start: np.ndarray | None = None,
        deterministic: bool = False,
        action_masks: np.ndarray | None = None,
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...] | None]:
        """
        Get the policy action from an observation, among the valid actions when ``action_masks`` is given.

        :param observation: the input observation
        :param state: The last hidden states: the LSTM states of a recurrent policy
            (:class:`~sb3_reinforce.reinforce_recurrent_mask.MaskableRecurrentREINFORCE`), ``None`` for zero states;
            unused otherwise
        :param episode_start: Whether the observations start new episodes (a recurrent policy resets their
            states); unused otherwise
        :param deterministic: Whether or not to return deterministic actions.
        :param action_masks: Action masks to apply to the action distribution
        :return: the model's action and the next hidden state
        """
        return self.policy.predict(observation, state, episode_start, deterministic, action_masks=action_masks)

    def learn(  # type: ignore[override]
        self: SelfMaskableREINFORCE,
        total_timesteps: int,
        callback: MaybeCallback = None,
        log_interval: int = 1,
        tb_log_name: str = "MaskableREINFORCE",
        reset_num_timesteps: bool = True,
        use_masking: bool = True,
        progress_bar: bool = False,
    ) -> SelfMaskableREINFORCE:
        """
        As :meth:`REINFORCE.learn <sb3_reinforce.reinforce.REINFORCE.learn>`, plus:

        :param use_masking: Whether to use the env's action masks (False: learn as plain REINFORCE)
        """
        check_bool("use_masking", use_masking)
        if use_masking and self.env is not None:
            self._check_masking_supported(self.env)
        self._use_masking = use_masking
        return super().learn(
            total_timesteps=total_timesteps,
            callback=callback,
            log_interval=log_interval,
            tb_log_name=tb_log_name,
            reset_num_timesteps=reset_num_timesteps,
            progress_bar=progress_bar,
        )

from typing import Any, ClassVar, TypeVar

import torch as th
from sb3_contrib.common.maskable.buffers import MaskableRolloutBufferSamples
from sb3_contrib.common.maskable.utils import get_action_masks
from sb3_contrib.common.recurrent.type_aliases import RNNStates
from stable_baselines3.common.policies import BasePolicy
from stable_baselines3.common.type_aliases import MaybeCallback
from stable_baselines3.common.vec_env import VecEnv

from sb3_reinforce.common.buffers import (
    EpisodicBufferMixin,
    MaskableSequentialDictRolloutBuffer,
    MaskableSequentialRolloutBuffer,
)
from sb3_reinforce.reinforce_mask.reinforce_mask import MaskableREINFORCE
from sb3_reinforce.reinforce_recurrent.reinforce_recurrent import RecurrentREINFORCE
from sb3_reinforce.reinforce_recurrent_mask.policies import (
    CnnLstmPolicy,
    MaskableRecurrentActorCriticPolicy,
    MlpLstmPolicy,
    MultiInputLstmPolicy,
)

SelfMaskableRecurrentREINFORCE = TypeVar("SelfMaskableRecurrentREINFORCE", bound="MaskableRecurrentREINFORCE")


class MaskableRecurrentREINFORCE(RecurrentREINFORCE, MaskableREINFORCE):
    """
    REINFORCE with recurrent (LSTM) policies and invalid action masking:
    :class:`~sb3_reinforce.reinforce_recurrent.RecurrentREINFORCE` with the masks of
    :class:`~sb3_reinforce.reinforce_mask.MaskableREINFORCE`.

    The policy is sb3-contrib's ``RecurrentActorCriticPolicy`` with sb3-contrib's maskable distributions
    (:class:`~sb3_reinforce.reinforce_recurrent_mask.policies.MaskableRecurrentActorCriticPolicy`). The masks
    come from the env's ``action_masks()`` (read with ``get_action_masks`` at every step and stored with the
    batch), and the loss uses the log-probabilities of the masked distribution, evaluated over whole episodes
    as :class:`~sb3_reinforce.reinforce_recurrent.RecurrentREINFORCE` does. It takes the parameters of
    :class:`~sb3_reinforce.reinforce.REINFORCE` except ``use_sde`` and ``sde_sample_freq`` (its action spaces are
    Discrete, MultiDiscrete and MultiBinary); ``learn`` takes ``use_masking`` and ``predict`` takes
    ``action_masks``, as :class:`~sb3_reinforce.reinforce_mask.MaskableREINFORCE`'s do.
    """

    policy_aliases: ClassVar[dict[str, type[BasePolicy]]] = {
        "MlpLstmPolicy": MlpLstmPolicy,
        "CnnLstmPolicy": CnnLstmPolicy,
        "MultiInputLstmPolicy": MultiInputLstmPolicy,
    }
    rollout_buffer_classes: ClassVar[tuple[type[EpisodicBufferMixin], type[EpisodicBufferMixin]]] = (
        MaskableSequentialRolloutBuffer,
        MaskableSequentialDictRolloutBuffer,
    )
    policy_base: ClassVar[type[BasePolicy]] = MaskableRecurrentActorCriticPolicy
    policy: MaskableRecurrentActorCriticPolicy  # type: ignore[assignment]

    def _sample_actions(self, obs: th.Tensor, env: VecEnv) -> tuple[th.Tensor, th.Tensor | None, dict[str, Any]]:
        action_masks = get_action_masks(env) if self._use_masking else None
        with self.policy.masked(action_masks):
            actions, values, buffer_kwargs = super()._sample_actions(obs, env)
        return actions, values, {**buffer_kwargs, "action_masks": action_masks}

    def _evaluate_padded(  # type: ignore[override]
        self,
        data: MaskableRolloutBufferSamples,
        actions: th.Tensor,
        index: th.Tensor,
        lstm_states: RNNStates,
        episode_starts: th.Tensor,
    ) -> tuple[th.Tensor, th.Tensor | None, th.Tensor | None]:
        # The buffer stores all-valid masks for the steps played without masking.
        with self.policy.masked(data.action_masks[index]):
            return super()._evaluate_padded(data, actions, index, lstm_states, episode_starts)  # type: ignore[arg-type]

    def learn(  # type: ignore[override]
        self: SelfMaskableRecurrentREINFORCE,
        total_timesteps: int,
        callback: MaybeCallback = None,
        log_interval: int = 1,
        tb_log_name: str = "MaskableRecurrentREINFORCE",
        reset_num_timesteps: bool = True,
        use_masking: bool = True,
        progress_bar: bool = False,
    ) -> SelfMaskableRecurrentREINFORCE:
        """
        As :meth:`MaskableREINFORCE.learn <sb3_reinforce.reinforce_mask.MaskableREINFORCE.learn>`.
        """
        return MaskableREINFORCE.learn(
            self,
            total_timesteps=total_timesteps,
            callback=callback,
            log_interval=log_interval,
            tb_log_name=tb_log_name,
            reset_num_timesteps=reset_num_timesteps,
            use_masking=use_masking,
            progress_bar=progress_bar,
        )

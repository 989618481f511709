"""
Policies of MaskableRecurrentREINFORCE: sb3-contrib's recurrent (LSTM) actor-critic policies with
sb3-contrib's maskable action distributions.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import numpy as np
import torch as th
from sb3_contrib.common.maskable.distributions import MaskableDistribution, make_masked_proba_distribution
from stable_baselines3.common.type_aliases import Schedule

from sb3_reinforce.reinforce_recurrent import policies as recurrent

MaybeMasks = np.ndarray | th.Tensor | None


class MaskableRecurrentActorCriticPolicy(recurrent.MlpLstmPolicy):
    """
    sb3-contrib's ``RecurrentActorCriticPolicy`` whose action distribution is sb3-contrib's maskable one
    (Discrete, MultiDiscrete and MultiBinary actions). It takes the parameters of
    ``RecurrentActorCriticPolicy``.

    Its methods are ``RecurrentActorCriticPolicy``'s; within :meth:`masked` every distribution they
    compute is masked, and :meth:`predict` takes ``action_masks`` as ``MaskablePPO``'s policies do.
    """

    _action_masks: MaybeMasks = None

    def _build(self, lr_schedule: Schedule) -> None:
        super()._build(lr_schedule)
        # The maskable distribution's action network, in place of the one built for SB3's distribution
        # (sb3-contrib's recurrent policy builds its optimizer after this, over the final parameters).
        self.action_dist = make_masked_proba_distribution(self.action_space)
        self.action_net = self.action_dist.proba_distribution_net(latent_dim=self.mlp_extractor.latent_dim_pi)
        if self.ortho_init:
            self.action_net.apply(partial(self.init_weights, gain=0.01))

    def _get_action_dist_from_latent(self, latent_pi: th.Tensor) -> MaskableDistribution:  # type: ignore[override]
        distribution = self.action_dist.proba_distribution(action_logits=self.action_net(latent_pi))
        if self._action_masks is not None:
            distribution.apply_masking(self._action_masks)
        return distribution

    @contextmanager
    def masked(self, action_masks: MaybeMasks) -> Iterator[None]:
        """
        Mask every action distribution the policy computes within the block (``forward``,
        ``get_distribution``, ``evaluate_actions``, ``predict``) with ``action_masks``, one row per
        observation given to it (``None``: no masking).

        :param action_masks: the masks, as sb3-contrib's ``get_action_masks`` returns them
        """
        self._action_masks = action_masks
        try:
            yield
        finally:
            self._action_masks = None

    def predict(  # type: ignore[override]
        self,
        observation: np.ndarray | dict[str, np.ndarray],
        state: tuple[np.ndarray, ...] | None = None,
        episode_start: np.ndarray | None = None,
        deterministic: bool = False,
        action_masks: np.ndarray | None = None,
    ) -> tuple[np.ndarray, tuple[np.ndarray, ...] | None]:
        """
        ``RecurrentActorCriticPolicy.predict``, among the valid actions when ``action_masks`` is given.

        :param observation: the input observation
        :param state: The last hidden and memory states of the LSTM (``None``: zero states)
        :param episode_start: Whether the observations start new episodes (their states are reset)
        :param deterministic: Whether or not to return deterministic actions.
        :param action_masks: Action masks to apply to the action distribution
        :return: the model's action and the next hidden state
        """
        with self.masked(action_masks):
            return super().predict(observation, state, episode_start, deterministic)


class MaskableRecurrentActorCriticCnnPolicy(MaskableRecurrentActorCriticPolicy, recurrent.CnnLstmPolicy):
    """:class:`MaskableRecurrentActorCriticPolicy` with sb3-contrib's CNN defaults (``NatureCNN``), for images."""


class MaskableRecurrentMultiInputActorCriticPolicy(MaskableRecurrentActorCriticPolicy, recurrent.MultiInputLstmPolicy):
    """:class:`MaskableRecurrentActorCriticPolicy` with sb3-contrib's Dict defaults (``CombinedExtractor``)."""


MlpLstmPolicy = MaskableRecurrentActorCriticPolicy
CnnLstmPolicy = MaskableRecurrentActorCriticCnnPolicy
MultiInputLstmPolicy = MaskableRecurrentMultiInputActorCriticPolicy

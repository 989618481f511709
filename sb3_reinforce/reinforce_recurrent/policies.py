"""Policies of RecurrentREINFORCE: sb3-contrib's recurrent (LSTM) actor-critic policies, as RecurrentPPO's."""

from sb3_contrib.common.recurrent.policies import (
    RecurrentActorCriticCnnPolicy,
    RecurrentActorCriticPolicy,
    RecurrentMultiInputActorCriticPolicy,
)
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor


class IntFeaturesMixin:
    """
    Gives the features extractor a Python ``int`` as its output size, which the LSTMs take as their input size:
    SB3 counts the flattened size of a MultiDiscrete observation as a numpy integer, which ``nn.LSTM`` refuses
    (sb3-contrib's recurrent policies fail on MultiDiscrete observations for that reason alone).
    """

    def make_features_extractor(self) -> BaseFeaturesExtractor:
        extractor = super().make_features_extractor()  # type: ignore[misc]
        extractor._features_dim = int(extractor.features_dim)
        return extractor


class MlpLstmPolicy(IntFeaturesMixin, RecurrentActorCriticPolicy):
    """sb3-contrib's ``RecurrentActorCriticPolicy`` (RecurrentPPO's ``MlpLstmPolicy``), MultiDiscrete observations included."""


class CnnLstmPolicy(IntFeaturesMixin, RecurrentActorCriticCnnPolicy):
    """sb3-contrib's ``RecurrentActorCriticCnnPolicy`` (RecurrentPPO's ``CnnLstmPolicy``), for images."""


class MultiInputLstmPolicy(IntFeaturesMixin, RecurrentMultiInputActorCriticPolicy):
    """sb3-contrib's ``RecurrentMultiInputActorCriticPolicy`` (RecurrentPPO's ``MultiInputLstmPolicy``), for Dicts."""

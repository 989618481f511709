"""Policies of RecurrentREINFORCE: sb3-contrib's recurrent (LSTM) actor-critic policies, as RecurrentPPO's."""

from sb3_contrib.ppo_recurrent.policies import CnnLstmPolicy, MlpLstmPolicy, MultiInputLstmPolicy

__all__ = ["CnnLstmPolicy", "MlpLstmPolicy", "MultiInputLstmPolicy"]

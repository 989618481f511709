from sb3_reinforce.reinforce_recurrent_mask.policies import CnnLstmPolicy, MlpLstmPolicy, MultiInputLstmPolicy
from sb3_reinforce.reinforce_recurrent_mask.reinforce_recurrent_mask import MaskableRecurrentREINFORCE

__all__ = ["CnnLstmPolicy", "MaskableRecurrentREINFORCE", "MlpLstmPolicy", "MultiInputLstmPolicy"]

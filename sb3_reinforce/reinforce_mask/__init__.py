from sb3_reinforce.reinforce_mask.policies import CnnPolicy, MlpPolicy, MultiInputPolicy
from sb3_reinforce.reinforce_mask.reinforce_mask import MaskableREINFORCE

__all__ = ["CnnPolicy", "MaskableREINFORCE", "MlpPolicy", "MultiInputPolicy"]

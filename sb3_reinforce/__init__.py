import os

from sb3_reinforce.reinforce import REINFORCE, CnnPolicy, MlpPolicy, MultiInputPolicy
from sb3_reinforce.reinforce_mask import MaskableREINFORCE
from sb3_reinforce.reinforce_recurrent import RecurrentREINFORCE
from sb3_reinforce.reinforce_recurrent_mask import MaskableRecurrentREINFORCE

with open(os.path.join(os.path.dirname(__file__), "version.txt")) as file_handler:
    __version__ = file_handler.read().strip()

__all__ = [
    "REINFORCE",
    "CnnPolicy",
    "MaskableREINFORCE",
    "MaskableRecurrentREINFORCE",
    "MlpPolicy",
    "MultiInputPolicy",
    "RecurrentREINFORCE",
    "__version__",
]

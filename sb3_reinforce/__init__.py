import os

from sb3_reinforce.reinforce import REINFORCE, CnnPolicy, MlpPolicy, MultiInputPolicy
from sb3_reinforce.reinforce_mask import MaskableREINFORCE

with open(os.path.join(os.path.dirname(__file__), "version.txt")) as file_handler:
    __version__ = file_handler.read().strip()

__all__ = ["REINFORCE", "CnnPolicy", "MaskableREINFORCE", "MlpPolicy", "MultiInputPolicy", "__version__"]

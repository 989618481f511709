import os

from sb3_reinforce.reinforce import REINFORCE, CnnPolicy, MlpPolicy, MultiInputPolicy

with open(os.path.join(os.path.dirname(__file__), "version.txt")) as file_handler:
    __version__ = file_handler.read().strip()

__all__ = ["REINFORCE", "CnnPolicy", "MlpPolicy", "MultiInputPolicy", "__version__"]

"""
RL Baselines3 Zoo (``rl_zoo3``) integration: ``python -m sb3_reinforce.zoo train|enjoy|... --algo reinforce``.

:func:`register` makes ``reinforce``, ``reinforce_mask``, ``reinforce_lstm`` and ``reinforce_lstm_mask``
rl_zoo3 algorithms, with their Optuna samplers; :func:`main` runs any rl_zoo3 command with them, and reads
the hyperparameters shipped in this package (``reinforce.yml``, ``reinforce_mask.yml``, ``reinforce_lstm.yml``,
``reinforce_lstm_mask.yml``) when no ``--conf-file`` is given; :func:`read_entry` reads an entry of such a file
as rl_zoo3 does, for a model built in Python.
"""

from sb3_reinforce.zoo.hyperparams import (
    convert_reinforce_lstm_params,
    convert_reinforce_params,
    read_entry,
    sample_reinforce_lstm_params,
    sample_reinforce_params,
)
from sb3_reinforce.zoo.run import ALGOS, default_conf_file, main, register

__all__ = [
    "ALGOS",
    "convert_reinforce_lstm_params",
    "convert_reinforce_params",
    "default_conf_file",
    "main",
    "read_entry",
    "register",
    "sample_reinforce_lstm_params",
    "sample_reinforce_params",
]

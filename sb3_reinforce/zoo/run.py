"""Registration of REINFORCE in rl_zoo3 and the command-line entry point."""

import argparse
import sys
from collections.abc import Callable
from importlib import resources
from typing import Any, NoReturn

import gymnasium as gym
from rl_zoo3.exp_manager import ExperimentManager
from rl_zoo3.hyperparams_opt import HYPERPARAMS_CONVERTER, HYPERPARAMS_SAMPLER
from rl_zoo3.utils import ALGOS as ZOO_ALGOS
from stable_baselines3.common.base_class import BaseAlgorithm

from sb3_reinforce import REINFORCE, MaskableRecurrentREINFORCE, MaskableREINFORCE, RecurrentREINFORCE
from sb3_reinforce.zoo.hyperparams import (
    convert_reinforce_lstm_params,
    convert_reinforce_params,
    preprocess_schedules,
    sample_reinforce_lstm_params,
    sample_reinforce_params,
    zoo_preprocess_schedules,
)
from sb3_reinforce.zoo.storage import StorageError, check_storage

# rl_zoo3 names RecurrentPPO ppo_lstm
ALGOS: dict[str, type[BaseAlgorithm]] = {
    "reinforce": REINFORCE,
    "reinforce_mask": MaskableREINFORCE,
    "reinforce_lstm": RecurrentREINFORCE,
    "reinforce_lstm_mask": MaskableRecurrentREINFORCE,
}
# A registered env with invalid actions, so that reinforce_mask can be run from the command line.
MASKED_ENV_ID = "sb3_reinforce/InvalidActionDiscrete-v0"
# rl_zoo3's commands (rl_zoo3.cli)
COMMANDS = ("train", "enjoy", "plot_train", "plot_from_file", "all_plots")


def register() -> None:
    """
    Make ``reinforce``, ``reinforce_mask``, ``reinforce_lstm`` and ``reinforce_lstm_mask`` rl_zoo3 algorithms,
    with REINFORCE's Optuna samplers (the recurrent ones also sample the LSTM's size), and let their conf files
    give ``target_kl``, ``value_learning_rate`` and ``ent_coef`` as rl_zoo3's ``lin_<initial value>`` schedules, as
    they give ``learning_rate`` (rl_zoo3's other algorithms keep its own conversion: SAC's ``ent_coef: auto``).
    """
    ZOO_ALGOS.update(ALGOS)
    ExperimentManager._preprocess_schedules = _preprocess_schedules  # type: ignore[method-assign,assignment]
    for name, algo in ALGOS.items():
        recurrent = issubclass(algo, RecurrentREINFORCE)
        HYPERPARAMS_SAMPLER[name] = sample_reinforce_lstm_params if recurrent else sample_reinforce_params
        HYPERPARAMS_CONVERTER[name] = convert_reinforce_lstm_params if recurrent else convert_reinforce_params
    if MASKED_ENV_ID not in gym.registry:
        gym.register(
            MASKED_ENV_ID,
            entry_point="sb3_contrib.common.envs:InvalidActionEnvDiscrete",
            kwargs=dict(dim=80, n_invalid_actions=60),
        )


def _preprocess_schedules(manager: ExperimentManager, hyperparams: dict[str, Any]) -> dict[str, Any]:
    """``ExperimentManager._preprocess_schedules`` once registered: this package's for its algorithms."""
    convert = preprocess_schedules if manager.algo in ALGOS else zoo_preprocess_schedules
    return convert(hyperparams)


def default_conf_file(algo: str) -> str:
    """
    The hyperparameter file shipped with this package for ``algo``.

    :param algo: ``reinforce``, ``reinforce_mask``, ``reinforce_lstm`` or ``reinforce_lstm_mask``
    :return: its path
    """
    return str(resources.files("sb3_reinforce.zoo").joinpath(f"{algo}.yml"))


class _Unparsed(Exception):
    """An option rl_zoo3's parser will refuse itself (an ambiguous prefix, a missing value)."""


class _OptionParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Unparsed(message)


def _options(args: list[str]) -> argparse.Namespace:
    """
    The options of rl_zoo3's ``train`` that this module reads, as rl_zoo3's parser reads them: the last of an
    option's occurrences counts, and an unambiguous prefix names it (``--alg reinforce``). The others are left to
    rl_zoo3. A command line rl_zoo3 refuses (a prefix ambiguous among all its options, a missing value) may read
    otherwise here, or as none given; rl_zoo3 then stops with its own error.

    :param args: the options of the command
    :return: ``algo``, ``env``, ``conf_file``, ``storage``, ``study_name``, ``trial_id`` (strings or ``None``)
        and ``optimize``
    """
    parser = _OptionParser(add_help=False)
    for names in (["--algo"], ["--env"], ["-conf", "--conf-file"], ["--storage"], ["--study-name"], ["--trial-id"]):
        parser.add_argument(*names)
    parser.add_argument("-optimize", "--optimize-hyperparameters", dest="optimize", action="store_true")
    try:
        return parser.parse_known_args(args)[0]
    except _Unparsed:
        return parser.parse_known_args([])[0]


PROGRAM = "python -m sb3_reinforce.zoo"


def usage() -> str:
    """The help of ``python -m sb3_reinforce.zoo``."""
    return f"""usage: {PROGRAM} {{{",".join(COMMANDS)}}} [rl_zoo3 options]

RL Baselines3 Zoo (rl_zoo3) with four more algorithms: --algo reinforce (REINFORCE), --algo reinforce_mask
(MaskableREINFORCE), --algo reinforce_lstm (RecurrentREINFORCE) and --algo reinforce_lstm_mask
(MaskableRecurrentREINFORCE); rl_zoo3's own algorithms (ppo, ppo_lstm, a2c, ...) stay available and every rl_zoo3
option keeps its meaning ('{PROGRAM} train --help' lists them).

commands:
  train           train an agent, or tune its hyperparameters with -optimize
  enjoy           run a trained agent
  plot_train, plot_from_file, all_plots
                  rl_zoo3's plots (need rl_zoo3[plots])

Without --conf-file, train reads the hyperparameters shipped with this package:
  {default_conf_file("reinforce")}
  {default_conf_file("reinforce_mask")}
  {default_conf_file("reinforce_lstm")}
  {default_conf_file("reinforce_lstm_mask")}
A --conf-file of your own (rl_zoo3's format, an entry per env id) replaces them; -params overrides single values.

examples:
  {PROGRAM} train --algo reinforce --env CartPole-v1 -f logs/
  {PROGRAM} enjoy --algo reinforce --env CartPole-v1 -f logs/ --no-render -n 2000
  {PROGRAM} train --algo reinforce --env CartPole-v1 -optimize --n-trials 20 --storage reinforce.log
  {PROGRAM} train --algo reinforce_lstm --env CartPoleNoVel-v1 -f logs/
"""


def main(argv: list[str] | None = None) -> None:
    """
    Run an rl_zoo3 command (``train``, ``enjoy``, ``plot_train``, ``plot_from_file``, ``all_plots``)
    with REINFORCE registered; every other rl_zoo3 algorithm stays available.

    ``train --algo reinforce`` (or ``reinforce_mask``, ``reinforce_lstm``, ``reinforce_lstm_mask``) reads the
    hyperparameters shipped with this package unless given a ``--conf-file``.

    :param argv: the command line without the program name (default: ``sys.argv[1:]``)
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(usage())
        return
    if not argv or argv[0] not in COMMANDS:
        print(usage(), file=sys.stderr)
        got = f"got {argv[0]!r}" if argv else "got none"
        raise SystemExit(f"{PROGRAM}: error: the first argument must be a command ({', '.join(COMMANDS)}); {got}")
    command, args = argv[0], argv[1:]
    register()
    options = _options(args)
    algo = options.algo
    if command == "train" and algo in ALGOS:
        # First, so that a --conf-file of the user's, however spelled, comes later and wins.
        args = ["--conf-file", default_conf_file(algo), *args]
    if command == "train":
        _check_tuning_options(options)
    # rl_zoo3's scripts read their options from sys.argv (and show its first item as the program).
    program_argv = sys.argv
    sys.argv = [f"{PROGRAM} {command}", *args]
    try:
        _command(command)()
    except ValueError as error:
        # (rl_zoo3's own message for its own algorithms and files, and for its default --algo)
        if (
            not str(error).startswith("Hyperparameters not found for")
            or algo is None
            or (algo not in ALGOS and not options.conf_file)
        ):
            raise
        env = options.env or "CartPole-v1"
        conf_file = options.conf_file or default_conf_file(algo)
        raise SystemExit(
            f"{PROGRAM} train: no hyperparameters for --algo {algo} on {env} in {conf_file}. "
            f"Give an entry for {env} in a file of your own with --conf-file my.yml (rl_zoo3's format, as the shipped "
            "file; -params then overrides single values)."
        ) from None
    finally:
        sys.argv = program_argv


def _check_tuning_options(options: argparse.Namespace) -> None:
    """
    Check ``--storage``, ``--study-name`` and ``--trial-id`` of ``train`` before rl_zoo3 runs (see
    :func:`~sb3_reinforce.zoo.storage.check_storage`): with ``-optimize`` or ``--trial-id``, a storage that
    cannot be used stops here with one line.

    :param options: the options of ``train`` (see ``_options``)
    """
    try:
        trial_id = None if options.trial_id is None else int(options.trial_id)
    except ValueError:
        return  # rl_zoo3's parser says it is not an integer
    try:
        if options.storage is None:
            if trial_id is not None:
                raise StorageError(f"--trial-id {trial_id} needs --storage and --study-name: the study whose trial to load")
        elif options.optimize or trial_id is not None:
            check_storage(options.storage, options.study_name, trial_id)
    except StorageError as error:
        raise SystemExit(f"{PROGRAM} train: {error}") from None


def _command(command: str) -> Callable[[], None]:
    if command == "train":
        from rl_zoo3.train import train

        return train
    if command == "enjoy":
        from rl_zoo3.enjoy import enjoy

        return enjoy
    try:
        from rl_zoo3 import plots
    except ImportError as error:
        raise SystemExit(f"{command} needs rl_zoo3's plotting extra: pip install 'rl_zoo3[plots]' ({error})") from error
    return getattr(plots, command)

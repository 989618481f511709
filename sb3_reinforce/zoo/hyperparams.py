"""Optuna samplers of REINFORCE's hyperparameters (and its recurrent variants'), in rl_zoo3's sampler / converter form."""

from pathlib import Path
from typing import Any

import gymnasium as gym
import optuna
import yaml
from rl_zoo3 import exp_manager
from rl_zoo3.exp_manager import ExperimentManager
from rl_zoo3.hyperparams_opt import convert_onpolicy_params
from rl_zoo3.utils import linear_schedule

NET_ARCHS = ("tiny", "small", "medium")
LSTM_HIDDEN_SIZES = (16, 32, 64, 128, 256)
# REINFORCE's hyperparameters that take schedules besides learning_rate (which rl_zoo3 converts itself)
SCHEDULED_HYPERPARAMS = ("target_kl", "value_learning_rate", "ent_coef")
# rl_zoo3's own conversion of learning_rate, clip_range, ... (before register() extends it)
zoo_preprocess_schedules = ExperimentManager._preprocess_schedules
# The entries' values that rl_zoo3 evaluates as Python when they are strings
EVALUATED_HYPERPARAMS = ("normalize", "policy_kwargs", "monitor_kwargs")


def preprocess_schedules(hyperparams: dict[str, Any]) -> dict[str, Any]:
    """
    rl_zoo3's conversion of the schedules of a conf file (``learning_rate: lin_0.003``, ...), extended to
    REINFORCE's ``target_kl``, ``value_learning_rate`` and ``ent_coef``: ``"lin_<x>"`` decays linearly from ``x`` to 0 over
    the training; numbers stay numbers.

    :param hyperparams: the hyperparameters of an entry (with ``-params`` applied)
    :return: them, with the schedules made callables
    """
    hyperparams = zoo_preprocess_schedules(hyperparams)
    for key in SCHEDULED_HYPERPARAMS:
        value = hyperparams.get(key)
        if isinstance(value, str):
            prefix, _, initial_value = value.partition("_")
            try:
                if prefix != "lin":
                    raise ValueError
                hyperparams[key] = linear_schedule(float(initial_value))
            except ValueError:
                raise ValueError(f"{key} must be a number or 'lin_<initial value>' (e.g. 'lin_0.01'); got {value!r}") from None
    return hyperparams


def read_entry(conf_file: str | Path, env_id: str) -> dict[str, Any]:
    """
    One entry of a zoo conf file, as rl_zoo3 reads it: the env's entry, else ``atari`` for an Atari env, else
    ``default``; the strings it evaluates as Python (``normalize``, ``policy_kwargs``, ...) evaluated in its own
    namespace, and the schedules made callables (``preprocess_schedules``). The keys that are not the model's
    (``n_envs``, ``n_timesteps``, ``policy``, ``normalize``, ...) stay, for the caller to take out.

    :param conf_file: the conf file (e.g. ``default_conf_file("reinforce_lstm")``)
    :param env_id: the entry's env
    :return: the entry's hyperparameters
    """
    entries = yaml.safe_load(Path(conf_file).read_text())
    if env_id in entries:
        name = env_id
    elif "atari" in entries and env_id in gym.registry and ExperimentManager.is_atari(env_id):
        name = "atari"
    elif "default" in entries:
        name = "default"
    else:
        raise ValueError(f"env_id: {conf_file} has no entry for {env_id!r} (nor a 'default' one); it has {sorted(entries)}")
    hyperparams = dict(entries[name])
    for key in EVALUATED_HYPERPARAMS:
        if isinstance(hyperparams.get(key), str):
            hyperparams[key] = eval(hyperparams[key], vars(exp_manager))
    return preprocess_schedules(hyperparams)


def sample_reinforce_params(trial: optuna.Trial, n_actions: int, n_envs: int, additional_args: dict) -> dict[str, Any]:
    """
    Sample REINFORCE's hyperparameters: learning rate, ``n_steps`` (steps per env per batch),
    ``gamma``, the estimator (``reward_to_go``, ``exact_discounted_gradient``), the baseline,
    normalization, entropy coefficient, network size and activation, the step bound ``target_kl`` (and,
    with it, whether it decays linearly to 0, and the natural gradient or a learning rate adapted to it), how the
    value baseline is fitted
    (``value_epochs``), and gSDE for continuous actions.

    :param trial: the Optuna trial
    :param n_actions: the action dimension for a Box action space, 0 otherwise (rl_zoo3's convention)
    :param n_envs: number of envs
    :param additional_args: rl_zoo3's extra arguments (unused)
    :return: the hyperparameters, converted for the model's constructor
    """
    sampled: dict[str, Any] = {
        "n_steps": trial.suggest_categorical("n_steps", [64, 128, 256, 512, 1024, 2048, 4096]),
        "one_minus_gamma": trial.suggest_float("one_minus_gamma", 0.0001, 0.05, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 0.05, log=True),
        "reward_to_go": trial.suggest_categorical("reward_to_go", [True, False]),
        "baseline": trial.suggest_categorical("baseline", ["none", "mean", "leave_one_out", "value"]),
        "normalize_advantage": trial.suggest_categorical("normalize_advantage", [True, False]),
        "ent_coef": trial.suggest_float("ent_coef", 1e-8, 0.03, log=True),
        "net_arch": trial.suggest_categorical("net_arch", NET_ARCHS),
        "activation_fn": trial.suggest_categorical("activation_fn", ["tanh", "relu"]),
        "target_kl": trial.suggest_categorical("target_kl", [None, 0.003, 0.01, 0.03, 0.1]),
    }
    if sampled["baseline"] == "value":
        sampled["value_epochs"] = trial.suggest_categorical("value_epochs", [0, 3, 10])
    if sampled["target_kl"] is not None:
        sampled["target_kl_schedule"] = trial.suggest_categorical("target_kl_schedule", ["constant", "linear"])
        # The natural gradient steps the policy only: not with a value function trained in the policy's step.
        if sampled.get("value_epochs") != 0:
            sampled["natural_gradient"] = trial.suggest_categorical("natural_gradient", [False, True])
        if not sampled.get("natural_gradient"):
            sampled["adapt_learning_rate"] = trial.suggest_categorical("adapt_learning_rate", [False, True])
    if sampled["reward_to_go"]:
        sampled["exact_discounted_gradient"] = trial.suggest_categorical("exact_discounted_gradient", [False, True])
    if n_actions > 0:
        sampled["use_sde"] = trial.suggest_categorical("use_sde", [False, True])
    trial.set_user_attr("gamma", 1 - sampled["one_minus_gamma"])
    return convert_reinforce_params(sampled)


def convert_reinforce_params(sampled_params: dict[str, Any]) -> dict[str, Any]:
    """
    Turn sampled values (as stored in an Optuna study) into REINFORCE's constructor arguments.

    :param sampled_params: the trial's parameters
    :return: the hyperparameters
    """
    params = dict(sampled_params)
    if params.get("baseline") == "none":
        params["baseline"] = None
    # The step rule is the trial's, whole: rl_zoo3 updates the entry with these, and an entry's natural_gradient or
    # adapt_learning_rate would otherwise stay in trials that sampled neither (a trial without target_kl, say).
    params.setdefault("natural_gradient", False)
    params.setdefault("adapt_learning_rate", False)
    if params.pop("target_kl_schedule", "constant") == "linear":
        params["target_kl"] = linear_schedule(params["target_kl"])
    # rl_zoo3's on-policy converter handles gamma, net_arch and activation_fn; REINFORCE has no GAE.
    params["one_minus_gae_lambda"] = 0.0
    hyperparams = convert_onpolicy_params(params)
    del hyperparams["gae_lambda"]
    return hyperparams


def sample_reinforce_lstm_params(trial: optuna.Trial, n_actions: int, n_envs: int, additional_args: dict) -> dict[str, Any]:
    """
    Sample the hyperparameters of RecurrentREINFORCE (and MaskableRecurrentREINFORCE): REINFORCE's (see
    :func:`sample_reinforce_params`) and the size of the LSTM, ``lstm_hidden_size``.

    :param trial: the Optuna trial
    :param n_actions: the action dimension for a Box action space, 0 otherwise (rl_zoo3's convention)
    :param n_envs: number of envs
    :param additional_args: rl_zoo3's extra arguments (unused)
    :return: the hyperparameters, converted for the model's constructor
    """
    hyperparams = sample_reinforce_params(trial, n_actions, n_envs, additional_args)
    hyperparams["policy_kwargs"]["lstm_hidden_size"] = trial.suggest_categorical("lstm_hidden_size", LSTM_HIDDEN_SIZES)
    return hyperparams


def convert_reinforce_lstm_params(sampled_params: dict[str, Any]) -> dict[str, Any]:
    """
    Turn sampled values (as stored in an Optuna study) into RecurrentREINFORCE's constructor arguments.

    :param sampled_params: the trial's parameters
    :return: the hyperparameters
    """
    params = dict(sampled_params)
    lstm_hidden_size = params.pop("lstm_hidden_size", None)
    hyperparams = convert_reinforce_params(params)
    # A trial of a reinforce study has none: the policy's LSTM (as rl_zoo3's ppo_lstm takes a ppo study's trials).
    if lstm_hidden_size is not None:
        hyperparams["policy_kwargs"]["lstm_hidden_size"] = lstm_hidden_size
    return hyperparams

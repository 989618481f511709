"""
Checks of user input that name the parameter, what it got and what it accepts.

A value of the wrong type raises a ``TypeError``, a value of the right type outside the accepted range a
``ValueError``. Numbers are Python's or numpy's (``np.float32(0.99)`` is a number); booleans are
``True`` / ``False`` (Python's or numpy's), never a string or a number taken by its truthiness, and a
boolean is not a number.
"""

import numbers
from collections.abc import Collection
from inspect import signature
from types import BuiltinFunctionType
from typing import Any

import numpy as np
import torch as th
from gymnasium import spaces
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.torch_layers import CombinedExtractor, FlattenExtractor, NatureCNN
from stable_baselines3.common.vec_env import VecEnv
from torch import nn


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not _is_bool(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not _is_bool(value)


def check_bool(name: str, value: Any) -> None:
    """
    :param name: the parameter's name
    :param value: the value given
    :raises TypeError: unless ``value`` is ``True`` or ``False``
    """
    if not _is_bool(value):
        raise TypeError(f"{name} must be True or False; got {value!r}")


def check_number(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    allow_none: bool = False,
) -> None:
    """
    Check a real number (finite, within ``[low, high]``, or ``(low, high]`` when ``low_inclusive`` is False).

    :param name: the parameter's name
    :param value: the value given
    :param low: smallest accepted value, ``None`` for no bound
    :param high: largest accepted value, ``None`` for no bound
    :param low_inclusive: whether ``low`` itself is accepted
    :param allow_none: whether ``None`` is accepted
    """
    if value is None and allow_none:
        return
    accepted = _describe("a number", low, high, low_inclusive, allow_none)
    if not _is_real(value):
        raise TypeError(f"{name} must be {accepted}; got {value!r}")
    below = low is not None and (value < low if low_inclusive else value <= low)
    if not np.isfinite(float(value)) or below or (high is not None and value > high):
        raise ValueError(f"{name} must be {accepted}; got {value!r}")


def check_int(
    name: str, value: Any, low: int, also: Collection[int] = (), allow_none: bool = False, high: int | None = None
) -> None:
    """
    Check an integer (Python's or numpy's) of at least ``low`` (at most ``high``), or one of ``also``.

    :param name: the parameter's name
    :param value: the value given
    :param low: smallest accepted value
    :param also: other accepted values below ``low`` (such as ``-1`` for "never")
    :param allow_none: whether ``None`` is accepted
    :param high: largest accepted value, ``None`` for no bound
    """
    if value is None and allow_none:
        return
    accepted = _describe("an integer", low, high, True, allow_none)
    if also:
        accepted += f", or {' or '.join(map(str, also))}"
    if not _is_int(value):
        raise TypeError(f"{name} must be {accepted}; got {value!r}")
    if value not in also and (value < low or (high is not None and value > high)):
        raise ValueError(f"{name} must be {accepted}; got {value!r}")


def check_type(name: str, value: Any, types: type | tuple[type, ...], accepted: str, allow_none: bool = False) -> None:
    """
    :param name: the parameter's name
    :param value: the value given
    :param types: the accepted types
    :param accepted: what is accepted, in words
    :param allow_none: whether ``None`` is accepted
    :raises TypeError: unless ``value`` is an instance of ``types`` (or ``None`` when allowed)
    """
    if not (isinstance(value, types) or (value is None and allow_none)):
        raise TypeError(f"{name} must be {accepted}{' or None' if allow_none else ''}; got {value!r}")


def check_network(policy_kwargs: dict[str, Any]) -> None:
    """
    Check the network that ``policy_kwargs`` describe, where torch's own errors would name neither the parameter
    nor what it takes.

    :param policy_kwargs: the policy's keyword arguments
    :raises TypeError: for a ``net_arch`` that is no list of layer sizes (nor a dict of them for ``pi`` and ``vf``),
        or an ``activation_fn`` that makes no module when called without arguments (a module itself, as
        ``torch.nn.ReLU()``, a function of a tensor, as ``torch.relu``, or a module class that needs arguments)
    :raises ValueError: for a layer size below 1
    """
    net_arch = policy_kwargs.get("net_arch")  # (None: the policy's default)
    # (SB3 still takes its format before 1.8, a dict inside a list)
    if isinstance(net_arch, list) and len(net_arch) == 1 and isinstance(net_arch[0], dict):
        net_arch = net_arch[0]
    for sizes in [] if net_arch is None else net_arch.values() if isinstance(net_arch, dict) else [net_arch]:
        if not (isinstance(sizes, (list, tuple)) and all(_is_int(size) for size in sizes)):
            raise TypeError(
                "policy_kwargs['net_arch'] must be a list of layer sizes (e.g. [64, 64]) or a dict of them for the "
                f"actor and the critic (e.g. dict(pi=[64, 64], vf=[64, 64])); got {policy_kwargs['net_arch']!r}"
            )
        for size in sizes:
            check_int("policy_kwargs['net_arch'] layer size", size, low=1)
    # SB3 calls it without arguments for each layer: a module class, or any callable that makes a module. (Told
    # without calling it: a factory may count its calls.)
    activation_fn = policy_kwargs.get("activation_fn", nn.Tanh)
    try:
        signature(activation_fn).bind()
        takes_no_arguments = True
    except TypeError:  # (a function of a tensor, as torch.nn.functional.relu, or a module class that needs arguments)
        takes_no_arguments = False
    except ValueError:  # (no signature to read: a builtin, as torch.relu or int, makes no module)
        takes_no_arguments = not isinstance(activation_fn, (BuiltinFunctionType, type))
    if (
        isinstance(activation_fn, nn.Module)
        or (isinstance(activation_fn, type) and not issubclass(activation_fn, nn.Module))
        or not takes_no_arguments
    ):
        raise TypeError(
            "policy_kwargs['activation_fn'] must make a module when called without arguments, as SB3's policies call "
            "it: a torch.nn.Module class (e.g. torch.nn.ReLU, not torch.nn.ReLU() nor torch.relu) or a function that "
            f"returns one; got {activation_fn!r}"
        )


def check_switches(policy_kwargs: dict[str, Any]) -> None:
    """
    Check the switches of SB3's policies that ``policy_kwargs`` give (when a model is made, and those ``load`` is
    given: a model saved with ``ortho_init=0``, which SB3 took as ``False``, still loads).

    :param policy_kwargs: the policy's keyword arguments
    :raises TypeError: for a switch (``ortho_init``, ``normalize_images``, ...) that is no boolean
    """
    for key in ("ortho_init", "normalize_images", "share_features_extractor", "squash_output", "full_std", "use_expln"):
        if key in policy_kwargs:
            check_bool(f"policy_kwargs['{key}']", policy_kwargs[key])


def check_features_extractor(
    policy_class: type, policy_kwargs: dict[str, Any], observation_space: spaces.Space, policy_aliases: dict[str, type]
) -> None:
    """
    Check that SB3's features extractor of the policy reads the env's kind of observations: a policy given by its
    class (not by SB3's names ``"MlpPolicy"`` / ``"CnnPolicy"``, which SB3 checks), or a ``features_extractor_class``
    in ``policy_kwargs``, is otherwise built and fails inside torch at the first step.

    :param policy_class: the policy class
    :param policy_kwargs: its keyword arguments
    :param observation_space: the env's observation space
    :param policy_aliases: the algorithm's policies by name, to name the ones that fit
    :raises ValueError: for ``FlattenExtractor`` or ``NatureCNN`` given ``Dict`` observations, or ``CombinedExtractor``
        given others (a features extractor of one's own, a subclass of these included, is not checked)
    """

    def extractor_of(cls: type, kwargs: dict[str, Any]) -> Any:
        parameter = signature(cls).parameters.get("features_extractor_class")
        return kwargs.get("features_extractor_class", None if parameter is None else parameter.default)

    def reads_dicts(extractor: Any) -> bool | None:
        """Whether SB3's extractor reads Dict observations only (None: not one of SB3's three)."""
        return {FlattenExtractor: False, NatureCNN: False, CombinedExtractor: True}.get(extractor)

    extractor = extractor_of(policy_class, policy_kwargs)
    dicts = reads_dicts(extractor)
    if dicts is None or dicts == isinstance(observation_space, spaces.Dict):
        return
    takes = f"{extractor.__name__}, which takes {'Dict observations only' if dicts else 'no Dict observations'}"
    fitting = [name for name, cls in policy_aliases.items() if reads_dicts(extractor_of(cls, {})) == (not dicts)]
    if "features_extractor_class" in policy_kwargs:
        own = reads_dicts(extractor_of(policy_class, {})) == (not dicts)
        raise ValueError(
            f"policy_kwargs['features_extractor_class']: {takes}; got {observation_space}. Give one that reads them, "
            + (f"or none for {policy_class.__name__}'s own" if own else f"or none with {' or '.join(fitting)}")
        )
    raise ValueError(
        f"policy: {policy_class.__name__} reads observations with {takes}; got {observation_space}. Use "
        f"{' or '.join(fitting)}, or a features_extractor_class of your own in policy_kwargs"
    )


def check_callback(value: Any) -> None:
    """
    :param value: the ``callback`` given to ``learn``
    :raises TypeError: unless it is what SB3's ``learn`` takes: ``None``, a ``BaseCallback``, a list of them, or a
        callable of ``(locals, globals)`` returning a boolean (not a class: SB3 would call ``CheckpointCallback``
        with the locals at every step, make a callback each time and never run one)
    """
    if isinstance(value, type):
        raise TypeError(
            f"callback must be a callback instance, not a class: pass {value.__name__}(...) rather than "
            f"{value.__name__}; got {value!r}"
        )
    if value is None or isinstance(value, BaseCallback) or callable(value):
        return
    if isinstance(value, list) and all(isinstance(callback, BaseCallback) for callback in value):
        return
    raise TypeError(
        "callback must be a BaseCallback, a list of BaseCallbacks, a callable (locals, globals) -> bool, or None; "
        f"got {value!r}"
    )


def check_device(device: Any) -> None:
    """
    :param device: the ``device`` given to a constructor or to ``load``
    :raises TypeError: unless it is a string or a ``torch.device``
    :raises ValueError: unless it is ``"auto"`` or names a torch device
    """
    if isinstance(device, str) and device == "auto":
        return
    check_type("device", device, (str, th.device), "'auto' or a torch device")
    try:
        th.device(device)
    except RuntimeError:
        raise ValueError(f"device must be 'auto' or a torch device ('cpu', 'cuda', 'cuda:1', ...); got {device!r}") from None


def as_python(value: Any) -> Any:
    """
    :param value: a value that passed the checks
    :return: a numpy scalar as the Python number (or boolean) it holds, anything else unchanged: SB3's
        schedules, PyTorch and Python's ``random`` and ``deque`` take Python numbers only
    """
    return value.item() if isinstance(value, np.generic) else value


def check_early_resets(env: VecEnv, inside_episode: bool) -> None:
    """
    :param env: the envs an algorithm of the package learns on
    :param inside_episode: whether ``learn()`` goes on from a previous ``learn()`` that a callback stopped inside an
        episode (``reset_num_timesteps=False``)
    :raises ValueError: if an env that REINFORCE will reset inside an episode is wrapped in a ``Monitor`` that
        forbids it: with several envs, every batch resets the envs that are inside an episode no batch will use;
        with one, the first batch resets the episode a stopped ``learn()`` left unfinished
    """
    if env.num_envs < 2 and not inside_episode:
        return
    if env.num_envs < 2:
        reason = (
            "the previous learn() stopped inside an episode (a callback returned False), and REINFORCE's batches are "
            "whole episodes: the next batch starts by resetting the env"
        )
    else:
        reason = (
            "with several envs, REINFORCE resets every env before a batch (an env can be inside an episode that began "
            "under the previous policy)"
        )
    for index in np.flatnonzero(env.env_is_wrapped(Monitor)):
        if not env.get_attr("allow_early_resets", indices=[int(index)])[0]:
            raise ValueError(
                f"env: env {index} is wrapped in a Monitor with allow_early_resets=False; {reason}, which that Monitor "
                "forbids. Create it with allow_early_resets=True (make_vec_env's default)."
            )


def _describe(kind: str, low: float | None, high: float | None, low_inclusive: bool, allow_none: bool) -> str:
    if low is not None and high is not None:
        text = f"{kind} in {'[' if low_inclusive else '('}{low}, {high}]"
    elif low is not None:
        text = f"{kind} {'>=' if low_inclusive else '>'} {low}"
    elif high is not None:
        text = f"{kind} <= {high}"
    else:
        text = f"a finite {kind.removeprefix('a ').removeprefix('an ')}"
    return f"{text} or None" if allow_none else text

import io
import os
import threading
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from inspect import signature
from typing import Any, ClassVar, TypeVar

import gymnasium as gym
import numpy as np
import torch as th
from gymnasium import spaces
from sb3_contrib.common.recurrent.policies import RecurrentActorCriticPolicy
from sb3_contrib.common.utils import conjugate_gradient_solver
from stable_baselines3.common.buffers import DictRolloutBuffer
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.on_policy_algorithm import OnPolicyAlgorithm
from stable_baselines3.common.policies import ActorCriticPolicy, BasePolicy
from stable_baselines3.common.save_util import load_from_zip_file
from stable_baselines3.common.type_aliases import GymEnv, MaybeCallback, PyTorchObs, RolloutBufferSamples, Schedule
from stable_baselines3.common.utils import FloatSchedule, explained_variance, obs_as_tensor, update_learning_rate
from stable_baselines3.common.vec_env import VecEnv, patch_gym
from torch.autograd import forward_ad
from torch.nn import functional as F

from sb3_reinforce.common.buffers import (
    EpisodicBufferMixin,
    EpisodicDictRolloutBuffer,
    EpisodicRolloutBuffer,
    episodes_per_rollout,
)
from sb3_reinforce.common.checks import (
    as_python,
    check_bool,
    check_callback,
    check_device,
    check_early_resets,
    check_features_extractor,
    check_int,
    check_network,
    check_number,
    check_switches,
    check_type,
)
from sb3_reinforce.common.sampling import overrides_actor, sample_actions
from sb3_reinforce.common.weights import BASELINES
from sb3_reinforce.reinforce.policies import CnnPolicy, MlpPolicy, MultiInputPolicy

SelfREINFORCE = TypeVar("SelfREINFORCE", bound="REINFORCE")
# The value fit's minibatch size when not given
VALUE_BATCH_SIZE = 64
# Held by a Fisher product (torch's forward-mode differentiation has one level per process)
_FORWARD_MODE = threading.Lock()
# Hyperparameters that SB3 keeps under another attribute name
_ATTRIBUTES = {"stats_window_size": "_stats_window_size"}


class REINFORCE(OnPolicyAlgorithm):
    """
    REINFORCE: Monte-Carlo policy gradient (Williams, 1992), with reward-to-go and baselines.

    Paper: https://doi.org/10.1007/BF00992696

    Each update uses a batch of ``N`` complete episodes played with the current policy, ``N`` set before
    the batch from the mean episode length of the previous one (about ``n_steps * n_envs`` steps' worth,
    see :func:`~sb3_reinforce.common.buffers.episodes_per_rollout`), so that the batch is ``N`` independent
    episodes and every step has its exact Monte-Carlo return; no return is bootstrapped from a value
    estimate. Envs start the rollout at the start of an episode and take the batch's episodes in turn;
    an env with none left keeps stepping (the VecEnv steps all envs together), but those steps are left
    out and the envs are reset before the next rollout. An episode cut by a time limit ends there: the
    objective is the return the environment defines, up to its time limit.

    The loss is ``-sum_t log pi(a_t|s_t) * A_t / (n_steps * n_envs)`` over the batch, where
    ``A_t = (Psi_t - b_t) / scale`` (see :func:`~sb3_reinforce.common.weights.score_function_weights`),
    plus ``ent_coef`` times the entropy loss and, with the value baseline, ``vf_coef`` times the value
    loss. Without normalization its gradient is an unbiased estimate of ``-c * E[sum_t grad log pi * Psi_t]``
    with ``c = N / (n_steps * n_envs)`` (about one over the mean episode length; ``(N - 1) / N`` times
    that with the ``"mean"`` baseline), which is ``-c * grad J`` for the discounted objective
    ``J = E[sum_t gamma^t r_t]`` with:

    - ``reward_to_go=False``: ``Psi_t = R(tau) = sum_k gamma^k r_k``;
    - ``reward_to_go=True, exact_discounted_gradient=True``: ``Psi_t = gamma^t G_t``, usually with less variance;
    - ``reward_to_go=True`` alone: ``Psi_t = G_t = sum_{k>=t} gamma^(k-t) r_k``, the usual estimator,
      only when ``gamma = 1``. For ``gamma < 1`` its expectation is
      ``E[sum_t grad log pi(a_t|s_t) Q_gamma(s_t, a_t)]``, which drops the ``gamma^t`` factor and is not
      the gradient of ``J`` (nor of any objective, in general).

    ``normalize_advantage`` scales each batch by a random positive factor, which keeps the direction of
    every update but makes the expected update only approximately proportional to ``grad J``.

    Adam's steps are about ``learning_rate`` in size whatever the gradient's noise, and the number of
    episodes per batch falls as episodes get longer, so the defaults pair a moderate step size with
    batches of about 1024 steps: with 0.01 and 512 steps, batches of two long CartPole episodes made
    solved policies wander off again.

    :param policy: The policy model to use (MlpPolicy, CnnPolicy, MultiInputPolicy)
    :param env: The environment to learn from (if registered in Gym, can be str)
    :param learning_rate: The learning rate, it can be a function of the current progress remaining
        (from 1 to 0)
    :param n_steps: The number of steps per env per update, on average: a batch holds
        ``max(round(n_steps * n_envs / L), n_envs, 2)`` whole episodes, ``L`` being the mean episode
        length of the previous batch
    :param gamma: Discount factor, in [0, 1]
    :param reward_to_go: Weight step t by the discounted return from t on, ``G_t``, instead of the
        whole discounted return of its episode ``R(tau)``
    :param baseline: Baseline subtracted from the weights: ``None``, ``"mean"`` (time-indexed mean of the batch's episodes),
        ``"leave_one_out"`` (time-indexed mean of the batch's other episodes) or
        ``"value"`` (the policy's value head, fitted to the Monte-Carlo returns)
    :param exact_discounted_gradient: With ``reward_to_go``, weight step t by ``gamma^t G_t``: the exact
        gradient of the discounted objective. (``R(tau)`` needs no such factor: it is exact already.)
    :param ent_coef: Entropy coefficient for the loss calculation, or a schedule (a function of the progress
        remaining, 1 to 0, as ``learning_rate``'s), e.g. for a bonus that explores early and fades as training goes
    :param vf_coef: Value function coefficient for the loss calculation (value baseline with
        ``value_epochs=0`` only; 0.5 when not given)
    :param max_grad_norm: The maximum value for the gradient clipping, ``None`` for no clipping
    :param normalize_advantage: Divide the baselined weights by the batch standard deviation of the
        weights ``Psi_t``
    :param use_sde: Whether to use generalized State Dependent Exploration (gSDE)
        instead of action noise exploration (default: False)
    :param sde_sample_freq: Sample a new noise matrix every n steps when using gSDE
        Default: -1 (only sample at the beginning of the rollout). The estimate is unbiased only with 1: noise held
        over several steps makes their actions dependent, which the per-step log-probabilities ignore
    :param max_episode_length: The longest episode REINFORCE waits for: a training episode that runs
        longer raises a ``ValueError`` (a return is known only once its episode ends, so an env whose
        episodes never end would keep ``learn()`` and the buffer growing forever). Give such an env a time
        limit with ``gymnasium.wrappers.TimeLimit``, or raise this bound for tasks with longer episodes.
    :param value_epochs: With the value baseline, fit the value function on each batch's Monte-Carlo
        returns ``G_t`` after the policy step, with its own optimizer: ``value_epochs`` passes over the
        batch in minibatches of ``value_batch_size`` steps. The baseline of a batch is the value function
        fitted on the batches before it, so it stays independent of the episodes it corrects. ``0`` trains
        the value head with the policy instead, in the same gradient step, weighted by ``vf_coef``.
    :param value_learning_rate: The value optimizer's step size (or a schedule), ``None`` for
        ``learning_rate``'s (``value_epochs > 0`` only)
    :param value_batch_size: Minibatch size of the value fit, ``None`` for the whole batch
        (``value_epochs > 0`` only)
    :param target_kl: Bound on the length of each update: when the KL divergence between the policies
        before and after an update, measured on the batch, exceeds ``target_kl``, the update is shortened
        along its own direction (halved until it is within the bound). ``None`` for no bound. The gradient
        estimate is unchanged; only the step length adapts. A schedule (a function of the progress remaining,
        1 to 0, as ``learning_rate``'s) makes the bound shrink as training goes, e.g. to let a policy near its
        best settle where a fixed bound would keep moving it.
    :param adapt_learning_rate: With ``target_kl``, scale the learning rate after each update so that updates
        come close to the bound instead of far below it: divided by 1.5 when the update's KL divergence
        (before any shortening) exceeded ``target_kl``, multiplied by 1.5 when it was below
        ``target_kl / 1.5^2``, within ``1/100`` and ``100`` times ``learning_rate`` (or its schedule's value).
        Only the step length adapts; the value fit keeps its own step size.
    :param natural_gradient: Step the policy along the natural gradient ``F^-1 g`` instead of with the
        optimizer: ``g`` is the loss's gradient (the same score-function estimate), ``F`` the Fisher
        information of the policy on the batch, and the step is as long as ``target_kl`` (needed) allows.
        The estimate of the gradient is unchanged; the update is preconditioned by ``F^-1`` (Kakade, 2001)
        instead of by the optimizer's per-parameter scaling, so ``learning_rate`` sets only the value fit's
        step (when ``value_learning_rate`` is ``None``). With the value baseline, needs ``value_epochs > 0``.
    :param rollout_buffer_class: Rollout buffer class to use, a subclass of
        :class:`~sb3_reinforce.common.buffers.EpisodicBufferMixin`. If ``None``, it will be automatically
        selected.
    :param rollout_buffer_kwargs: Keyword arguments to pass to the rollout buffer on creation
    :param stats_window_size: Window size for the rollout logging, specifying the number of episodes to average
        the reported success rate, mean episode length, and mean reward over
    :param tensorboard_log: the log location for tensorboard (if None, no logging)
    :param policy_kwargs: additional arguments to be passed to the policy on creation
    :param verbose: Verbosity level: 0 for no output, 1 for info messages (such as device or wrappers used), 2 for
        debug messages
    :param seed: Seed for the pseudo random generators
    :param device: Device (cpu, cuda, ...) on which the code should be run.
        Setting it to auto, the code will be run on the GPU if possible.
    :param _init_setup_model: Whether or not to build the network at the creation of the instance
    """

    policy_aliases: ClassVar[dict[str, type[BasePolicy]]] = {
        "MlpPolicy": MlpPolicy,
        "CnnPolicy": CnnPolicy,
        "MultiInputPolicy": MultiInputPolicy,
    }
    # The policies this algorithm accepts
    policy_base: ClassVar[type[BasePolicy]] = ActorCriticPolicy
    supported_action_spaces: ClassVar[tuple[type[spaces.Space], ...]] = (
        spaces.Box,
        spaces.Discrete,
        spaces.MultiDiscrete,
        spaces.MultiBinary,
    )
    # Default rollout buffers, for flat and for Dict observations
    rollout_buffer_classes: ClassVar[tuple[type[EpisodicBufferMixin], type[EpisodicBufferMixin]]] = (
        EpisodicRolloutBuffer,
        EpisodicDictRolloutBuffer,
    )
    # Whether the policies take gSDE (continuous actions)
    supports_sde: ClassVar[bool] = True
    # With target_kl, how many times the update may be halved before it is undone
    MAX_HALVINGS: ClassVar[int] = 10
    # With adapt_learning_rate: the factor of each change of the learning rate, and the bounds of the
    # adapted rate relative to learning_rate
    LR_ADAPTATION: ClassVar[float] = 1.5
    LR_FACTOR_BOUNDS: ClassVar[tuple[float, float]] = (0.01, 100.0)
    # With natural_gradient: the conjugate-gradient iterations that solve F x = g, and the damping added to F
    # (as sb3-contrib's TRPO: 15 and 0.1)
    CG_MAX_STEPS: ClassVar[int] = 15
    CG_DAMPING: ClassVar[float] = 0.1
    policy: ActorCriticPolicy
    rollout_buffer: EpisodicRolloutBuffer

    def __init__(
        self,
        policy: str | type[ActorCriticPolicy],
        env: GymEnv | str,
        learning_rate: float | Schedule = 0.005,
        n_steps: int = 1024,
        gamma: float = 0.99,
        reward_to_go: bool = True,
        baseline: str | None = "leave_one_out",
        exact_discounted_gradient: bool = False,
        ent_coef: float | Schedule = 0.0,
        vf_coef: float | None = None,
        max_grad_norm: float | None = None,
        normalize_advantage: bool = True,
        use_sde: bool = False,
        sde_sample_freq: int = -1,
        max_episode_length: int = 100_000,
        target_kl: float | Schedule | None = None,
        adapt_learning_rate: bool = False,
        natural_gradient: bool = False,
        value_epochs: int = 0,
        value_learning_rate: float | Schedule | None = None,
        value_batch_size: int | None = VALUE_BATCH_SIZE,
        rollout_buffer_class: type[EpisodicBufferMixin] | None = None,
        rollout_buffer_kwargs: dict[str, Any] | None = None,
        stats_window_size: int = 100,
        tensorboard_log: str | None = None,
        policy_kwargs: dict[str, Any] | None = None,
        verbose: int = 0,
        seed: int | None = None,
        device: th.device | str = "auto",
        _init_setup_model: bool = True,
    ):
        if not (isinstance(policy, str) or (isinstance(policy, type) and issubclass(policy, BasePolicy))):
            names = ", ".join(self.policy_aliases)
            raise TypeError(f"policy must be a policy name ({names}) or a policy class; got {policy!r}")
        check_type(
            "env",
            env,
            _env_types(),
            "a gymnasium.Env, an OpenAI Gym env (which SB3 converts through shimmy), a VecEnv, a registered env id",
            allow_none=True,
        )
        check_bool("_init_setup_model", _init_setup_model)
        if env is None and _init_setup_model:
            raise ValueError(
                "env: the policy is built for an env's spaces, so env=None needs _init_setup_model=False (as load "
                f"does); got None. Give an env, or load a saved model with {type(self).__name__}.load(path)"
            )
        check_hyperparameters(
            learning_rate=learning_rate,
            n_steps=n_steps,
            gamma=gamma,
            reward_to_go=reward_to_go,
            baseline=baseline,
            exact_discounted_gradient=exact_discounted_gradient,
            ent_coef=ent_coef,
            vf_coef=vf_coef,
            max_grad_norm=max_grad_norm,
            normalize_advantage=normalize_advantage,
            use_sde=use_sde,
            sde_sample_freq=sde_sample_freq,
            max_episode_length=max_episode_length,
            target_kl=target_kl,
            adapt_learning_rate=adapt_learning_rate,
            natural_gradient=natural_gradient,
            value_epochs=value_epochs,
            value_learning_rate=value_learning_rate,
            value_batch_size=value_batch_size,
            rollout_buffer_class=rollout_buffer_class,
            rollout_buffer_kwargs=rollout_buffer_kwargs,
            stats_window_size=stats_window_size,
            tensorboard_log=tensorboard_log,
            policy_kwargs=policy_kwargs,
            verbose=verbose,
            seed=seed,
            device=device,
        )
        check_switches(policy_kwargs or {})
        self._check_sde(use_sde, sde_sample_freq)
        _warn_meaningless(
            baseline,
            reward_to_go,
            exact_discounted_gradient,
            vf_coef,
            value_epochs,
            value_learning_rate,
            value_batch_size,
            natural_gradient,
            max_grad_norm,
            use_sde,
            sde_sample_freq,
        )
        super().__init__(
            policy,
            env,
            learning_rate=learning_rate,
            n_steps=n_steps,
            gamma=gamma,
            gae_lambda=1.0,
            ent_coef=ent_coef,
            vf_coef=0.5 if vf_coef is None else vf_coef,
            max_grad_norm=max_grad_norm,  # type: ignore[arg-type]
            # (_setup_model checks gSDE against the action space: SB3's own check names neither the parameter nor
            # the algorithm)
            use_sde=False,
            sde_sample_freq=sde_sample_freq,
            rollout_buffer_class=rollout_buffer_class,  # type: ignore[arg-type]
            rollout_buffer_kwargs=rollout_buffer_kwargs,
            stats_window_size=stats_window_size,
            tensorboard_log=tensorboard_log,
            policy_kwargs=policy_kwargs,
            verbose=verbose,
            device=device,
            seed=seed,
            _init_setup_model=False,
        )
        self.use_sde = use_sde
        self.reward_to_go = reward_to_go
        self.baseline = baseline
        self.exact_discounted_gradient = exact_discounted_gradient
        self.normalize_advantage = normalize_advantage
        self.max_episode_length = max_episode_length
        self.target_kl = target_kl
        self.adapt_learning_rate = adapt_learning_rate
        # With adapt_learning_rate, the learning rate is the schedule's value times this factor.
        self.lr_factor = 1.0
        self.natural_gradient = natural_gradient
        self.value_epochs = value_epochs
        self.value_learning_rate = value_learning_rate
        self.value_batch_size = value_batch_size
        # Mean episode length of the last batch: sets the number of episodes of the next one.
        self._mean_episode_length: float | None = None

        if _init_setup_model:
            self._setup_model()

    def _get_policy_from_name(self, policy_name: str) -> type[BasePolicy]:
        if policy_name not in self.policy_aliases:
            raise ValueError(
                f"policy: {type(self).__name__} has no policy named {policy_name!r}; its policies are "
                f"{', '.join(self.policy_aliases)}, or a policy class"
            )
        return super()._get_policy_from_name(policy_name)

    def _check_sde(self, use_sde: bool, sde_sample_freq: int = -1, action_space: spaces.Space | None = None) -> None:
        """
        :param use_sde: whether gSDE is asked for
        :param sde_sample_freq: how often gSDE's noise is sampled (``-1``: once per rollout). Given to the constructor
            only: a model saved before the maskable classes refused it still loads (the value is unused)
        :param action_space: the action space, ``None`` if not known yet
        :raises ValueError: if gSDE is asked for (or its sampling frequency given) and the algorithm's action
            spaces (or the action space given) are discrete
        """
        for name, value, default in (("use_sde", use_sde, False), ("sde_sample_freq", sde_sample_freq, -1)):
            if value != default and not self.supports_sde:
                raise ValueError(
                    f"{name}: {type(self).__name__} has discrete actions only, gSDE does not apply; got {value!r}"
                )
        if use_sde and action_space is not None and not isinstance(action_space, spaces.Box):
            raise ValueError(
                f"use_sde: gSDE is for continuous (Box) actions, and the action space is {type(action_space).__name__}; "
                "got True"
            )

    def _setup_model(self) -> None:
        # After load, check what was restored (custom_objects and keyword arguments included) as the
        # constructor checks what it is given, then hold numpy scalars as Python numbers.
        self._check_sde(self.use_sde, action_space=self.action_space)
        # A memoryless algorithm takes no recurrent policy (RecurrentActorCriticPolicy is an ActorCriticPolicy).
        recurrent_refused = issubclass(self.policy_class, RecurrentActorCriticPolicy) and not issubclass(
            self.policy_base, RecurrentActorCriticPolicy
        )
        if not issubclass(self.policy_class, self.policy_base) or recurrent_refused:
            raise ValueError(
                f"policy: {type(self).__name__} needs a subclass of {self.policy_base.__name__} "
                f"({', '.join(self.policy_aliases)}){', not a recurrent one' if recurrent_refused else ''}; "
                f"got {self.policy_class}"
            )
        self._check_action_space(self.action_space)
        if self.policy_class.__module__.partition(".")[0] in ("stable_baselines3", "sb3_contrib", "sb3_reinforce"):
            # (the libraries' policies; a policy class of one's own may take other forms of net_arch)
            check_network(self.policy_kwargs)
            check_features_extractor(self.policy_class, self.policy_kwargs, self.observation_space, self.policy_aliases)
        attributes = {name: _ATTRIBUTES.get(name, name) for name in signature(check_hyperparameters).parameters}
        check_hyperparameters(**{name: getattr(self, attribute) for name, attribute in attributes.items()})
        for attribute in attributes.values():
            setattr(self, attribute, as_python(getattr(self, attribute)))
        flat, dict_ = self.rollout_buffer_classes
        default = dict_ if isinstance(self.observation_space, spaces.Dict) else flat
        if self.rollout_buffer_class is None:
            self.rollout_buffer_class = default  # type: ignore[assignment]
        elif not all(issubclass(self.rollout_buffer_class, base) for base in default.__bases__) or (
            issubclass(self.rollout_buffer_class, DictRolloutBuffer) and not issubclass(default, DictRolloutBuffer)
        ):
            raise ValueError(
                f"rollout_buffer_class: {type(self).__name__} stores its batches in a subclass of "
                f"{' and '.join(base.__name__ for base in default.__bases__)} (as {default.__name__}, its default "
                f"for these observations); got {self.rollout_buffer_class!r}"
            )
        policy_class = self.policy_class
        if "use_sde" not in signature(self.policy_base).parameters:
            # SB3's setup passes use_sde (False here), which sb3-contrib's maskable policies do not take.
            def build_policy(*args: Any, use_sde: bool, **kwargs: Any) -> BasePolicy:
                return policy_class(*args, **kwargs)

            self.policy_class = build_policy  # type: ignore[assignment]
        try:
            super()._setup_model()
        finally:
            self.policy_class = policy_class
        self.value_optimizer: th.optim.Optimizer | None = None
        if self.baseline == "value" and self.value_epochs > 0:
            self.value_optimizer = self.policy.optimizer_class(
                self._value_parameters(), lr=self._value_learning_rate(), **self.policy.optimizer_kwargs
            )

    @classmethod
    def _wrap_env(cls, env: GymEnv, verbose: int = 0, monitor_wrapper: bool = True) -> VecEnv:
        """
        As SB3's ``_wrap_env``, which the constructor, ``set_env`` and ``load`` call on the env they are given: its
        action space is checked here (before the constructor asserts SB3's own checks of it).

        :param env: the env the model is given
        :param verbose: verbosity level: 1 tells which wrappers are used
        :param monitor_wrapper: whether to wrap the env in a ``Monitor`` when possible
        :return: the env as a VecEnv
        """
        vec_env = super()._wrap_env(env, verbose, monitor_wrapper)
        cls._check_action_space(vec_env.action_space)
        return vec_env

    @classmethod
    def _check_action_space(cls, space: spaces.Space) -> None:
        """
        :param space: the action space of the env the model is given (or the one it was saved with)
        :raises ValueError: unless the action space is one the algorithm's policies act in: of a supported
            type, bounded if continuous, with discrete actions numbered from 0 (as SB3's policies number them) in one
            dimension
        """
        name = cls.__name__
        if not isinstance(space, cls.supported_action_spaces):
            raise ValueError(
                f"env: {name} supports the action spaces "
                f"{', '.join(space.__name__ for space in cls.supported_action_spaces)}, got {type(space).__name__}"
            )
        if isinstance(space, spaces.Box) and not (np.all(np.isfinite(space.low)) and np.all(np.isfinite(space.high))):
            raise ValueError(
                f"env: {name}'s policies clip or squash continuous actions to their bounds, as SB3's do; got {space}, "
                "whose bounds are not all finite: give the env finite bounds (a gymnasium ActionWrapper can rescale them)"
            )
        if isinstance(space, (spaces.Discrete, spaces.MultiDiscrete)) and np.any(space.start != 0):
            raise ValueError(
                f"env: {name}'s policies number discrete actions from 0, as SB3's do; got {space}, whose actions start "
                f"at {space.start}: shift them with a gymnasium ActionWrapper"
            )
        if isinstance(space, (spaces.MultiDiscrete, spaces.MultiBinary)) and len(space.shape) != 1:
            raise ValueError(
                f"env: {name} takes {type(space).__name__} actions of one dimension, as SB3's policies do; got {space} "
                f"of shape {space.shape}: flatten it with a gymnasium ActionWrapper"
            )

    def _value_parameters(self) -> list[th.nn.Parameter]:
        """
        The parameters that only the value function uses: its head, its layers of the MLP extractor, and its
        features extractor when the policy does not share it. (A shared features extractor is the actor's,
        and trained by the policy step only.)
        """
        modules = [self.policy.mlp_extractor.value_net, self.policy.value_net]
        if not self.policy.share_features_extractor:
            modules.append(self.policy.vf_features_extractor)
        return [parameter for module in modules for parameter in module.parameters()]

    def set_env(self, env: GymEnv, force_reset: bool = True) -> None:
        """
        As SB3's ``set_env``. The next batch's number of episodes is set as a new model's first batch's is: the
        episode lengths measured on the env before say nothing of this one's (5-step episodes would make
        ``learn(1000)`` on an env of 500-step episodes play 200 of them), and no wrapper, time limit or argument
        of an env tells for sure that it is the same.

        :param env: The environment for learning a policy
        :param force_reset: Force call to ``reset()`` before training to avoid unexpected behavior.
        """
        super().set_env(env, force_reset)
        self._mean_episode_length = None

    @classmethod
    def load(  # type: ignore[override]
        cls: type[SelfREINFORCE],
        path: str | os.PathLike | io.BufferedIOBase,
        env: GymEnv | None = None,
        device: th.device | str = "auto",
        custom_objects: dict[str, Any] | None = None,
        print_system_info: bool = False,
        force_reset: bool = True,
        **kwargs: Any,
    ) -> SelfREINFORCE:
        """
        As SB3's ``load``; ``stats_window_size`` may be given in ``custom_objects`` or as a keyword. With an env,
        the first batch's number of episodes is set as a new model's is (see ``set_env``).

        :param path: path to the file (or a file-like) where the agent is saved
        :param env: the new environment to run the loaded model on (may be None to only predict)
        :param device: Device on which the code should run.
        :param custom_objects: Dictionary of objects to replace upon loading (see SB3's ``load``)
        :param print_system_info: Whether to print the system info of the saved model and the current one
        :param force_reset: Force call to ``reset()`` before training to avoid unexpected behavior.
        :param kwargs: extra arguments to change the model when loading
        :return: the loaded model
        """
        check_device(device)
        check_type("custom_objects", custom_objects, dict, "a dict", allow_none=True)
        check_bool("print_system_info", print_system_info)
        check_bool("force_reset", force_reset)
        # (SB3 saves it as _stats_window_size, the name custom_objects and the model's attributes take)
        custom_objects = {_ATTRIBUTES.get(key, key): value for key, value in (custom_objects or {}).items()}
        kwargs = {_ATTRIBUTES.get(key, key): value for key, value in kwargs.items()}
        for given in (custom_objects, kwargs):
            if "policy_kwargs" in given:  # (SB3's load reads them before the model can check them)
                check_type("policy_kwargs", given["policy_kwargs"], dict, "a dict")
                check_switches(given["policy_kwargs"])
        model = super().load(path, env, device, custom_objects, print_system_info, force_reset, **kwargs)
        if env is not None:
            model._mean_episode_length = None
        return model

    def _get_torch_save_params(self) -> tuple[list[str], list[str]]:
        state_dicts, variables = super()._get_torch_save_params()
        if self.value_optimizer is not None:
            state_dicts = [*state_dicts, "value_optimizer"]
        return state_dicts, variables

    def set_parameters(
        self,
        load_path_or_dict: str | dict[str, dict],
        exact_match: bool = True,
        device: th.device | str = "auto",
    ) -> None:
        """
        As SB3's ``set_parameters``, for a model whose value fit differs from the saved one's: the value
        optimizer exists only with the fitted value baseline (``baseline="value"``, ``value_epochs > 0``), which
        ``load``'s ``custom_objects`` can switch on or off. Saved optimizer state this model has no optimizer for
        is not restored; the value optimizer, when the parameters replace value weights without its state, starts
        afresh.

        :param load_path_or_dict: the saved model (path or file-like), or a dictionary from ``get_parameters``
        :param exact_match: whether the parameters must cover every module and each of its parameters
        :param device: where the parameters are loaded
        """
        if isinstance(load_path_or_dict, dict):
            params = dict(load_path_or_dict)
        else:
            _, params, _ = load_from_zip_file(load_path_or_dict, device=device, load_data=False)
        if self.value_optimizer is None:
            params.pop("value_optimizer", None)
        elif "value_optimizer" not in params and self._value_weight_names() & set(params.get("policy", {})):
            # (its moments, estimated on the value weights these replace, would scale the new weights' steps)
            params["value_optimizer"] = {"state": {}, "param_groups": self.value_optimizer.state_dict()["param_groups"]}
        super().set_parameters(params, exact_match=exact_match, device=device)

    def _value_weight_names(self) -> set[str]:
        """The names, in the policy's state dict, of the parameters the value optimizer fits."""
        value_parameters = {id(parameter) for parameter in self._value_parameters()}
        return {name for name, parameter in self.policy.named_parameters() if id(parameter) in value_parameters}

    @property
    def _value_in_loss(self) -> bool:
        """
        Whether the value function is trained in the policy's gradient step (the value baseline with
        ``value_epochs=0``): only then does evaluating the batch's actions need the state values.
        """
        return self.baseline == "value" and self.value_epochs == 0

    def _on_rollout_start(self, env: VecEnv) -> None:
        """
        Prepare what the policy keeps from step to step (nothing: the policies of REINFORCE are memoryless);
        every env starts an episode at the first step of the rollout.

        :param env: the envs of the rollout
        """

    def _sample_actions(self, obs: th.Tensor, env: VecEnv) -> tuple[th.Tensor, th.Tensor | None, dict[str, Any]]:
        """
        Sample the actions of one step of every env.

        :param obs: the envs' observations
        :param env: the envs (for the observations a subclass may need, such as action masks)
        :return: the actions, the state values (``None`` when :meth:`_rollout_values` computes them after the
            rollout) and the extra keyword arguments for the rollout buffer's ``add``
        """
        return sample_actions(self.policy, obs), None, {}

    def _rollout_values(self, rollout_buffer: EpisodicRolloutBuffer) -> None:
        """
        With the value baseline, store the value function's estimate at every step of the batch, in one pass
        over the batch's observations once the rollout is over: the value function does not change during the
        rollout, so the values are those a pass at every step would give, and the rollout samples with the
        actor alone (:func:`~sb3_reinforce.common.sampling.sample_actions`), without the critic's forward pass
        and the distribution object of the policy's ``forward``.

        :param rollout_buffer: the batch, as the rollout stored it (``pos`` rows of ``n_envs`` steps)
        """
        if self.baseline != "value":
            return
        rows, n_envs = rollout_buffer.pos, rollout_buffer.n_envs

        def flat(array: np.ndarray) -> np.ndarray:
            return array[:rows].reshape(rows * n_envs, *array.shape[2:])

        stored = rollout_buffer.observations
        observations = {key: flat(array) for key, array in stored.items()} if isinstance(stored, dict) else flat(stored)
        with th.no_grad():
            values = self.policy.predict_values(obs_as_tensor(observations, self.device))  # type: ignore[arg-type]
        rollout_buffer.values[:rows] = values.cpu().numpy().reshape(rows, n_envs)

    def _evaluate_actions(self, data: RolloutBufferSamples) -> tuple[th.Tensor, th.Tensor | None, th.Tensor | None]:
        """
        Log-probabilities, entropies and (with the value baseline) values of the batch's actions.

        :param data: the batch
        :return: ``log pi(a_t|s_t)``, the entropies (``None`` without analytical form) and the values (``None``
            unless the value function is trained in the policy's step)
        """
        actions = data.actions
        if isinstance(self.action_space, spaces.Discrete):
            actions = actions.long().flatten()
        # A policy class that changes how its actor is computed is trained through its own evaluate_actions, as it
        # samples through its own forward; the others without the critic's pass unless the value is in the loss.
        if self._value_in_loss or overrides_actor(self.policy, self.policy_base):
            values, log_prob, entropy = self.policy.evaluate_actions(data.observations, actions)
            return log_prob, entropy, values.flatten() if self._value_in_loss else None
        distribution = self.policy.get_distribution(data.observations)
        return distribution.log_prob(actions), distribution.entropy(), None

    def collect_rollouts(
        self,
        env: VecEnv,
        callback: BaseCallback,
        rollout_buffer: EpisodicRolloutBuffer,  # type: ignore[override]
        n_rollout_steps: int,
    ) -> bool:
        """
        Collect a batch of complete episodes with the current policy, and compute their returns and the
        estimator's weights (``rollout_buffer.batch_weights``, its ``returns`` and ``advantages``).

        :param env: The training environment
        :param callback: Callback that will be called at each step
            (and at the beginning and end of the rollout)
        :param rollout_buffer: Buffer to fill with rollouts
        :param n_rollout_steps: Number of steps per env, on average (sets the number of episodes)
        :return: True if the batch is complete, False if the callback stopped the rollout.
        """
        assert self._last_obs is not None, "No previous observation was provided"
        self.policy.set_training_mode(False)
        if not np.all(self._last_episode_starts):
            # Some env is inside an episode begun under the previous policy: it cannot be in this batch.
            self._last_obs = env.reset()  # type: ignore[assignment]
            self._last_episode_starts = np.ones((env.num_envs,), dtype=bool)

        rollout_buffer.reset()
        if self.use_sde:
            self.policy.reset_noise(env.num_envs)
        self._on_rollout_start(env)
        callback.on_rollout_start()

        no_values = th.zeros(env.num_envs)
        # The last batch of learn() is sized to the steps left (it still holds at least one episode per env).
        steps_left = -(-(self._total_timesteps - self.num_timesteps) // env.num_envs)
        n_episodes = episodes_per_rollout(max(min(n_rollout_steps, steps_left), 1), env.num_envs, self._mean_episode_length)
        # Every env starts an episode of the batch; an env whose episode ends starts the next one while
        # the batch has episodes left to start, and is out of the batch otherwise.
        in_batch = np.ones(env.num_envs, dtype=bool)
        episode_lengths = np.zeros(env.num_envs, dtype=np.int64)
        started, batch_steps, n_steps = env.num_envs, 0, 0
        while in_batch.any():
            if self.use_sde and self.sde_sample_freq > 0 and n_steps % self.sde_sample_freq == 0:
                self.policy.reset_noise(env.num_envs)

            with th.no_grad():
                obs_tensor = obs_as_tensor(self._last_obs, self.device)  # type: ignore[arg-type]
                actions_tensor, values, buffer_kwargs = self._sample_actions(obs_tensor, env)
            # As SB3's policies do: a Box action of any shape, whatever the distribution's flat output.
            actions = actions_tensor.cpu().numpy().reshape((-1, *self.action_space.shape))

            # (Named as in SB3's rollouts, for the callbacks' locals)
            clipped_actions = actions
            if isinstance(self.action_space, spaces.Box):
                if self.policy.squash_output:
                    clipped_actions = self.policy.unscale_action(actions)
                else:
                    clipped_actions = np.clip(actions, self.action_space.low, self.action_space.high)

            new_obs, rewards, dones, infos = env.step(clipped_actions)
            self.num_timesteps += env.num_envs

            callback.update_locals(locals())
            if not callback.on_step():
                # The envs have stepped: the next rollout starts from here (and resets the envs that are inside
                # an episode, which would otherwise enter its batch without their first steps).
                self._last_obs, self._last_episode_starts = new_obs, dones  # type: ignore[assignment]
                return False

            # The logger's episodes are the batch's: of the episodes an env plays once it is out of the
            # batch, only those that end before the batch does would reach it, the short ones.
            self._update_info_buffer([info for info, kept in zip(infos, in_batch, strict=True) if kept], dones[in_batch])
            n_steps += 1
            episode_lengths += in_batch
            self._check_step(rewards, episode_lengths, in_batch)

            if isinstance(self.action_space, spaces.Discrete):
                actions = actions.reshape(-1, 1)
            rollout_buffer.add(
                self._last_obs,  # type: ignore[arg-type]
                actions,
                rewards,
                self._last_episode_starts,  # type: ignore[arg-type]
                no_values if values is None else values,
                no_values,
                dones=dones,
                in_batch=in_batch,
                **buffer_kwargs,
            )
            batch_steps += int(in_batch.sum())
            ended = np.flatnonzero(dones & in_batch)
            n_new = min(len(ended), n_episodes - started)
            started += n_new
            in_batch[ended[n_new:]] = False
            episode_lengths[dones] = 0
            self._last_obs = new_obs  # type: ignore[assignment]
            self._last_episode_starts = dones

        self._mean_episode_length = batch_steps / n_episodes
        self._rollout_values(rollout_buffer)
        # As SB3's rollouts: the returns and advantages are computed before the callbacks' on_rollout_end
        rollout_buffer.compute_weights(
            gamma=self.gamma,
            use_reward_to_go=self.reward_to_go,
            exact_discounted_gradient=self.exact_discounted_gradient,
            baseline=self.baseline,
            normalize=self.normalize_advantage,
        )
        callback.update_locals(locals())
        callback.on_rollout_end()
        return True

    def _check_step(self, rewards: np.ndarray, episode_lengths: np.ndarray, in_batch: np.ndarray) -> None:
        """
        Stop a rollout that cannot give a batch: a reward that is not a finite number (it would make every
        return and then the policy NaN), or an episode longer than ``max_episode_length`` (an env whose
        episodes never end).

        :param rewards: the rewards of the step, one per env
        :param episode_lengths: the length so far of every env's episode in the batch
        :param in_batch: which envs' steps belong to the batch
        """
        bad = np.flatnonzero(~np.isfinite(rewards) & in_batch)
        if len(bad) > 0:
            raise ValueError(
                f"env: env {bad[0]} returned the reward {rewards[bad[0]]} at step {self.num_timesteps} "
                "(counted over all envs); REINFORCE needs finite rewards. Wrap the env in "
                "stable_baselines3.common.vec_env.VecCheckNan(env, raise_exception=True) to find the action "
                "or observation that causes it."
            )
        too_long = np.flatnonzero(episode_lengths > self.max_episode_length)
        if len(too_long) > 0:
            raise ValueError(
                f"env: an episode of env {too_long[0]} ran past max_episode_length={self.max_episode_length} steps "
                "without ending. REINFORCE learns from whole episodes, and an episode's return is known only "
                "once it ends: give the env a time limit (gymnasium.wrappers.TimeLimit(env, max_episode_steps=...), "
                "or max_episode_steps in gymnasium.make / make_vec_env's env_kwargs), or raise max_episode_length "
                "if its episodes are that long."
            )

    def _update_current_progress_remaining(self, num_timesteps: int, total_timesteps: int) -> None:
        """
        As SB3's, kept in [0, 1]: the last batch ends with its last episode, after ``total_timesteps``,
        and a schedule must never see progress below 0 (a linear learning rate would turn negative).
        """
        super()._update_current_progress_remaining(num_timesteps, total_timesteps)
        self._current_progress_remaining = min(max(self._current_progress_remaining, 0.0), 1.0)

    def train(self) -> None:
        """
        Update the policy with one gradient step on the collected batch of episodes.
        """
        self.policy.set_training_mode(True)
        learning_rate = self._learning_rate() * (self.lr_factor if self.adapt_learning_rate else 1.0)
        update_learning_rate(self.policy.optimizer, learning_rate)
        if not self.natural_gradient:  # (whose step is target_kl's)
            self.logger.record("train/learning_rate", learning_rate)
        target_kl = self._scheduled("target_kl", positive_at_start=True)
        ent_coef = self._scheduled("ent_coef")

        batch = self.rollout_buffer.batch_weights
        assert batch is not None, "the batch has no weights: collect_rollouts() computes them"
        data = next(self.rollout_buffer.get(batch_size=None))
        log_prob, entropy, values = self._evaluate_actions(data)

        # Score-function estimator, summed over the batch and divided by a constant (not by the random
        # number of steps collected), so that its expectation stays proportional to grad J.
        policy_loss = -(data.advantages * log_prob).sum() / (self.n_steps * self.n_envs)
        # Approximate the entropy by -log pi when it has no analytical form
        entropy_loss = -th.mean(-log_prob) if entropy is None else -th.mean(entropy)
        loss = policy_loss + ent_coef * entropy_loss
        if values is not None:
            value_loss = F.mse_loss(data.returns, values)
            loss = loss + self.vf_coef * value_loss

        before = [] if target_kl is None else [parameter.detach().clone() for parameter in self.policy.parameters()]
        if self.natural_gradient:
            assert target_kl is not None
            grad_norm = self._natural_step(data, loss, log_prob, target_kl)
        else:
            self.policy.optimizer.zero_grad()
            loss.backward()
            max_norm = float("inf") if self.max_grad_norm is None else self.max_grad_norm
            grad_norm = th.nn.utils.clip_grad_norm_(self.policy.parameters(), max_norm)
            self.policy.optimizer.step()
        step_kl = self._approx_kl(data, log_prob.detach())
        approx_kl, step_fraction = self._limit_step(data, log_prob.detach(), before, step_kl, target_kl)
        if self.adapt_learning_rate:
            assert target_kl is not None
            self._adapt_learning_rate(step_kl, target_kl)
        if self.value_optimizer is not None:
            value_loss = self._fit_value(data)

        self._n_updates += 1
        self.logger.record("train/n_updates", self._n_updates, exclude="tensorboard")
        self.logger.record("train/policy_loss", policy_loss.item())
        self.logger.record("train/entropy_loss", entropy_loss.item())
        if callable(self.ent_coef):
            self.logger.record("train/ent_coef", ent_coef)
        self.logger.record("train/grad_norm", grad_norm.item())
        self.logger.record("train/n_episodes", batch.n_episodes)
        self.logger.record("train/batch_steps", self.rollout_buffer.buffer_size)
        self.logger.record("train/mean_episode_length", self.rollout_buffer.buffer_size / max(batch.n_episodes, 1))
        self.logger.record("train/approx_kl", approx_kl)
        if target_kl is not None:
            self.logger.record("train/target_kl", target_kl)
            self.logger.record("train/step_fraction", step_fraction)
        self.logger.record("train/weights_mean", float(np.mean(batch.weights)))
        self.logger.record("train/weights_std", float(np.std(batch.weights)))
        if self.baseline == "value":
            self.logger.record("train/value_loss", value_loss.item())
            self.logger.record(
                "train/explained_variance",
                explained_variance(self.rollout_buffer.values.flatten(), self.rollout_buffer.returns.flatten()),
            )
        if hasattr(self.policy, "log_std"):
            self.logger.record("train/std", th.exp(self.policy.log_std).mean().item())

    def _scheduled(self, name: str, positive_at_start: bool = False) -> Any:
        """
        :param name: a hyperparameter that may be a schedule (``target_kl``, ``ent_coef``, ``value_learning_rate``)
        :param positive_at_start: whether a schedule's value must be > 0 at the start (see ``_schedule_value``)
        :return: its value at the current progress: a schedule's value, checked as the constructor checks a
            number, or the number (or ``None``) it is
        """
        value = getattr(self, name)
        if callable(value):
            return _schedule_value(name, value, self._current_progress_remaining, positive_at_start)
        return value

    def _natural_step(self, data: RolloutBufferSamples, loss: th.Tensor, log_prob: th.Tensor, target_kl: float) -> th.Tensor:
        """
        With ``natural_gradient``: move the policy's parameters by ``sqrt(2 * target_kl / x^T (F + d I) x) * x``,
        where ``x`` solves ``(F + d I) x = -g / |g|`` by conjugate gradient, ``g`` is the gradient of the loss, ``F``
        the Fisher information on the batch and ``d`` the damping ``CG_DAMPING`` (as TRPO's): the step whose damped
        second-order model of the KL divergence is ``target_kl``.

        ``F`` is the Hessian, at the current parameters, of the batch's KL estimate ``mean((r - 1) - log r)``
        (``r = pi / pi_old`` on the batch's actions), which is ``J^T J / N``, ``J`` being the Jacobian of the
        ``N`` log-probabilities ``log pi(a_t|s_t)`` in the actor's parameters: an unbiased estimate of the
        Fisher information, the actions being drawn from the policy. A product ``F v`` is a Jacobian-vector
        product ``J v`` (forward-mode differentiation of a new evaluation of the batch) followed by a
        vector-Jacobian product ``J^T (J v)`` (backward through the graph of ``log_prob``): nothing is
        differentiated twice, and its memory stays of the order of the gradient's.

        The step's length does not depend on the gradient's scale, so the system is solved for the gradient scaled
        to norm 1: sb3-contrib's solver starts from random noise (of norm about ``1e-4 * sqrt(n_parameters)``) and
        stops at an absolute residual, which would otherwise decide the direction of a small gradient (small
        rewards without ``normalize_advantage``). A zero gradient (every weight of the batch is 0, as when its
        episodes all return the same) gives no step: what the solver returns for it is what is left of its noise.

        :param data: the batch
        :param loss: the loss, with its graph
        :param log_prob: ``log pi(a_t|s_t)`` of the batch's actions, with its graph
        :param target_kl: the bound on the KL divergence of the step
        :return: the norm of the gradient of the loss
        """
        names = {parameter: name for name, parameter in self.policy.named_parameters() if parameter.requires_grad}
        gradients = th.autograd.grad(loss, list(names), retain_graph=True, allow_unused=True)
        # The actor's parameters: those the loss, and so the log-probabilities, depend on
        actor = [parameter for parameter, grad in zip(names, gradients, strict=True) if grad is not None]
        gradient = _flat(tuple(grad for grad in gradients if grad is not None))
        norm = gradient.norm()
        if not norm > 0:
            return norm
        sizes = [parameter.numel() for parameter in actor]
        evaluation = _Evaluation(self.policy, lambda: self._evaluate_actions(data)[0])

        def fisher_product(vector: th.Tensor) -> th.Tensor:
            # (oneDNN's LSTM kernel has no forward-mode derivative: the LSTM runs as its composite operations. The
            # forward-mode level and oneDNN's flag are the process's: one product at a time, for models trained in
            # threads, as Optuna's n_jobs trains its trials.)
            with _FORWARD_MODE, forward_ad.dual_level(), _onednn_disabled():
                duals = {
                    f"policy.{names[parameter]}": forward_ad.make_dual(parameter.detach(), part.view_as(parameter))
                    for parameter, part in zip(actor, vector.split(sizes), strict=True)
                }
                jacobian_vector = forward_ad.unpack_dual(th.func.functional_call(evaluation, duals, ())).tangent
            products = th.autograd.grad(
                log_prob, actor, grad_outputs=jacobian_vector / log_prob.numel(), retain_graph=True, materialize_grads=True
            )
            return _flat(products) + self.CG_DAMPING * vector

        direction = conjugate_gradient_solver(fisher_product, -(gradient / norm).detach(), max_iter=self.CG_MAX_STEPS)
        curvature = direction @ fisher_product(direction)
        if th.isfinite(curvature) and curvature > 0:
            step = th.sqrt(2 * target_kl / curvature) * direction
            with th.no_grad():
                for parameter, delta in zip(actor, step.split(sizes), strict=True):
                    parameter.add_(delta.view_as(parameter))
        return norm

    def _learning_rate(self) -> float:
        """
        :return: the learning rate at the current progress: SB3's ``lr_schedule``'s (made from ``learning_rate``),
            as A2C's and PPO's steps take it
        """
        if isinstance(self.lr_schedule, FloatSchedule):
            # (the schedule it wraps, learning_rate's, whose values it would turn into floats before they are checked)
            name, schedule = "learning_rate", self.lr_schedule.value_schedule
        else:  # (set by hand)
            name, schedule = "lr_schedule", self.lr_schedule
        return _schedule_value(name, schedule, self._current_progress_remaining, False)

    def _value_learning_rate(self) -> float:
        """
        :return: the value fit's learning rate at the current progress (the learning rate without
            ``value_learning_rate``)
        """
        return self._learning_rate() if self.value_learning_rate is None else self._scheduled("value_learning_rate")

    def _fit_value(self, data: RolloutBufferSamples) -> th.Tensor:
        """
        Regress the value function on the batch's Monte-Carlo returns, after the policy step: ``value_epochs``
        passes in shuffled minibatches of ``value_batch_size``, with the value optimizer.

        :param data: the batch
        :return: the mean squared error of the last minibatch, before its step
        """
        assert self.value_optimizer is not None
        learning_rate = self._value_learning_rate()
        update_learning_rate(self.value_optimizer, learning_rate)
        self.logger.record("train/value_learning_rate", learning_rate)
        parameters = self.value_optimizer.param_groups[0]["params"]
        n_samples = len(data.returns)
        batch_size = n_samples if self.value_batch_size is None else self.value_batch_size
        for _ in range(self.value_epochs):
            for indices in self._value_minibatches(n_samples, batch_size):
                value_loss = F.mse_loss(data.returns[indices], self._predict_values(data, indices))
                self.value_optimizer.zero_grad()
                value_loss.backward()
                if self.max_grad_norm is not None:
                    th.nn.utils.clip_grad_norm_(parameters, self.max_grad_norm)
                self.value_optimizer.step()
        return value_loss

    def _value_minibatches(self, n_samples: int, batch_size: int) -> list[th.Tensor]:
        """
        The minibatches of one pass of the value fit over the batch.

        :param n_samples: the number of steps of the batch
        :param batch_size: the number of steps of a minibatch
        :return: the steps of each minibatch, shuffled
        """
        return list(th.randperm(n_samples, device=self.device).split(batch_size))

    def _predict_values(self, data: RolloutBufferSamples, indices: th.Tensor) -> th.Tensor:
        """
        The value function at some of the batch's steps.

        :param data: the batch
        :param indices: the steps
        :return: the values, in the order of ``indices``
        """
        return self.policy.predict_values(take_observations(data.observations, indices)).flatten()

    def _limit_step(
        self,
        data: RolloutBufferSamples,
        old_log_prob: th.Tensor,
        before: list[th.Tensor],
        step_kl: float,
        target_kl: float | None,
    ) -> tuple[float, float]:
        """
        With ``target_kl``, shorten the optimizer's update ``delta`` along its own direction,
        ``theta = theta_old + 2^-k * delta`` for the smallest ``k`` (at most ``MAX_HALVINGS``) that brings the
        KL divergence between the policies before and after, measured on the batch, to ``target_kl`` or
        below; if none does, the update is undone. The gradient estimate, and so the direction, is unchanged:
        only the length of the step adapts.

        :param data: the batch
        :param old_log_prob: ``log pi_old(a_t|s_t)`` of the batch's actions
        :param before: the parameters before the update, in the order of ``policy.parameters()`` (with ``target_kl``)
        :param step_kl: the KL divergence of the whole update
        :param target_kl: the bound, ``None`` for none
        :return: the KL divergence of the step kept, and the fraction of the update kept
        """
        approx_kl, fraction = step_kl, 1.0
        if target_kl is None or approx_kl <= target_kl:
            return approx_kl, fraction
        parameters = list(self.policy.parameters())
        with th.no_grad():
            deltas = [parameter - old for parameter, old in zip(parameters, before, strict=True)]
            for _ in range(self.MAX_HALVINGS):
                fraction /= 2
                for parameter, old, delta in zip(parameters, before, deltas, strict=True):
                    parameter.copy_(old + fraction * delta)
                approx_kl = self._approx_kl(data, old_log_prob)
                if approx_kl <= target_kl:
                    return approx_kl, fraction
            for parameter, old in zip(parameters, before, strict=True):
                parameter.copy_(old)
        return 0.0, 0.0

    def _adapt_learning_rate(self, step_kl: float, target_kl: float) -> None:
        """
        With ``adapt_learning_rate``: after an update whose KL divergence ``step_kl`` (before any shortening)
        exceeded ``target_kl``, divide the learning rate by ``LR_ADAPTATION``; after one below
        ``target_kl / LR_ADAPTATION^2``, multiply it by ``LR_ADAPTATION``. (For small steps the KL divergence
        grows as the square of the step, so the rate settles where updates reach between the two.)

        :param step_kl: the KL divergence of the update
        :param target_kl: the bound
        """
        if step_kl > target_kl:
            self.lr_factor /= self.LR_ADAPTATION
        elif step_kl < target_kl / self.LR_ADAPTATION**2:
            self.lr_factor *= self.LR_ADAPTATION
        low, high = self.LR_FACTOR_BOUNDS
        self.lr_factor = min(max(self.lr_factor, low), high)
        self.logger.record("train/lr_factor", self.lr_factor)

    def _approx_kl(self, data: RolloutBufferSamples, old_log_prob: th.Tensor) -> float:
        """
        How far the update moved the policy: ``KL(pi_old || pi_new)`` averaged over the batch's states,
        estimated on the batch's own actions with ``E_old[(r - 1) - log r]``, ``r = pi_new / pi_old``
        (Schulman's unbiased, non-negative estimator).

        :param data: the batch, whose actions were drawn from ``pi_old``
        :param old_log_prob: ``log pi_old(a_t|s_t)`` of the batch's actions
        :return: the estimate
        """
        with th.no_grad():
            log_ratio = self._evaluate_actions(data)[0] - old_log_prob
            return th.mean(th.exp(log_ratio) - 1 - log_ratio).item()

    def learn(
        self: SelfREINFORCE,
        total_timesteps: int,
        callback: MaybeCallback = None,
        log_interval: int = 1,
        tb_log_name: str = "REINFORCE",
        reset_num_timesteps: bool = True,
        progress_bar: bool = False,
    ) -> SelfREINFORCE:
        """
        Return a trained model, as SB3's ``learn``. Batches are whole episodes, so training stops at the end
        of the first batch that reaches ``total_timesteps``. The last batch is sized to the steps left as
        judged by the previous batch's mean episode length (at least one episode per env and two in all): it
        runs past ``total_timesteps`` by up to about ``max(n_envs, 2)`` episodes, and by more when its
        episodes outlast the previous batch's, as while a policy learns to make them last.

        :param total_timesteps: The total number of env steps to train on, counted over all envs
            (a whole number; ``1e5`` is accepted)
        :param callback: callback(s) called at every step with state of the algorithm.
        :param log_interval: The number of updates between logs, or ``None`` for none
        :param tb_log_name: the name of the run for TensorBoard logging
        :param reset_num_timesteps: whether or not to reset the current timestep number (used in logging)
        :param progress_bar: Display a progress bar using tqdm and rich.
        :return: the trained model
        """
        check_number("total_timesteps", total_timesteps, low=0)
        if not float(total_timesteps).is_integer():
            raise ValueError(f"total_timesteps must be a whole number of steps; got {total_timesteps!r}")
        check_callback(callback)
        check_int("log_interval", log_interval, low=1, allow_none=True)
        check_type("tb_log_name", tb_log_name, str, "a string")
        check_bool("reset_num_timesteps", reset_num_timesteps)
        check_bool("progress_bar", progress_bar)
        if self.env is None:
            raise ValueError(
                f"env: learn() needs an env, and this model has none; got None. Give it one with "
                f"{type(self).__name__}.load(path, env=...) or set_env(env)"
            )
        # (SB3 resets the envs itself at the start of learn() unless it goes on from the last observation)
        goes_on = not reset_num_timesteps and self._last_obs is not None and self._last_episode_starts is not None
        check_early_resets(self.env, inside_episode=goes_on and not np.all(self._last_episode_starts))
        return super().learn(
            total_timesteps=int(total_timesteps),
            callback=callback,
            log_interval=log_interval,
            tb_log_name=tb_log_name,
            reset_num_timesteps=reset_num_timesteps,
            progress_bar=progress_bar,
        )


def take_observations(observations: PyTorchObs, index: th.Tensor) -> PyTorchObs:
    """
    The observations at some of a batch's steps (of every key, for Dict observations).

    :param observations: the batch's observations
    :param index: the steps
    :return: the observations at ``index``, in its order
    """
    if isinstance(observations, dict):
        return {key: obs[index] for key, obs in observations.items()}
    return observations[index]


class _Evaluation(th.nn.Module):
    """
    A function of a policy's parameters as a module, for ``torch.func.functional_call``, which evaluates it
    with other values of the parameters (``policy.<name>``).

    :param policy: the policy whose parameters ``function`` uses
    :param function: what to evaluate, through ``policy``
    """

    def __init__(self, policy: BasePolicy, function: Callable[[], th.Tensor]) -> None:
        super().__init__()
        self.policy = policy
        self.function = function

    def forward(self) -> th.Tensor:
        return self.function()


def _env_types() -> tuple[type, ...]:
    """
    :return: the types of env SB3 takes: gymnasium's, VecEnvs, registered ids and, when OpenAI Gym is installed,
        its envs (SB3 converts them to gymnasium with shimmy)
    """
    legacy_gym = getattr(patch_gym, "gym", None)
    return (str, gym.Env, VecEnv) + (() if legacy_gym is None else (legacy_gym.Env,))


def _onednn_disabled() -> AbstractContextManager:
    """
    :return: a context in which torch does not use oneDNN, its TF32 setting left as it is (torch's flags take
        ``allow_tf32`` in its newer versions, and changing it warns on builds that cannot use it)
    """
    if "allow_tf32" in signature(th.backends.mkldnn.flags).parameters:
        return th.backends.mkldnn.flags(enabled=False, allow_tf32=None)
    return th.backends.mkldnn.flags(enabled=False)


def _flat(tensors: tuple[th.Tensor, ...]) -> th.Tensor:
    """The tensors, flattened into one vector."""
    return th.cat([tensor.flatten() for tensor in tensors])


def _schedule_value(name: str, schedule: Schedule, progress_remaining: float, positive_at_start: bool) -> float:
    """
    :param name: the hyperparameter the schedule gives (``learning_rate``, ``target_kl``, ...)
    :param schedule: its schedule
    :param progress_remaining: the progress remaining (1 to 0)
    :param positive_at_start: whether the value must be > 0 at the start, progress remaining 1 (a bound on the
        step, which may shrink to 0 and so end the run with steps of length 0)
    :return: the schedule's value at ``progress_remaining``
    :raises ValueError: (``TypeError``) unless it is a number >= 0 (> 0 at the start with ``positive_at_start``)
    """
    try:
        signature(schedule).bind(progress_remaining)
    except TypeError:
        raise TypeError(
            f"{name} must be a number or a schedule, a callable of the progress remaining (1 to 0); got {schedule!r}, "
            "which does not take one argument"
        ) from None
    except ValueError:  # (a callable without a signature to read)
        pass
    value = schedule(progress_remaining)
    # (a number of numpy's or torch's, a 0-d tensor included, as float() takes it; a string is no number)
    if hasattr(value, "__float__") and not isinstance(value, (bool, np.bool_)):
        value = float(value)
    description = f"{name} (its schedule's value at progress remaining {progress_remaining:g})"
    check_number(description, value, low=0, low_inclusive=not (positive_at_start and progress_remaining == 1))
    return value


def _check_number_or_schedule(name: str, value: Any, positive: bool, allow_none: bool = False) -> None:
    """
    :param name: the hyperparameter's name
    :param value: its value: a number, or a schedule (a callable of the progress remaining, 1 to 0), whose
        value at the start is checked
    :param positive: whether it must be > 0 (at the start, for a schedule), not only >= 0
    :param allow_none: whether ``None`` is accepted
    :raises ValueError: (``TypeError``) naming the parameter, what it got and what it accepts
    """
    if callable(value):
        _schedule_value(name, value, 1.0, positive_at_start=positive)
        return
    try:
        check_number(name, value, low=0, low_inclusive=not positive, allow_none=allow_none)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{error}; or a schedule: a callable of the progress remaining (1 to 0)") from None


def check_hyperparameters(
    learning_rate: Any,
    n_steps: Any,
    gamma: Any,
    reward_to_go: Any,
    baseline: Any,
    exact_discounted_gradient: Any,
    ent_coef: Any,
    vf_coef: Any,
    max_grad_norm: Any,
    normalize_advantage: Any,
    use_sde: Any,
    sde_sample_freq: Any,
    max_episode_length: Any,
    target_kl: Any,
    adapt_learning_rate: Any,
    natural_gradient: Any,
    value_epochs: Any,
    value_learning_rate: Any,
    value_batch_size: Any,
    rollout_buffer_class: Any,
    rollout_buffer_kwargs: Any,
    stats_window_size: Any,
    tensorboard_log: Any,
    policy_kwargs: Any,
    verbose: Any,
    seed: Any,
    device: Any,
) -> None:
    """
    Check the hyperparameters of :class:`REINFORCE` (as given to the constructor or restored by ``load``):
    a ``TypeError`` for a value of the wrong type, a ``ValueError`` for one out of range, each naming
    the parameter, what it got and what it accepts. The parameters are the constructor's.
    """
    _check_number_or_schedule("learning_rate", learning_rate, positive=False)
    check_int("n_steps", n_steps, low=1)
    check_number("gamma", gamma, low=0, high=1)
    check_bool("reward_to_go", reward_to_go)
    if baseline not in BASELINES:
        raise ValueError(f"baseline must be one of {', '.join(map(repr, BASELINES))}; got {baseline!r}")
    check_bool("exact_discounted_gradient", exact_discounted_gradient)
    _check_number_or_schedule("ent_coef", ent_coef, positive=False)
    check_number("vf_coef", vf_coef, low=0, allow_none=True)
    check_number("max_grad_norm", max_grad_norm, low=0, low_inclusive=False, allow_none=True)
    check_bool("normalize_advantage", normalize_advantage)
    check_bool("use_sde", use_sde)
    check_int("sde_sample_freq", sde_sample_freq, low=1, also=(-1,))
    check_int("max_episode_length", max_episode_length, low=1)
    _check_number_or_schedule("target_kl", target_kl, positive=True, allow_none=True)
    check_bool("adapt_learning_rate", adapt_learning_rate)
    if adapt_learning_rate and target_kl is None:
        raise ValueError(
            "adapt_learning_rate=True adapts the learning rate to target_kl, which is None: "
            "give target_kl (e.g. 0.01) or set adapt_learning_rate=False"
        )
    check_bool("natural_gradient", natural_gradient)
    if natural_gradient and target_kl is None:
        raise ValueError(
            "natural_gradient=True takes steps as long as target_kl allows, and target_kl is None: "
            "give target_kl (e.g. 0.01) or set natural_gradient=False"
        )
    if natural_gradient and adapt_learning_rate:
        raise ValueError(
            "adapt_learning_rate=True adapts the optimizer's step, which natural_gradient=True does not take "
            "(its step is set by target_kl): set one of them to False"
        )
    check_int("value_epochs", value_epochs, low=0)
    if natural_gradient and baseline == "value" and value_epochs == 0:
        raise ValueError(
            "natural_gradient=True steps the policy only, and value_epochs=0 trains the value function in the "
            "policy's step: with baseline='value', give value_epochs > 0 (e.g. 10) so that it is fitted on its own"
        )
    _check_number_or_schedule("value_learning_rate", value_learning_rate, positive=False, allow_none=True)
    check_int("value_batch_size", value_batch_size, low=1, allow_none=True)
    if rollout_buffer_class is not None and not (
        isinstance(rollout_buffer_class, type) and issubclass(rollout_buffer_class, EpisodicBufferMixin)
    ):
        raise ValueError(
            "rollout_buffer_class must be a subclass of sb3_reinforce.common.buffers.EpisodicBufferMixin "
            f"(whole-episode batches) or None; got {rollout_buffer_class!r}"
        )
    check_type("rollout_buffer_kwargs", rollout_buffer_kwargs, dict, "a dict", allow_none=True)
    check_int("stats_window_size", stats_window_size, low=1)
    check_type("tensorboard_log", tensorboard_log, (str, os.PathLike), "a folder path", allow_none=True)
    check_type("policy_kwargs", policy_kwargs, dict, "a dict", allow_none=True)
    check_int("verbose", verbose, low=0, high=2)
    check_int("seed", seed, low=0, high=2**32 - 1, allow_none=True)
    check_device(device)


def _warn_meaningless(
    baseline: str | None,
    reward_to_go: bool,
    exact_discounted_gradient: bool,
    vf_coef: float | None,
    value_epochs: int,
    value_learning_rate: float | Schedule | None,
    value_batch_size: int | None,
    natural_gradient: bool,
    max_grad_norm: float | None,
    use_sde: bool,
    sde_sample_freq: int,
) -> None:
    """Warn about options that have no effect with the others given."""
    if sde_sample_freq != -1 and not use_sde:
        warnings.warn(
            f"sde_sample_freq={sde_sample_freq} has no effect: it sets gSDE's noise, and use_sde is False", UserWarning
        )
    fitted = baseline == "value" and value_epochs > 0
    given = {"value_learning_rate": value_learning_rate is not None, "value_batch_size": value_batch_size != VALUE_BATCH_SIZE}
    joint = "; with value_epochs=0 the value baseline is trained in the policy's step, at learning_rate"
    for name in [name for name, is_given in given.items() if is_given and not fitted]:
        warnings.warn(
            f"{name} has no effect: it sets the value fit, which runs only with baseline='value' and value_epochs > 0 "
            f"(baseline={baseline!r}, value_epochs={value_epochs}){joint if baseline == 'value' else ''}",
            UserWarning,
        )
    if natural_gradient and max_grad_norm is not None and baseline != "value":
        warnings.warn(
            f"max_grad_norm={max_grad_norm} has no effect: with natural_gradient=True the policy's step has the "
            "length target_kl gives it, and only the value fit (baseline='value') clips its gradients",
            UserWarning,
        )
    if vf_coef is not None and (baseline != "value" or value_epochs > 0):
        warnings.warn(
            f"vf_coef={vf_coef} has no effect: the value loss is added to the policy's loss only with "
            f"baseline='value' and value_epochs=0 (baseline={baseline!r}, value_epochs={value_epochs})",
            UserWarning,
        )
    if value_epochs > 0 and baseline != "value":
        warnings.warn(
            f"value_epochs={value_epochs} has no effect: a value function is fitted only with baseline='value' "
            f"(baseline={baseline!r})",
            UserWarning,
        )
    if exact_discounted_gradient and not reward_to_go:
        warnings.warn(
            "exact_discounted_gradient=True has no effect with reward_to_go=False: the whole-episode "
            "return R(tau) already gives the exact gradient of the discounted objective",
            UserWarning,
        )

import warnings
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import numpy as np
import torch as th
from gymnasium import spaces
from sb3_contrib.common.recurrent.policies import RecurrentActorCriticPolicy
from sb3_contrib.common.recurrent.type_aliases import RNNStates
from stable_baselines3.common.policies import BasePolicy
from stable_baselines3.common.type_aliases import MaybeCallback, RolloutBufferSamples
from stable_baselines3.common.vec_env import VecEnv

from sb3_reinforce.common.buffers import (
    EpisodicBufferMixin,
    EpisodicRolloutBuffer,
    SequentialDictRolloutBuffer,
    SequentialRolloutBuffer,
)
from sb3_reinforce.common.checks import as_python, check_bool, check_int, check_type
from sb3_reinforce.common.recurrent import episode_buckets
from sb3_reinforce.common.sampling import overrides_actor
from sb3_reinforce.reinforce.reinforce import REINFORCE, take_observations
from sb3_reinforce.reinforce_recurrent.policies import CnnLstmPolicy, MlpLstmPolicy, MultiInputLstmPolicy

SelfRecurrentREINFORCE = TypeVar("SelfRecurrentREINFORCE", bound="RecurrentREINFORCE")
# What a pass of the policy over padded episodes returns: one tensor (or None) per output, one entry per step
EpisodePass = Callable[[th.Tensor, RNNStates, th.Tensor], tuple[th.Tensor | None, ...]]


class RecurrentREINFORCE(REINFORCE):
    """
    REINFORCE with recurrent (LSTM) policies, for partially observed tasks: sb3-contrib's
    ``RecurrentActorCriticPolicy`` (``MlpLstmPolicy``, ``CnnLstmPolicy``, ``MultiInputLstmPolicy``), as
    ``RecurrentPPO`` uses.

    A batch of REINFORCE is whole episodes, so every episode is one sequence: the LSTM starts from a zero
    state at the episode's first step, both while the episode is played and when the batch is evaluated,
    and the gradient flows back through the whole episode. (``RecurrentPPO`` cuts its fixed-length
    rollouts into sequences that start in the middle of episodes, from LSTM states stored when they were
    played.) The log-probabilities of a batch are computed in one pass of the LSTM over its episodes,
    padded to equal lengths; episodes are grouped by length into buckets (see
    :func:`~sb3_reinforce.common.recurrent.episode_buckets`) so that one long episode does not pad all
    the others, and the padding is left out of every term of the loss.

    It takes the parameters of :class:`~sb3_reinforce.reinforce.REINFORCE`, whose returns, baselines, step bound
    and value fit it keeps unchanged. The value baseline uses the policy's critic (its own LSTM by
    default); without it no critic is run, and ``policy_kwargs`` default to ``enable_critic_lstm=False``
    (no critic LSTM is built). A loaded model keeps the critic it was saved with.
    ``predict(observation, state, episode_start, deterministic)`` works as ``RecurrentPPO``'s: pass back the
    state it returns, and ``episode_start`` to reset it.
    """

    policy_aliases: ClassVar[dict[str, type[BasePolicy]]] = {
        "MlpLstmPolicy": MlpLstmPolicy,
        "CnnLstmPolicy": CnnLstmPolicy,
        "MultiInputLstmPolicy": MultiInputLstmPolicy,
    }
    rollout_buffer_classes: ClassVar[tuple[type[EpisodicBufferMixin], type[EpisodicBufferMixin]]] = (
        SequentialRolloutBuffer,
        SequentialDictRolloutBuffer,
    )
    # The policies this algorithm accepts
    policy_base: ClassVar[type[BasePolicy]] = RecurrentActorCriticPolicy
    # The most padded steps per step of a bucket of episodes (see episode_buckets)
    MAX_PADDING: ClassVar[float] = 1.0
    policy: RecurrentActorCriticPolicy  # type: ignore[assignment]
    rollout_buffer: SequentialRolloutBuffer  # type: ignore[assignment]
    # Whether the policy has a critic LSTM: decided when the model is made, kept by save and load
    _critic_lstm: bool | None = None

    def _setup_model(self) -> None:
        # A critic LSTM only where a critic is used (sb3-contrib's policies build one by default); a loaded model
        # keeps the critic it was saved with, whatever baseline custom_objects give it. The policy_kwargs stay
        # (and are saved) as given.
        for key in ("shared_lstm", "enable_critic_lstm", "share_features_extractor"):
            if key in self.policy_kwargs:
                check_bool(f"policy_kwargs['{key}']", self.policy_kwargs[key])
        for key in ("lstm_hidden_size", "n_lstm_layers"):
            if key in self.policy_kwargs:
                check_int(f"policy_kwargs['{key}']", self.policy_kwargs[key], low=1)
        lstm_kwargs = self.policy_kwargs.get("lstm_kwargs")
        check_type("policy_kwargs['lstm_kwargs']", lstm_kwargs, dict, "a dict of torch.nn.LSTM's arguments", allow_none=True)
        # (the LSTM states this algorithm and sb3-contrib's policies make are (layers, sequences, hidden size), and
        # their sequences run along the first dimension)
        unsupported = {
            key: value for key, value in (lstm_kwargs or {}).items() if key in ("batch_first", "bidirectional", "proj_size")
        }
        if any(unsupported.values()):
            raise ValueError(
                "policy_kwargs['lstm_kwargs']: the recurrent policies run a one-directional LSTM without projection on "
                f"sequence-first tensors; got {unsupported}"
            )
        shared = self.policy_kwargs.get("shared_lstm", False)
        if self._critic_lstm is None:
            if shared and self.baseline != "value":
                warnings.warn(
                    "policy_kwargs['shared_lstm']=True has no effect: it gives the critic the actor's LSTM, and a "
                    f"critic runs only with baseline='value' (baseline={self.baseline!r})",
                    UserWarning,
                )
            self._critic_lstm = bool(self.policy_kwargs.get("enable_critic_lstm", self.baseline == "value" and not shared))
        if shared and self._critic_lstm:
            own = "enable_critic_lstm=True" if self.policy_kwargs.get("enable_critic_lstm") else "this saved model"
            raise ValueError(
                f"policy_kwargs: shared_lstm=True gives the critic the actor's LSTM and {own} its own; give one of "
                "them (neither: a critic without LSTM)"
            )
        if shared and not self.policy_kwargs.get("share_features_extractor", True):
            raise ValueError(
                "policy_kwargs: shared_lstm=True gives the critic the actor's LSTM, which needs the actor's features "
                "extractor too; got share_features_extractor=False"
            )
        given = self.policy_kwargs
        # (torch's LSTM takes Python numbers and booleans only)
        as_python_values = {key: as_python(given[key]) for key in ("lstm_hidden_size", "n_lstm_layers") if key in given}
        if lstm_kwargs:
            as_python_values["lstm_kwargs"] = {key: as_python(value) for key, value in lstm_kwargs.items()}
        self.policy_kwargs = {**given, **as_python_values, "enable_critic_lstm": self._critic_lstm}
        try:
            super()._setup_model()
        finally:
            self.policy_kwargs = given
        self._rollout_states: RNNStates | None = None

    def _excluded_save_params(self) -> list[str]:
        return [*super()._excluded_save_params(), "_rollout_states"]

    def _zero_states(self, n_sequences: int) -> RNNStates:
        """Zero LSTM states of ``n_sequences`` sequences, for the actor and the critic."""
        lstm = self.policy.lstm_actor
        zeros = th.zeros((lstm.num_layers, n_sequences, lstm.hidden_size), device=self.device)
        return RNNStates((zeros, zeros), (zeros, zeros))

    def _on_rollout_start(self, env: VecEnv) -> None:
        self._rollout_states = self._zero_states(env.num_envs)

    def _sample_actions(self, obs: th.Tensor, env: VecEnv) -> tuple[th.Tensor, th.Tensor | None, dict[str, Any]]:
        assert self._rollout_states is not None
        # The policy resets the LSTM state of every env whose episode starts at this step.
        episode_starts = th.as_tensor(self._last_episode_starts, dtype=th.float32, device=self.device)
        if self.baseline == "value" or overrides_actor(self.policy, self.policy_base):
            actions, values, _, self._rollout_states = self.policy(obs, self._rollout_states, episode_starts)
            return actions, values if self.baseline == "value" else None, {}
        distribution, states = self.policy.get_distribution(obs, self._rollout_states.pi, episode_starts)
        self._rollout_states = RNNStates(states, self._rollout_states.vf)  # type: ignore[arg-type]
        return distribution.get_actions(), None, {}

    def _rollout_values(self, rollout_buffer: EpisodicRolloutBuffer) -> None:
        """
        Nothing to add: with the value baseline, :meth:`_sample_actions` stores the values as the rollout steps
        the critic's LSTM (the values of an episode's step depend on the episode's steps before it).

        :param rollout_buffer: the batch, as the rollout stored it
        """

    def _over_episodes(self, steps: th.Tensor, run: EpisodePass) -> list[th.Tensor | None]:
        """
        Run the policy over whole episodes of the batch, each from a zero LSTM state: bucket by bucket of
        episodes of similar lengths, each bucket in one pass, padded.

        :param steps: steps of the batch that form whole episodes, in time order
        :param run: the pass over a bucket: given the batch's steps to read, padded episode after padded
            episode (``n_episodes * longest``), the LSTM states to start from and the episode starts (none:
            each row starts at the zero state), it returns its outputs at every one of those steps
        :return: the outputs at ``steps``, in their order, without padding
        """
        episode_starts = self.rollout_buffer.episode_starts[steps.cpu().numpy()]
        parts, positions = [], []
        for bucket in episode_buckets(episode_starts, self.device, self.MAX_PADDING):
            padded = bucket.flatten()
            real = padded >= 0
            no_starts = th.zeros(len(padded), device=self.device)
            outputs = run(steps[padded.clamp(min=0)], self._zero_states(len(bucket)), no_starts)
            parts.append([None if output is None else output[real] for output in outputs])
            positions.append(padded[real])
        inverse = th.argsort(th.cat(positions))
        return [None if output[0] is None else th.cat(output)[inverse] for output in zip(*parts, strict=True)]

    def _evaluate_actions(self, data: RolloutBufferSamples) -> tuple[th.Tensor, th.Tensor | None, th.Tensor | None]:
        actions = data.actions
        if isinstance(self.action_space, spaces.Discrete):
            actions = actions.long().flatten()

        def run(index: th.Tensor, lstm_states: RNNStates, episode_starts: th.Tensor) -> tuple[th.Tensor | None, ...]:
            return self._evaluate_padded(data, actions, index, lstm_states, episode_starts)

        log_prob, entropy, values = self._over_episodes(th.arange(len(actions), device=self.device), run)
        assert log_prob is not None
        return log_prob, entropy, values

    def _evaluate_padded(
        self,
        data: RolloutBufferSamples,
        actions: th.Tensor,
        index: th.Tensor,
        lstm_states: RNNStates,
        episode_starts: th.Tensor,
    ) -> tuple[th.Tensor, th.Tensor | None, th.Tensor | None]:
        """
        Log-probabilities, entropies and (with the value baseline) values of padded episodes.

        :param data: the batch
        :param actions: the batch's actions, as the distribution takes them
        :param index: the steps of the padded episodes, one episode after the other
        :param lstm_states: the LSTM states each episode starts from
        :param episode_starts: where to reset the LSTM states (nowhere)
        :return: ``log pi(a_t|h_t)``, the entropies (``None`` without analytical form) and the values
        """
        observations, actions = take_observations(data.observations, index), actions[index]
        if self._value_in_loss or overrides_actor(self.policy, self.policy_base):
            values, log_prob, entropy = self.policy.evaluate_actions(observations, actions, lstm_states, episode_starts)
            return log_prob, entropy, values.flatten() if self._value_in_loss else None
        distribution, _ = self.policy.get_distribution(observations, lstm_states.pi, episode_starts)
        return distribution.log_prob(actions), distribution.entropy(), None

    def _value_parameters(self) -> list[th.nn.Parameter]:
        modules = [module for module in (self.policy.lstm_critic, self.policy.critic) if module is not None]
        return [*super()._value_parameters(), *(parameter for module in modules for parameter in module.parameters())]

    def _value_minibatches(self, n_samples: int, batch_size: int) -> list[th.Tensor]:
        """Minibatches of whole episodes, shuffled, of at least ``batch_size`` steps each (but the last)."""
        starts = np.flatnonzero(self.rollout_buffer.episode_starts)
        ends = np.append(starts[1:], n_samples)
        minibatches, current, n_steps = [], [], 0
        for episode in th.randperm(len(starts)).tolist():
            current.append(np.arange(starts[episode], ends[episode]))
            n_steps += ends[episode] - starts[episode]
            if n_steps >= batch_size:
                minibatches.append(current)
                current, n_steps = [], 0
        if current:
            minibatches.append(current)
        return [th.as_tensor(np.concatenate(episodes), device=self.device) for episodes in minibatches]

    def _predict_values(self, data: RolloutBufferSamples, indices: th.Tensor) -> th.Tensor:
        def run(index: th.Tensor, lstm_states: RNNStates, episode_starts: th.Tensor) -> tuple[th.Tensor | None, ...]:
            observations = take_observations(data.observations, index)
            return (self.policy.predict_values(observations, lstm_states.vf, episode_starts).flatten(),)  # type: ignore[arg-type]

        (values,) = self._over_episodes(indices, run)
        assert values is not None
        return values

    def learn(
        self: SelfRecurrentREINFORCE,
        total_timesteps: int,
        callback: MaybeCallback = None,
        log_interval: int = 1,
        tb_log_name: str = "RecurrentREINFORCE",
        reset_num_timesteps: bool = True,
        progress_bar: bool = False,
    ) -> SelfRecurrentREINFORCE:
        return super().learn(
            total_timesteps=total_timesteps,
            callback=callback,
            log_interval=log_interval,
            tb_log_name=tb_log_name,
            reset_num_timesteps=reset_num_timesteps,
            progress_bar=progress_bar,
        )

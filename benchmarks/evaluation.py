"""Shared pieces of the benchmark scripts: periodic evaluation of a policy during training."""

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.vec_env import VecEnv, sync_envs_normalization


class EvaluationRecorder(BaseCallback):
    """
    Evaluate the policy every ``eval_freq`` environment steps (and at the start) and keep the results.

    :param eval_env: the evaluation env
    :param eval_freq: environment steps (summed over envs) between evaluations
    :param n_eval_episodes: episodes per evaluation
    :param stochastic: also evaluate the stochastic policy
    """

    def __init__(self, eval_env: VecEnv, eval_freq: int, n_eval_episodes: int = 10, stochastic: bool = False):
        super().__init__()
        self.eval_env = eval_env
        self.eval_freq = eval_freq
        self.n_eval_episodes = n_eval_episodes
        self.stochastic = stochastic
        self.next_eval = 0
        self.rows: list[tuple[int, float, float]] = []

    def _evaluate(self) -> None:
        sync_envs_normalization(self.training_env, self.eval_env)
        greedy, _ = evaluate_policy(self.model, self.eval_env, self.n_eval_episodes, deterministic=True)
        sampled = np.nan
        if self.stochastic:
            sampled, _ = evaluate_policy(self.model, self.eval_env, self.n_eval_episodes, deterministic=False)
        self.rows.append((self.num_timesteps, float(greedy), float(sampled)))
        self.next_eval += self.eval_freq

    def _on_training_start(self) -> None:
        self.next_eval = self.num_timesteps
        self._evaluate()

    def _on_step(self) -> bool:
        if self.num_timesteps >= self.next_eval:
            self._evaluate()
        return True

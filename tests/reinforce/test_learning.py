import pytest
from stable_baselines3.common.callbacks import EvalCallback, StopTrainingOnRewardThreshold
from stable_baselines3.common.env_util import make_vec_env

from sb3_reinforce import REINFORCE


@pytest.mark.slow
def test_defaults_solve_cartpole():
    """With its defaults, REINFORCE reaches a greedy evaluation mean >= 475 on CartPole-v1 within 100k steps."""
    eval_env = make_vec_env("CartPole-v1", n_envs=1, seed=1000)
    stop = StopTrainingOnRewardThreshold(reward_threshold=475, verbose=0)
    callback = EvalCallback(eval_env, eval_freq=5_000, n_eval_episodes=10, callback_on_new_best=stop)
    model = REINFORCE("MlpPolicy", "CartPole-v1", seed=0).learn(100_000, callback=callback)
    assert callback.best_mean_reward >= 475, callback.best_mean_reward
    assert model.num_timesteps <= 100_000

"""
Train REINFORCE on a MuJoCo task with observations normalized by VecNormalize, save the model and the
normalization statistics beside it, load both back and evaluate the greedy policy on normalized
observations and raw rewards. The settings are those of the shipped HalfCheetah-v5 entry (the fitted value
baseline and a shrinking step bound); 1M steps take about 9 minutes on one CPU core.

    python examples/train_mujoco.py [--env HalfCheetah-v5] [--steps 1000000] [--seed 0]
"""

import argparse

from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.vec_env import VecNormalize

from sb3_reinforce import REINFORCE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="HalfCheetah-v5")
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--path", default="reinforce_mujoco")
    args = parser.parse_args()

    env = VecNormalize(make_vec_env(args.env, n_envs=1, seed=args.seed), norm_obs=True, norm_reward=False)
    model = REINFORCE(
        "MlpPolicy",
        env,
        learning_rate=0.002,
        n_steps=2048,
        baseline="value",
        value_epochs=10,
        value_learning_rate=0.001,
        # Adam's step bounded by a KL divergence shrinking linearly from 0.01 to 0 over the run (the zoo's lin_0.01)
        target_kl=lambda progress_remaining: 0.01 * progress_remaining,
        policy_kwargs=dict(log_std_init=-0.5, net_arch=dict(pi=[64, 64], vf=[64, 64])),
        seed=args.seed,
    )
    model.learn(args.steps)
    model.save(args.path)
    # The policy only knows normalized observations: keep the statistics with the model.
    env.save(f"{args.path}_vecnormalize.pkl")

    model = REINFORCE.load(args.path)
    eval_env = VecNormalize.load(f"{args.path}_vecnormalize.pkl", make_vec_env(args.env, n_envs=1, seed=args.seed + 1000))
    # Evaluation: frozen statistics, and the rewards as the environment gives them.
    eval_env.training = False
    eval_env.norm_reward = False
    mean, std = evaluate_policy(model, eval_env, n_eval_episodes=5, deterministic=True)
    print(f"{args.env} after {args.steps} steps: greedy return {mean:.1f} +- {std:.1f} over 5 episodes")


if __name__ == "__main__":
    main()

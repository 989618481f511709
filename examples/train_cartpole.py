"""
Train REINFORCE with its default hyperparameters on CartPole-v1, save it, load it back and evaluate it.

    python examples/train_cartpole.py [--steps 100000] [--seed 0]
"""

import argparse

from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.evaluation import evaluate_policy

from sb3_reinforce import REINFORCE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--path", default="reinforce_cartpole")
    args = parser.parse_args()

    model = REINFORCE("MlpPolicy", "CartPole-v1", seed=args.seed, verbose=1)
    model.learn(args.steps)
    model.save(args.path)

    model = REINFORCE.load(args.path)
    eval_env = make_vec_env("CartPole-v1", n_envs=1, seed=args.seed + 1000)
    mean, std = evaluate_policy(model, eval_env, n_eval_episodes=20, deterministic=True)
    print(f"CartPole-v1 after {args.steps} steps: greedy return {mean:.1f} +- {std:.1f} over 20 episodes")


if __name__ == "__main__":
    main()

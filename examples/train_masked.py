"""
Train MaskableREINFORCE on sb3-contrib's InvalidActionEnvDiscrete (80 actions, 60 of them invalid at each
step), save it, load it back and evaluate it with the masks, as sb3-contrib's maskable evaluate_policy does.
The settings are those of the shipped zoo entry (about 15 s; seeds 0 to 4 reach a median 99.6 of 100).

    python examples/train_masked.py [--steps 20000] [--seed 0]
"""

import argparse

from sb3_contrib.common.envs import InvalidActionEnvDiscrete
from sb3_contrib.common.maskable.evaluation import evaluate_policy

from sb3_reinforce import MaskableREINFORCE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--path", default="reinforce_masked")
    args = parser.parse_args()

    env = InvalidActionEnvDiscrete(dim=80, n_invalid_actions=60)
    # gamma 0.4: a step's reward does not depend on the earlier actions here.
    model = MaskableREINFORCE("MlpPolicy", env, learning_rate=0.01, n_steps=512, gamma=0.4, seed=args.seed)
    model.learn(args.steps)
    model.save(args.path)

    model = MaskableREINFORCE.load(args.path)
    eval_env = InvalidActionEnvDiscrete(dim=80, n_invalid_actions=60)
    eval_env.reset(seed=args.seed + 1000)
    mean, std = evaluate_policy(model, eval_env, n_eval_episodes=20, deterministic=True, use_masking=True)
    print(f"InvalidActionEnvDiscrete after {args.steps} steps: masked greedy return {mean:.1f} +- {std:.1f} of 100")


if __name__ == "__main__":
    main()

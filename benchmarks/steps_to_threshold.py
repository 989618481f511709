"""
Steps needed by REINFORCE to reach an evaluation threshold, over several seeds.

Every ``--eval-freq`` steps the greedy (deterministic) policy is evaluated on ``--eval-episodes``
episodes of a separate env; a seed "reaches" the threshold at the first evaluation whose mean return
is at least ``--threshold``. Prints one line per seed and the median over seeds.

    python benchmarks/steps_to_threshold.py --env CartPole-v1 --threshold 475 --seeds 10 --steps 100000
"""

import argparse
import json
import time

import numpy as np
from evaluation import EvaluationRecorder
from stable_baselines3.common.env_util import make_vec_env

from sb3_reinforce import REINFORCE


def evaluation_curve(env_id: str, seed: int, steps: int, eval_freq: int, eval_episodes: int, hyperparams: dict):
    """Train one seed and return the evaluation steps, the mean returns and the training time (s)."""
    eval_env = make_vec_env(env_id, n_envs=1, seed=seed + 1000)
    callback = EvaluationRecorder(eval_env, eval_freq, eval_episodes)
    model = REINFORCE("MlpPolicy", env_id, seed=seed, **hyperparams)
    start = time.perf_counter()
    model.learn(steps, callback=callback)
    elapsed = time.perf_counter() - start
    steps, greedy, _ = np.asarray(callback.rows).T
    return steps, greedy, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="CartPole-v1")
    parser.add_argument("--threshold", type=float, default=475.0)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--eval-freq", type=int, default=5_000)
    parser.add_argument("--eval-episodes", type=int, default=10)
    parser.add_argument("--hyperparams", type=json.loads, default={}, help="JSON, e.g. '{\"learning_rate\": 0.005}'")
    args = parser.parse_args()

    reached, finals = [], []
    for seed in range(args.seeds):
        steps, returns, elapsed = evaluation_curve(
            args.env, seed, args.steps, args.eval_freq, args.eval_episodes, args.hyperparams
        )
        hits = np.flatnonzero(returns >= args.threshold)
        first = int(steps[hits[0]]) if len(hits) else None
        reached.append(first if first is not None else np.inf)
        finals.append(returns[-1])
        curve = " ".join(f"{r:.0f}" for r in returns)
        print(f"seed {seed}: reached {first} final {returns[-1]:.1f} time {elapsed:.0f}s | {curve}", flush=True)
    print(
        f"{args.env} threshold {args.threshold}: median steps to reach {np.median(reached)}, "
        f"reached {np.isfinite(reached).sum()}/{args.seeds}, "
        f"final >= threshold in {(np.asarray(finals) >= args.threshold).sum()}/{args.seeds}"
    )


if __name__ == "__main__":
    main()

"""
Environment steps per second of ``learn()``: REINFORCE against SB3's A2C at the same settings, and the floors.

For each repeat, REINFORCE and A2C (same ``n_envs``, ``n_steps``, network, one CPU thread) each learn
``--steps`` steps, in alternating order; the script prints the median steps per second of each and the
median of the per-repeat ratios. ``--baseline`` sets REINFORCE's baseline (A2C always runs its critic). The
floors are the steps per second of the bare VecEnv with random actions, and of the VecEnv plus one policy
forward pass per step, sampling the action as REINFORCE's rollouts do
(``sb3_reinforce.common.sampling.sample_actions``) and as SB3's ``get_distribution`` does. ``--profile`` prints
where one REINFORCE run spends its time; ``--memory`` the peak resident memory of a CartPole and a Hopper run
(each in a fresh process).

    python benchmarks/speed.py --env CartPole-v1 --n-envs 1 --repeats 5
    python benchmarks/speed.py --env CartPole-v1 --n-envs 8 --n-steps 64 --repeats 5
    python benchmarks/speed.py --env LunarLander-v3 --n-envs 8 --baseline value --repeats 5
    python benchmarks/speed.py --profile
    python benchmarks/speed.py --memory
"""

import argparse
import cProfile
import pstats
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import torch as th
from gymnasium import spaces
from stable_baselines3 import A2C
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import VecEnv

from sb3_reinforce import REINFORCE
from sb3_reinforce.common.sampling import sample_actions

ALGORITHMS = {"REINFORCE": REINFORCE, "A2C": A2C}


def learn_speed(algo: str, args: argparse.Namespace, seed: int) -> float:
    """Steps per second of ``learn()`` (model construction excluded)."""
    env = make_vec_env(args.env, n_envs=args.n_envs, seed=seed)
    options = {"baseline": args.baseline} if algo == "REINFORCE" else {}
    model = ALGORITHMS[algo]("MlpPolicy", env, n_steps=args.n_steps, seed=seed, device="cpu", **options)
    start = time.perf_counter()
    model.learn(args.steps)
    return model.num_timesteps / (time.perf_counter() - start)


def floor_speed(env: VecEnv, steps: int, sample: Callable[[np.ndarray], th.Tensor] | None = None) -> float:
    """Steps per second of ``env`` with random actions, or with the actions ``sample(obs)`` returns."""
    obs = env.reset()
    start = time.perf_counter()
    for _ in range(steps // env.num_envs):
        if sample is None:
            actions = np.array([env.action_space.sample() for _ in range(env.num_envs)])
        else:
            with th.no_grad():
                actions = sample(obs).numpy()
            if isinstance(env.action_space, spaces.Box):
                actions = np.clip(actions, env.action_space.low, env.action_space.high)
        obs, _, _, _ = env.step(actions)
    return steps // env.num_envs * env.num_envs / (time.perf_counter() - start)


def speed(args: argparse.Namespace) -> None:
    env = make_vec_env(args.env, n_envs=args.n_envs, seed=0)
    policy = REINFORCE("MlpPolicy", env, n_steps=args.n_steps, device="cpu").policy
    measures: dict[str, Callable[[int], float]] = {
        "REINFORCE learn": lambda seed: learn_speed("REINFORCE", args, seed),
        "A2C learn": lambda seed: learn_speed("A2C", args, seed),
        "VecEnv + policy forward (floor)": lambda seed: floor_speed(
            env, args.steps, lambda obs: sample_actions(policy, policy.obs_to_tensor(obs)[0])
        ),
        "VecEnv + SB3 get_distribution().get_actions()": lambda seed: floor_speed(
            env, args.steps, lambda obs: policy.get_distribution(policy.obs_to_tensor(obs)[0]).get_actions()
        ),
        "bare VecEnv, random actions": lambda seed: floor_speed(env, args.steps),
    }
    speeds: dict[str, list[float]] = {name: [] for name in measures}
    for repeat in range(args.repeats):
        # Every repeat measures everything, in alternating order, so that ratios compare like with like.
        for name in list(measures)[:: 1 if repeat % 2 == 0 else -1]:
            speeds[name].append(measures[name](repeat))
        print(f"repeat {repeat}: " + ", ".join(f"{name} {values[-1]:.0f}" for name, values in speeds.items()), flush=True)
    reinforce = np.array(speeds["REINFORCE learn"])
    versus_a2c = reinforce / np.array(speeds["A2C learn"])
    versus_floor = np.array(speeds["VecEnv + policy forward (floor)"]) / reinforce
    print(
        f"{args.env}, n_envs={args.n_envs}, n_steps={args.n_steps}, REINFORCE's baseline {args.baseline}, "
        f"{args.steps} steps, {args.repeats} repeats"
    )
    for name, values in speeds.items():
        print(f"  {name:48s} {np.median(values):8.0f} steps/s (median)")
    ratio = f"median of per-repeat ratios {np.median(versus_a2c):.2f} (min {versus_a2c.min():.2f})"
    print(f"  REINFORCE / A2C steps per second: {ratio}")
    print(f"  REINFORCE learn time / floor time: median {np.median(versus_floor):.2f} (max {versus_floor.max():.2f})")


def profile(args: argparse.Namespace) -> None:
    env = make_vec_env(args.env, n_envs=args.n_envs, seed=0)
    model = REINFORCE("MlpPolicy", env, n_steps=args.n_steps, baseline=args.baseline, device="cpu")
    profiler = cProfile.Profile()
    profiler.runcall(model.learn, args.steps)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def memory(args: argparse.Namespace) -> None:
    for env, steps in (("CartPole-v1", 50_000), ("Hopper-v5", 50_000)):
        code = (
            "import resource; from sb3_reinforce import REINFORCE;"
            f"REINFORCE('MlpPolicy', '{env}', n_steps=2048, device='cpu', seed=0).learn({steps});"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        peak = int(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout) / 1024
        print(f"{env}: peak resident memory {peak:.0f} MiB ({steps} steps, n_steps=2048)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="CartPole-v1")
    parser.add_argument("--n-envs", type=int, default=1)
    parser.add_argument("--n-steps", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline", default="leave_one_out", help="REINFORCE's baseline (None for none)")
    parser.add_argument("--profile", action="store_true", help="profile one REINFORCE run instead")
    parser.add_argument("--memory", action="store_true", help="peak memory of a CartPole and a Hopper run instead")
    args = parser.parse_args()
    args.baseline = None if args.baseline == "None" else args.baseline
    th.set_num_threads(1)
    if args.profile:
        profile(args)
    elif args.memory:
        memory(args)
    else:
        speed(args)


if __name__ == "__main__":
    main()

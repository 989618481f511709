"""
Environment steps per second of ``learn()``: REINFORCE against SB3's A2C at the same settings, and the floors.

For each repeat, REINFORCE and A2C (same ``n_envs``, ``n_steps``, network, one CPU thread) each learn
``--steps`` steps, in alternating order; the script prints the median steps per second of each and the
median of the per-repeat ratios. The floors are the steps per second of the bare VecEnv with random
actions, and of the VecEnv plus one policy forward pass per step, sampling the action as REINFORCE's
rollouts do (``sb3_reinforce.common.sampling.sample_actions``) and as SB3's ``get_distribution`` does. ``--profile``
prints where one REINFORCE run spends its time; ``--memory`` the peak resident memory of a CartPole
and a Hopper run (each in a fresh process).

    python benchmarks/speed.py --env CartPole-v1 --n-envs 1 --repeats 5
    python benchmarks/speed.py --env CartPole-v1 --n-envs 8 --n-steps 64 --repeats 5
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
    model = ALGORITHMS[algo]("MlpPolicy", env, n_steps=args.n_steps, seed=seed, device="cpu")
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
    speeds: dict[str, list[float]] = {name: [] for name in ALGORITHMS}
    for repeat in range(args.repeats):
        order = list(ALGORITHMS) if repeat % 2 == 0 else list(reversed(ALGORITHMS))
        for name in order:
            speeds[name].append(learn_speed(name, args, seed=repeat))
        print(f"repeat {repeat}: " + ", ".join(f"{name} {speeds[name][-1]:.0f}" for name in ALGORITHMS), flush=True)
    env = make_vec_env(args.env, n_envs=args.n_envs, seed=0)
    policy = REINFORCE("MlpPolicy", env, n_steps=args.n_steps, device="cpu").policy
    samplers = {
        "forward": lambda obs: sample_actions(policy, policy.obs_to_tensor(obs)[0]),
        "sb3": lambda obs: policy.get_distribution(policy.obs_to_tensor(obs)[0]).get_actions(),
    }
    random_floor = np.median([floor_speed(env, args.steps) for _ in range(args.repeats)])
    forward_floor, sb3_floor = (
        np.median([floor_speed(env, args.steps, samplers[name]) for _ in range(args.repeats)]) for name in samplers
    )
    ratios = np.array(speeds["REINFORCE"]) / np.array(speeds["A2C"])
    reinforce = np.median(speeds["REINFORCE"])
    print(
        f"{args.env}, n_envs={args.n_envs}, n_steps={args.n_steps}, {args.steps} steps, {args.repeats} repeats "
        "(steps/s, median):\n"
        f"  REINFORCE learn  {reinforce:8.0f}\n"
        f"  A2C learn        {np.median(speeds['A2C']):8.0f}\n"
        f"  REINFORCE / A2C  {np.median(ratios):8.2f}  (median of per-repeat ratios; min {ratios.min():.2f})\n"
        f"  VecEnv + policy forward floor {forward_floor:8.0f}"
        f"  (REINFORCE learn takes {forward_floor / reinforce:.2f}x its time)\n"
        f"  VecEnv + SB3's get_distribution().get_actions() {sb3_floor:8.0f}\n"
        f"  bare VecEnv, random actions   {random_floor:8.0f}"
    )


def profile(args: argparse.Namespace) -> None:
    model = REINFORCE("MlpPolicy", make_vec_env(args.env, n_envs=args.n_envs, seed=0), n_steps=args.n_steps, device="cpu")
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
    parser.add_argument("--n-steps", type=int, default=512)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile one REINFORCE run instead")
    parser.add_argument("--memory", action="store_true", help="peak memory of a CartPole and a Hopper run instead")
    args = parser.parse_args()
    th.set_num_threads(1)
    if args.profile:
        profile(args)
    elif args.memory:
        memory(args)
    else:
        speed(args)


if __name__ == "__main__":
    main()

"""
Speed and memory of RecurrentREINFORCE, and what MaskableRecurrentREINFORCE learns.

``--speed``: environment steps per second of ``learn()``, RecurrentREINFORCE against sb3-contrib's RecurrentPPO
at the same ``n_envs`` and LSTM size on CartPoleNoVel-v1, each with its shipped hyperparameters (this package's
``reinforce_lstm.yml``, rl_zoo3's ``ppo_lstm.yml``; without ``normalize``, which does not change the networks'
cost), one CPU thread, in alternating order; the median of each and of the per-repeat ratios.

``--memoryless``: REINFORCE's memoryless ``MlpPolicy`` on CartPoleNoVel-v1 with the settings of an earlier
``reinforce_lstm`` entry (8 envs, 512 steps per batch, lr 0.003 decayed to 0, normalized observations), 3 seeds
of 100k steps, greedy 10-episode evaluations every 5k: what a policy without memory reaches.

``--masked``: MaskableRecurrentREINFORCE with its shipped entry (``reinforce_lstm_mask.yml``, read with
:func:`sb3_reinforce.zoo.read_entry`) on ``sb3_reinforce/InvalidActionDiscrete-v0``, 5 seeds (``--masked-seeds``),
each trained for the entry's ``n_timesteps`` (or ``--masked-steps``), then evaluated greedily with the masks and the LSTM state
(:func:`sb3_reinforce.common.evaluation.evaluate_policy`) on 20 episodes of a separately seeded env.

``--memory``: the peak memory of one update (the padded passes over the batch's episodes, forward and backward,
or the natural step) on batches with long episodes, each in a fresh process: the growth of the peak resident
memory over the update.
With ``max_padding=inf`` the batch is padded to its longest episode in one pass; by default episodes are
bucketed by length (:func:`sb3_reinforce.common.recurrent.episode_buckets`).

    python benchmarks/recurrent.py --speed --repeats 3
    python benchmarks/recurrent.py --memoryless
    python benchmarks/recurrent.py --masked
    python benchmarks/recurrent.py --memory
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rl_zoo3.import_envs  # noqa: F401  (registers the velocity-masked tasks)
import torch as th
from rl_zoo3 import hyperparams as zoo_hyperparams_package
from sb3_contrib import RecurrentPPO
from stable_baselines3.common.callbacks import EvalCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import VecNormalize

from sb3_reinforce import REINFORCE, MaskableRecurrentREINFORCE, RecurrentREINFORCE
from sb3_reinforce.common.evaluation import evaluate_policy
from sb3_reinforce.zoo import default_conf_file, read_entry, register
from sb3_reinforce.zoo.run import MASKED_ENV_ID

ENV = "CartPoleNoVel-v1"
# (batch, as episode lengths) of the memory measure
BATCHES = {
    "8 episodes of 1000 steps": [1000] * 8,
    "1 episode of 1000 steps and 100 of 10": [1000] + [10] * 100,
}


def entry(path: Path) -> dict:
    """The CartPoleNoVel-v1 entry of a zoo file for the constructor (normalize, n_timesteps dropped; schedules made)."""
    hyperparams = read_entry(path, ENV)
    for key in ("normalize", "n_timesteps", "policy"):
        hyperparams.pop(key, None)
    return hyperparams


def learn_speed(algo: str, steps: int, seed: int) -> float:
    """Steps per second of ``learn()`` (model construction excluded)."""
    if algo == "RecurrentREINFORCE":
        cls, hyperparams = RecurrentREINFORCE, entry(Path(default_conf_file("reinforce_lstm")))
    else:
        cls, hyperparams = RecurrentPPO, entry(Path(zoo_hyperparams_package.__path__[0]) / "ppo_lstm.yml")
    env = make_vec_env(ENV, n_envs=hyperparams.pop("n_envs"), seed=seed)
    model = cls("MlpLstmPolicy", env, seed=seed, device="cpu", **hyperparams)
    start = time.perf_counter()
    model.learn(steps)
    return model.num_timesteps / (time.perf_counter() - start)


def speed(args: argparse.Namespace) -> None:
    speeds: dict[str, list[float]] = {"RecurrentREINFORCE": [], "RecurrentPPO": []}
    for repeat in range(args.repeats):
        for algo in list(speeds)[:: 1 if repeat % 2 == 0 else -1]:
            speeds[algo].append(learn_speed(algo, args.steps, repeat))
        print(f"repeat {repeat}: " + ", ".join(f"{algo} {values[-1]:.0f}" for algo, values in speeds.items()), flush=True)
    ratios = np.array(speeds["RecurrentREINFORCE"]) / np.array(speeds["RecurrentPPO"])
    print(f"{ENV}, {args.steps} steps, {args.repeats} repeats, shipped hyperparameters (n_envs 8, LSTM 64)")
    for algo, values in speeds.items():
        print(f"  {algo:20s} {np.median(values):8.0f} steps/s (median)")
    print(f"  RecurrentREINFORCE / RecurrentPPO: median of per-repeat ratios {np.median(ratios):.2f} (min {ratios.min():.2f})")


def memoryless() -> None:
    for seed in range(3):
        env = VecNormalize(make_vec_env(ENV, n_envs=8, seed=seed), norm_reward=False)
        eval_env = VecNormalize(make_vec_env(ENV, n_envs=1, seed=seed + 1000), norm_reward=False, training=False)
        model = REINFORCE("MlpPolicy", env, n_steps=64, learning_rate=lambda progress: 0.003 * progress, seed=seed)
        with tempfile.TemporaryDirectory() as folder:
            callback = EvalCallback(eval_env, eval_freq=5000 // 8, n_eval_episodes=10, log_path=folder, verbose=0)
            model.learn(100_000, callback=callback)
        returns = [float(np.mean(episodes)) for episodes in callback.evaluations_results]
        print(f"memoryless REINFORCE, seed {seed}: best {max(returns):.1f}, final {returns[-1]:.1f}", flush=True)


def masked(steps: int | None, seeds: int) -> None:
    register()  # the masked env's id
    hyperparams = read_entry(default_conf_file("reinforce_lstm_mask"), MASKED_ENV_ID)
    n_envs, budget = hyperparams.pop("n_envs"), int(hyperparams.pop("n_timesteps"))
    del hyperparams["policy"]
    for seed in range(seeds):
        model = MaskableRecurrentREINFORCE(
            "MlpLstmPolicy", make_vec_env(MASKED_ENV_ID, n_envs=n_envs, seed=seed), seed=seed, **hyperparams
        )
        model.learn(steps or budget)
        eval_env = make_vec_env(MASKED_ENV_ID, n_envs=1, seed=seed + 100)
        mean, std = evaluate_policy(model, eval_env, n_eval_episodes=20)
        print(f"MaskableRecurrentREINFORCE, seed {seed}, {model.num_timesteps} steps: {mean:.1f} +- {std:.1f}", flush=True)


def update_peak(lengths: list[int], max_padding: float, lstm_hidden_size: int, natural: bool) -> float:
    """
    Growth of the peak resident memory (MiB) over one update of a batch of episodes of ``lengths`` steps: the
    loss's gradient, or with ``natural`` the natural step (its gradient and Fisher products).
    """
    code = f"""
import resource, numpy as np, torch as th
import rl_zoo3.import_envs
from stable_baselines3.common.type_aliases import RolloutBufferSamples
from sb3_reinforce import REINFORCE, RecurrentREINFORCE
th.set_num_threads(1)
lengths = {lengths}
model = RecurrentREINFORCE("MlpLstmPolicy", "{ENV}", device="cpu", policy_kwargs=dict(lstm_hidden_size={lstm_hidden_size}))
model.MAX_PADDING = float("{max_padding}")
n = sum(lengths)
starts = np.zeros(n, dtype=np.float32)
starts[np.cumsum([0, *lengths[:-1]])] = 1.0
model.rollout_buffer.episode_starts = starts
actions = th.randint(0, 2, (n, 1)).float()
data = RolloutBufferSamples(th.randn(n, 4), actions, th.zeros(n), th.zeros(n), th.randn(n), th.zeros(n))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
log_prob, entropy, _ = model._evaluate_actions(data)
loss = -(data.advantages * log_prob).sum() - entropy.mean()
if {natural}:
    model._natural_step(data, loss, log_prob, target_kl=0.01)
else:
    loss.backward()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(result.stdout) / 1024


def memory(args: argparse.Namespace) -> None:
    print(f"Peak memory of one update, LSTM {args.lstm_hidden_size}, MlpLstmPolicy defaults")
    paddings = {"buckets (default)": 1.0, "one pass padded to the longest": float("inf")}
    for step, natural in (("gradient (forward and backward)", False), ("natural step", True)):
        for name, lengths in BATCHES.items():
            for label, max_padding in paddings.items():
                peak = update_peak(lengths, max_padding, args.lstm_hidden_size, natural)
                print(f"  {step}, {name} ({sum(lengths)} steps), {label}: +{peak:.0f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--memoryless", action="store_true")
    parser.add_argument("--masked", action="store_true")
    parser.add_argument("--masked-steps", type=int, help="with --masked: train this long, not the entry's n_timesteps")
    parser.add_argument("--masked-seeds", type=int, default=5, help="with --masked: seeds 0 to this number - 1")
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lstm-hidden-size", type=int, default=256)
    args = parser.parse_args()
    th.set_num_threads(1)
    if args.speed:
        speed(args)
    if args.memory:
        memory(args)
    if args.memoryless:
        memoryless()
    if args.masked:
        masked(args.masked_steps, args.masked_seeds)


if __name__ == "__main__":
    main()

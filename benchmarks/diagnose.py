"""
Why REINFORCE loses what it learned late in training: the per-update training signals next to the curves.

Every run is ``python -m sb3_reinforce.zoo train`` in a subprocess (one CPU thread, one run at a time),
REINFORCE (or RecurrentREINFORCE, ``--algo reinforce_lstm``) with the entry shipped in
``sb3_reinforce/zoo/reinforce.yml`` (``reinforce_lstm.yml``) and optional ``-params`` overrides, with
rl_zoo3's tensorboard logging (``-tb``) and its ``EvalCallback`` (greedy policy, a separate env). The
scalars ``train()`` logs once per update (``train/approx_kl``, ``train/grad_norm``, ``train/entropy_loss``,
``train/std``, ``train/n_episodes``, ``train/mean_episode_length``, ``train/weights_std``,
``train/explained_variance``, ``train/learning_rate``, ``rollout/ep_rew_mean``) are read back from the event
files with tensorboard's ``EventAccumulator``; the greedy evaluations from ``evaluations.npz``.

Results go to ``<out>/updates.csv`` (one row per update per run), ``<out>/evals.csv`` (one row per
evaluation), ``<out>/<env>.png`` (stacked panels over steps) and ``<out>/summary.md`` (the numbers quoted
in the diagnosis, with the sampling policy's return when the greedy one first reaches the threshold). Raw
runs stay in ``--runs`` (outside the repository) and runs already there are reused, so an interrupted
invocation resumes. The committed results in ``docs/benchmark/diagnosis``:

    PYTHONPATH=. python benchmarks/diagnose.py --experiments lunar-shipped lunar-value-probe cheetah-shipped \\
        --seeds 2 --out docs/benchmark/diagnosis
    PYTHONPATH=. python benchmarks/diagnose.py --report --out docs/benchmark/diagnosis   # figures and CSVs only

and in ``docs/benchmark/diagnosis-recurrent`` (RecurrentREINFORCE on CartPoleNoVel-v1):

    PYTHONPATH=. python benchmarks/diagnose.py --experiments cartpole-novel-shipped --seeds 10 \\
        --out docs/benchmark/diagnosis-recurrent

and in ``docs/benchmark/diagnosis-cartpole`` (CartPole-v1's defaults, and unnormalized weights):

    PYTHONPATH=. python benchmarks/diagnose.py --experiments cartpole-defaults cartpole-unnormalized --seeds 3 \\
        --out docs/benchmark/diagnosis-cartpole
"""

import argparse
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from benchmarks.learning import append_csv, first_reached, read_csv, threshold

# The scalars train() logs once per update, and the stochastic policy's return.
SCALARS = [
    "rollout/ep_rew_mean",
    "train/approx_kl",
    "train/grad_norm",
    "train/entropy_loss",
    "train/std",
    "train/n_episodes",
    "train/mean_episode_length",
    "train/weights_std",
    "train/explained_variance",
    "train/learning_rate",
    "train/lr_factor",
    "train/step_fraction",
]
UPDATE_FIELDS = ["env", "label", "seed", "timesteps", *(tag.split("/")[1] for tag in SCALARS)]
EVAL_FIELDS = ["env", "label", "seed", "timesteps", "mean_return", "std_return", "mean_length"]


@dataclass(frozen=True)
class Experiment:
    """The shipped entry of ``algo`` (the zoo's name) for ``env`` with ``-params`` overrides, trained for ``budget`` steps."""

    env: str
    label: str
    budget: int
    eval_freq: int
    eval_episodes: int
    params: tuple[str, ...] = ()
    algo: str = "reinforce"


EXPERIMENTS: dict[str, Experiment] = {
    "lunar-shipped": Experiment("LunarLander-v3", "shipped", 1_000_000, 25_000, 10),
    # The value head as baseline, with normalized advantages, larger batches and a larger step.
    "lunar-value-probe": Experiment(
        "LunarLander-v3",
        "value-baseline probe",
        1_000_000,
        25_000,
        10,
        ("n_steps:512", "learning_rate:0.001", "baseline:'value'", "normalize_advantage:True"),
    ),
    "cheetah-shipped": Experiment("HalfCheetah-v5", "shipped", 1_000_000, 50_000, 5),
    # Steps of a bounded length: the fitted value baseline, and a learning rate adapted to a KL target.
    "lunar-adaptive": Experiment(
        "LunarLander-v3",
        "adaptive step",
        1_000_000,
        50_000,
        10,
        (
            "n_steps:1024",
            "gamma:0.99",
            "learning_rate:0.003",
            "baseline:'value'",
            "value_epochs:5",
            "value_learning_rate:0.001",
            "normalize_advantage:True",
            "target_kl:0.01",
            "adapt_learning_rate:True",
        ),
    ),
    "cartpole-novel-shipped": Experiment("CartPoleNoVel-v1", "shipped", 100_000, 5_000, 10, algo="reinforce_lstm"),
    # The defaults, and the unnormalized weights with a larger learning rate and Adam's step bounded by a
    # shrinking KL
    "cartpole-defaults": Experiment("CartPole-v1", "defaults", 100_000, 5_000, 10),
    "cartpole-unnormalized": Experiment(
        "CartPole-v1",
        "unnormalized, lr 0.01, target_kl lin_0.01",
        100_000,
        5_000,
        10,
        ("normalize_advantage:False", "learning_rate:0.01", "target_kl:'lin_0.01'"),
    ),
}


def run_folder(runs: Path, experiment: Experiment, seed: int) -> Path:
    return runs / experiment.env / experiment.label.replace(" ", "_") / f"seed{seed}"


def train(experiment: Experiment, seed: int, folder: Path) -> float:
    """Train one run with rl_zoo3 into ``folder`` (``logs/`` and ``tb/``); return the wall-clock time."""
    shutil.rmtree(folder, ignore_errors=True)  # an unfinished run's files
    folder.mkdir(parents=True)
    command = [sys.executable, "-m", "sb3_reinforce.zoo", "train", "--algo", experiment.algo, "--env", experiment.env]
    command += ["-f", str(folder / "logs"), "-tb", str(folder / "tb"), "--seed", str(seed), "-n", str(experiment.budget)]
    command += ["--eval-freq", str(experiment.eval_freq), "--eval-episodes", str(experiment.eval_episodes)]
    command += ["--num-threads", "1", "--verbose", "0", "--log-interval", "-1"]
    if experiment.params:
        command += ["-params", *experiment.params]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{experiment.label} seed {seed} failed:\n{result.stderr[-3000:]}")
    (folder / "done").touch()  # evaluations.npz is written during training: this marks the run finished
    return time.perf_counter() - start


def read_run(folder: Path) -> tuple[dict[int, dict[str, float]], np.ndarray, np.ndarray, np.ndarray]:
    """
    The per-update scalars and the evaluations of a finished run.

    :return: the scalars by timestep (tag -> value), the evaluation steps, returns and episode lengths
        (n_evals, episodes)
    """
    events = sorted(folder.glob("tb/**/events.out.tfevents.*"))
    evaluations = sorted(folder.glob("logs/*/*/evaluations.npz"))
    if not events or not evaluations:
        raise FileNotFoundError(f"{folder} holds no finished run")
    accumulator = EventAccumulator(str(events[-1]), size_guidance={"scalars": 0})
    accumulator.Reload()
    by_step: dict[int, dict[str, float]] = {}
    for tag in set(SCALARS) & set(accumulator.Tags()["scalars"]):
        for event in accumulator.Scalars(tag):
            by_step.setdefault(int(event.step), {})[tag] = float(event.value)
    data = np.load(evaluations[-1])
    return by_step, data["timesteps"], data["results"], data["ep_lengths"]


def collect(experiments: list[Experiment], seeds: int, runs: Path, out: Path) -> None:
    """Train the missing runs, then rewrite ``updates.csv`` and ``evals.csv`` from every run's files."""
    for experiment in experiments:
        for seed in range(seeds):
            folder = run_folder(runs, experiment, seed)
            if not (folder / "done").exists():
                print(f"training {experiment.env} {experiment.label} seed {seed}", flush=True)
                elapsed = train(experiment, seed, folder)
                print(f"  done in {elapsed:.0f}s", flush=True)
    updates, evals = [], []
    for experiment in experiments:
        for seed in range(seeds):
            by_step, steps, results, lengths = read_run(run_folder(runs, experiment, seed))
            keys = dict(env=experiment.env, label=experiment.label, seed=seed)
            # EvalCallback dumps the logger at its own steps: an update's train/ scalars can land on a row
            # of their own, its rollout/ scalar on the next. One row per update: the rows with train/ ones,
            # completed by the next row's rollout/ scalar when that row holds no update of its own.
            steps_logged = sorted(by_step)
            for index, step in enumerate(steps_logged):
                if "train/approx_kl" not in by_step[step]:
                    continue
                scalars = dict(by_step[step])
                following = by_step[steps_logged[index + 1]] if index + 1 < len(steps_logged) else {}
                if "rollout/ep_rew_mean" not in scalars and "train/approx_kl" not in following:
                    scalars.update({tag: value for tag, value in following.items() if tag.startswith("rollout/")})
                values = {tag.split("/")[1]: scalars.get(tag, "") for tag in SCALARS}
                updates.append(dict(**keys, timesteps=step, **values))
            evals += [
                dict(
                    **keys,
                    timesteps=int(t),
                    mean_return=float(r.mean()),
                    std_return=float(r.std()),
                    mean_length=float(n.mean()),
                )
                for t, r, n in zip(steps, results, lengths, strict=True)
            ]
    for name in ("updates.csv", "evals.csv"):
        (out / name).unlink(missing_ok=True)
    append_csv(out / "updates.csv", UPDATE_FIELDS, updates)
    append_csv(out / "evals.csv", EVAL_FIELDS, evals)


def column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    return np.array([float(row[name]) if row[name] != "" else np.nan for row in rows])


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Running median over ``window`` updates (the per-update signals are noisy)."""
    half = window // 2
    return np.array([np.nanmedian(values[max(0, i - half) : i + half + 1]) for i in range(len(values))])


def summarize(env: str, label: str, seed: str, updates: list[dict[str, str]], evals: list[dict[str, str]]) -> str:
    """
    One line of numbers for a run: the peak and the end of its greedy curve, the sampling policy's return
    (``rollout/ep_rew_mean``, its last 100 episodes) at the last update before the greedy evaluation first
    reached the env's threshold, and what the signals did.
    """
    steps, returns = column(evals, "timesteps"), column(evals, "mean_return")
    peak = int(np.argmax(returns))
    t = column(updates, "timesteps")
    reached = first_reached(steps, returns, threshold(env))
    sampled_returns = column(updates, "ep_rew_mean")
    before = np.flatnonzero((t <= reached) & np.isfinite(sampled_returns)) if reached is not None else []
    sampled = f"{sampled_returns[before[-1]]:.1f} @ {reached // 1000}k" if len(before) else "-"
    thirds = np.array_split(np.arange(len(t)), 3)

    def med(name: str, index: np.ndarray) -> float:
        values = column(updates, name)[index]
        return float(np.nanmedian(values)) if np.isfinite(values).any() else float("nan")

    near_peak = np.flatnonzero(np.abs(t - steps[peak]) <= 50_000)
    end = np.flatnonzero(t >= t[-1] - 100_000)
    fields = ["approx_kl", "grad_norm", "entropy_loss", "std", "n_episodes", "mean_episode_length"]
    fields += ["explained_variance", "ep_rew_mean"]
    cells = [f"{env} | {label} | {seed} | {returns[peak]:.1f} @ {int(steps[peak]) // 1000}k | {returns[-1]:.1f} | {sampled}"]
    cells += [
        f"{med(name, thirds[0]):.3g} / {med(name, thirds[-1]):.3g} (peak {med(name, near_peak):.3g}, end {med(name, end):.3g})"
        for name in fields
    ]
    return "| " + " | ".join(cells) + " |"


def report(out: Path) -> None:
    """Draw ``<out>/<env>.png`` from the CSVs and write ``<out>/summary.md``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    updates, evals = read_csv(out / "updates.csv"), read_csv(out / "evals.csv")
    lines = [
        "Medians over the first / last third of the updates (in parentheses: within 50k steps of the best "
        "greedy evaluation, and over the last 100k steps).",
        "",
        "| env | run | seed | best greedy | final greedy | stochastic return when the greedy first reached the threshold "
        "| approx_kl | grad_norm | entropy_loss | std | episodes/batch | mean episode length | explained variance "
        "| stochastic return |",
        "|" + "---|" * 14,
    ]
    for env in dict.fromkeys(row["env"] for row in evals):
        runs = list(dict.fromkeys((row["label"], row["seed"]) for row in evals if row["env"] == env))
        labels = list(dict.fromkeys(label for label, _ in runs))
        has_ev = any(row["explained_variance"] for row in updates if row["env"] == env)
        has_std = any(row["std"] for row in updates if row["env"] == env)
        panels = [
            ("greedy eval return", None),
            ("stochastic rollout return", "ep_rew_mean"),
            ("approx_kl (log)", "approx_kl"),
            ("grad_norm (log)", "grad_norm"),
            ("Gaussian std" if has_std else "entropy", "std" if has_std else "entropy_loss"),
            ("episodes per batch", "n_episodes"),
            ("episode length (line: batch, dots: greedy eval)", "mean_episode_length"),
        ]
        if has_ev:
            panels.append(("explained variance", "explained_variance"))
        figure, axes = plt.subplots(len(panels), 1, figsize=(9, 2.0 * len(panels)), sharex=True)
        for label, seed in runs:
            run_updates = [r for r in updates if r["env"] == env and r["label"] == label and r["seed"] == seed]
            run_evals = [r for r in evals if r["env"] == env and r["label"] == label and r["seed"] == seed]
            lines.append(summarize(env, label, seed, run_updates, run_evals))
            color = f"C{labels.index(label)}"
            style = ["-", "--", ":", "-."][int(seed) % 4]
            name = f"{label} s{seed}"
            axes[0].plot(column(run_evals, "timesteps"), column(run_evals, "mean_return"), color=color, ls=style, label=name)
            t = column(run_updates, "timesteps")
            for axis, (_, field) in zip(axes[1:], panels[1:], strict=True):
                values = column(run_updates, field)
                if field == "entropy_loss":
                    values = -values  # mean entropy
                if field in ("approx_kl", "grad_norm"):
                    axis.plot(t, values, color=color, alpha=0.15, lw=0.5)
                    values = smooth(values, 21)
                axis.plot(t, values, color=color, ls=style, lw=1)
                if field == "mean_episode_length":  # the greedy evaluation's episodes too
                    axis.plot(column(run_evals, "timesteps"), column(run_evals, "mean_length"), color=color, ls="", marker=".")
        for axis, (title, field) in zip(axes, panels, strict=True):
            axis.set_ylabel(title, fontsize=8)
            axis.tick_params(labelsize=7)
            if field in ("approx_kl", "grad_norm", "mean_episode_length", "n_episodes"):
                axis.set_yscale("log")
            if field == "explained_variance":
                axis.set_ylim(-1, 1)
        axes[0].legend(fontsize=7, ncol=2)
        axes[0].set_title(f"{env}: greedy evaluation and per-update signals (median of 21 updates)")
        axes[-1].set_xlabel("environment steps")
        figure.tight_layout()
        figure.savefig(out / f"{env}.png", dpi=90)
        plt.close(figure)
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experiments", nargs="+", choices=list(EXPERIMENTS), default=list(EXPERIMENTS))
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--runs", default="/tmp/sb3_reinforce_diagnosis", help="raw runs (event files, logs)")
    parser.add_argument("--out", default="docs/benchmark/diagnosis")
    parser.add_argument("--report", action="store_true", help="only draw the figures and the summary")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.report:
        collect([EXPERIMENTS[name] for name in args.experiments], args.seeds, Path(args.runs), out)
    report(out)


if __name__ == "__main__":
    main()

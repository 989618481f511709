"""
Learning curves of REINFORCE against SB3's A2C and PPO, or of REINFORCE's own options, through RL Zoo.

Every run is ``python -m sb3_reinforce.zoo train`` in a subprocess: REINFORCE with the hyperparameters
shipped in ``sb3_reinforce/zoo/reinforce.yml``, A2C and PPO with rl_zoo3's own (``rl_zoo3/hyperparams``;
its ``-v4`` MuJoCo entries for the ``-v5`` tasks, its MuJoCo defaults where it has no entry), all on the
same step budget. rl_zoo3's ``EvalCallback`` evaluates the deterministic (greedy) policy, its default
outside Atari, on ``--eval-episodes`` episodes of a separate env every ``--eval-freq`` steps.

The wall-clock time to the threshold is read from the training envs' monitor files: the time at which the
episodes ended had summed to the steps of the first evaluation at the threshold (training time, the periodic
evaluations included, as for every algorithm of the invocation).

Results go to ``<out>/curves.csv`` (one row per evaluation) and ``<out>/runs.csv`` (one row per run);
runs already in ``runs.csv`` are skipped, so an interrupted invocation resumes. ``--report`` (implied
at the end of every invocation) draws ``<out>/<env>.png`` and writes ``<out>/table.md``.

    python benchmarks/learning.py --quick                       # under a minute: CartPole, 2 seeds, 20k steps
    python benchmarks/learning.py --envs CartPole-v1 --seeds 10 --out docs/benchmark
    python benchmarks/learning.py --mode options --envs CartPole-v1 --seeds 5 --out docs/benchmark/options
    python benchmarks/learning.py --mode step-rule --envs Pendulum-v1 --seeds 2 --out docs/benchmark/step-rule
    python benchmarks/learning.py --envs CartPoleNoVel-v1 --algos reinforce_lstm ppo_lstm --seeds 5 \\
        --out docs/benchmark/recurrent
    python benchmarks/learning.py --report --out docs/benchmark
"""

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import gymnasium as gym
import numpy as np
import rl_zoo3.import_envs  # noqa: F401  (registers the velocity-masked tasks)
import yaml
from rl_zoo3 import hyperparams as zoo_hyperparams_package

from sb3_reinforce.zoo import default_conf_file

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Budget (steps), evaluation period (steps) and evaluation episodes per environment. rl_zoo3 trains
# these tasks for 1e5 (CartPole) to 2e6 (LunarLander) steps; the larger budgets are capped to what
# two CPU cores afford, and the table says so.
ENVS: dict[str, tuple[int, int, int]] = {
    "CartPole-v1": (100_000, 5_000, 10),
    "Acrobot-v1": (200_000, 10_000, 10),
    "LunarLander-v3": (1_000_000, 50_000, 10),
    "Pendulum-v1": (200_000, 10_000, 10),
    "InvertedPendulum-v5": (200_000, 10_000, 10),
    "Hopper-v5": (1_000_000, 50_000, 5),
    "HalfCheetah-v5": (1_000_000, 50_000, 5),
    "Swimmer-v5": (1_000_000, 50_000, 5),
    "Walker2d-v5": (1_000_000, 50_000, 5),
    "Ant-v5": (1_000_000, 50_000, 5),
    "Reacher-v5": (1_000_000, 50_000, 5),
    "InvertedDoublePendulum-v5": (1_000_000, 50_000, 5),
    "Humanoid-v5": (1_000_000, 50_000, 5),
    # rl_zoo3's velocity-masked tasks (partially observed), for the recurrent algorithms
    "CartPoleNoVel-v1": (100_000, 5_000, 10),
    "PendulumNoVel-v1": (100_000, 5_000, 10),
    "LunarLanderNoVel-v3": (1_000_000, 50_000, 10),
}
# Tianshou's published REINFORCE on MuJoCo (examples/mujoco/README.md: max average return over 10 seeds,
# 10M steps): the reference of each MuJoCo task's normalized score.
TIANSHOU_REINFORCE = {
    "HalfCheetah-v5": 1138.8,
    "Hopper-v5": 416.0,
    "Walker2d-v5": 440.9,
    "Swimmer-v5": 35.6,
    "Ant-v5": 1108.1,
    "Reacher-v5": -5.5,
    "InvertedPendulum-v5": 1000.0,
    "InvertedDoublePendulum-v5": 7726.2,
    "Humanoid-v5": 464.3,
}
# Return an evaluation must reach; gymnasium's reward_threshold where it has one.
THRESHOLDS = {
    "Acrobot-v1": -100.0,
    "LunarLander-v3": 200.0,
    "Pendulum-v1": -200.0,
    "CartPoleNoVel-v1": 475.0,
    "PendulumNoVel-v1": -200.0,
    "LunarLanderNoVel-v3": 200.0,
}
# REINFORCE's own options, as rl_zoo3 ``-params`` overrides of the shipped entry (--mode options).
OPTIONS: dict[str, list[str]] = {
    "default": [],
    "R(tau)": ["reward_to_go:False"],
    "no baseline": ["baseline:None"],
    "mean baseline": ["baseline:'mean'"],
    "value baseline": ["baseline:'value'"],
    "gamma^t": ["exact_discounted_gradient:True"],
    "no normalization": ["normalize_advantage:False"],
}
# One step per batch against many (--mode step-rule, Pendulum-v1): rl_zoo3's PPO entry with its 10 epochs of
# minibatches and with one full-batch step per batch (4 envs x 1024 steps); rl_zoo3's TRPO entry, one natural
# step per batch, with Monte-Carlo returns (gae_lambda 1: bootstrapped only where a batch cuts an episode);
# REINFORCE's shipped entry as it is (natural gradient) and with Adam's step, at a learning rate adapted to the
# same KL target.
STEP_RULES: dict[str, tuple[str, list[str]]] = {
    "ppo, 10 epochs": ("ppo", []),
    "ppo, 1 step per batch": ("ppo", ["n_epochs:1", "batch_size:4096"]),
    "trpo, gae_lambda 1": ("trpo", ["gae_lambda:1.0"]),
    "reinforce, natural gradient": ("reinforce", []),
    "reinforce, Adam": ("reinforce", ["natural_gradient:False", "adapt_learning_rate:True", "learning_rate:0.001"]),
}
CURVE_FIELDS = ["env", "label", "seed", "timesteps", "mean_return", "std_return"]
RUN_FIELDS = [
    "env",
    "label",
    "seed",
    "budget",
    "final_return",
    "best_return",
    "steps_to_threshold",
    "wall_clock_s",
    "time_to_threshold_s",
]


@dataclass(frozen=True)
class Run:
    """One training run: ``algo`` on ``env`` with ``seed``, shown as ``label``, with ``-params`` overrides."""

    env: str
    label: str
    algo: str
    seed: int
    params: tuple[str, ...] = ()


def threshold(env: str) -> float | None:
    """The return that counts as solving ``env``."""
    return THRESHOLDS.get(env, gym.spec(env).reward_threshold)


def reference(env: str) -> float:
    """The return of score 1 in the normalized scores: Tianshou's REINFORCE on MuJoCo, the threshold elsewhere."""
    target = TIANSHOU_REINFORCE.get(env, threshold(env))
    if target is None:
        raise KeyError(f"no reference return for {env}")
    return target


def normalized_score(returns: np.ndarray, env: str, random: float) -> np.ndarray:
    """
    Returns on ``env`` normalized to ``(x - random) / (reference - random)``: 0 is a random policy's return, 1 the
    reference (:func:`reference`).
    """
    return (np.asarray(returns) - random) / (reference(env) - random)


def random_return(env: str, episodes: int = 20, seed: int = 0) -> float:
    """The mean return of a uniformly random policy on ``env`` (the return of score 0), seeded."""
    environment = gym.make(env)
    environment.action_space.seed(seed)
    total = 0.0
    for episode in range(episodes):
        environment.reset(seed=seed + episode)
        done = False
        while not done:
            _, reward, terminated, truncated, _ = environment.step(environment.action_space.sample())
            total += float(reward)
            done = terminated or truncated
    environment.close()
    return total / episodes


def zoo_entry(algo: str, env: str) -> dict:
    """
    rl_zoo3's hyperparameters of ``algo`` for ``env`` (its -v4 / -v2 entry for a -v5 MuJoCo task, its -v2 entry for
    LunarLanderNoVel-v3).
    """
    path = Path(zoo_hyperparams_package.__path__[0]) / f"{algo}.yml"
    entries = yaml.safe_load(path.read_text())
    base = env.rsplit("-v", 1)[0]
    for candidate in (env, f"{base}-v4", f"{base}-v2"):
        if candidate in entries:
            return entries[candidate]
    if env.endswith("-v5"):
        return entries["HalfCheetah-v4"]  # rl_zoo3's MuJoCo defaults
    raise KeyError(f"rl_zoo3 has no {algo} hyperparameters for {env}")


def train(
    run: Run, budget: int, eval_freq: int, eval_episodes: int
) -> tuple[np.ndarray, np.ndarray, float, tuple[np.ndarray, np.ndarray]]:
    """
    Train one run with rl_zoo3 and read its evaluations.

    :return: the evaluation steps, the evaluations' returns (n_evals, eval_episodes), the wall-clock time, and
        the training clock (:func:`training_clock`)
    """
    with tempfile.TemporaryDirectory() as folder:
        if run.algo.startswith("reinforce"):
            conf = default_conf_file(run.algo)
        else:
            conf = str(Path(folder) / "conf.yml")
            Path(conf).write_text(yaml.safe_dump({run.env: zoo_entry(run.algo, run.env)}))
        command = [sys.executable, "-m", "sb3_reinforce.zoo", "train", "--algo", run.algo, "--env", run.env]
        command += ["-f", folder, "--conf-file", conf, "--seed", str(run.seed), "-n", str(budget)]
        command += ["--eval-freq", str(eval_freq), "--eval-episodes", str(eval_episodes), "--num-threads", "1"]
        command += ["--verbose", "0", "--log-interval", "-1"]
        if run.params:
            command += ["-params", *run.params]
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(f"{run} failed:\n{result.stderr[-3000:]}")
        found = list(Path(folder).glob(f"{run.algo}/*/evaluations.npz"))
        if not found:
            raise RuntimeError(f"{run} made no evaluation: is the evaluation period longer than the budget {budget}?")
        evaluations = np.load(found[0])
        return evaluations["timesteps"], evaluations["results"], elapsed, training_clock(found[0].parent)


def training_clock(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """
    When the training episodes ended, from the monitor files of a run's training envs (SB3's ``Monitor``: each
    episode's length ``l`` and its end ``t``, in seconds from the env's creation).

    :param folder: the run's folder
    :return: the steps all envs had taken at the end of each episode, and the time then, in time order
    """
    ends, lengths = [], []
    for path in sorted(folder.glob("*.monitor.csv")):
        with path.open() as file:
            file.readline()  # the monitor's JSON header
            for row in csv.DictReader(file):
                ends.append(float(row["t"]))
                lengths.append(int(row["l"]))
    order = np.argsort(ends, kind="stable")
    return np.cumsum(np.array(lengths, dtype=np.int64)[order]), np.array(ends)[order]


def time_at(clock: tuple[np.ndarray, np.ndarray], step: int | None) -> float | None:
    """
    The training time at which ``step`` environment steps had been taken (the end of the first episode that
    reached it), from :func:`training_clock`.

    :return: seconds, ``None`` if ``step`` is ``None`` or was never reached by a finished episode
    """
    steps, times = clock
    if step is None or not len(steps) or steps[-1] < step:
        return None
    return float(times[np.searchsorted(steps, step)])


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open() as file:
        return list(csv.DictReader(file))


def append_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    """Append ``rows`` to the CSV file ``path``; a file written before a field was added gets it, blank."""
    if path.exists():
        with path.open() as file:
            header = next(csv.reader(file), None)
        if header is not None and header != fields:
            old = read_csv(path)
            path.unlink()
            append_csv(path, fields, [{field: row.get(field, "") for field in fields} for row in old])
    new = not path.exists()
    with path.open("a", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        if new:
            writer.writeheader()
        writer.writerows(rows)


def first_reached(steps: np.ndarray, returns: np.ndarray, target: float | None) -> int | None:
    """The first evaluation step whose mean return is at least ``target`` (None if never)."""
    hits = np.flatnonzero(returns >= target) if target is not None else []
    return int(steps[hits[0]]) if len(hits) else None


def planned_runs(mode: str, envs: list[str], algos: list[str], seeds: int) -> list[Run]:
    runs = []
    for seed in range(seeds):
        for env in envs:
            if mode == "options":
                runs += [Run(env, label, "reinforce", seed, tuple(params)) for label, params in OPTIONS.items()]
            elif mode == "step-rule":
                runs += [Run(env, label, algo, seed, tuple(params)) for label, (algo, params) in STEP_RULES.items()]
            else:
                runs += [Run(env, algo, algo, seed) for algo in algos]
    return runs


def benchmark(args: argparse.Namespace) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def settings(env: str) -> tuple[int, int, int]:
        budget, eval_freq, episodes = ENVS[env]
        return args.steps or budget, args.eval_freq or eval_freq, episodes

    # Runs already made with the same budget are kept: an interrupted invocation resumes.
    done = {(row["env"], row["label"], int(row["seed"]), int(row["budget"])) for row in read_csv(out / "runs.csv")}
    runs = planned_runs(args.mode, args.envs, args.algos, args.seeds)
    runs = [run for run in runs if (run.env, run.label, run.seed, settings(run.env)[0]) not in done]
    print(f"{len(runs)} runs to do ({len(done)} already in {out / 'runs.csv'})", flush=True)

    with ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(train, run, *settings(run.env)): run for run in runs}
        for future in as_completed(futures):
            run = futures[future]
            try:
                steps, results, elapsed, clock = future.result()
            except RuntimeError as error:
                print(error, flush=True)
                continue
            returns = results.mean(axis=1)
            append_csv(
                out / "curves.csv",
                CURVE_FIELDS,
                [
                    dict(env=run.env, label=run.label, seed=run.seed, timesteps=int(t), mean_return=m, std_return=s)
                    for t, m, s in zip(steps, returns, results.std(axis=1), strict=True)
                ],
            )
            reached = first_reached(steps, returns, threshold(run.env))
            time_to_threshold = time_at(clock, reached)
            row = dict(
                env=run.env,
                label=run.label,
                seed=run.seed,
                budget=settings(run.env)[0],
                final_return=returns[-1],
                best_return=returns.max(),
                steps_to_threshold="" if reached is None else reached,
                wall_clock_s=round(elapsed, 1),
                time_to_threshold_s="" if time_to_threshold is None else round(time_to_threshold, 1),
            )
            append_csv(out / "runs.csv", RUN_FIELDS, [row])
            print(
                f"{run.env} {run.label} seed {run.seed}: final {returns[-1]:.1f} best {returns.max():.1f} "
                f"reached {reached} in {elapsed:.0f}s",
                flush=True,
            )


def report(out: Path) -> str:
    """Draw one figure per environment from ``curves.csv`` and write the table of ``runs.csv``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves, runs = read_csv(out / "curves.csv"), read_csv(out / "runs.csv")
    envs = list(dict.fromkeys(row["env"] for row in runs))
    lines = [
        "| env | algorithm | seeds | budget | final return (mean ± std) | best return (mean) | best of the mean curve "
        "| steps to threshold (median; per seed) | reached | final >= threshold | kept (final, from random to best) "
        "| wall-clock per run (median) | wall-clock to threshold (median) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    randoms = {env: random_return(env) for env in envs}
    for env in envs:
        figure, axes = plt.subplots(figsize=(7, 4.5))
        target = threshold(env)
        for label in dict.fromkeys(row["label"] for row in runs if row["env"] == env):
            rows = [row for row in runs if row["env"] == env and row["label"] == label]
            by_seed: dict[str, dict[int, float]] = {}
            for row in curves:
                if row["env"] == env and row["label"] == label:
                    by_seed.setdefault(row["seed"], {})[int(row["timesteps"])] = float(row["mean_return"])
            steps = sorted(set.intersection(*(set(curve) for curve in by_seed.values())))
            values = np.array([[curve[t] for t in steps] for curve in by_seed.values()])
            mean_curve = values.mean(axis=0)
            axes.plot(steps, mean_curve, label=f"{label} ({len(values)} seeds)")
            axes.fill_between(steps, values.min(axis=0), values.max(axis=0), alpha=0.2)
            finals = np.array([float(row["final_return"]) for row in rows])
            reached = [int(row["steps_to_threshold"]) if row["steps_to_threshold"] else None for row in rows]
            hits = [r for r in reached if r is not None]
            per_seed = ", ".join("-" if r is None else f"{r // 1000}k" for r in reached)
            median_steps = np.median([np.inf if r is None else r for r in reached])
            median = "not reached" if np.isinf(median_steps) else f"{median_steps / 1000:g}k"
            holds = "-" if target is None else f"{(finals >= target).sum()}/{len(rows)}"
            # (blank for runs copied from elsewhere without their time)
            times = [float(row["wall_clock_s"]) for row in rows if row["wall_clock_s"]]
            wall_clock = f"{np.median(times):.0f} s" if times else "-"
            to_threshold = median_time_to_threshold(rows)
            best = np.mean([float(row["best_return"]) for row in rows])
            kept = kept_fraction(finals, mean_curve, randoms[env])
            lines.append(
                f"| {env} | {label} | {len(rows)} | {int(rows[0]['budget']):,} | {finals.mean():.1f} ± {finals.std():.1f} "
                f"| {best:.1f} | {mean_curve.max():.1f} | {median}; {per_seed} "
                f"| {len(hits)}/{len(rows)} | {holds} | {kept:.0%} | {wall_clock} | {to_threshold} |"
            )
        save_curves_figure(figure, axes, env, out / f"{env.replace('/', '_')}.png")
    table = "\n".join(lines) + "\n" + aggregate(runs, randoms, out)
    (out / "table.md").write_text(table)
    return table


def kept_fraction(finals: np.ndarray, mean_curve: np.ndarray, random: float) -> float:
    """
    How much of what was learned is kept at the end: how far the mean final return is from a random policy's
    return to the best point of the mean curve (the no-late-collapse target asks for at least 90%).

    :param finals: the final returns of the seeds
    :param mean_curve: the evaluations' mean over the seeds
    :param random: a random policy's return
    """
    return float((finals.mean() - random) / (mean_curve.max() - random))


def median_time_to_threshold(rows: list[dict[str, str]]) -> str:
    """
    The median over a label's runs of the wall-clock time to the threshold (a run that never reached it counts
    as infinite), as a table cell: ``-`` when a run that reached it has no time (measured before it was kept).
    """
    times = []
    for row in rows:
        if not row["steps_to_threshold"]:
            times.append(np.inf)
        elif not row.get("time_to_threshold_s"):
            return "-"
        else:
            times.append(float(row["time_to_threshold_s"]))
    median = np.median(times)
    return "not reached" if np.isinf(median) else f"{median:.0f} s"


def save_curves_figure(figure: "Figure", axes: "Axes", env: str, path: Path) -> None:
    """
    Finish a figure of greedy evaluation curves of ``env`` (the threshold, titles, legend) and save it.

    :param figure: the figure
    :param axes: its axes, with the curves drawn
    :param env: the environment
    :param path: the PNG file
    """
    import matplotlib.pyplot as plt

    target = threshold(env)
    if target is not None:
        axes.axhline(target, color="gray", linestyle="--", linewidth=1, label=f"threshold {target:g}")
    axes.set(title=f"{env}: greedy evaluation return (mean, min-max over seeds)", xlabel="environment steps")
    axes.set_ylabel("return")
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)


def aggregate(runs: list[dict[str, str]], randoms: dict[str, float], out: Path) -> str:
    """
    The final returns across seeds and tasks as Agarwal et al. (NeurIPS 2021) recommend, with ``rliable``: each
    final return normalized to ``(x - random) / (reference - random)`` (1: the reference of :func:`reference`),
    then the interquartile mean, median and mean over all runs of the tasks every algorithm ran, with 95%
    stratified-bootstrap confidence intervals, and the performance profile (``<out>/profile.png``: the fraction of
    runs above each normalized score).

    :return: the markdown table (empty if fewer than one task with at least two seeds)
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from rliable import library as rly
    from rliable import metrics, plot_utils

    labels = list(dict.fromkeys(row["label"] for row in runs))
    envs = [env for env in randoms if all(any(r["env"] == env and r["label"] == label for r in runs) for label in labels)]
    scores = {}
    for label in labels:
        columns = []
        for env in envs:
            finals = [float(r["final_return"]) for r in runs if r["env"] == env and r["label"] == label]
            columns.append(normalized_score(np.array(finals), env, randoms[env]))
        n_seeds = min(len(column) for column in columns) if columns else 0
        if n_seeds >= 2:
            scores[label] = np.stack([column[:n_seeds] for column in columns], axis=1)
    if not scores:
        (out / "profile.png").unlink(missing_ok=True)  # a profile of an earlier report would no longer match
        return ""

    def aggregates(matrix: np.ndarray) -> np.ndarray:
        return np.array([metrics.aggregate_iqm(matrix), metrics.aggregate_median(matrix), metrics.aggregate_mean(matrix)])

    point, interval = rly.get_interval_estimates(scores, aggregates, reps=2000, random_state=np.random.RandomState(0))
    lines = [
        "",
        f"Normalized final return, (x - random) / (reference - random), over {len(envs)} tasks ({', '.join(envs)}); "
        "95% stratified-bootstrap confidence intervals (rliable, 2000 resamples; the bounds' last digit can differ "
        "between invocations: rliable's bootstrap, through arch 7, does not repeat from its random_state):",
        "",
        "| algorithm | runs | IQM | median | mean |",
        "|---|---|---|---|---|",
    ]
    for label, values in point.items():
        cells = " | ".join(f"{values[i]:.2f} [{interval[label][0, i]:.2f}, {interval[label][1, i]:.2f}]" for i in range(3))
        lines.append(f"| {label} | {scores[label].size} | {cells} |")

    thresholds = np.linspace(0.0, 2.0, 81)
    distributions, distribution_intervals = rly.create_performance_profile(scores, thresholds)
    figure, axes = plt.subplots(figsize=(7, 4.5))
    plot_utils.plot_performance_profiles(
        distributions, thresholds, performance_profile_cis=distribution_intervals, xlabel="normalized score tau", ax=axes
    )
    axes.legend(axes.get_lines(), list(distributions), fontsize=8)
    axes.set_title("Performance profile: fraction of runs with normalized final return > tau")
    figure.tight_layout()
    figure.savefig(out / "profile.png", dpi=100)
    plt.close(figure)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["algorithms", "options", "step-rule"], default="algorithms")
    parser.add_argument("--envs", nargs="+", choices=list(ENVS), default=["CartPole-v1"])
    parser.add_argument("--algos", nargs="+", default=["reinforce", "a2c", "ppo"], help="rl_zoo3 algorithm names")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=0, help="step budget (default: the environment's, see ENVS)")
    parser.add_argument("--eval-freq", type=int, default=0, help="steps between evaluations (default: per environment)")
    parser.add_argument("--jobs", type=int, default=2, help="runs in parallel, one CPU thread each")
    parser.add_argument("--out", help="results folder (default: benchmark_results, or benchmark_results_quick)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=(
            "CartPole-v1, 2 seeds, 20k steps, evaluations every 5k (in place of --envs, --seeds, --steps and "
            "--eval-freq): under a minute"
        ),
    )
    parser.add_argument("--report", action="store_true", help="only draw the figures and write the table")
    args = parser.parse_args()
    if args.quick:
        args.envs, args.seeds, args.steps, args.eval_freq = ["CartPole-v1"], 2, 20_000, 5_000
    args.out = args.out or ("benchmark_results_quick" if args.quick else "benchmark_results")
    if not args.report:
        benchmark(args)
    print(report(Path(args.out)))


if __name__ == "__main__":
    main()

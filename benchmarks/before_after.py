"""
One environment's greedy evaluation curves from several result files side by side (mean over seeds, min-max
band), e.g. a shipped entry before and after a change. Each ``--curve`` is ``LABEL=CSV`` or
``LABEL=CSV:COLUMN=VALUE``: the rows of ``CSV`` (written by ``benchmarks/learning.py`` or kept beside the
diagnosis) for ``--env`` whose ``COLUMN`` is ``VALUE``.

    python benchmarks/before_after.py --env LunarLander-v3 --out docs/benchmark/before-after/LunarLander-v3.png \\
        --curve "before (3 seeds)=docs/benchmark/curves.csv:label=reinforce" \\
        --curve "after (5 seeds)=docs/benchmark/lunarlander-2m/curves.csv:label=reinforce"
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from benchmarks.learning import read_csv, save_curves_figure


def curves_of(spec: str, env: str) -> tuple[str, np.ndarray, np.ndarray]:
    """
    The evaluation curves that ``spec`` names.

    :param spec: ``LABEL=CSV`` or ``LABEL=CSV:COLUMN=VALUE``
    :param env: the environment
    :return: the label, the evaluation steps common to every seed, and the returns (seeds x steps)
    """
    label, source = spec.split("=", 1)
    path, _, condition = source.partition(":")
    column, _, value = condition.partition("=")
    by_seed: dict[str, dict[int, float]] = {}
    for row in read_csv(Path(path)):
        if row["env"] == env and (not column or row[column] == value):
            by_seed.setdefault(row["seed"], {})[int(row["timesteps"])] = float(row["mean_return"])
    if not by_seed:
        raise SystemExit(f"--curve {spec!r}: no rows for {env} in {path}")
    steps = sorted(set.intersection(*(set(curve) for curve in by_seed.values())))
    return label, np.array(steps), np.array([[curve[t] for t in steps] for curve in by_seed.values()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", required=True)
    parser.add_argument("--curve", action="append", required=True, help="LABEL=CSV or LABEL=CSV:COLUMN=VALUE")
    parser.add_argument("--out", required=True, help="the PNG file")
    args = parser.parse_args()

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for spec in args.curve:
        label, steps, returns = curves_of(spec, args.env)
        axes.plot(steps, returns.mean(axis=0), label=label)
        axes.fill_between(steps, returns.min(axis=0), returns.max(axis=0), alpha=0.2)
        print(
            f"{label}: final {returns[:, -1].mean():.1f} (per seed {np.round(returns[:, -1], 1).tolist()}), "
            f"best of the mean curve {returns.mean(axis=0).max():.1f}"
        )
    save_curves_figure(figure, axes, args.env, Path(args.out))


if __name__ == "__main__":
    main()

"""
The final results of the shipped ``reinforce.yml`` entries across tasks, reported as Agarwal et al. (NeurIPS
2021) recommend: each task's final greedy evaluations normalized to ``(x - random) / (reference - random)``
(the reference is Tianshou's REINFORCE at 10M steps on MuJoCo, the threshold elsewhere), their interquartile
mean, median and mean with stratified-bootstrap confidence intervals, and the performance profile, computed
with ``rliable`` by :func:`benchmarks.learning.aggregate`.

Nothing is trained here: each task's evaluations are read from the result file where its shipped entry was
measured (``SOURCES``, in the ``LABEL=CSV:COLUMN=VALUE`` form of ``benchmarks/before_after.py``; the final
evaluation of a seed is its last). rliable's stratified bootstrap needs as many runs on every task, so the
aggregate takes the first ``--seeds`` seeds of each task and leaves out the tasks with fewer.

    python benchmarks/shipped.py --out docs/benchmark/shipped
"""

import argparse
from pathlib import Path

from benchmarks.before_after import curves_of
from benchmarks.learning import aggregate, kept_fraction, normalized_score, random_return, reference

BENCHMARK = "docs/benchmark"
# Where each shipped entry's runs are (its budget is the shipped n_timesteps, 2M for Humanoid-v5, except InvertedPendulum-v5's
# 200k and Acrobot-v1's 200k, the budgets of the first comparison; Acrobot-v1's runs are those of the package
# as it is, whose evaluations first differ from the first comparison's at 30k to 180k steps; LunarLander-v3's
# those of the package as it is, 10 seeds, where the 5 of lunarlander-lin/ were made with the value baseline's
# rollouts sampled through the policy's forward; Pendulum-v1's, Hopper-v5's, Walker2d-v5's,
# InvertedDoublePendulum-v5's, Reacher-v5's, HalfCheetah-v5's and Ant-v5's those of the package as it is, in rerun/;
# Humanoid-v5's those of the package as it is at 2M, in humanoid-2m/).
SOURCES = {
    "CartPole-v1": f"{BENCHMARK}/curves.csv:label=reinforce",
    "Acrobot-v1": f"{BENCHMARK}/acrobot-variants/curves.csv:label=entry (rerun)",
    "LunarLander-v3": f"{BENCHMARK}/wall-clock/curves.csv:label=reinforce",
    "Pendulum-v1": f"{BENCHMARK}/rerun/curves.csv:label=reinforce",
    "InvertedPendulum-v5": f"{BENCHMARK}/curves.csv:label=reinforce",
    "Hopper-v5": f"{BENCHMARK}/rerun/curves.csv:label=reinforce",
    "HalfCheetah-v5": f"{BENCHMARK}/rerun/curves.csv:label=reinforce",
    "Walker2d-v5": f"{BENCHMARK}/rerun/curves.csv:label=reinforce",
    "Swimmer-v5": f"{BENCHMARK}/mujoco-1m/curves.csv:label=reinforce",
    "InvertedDoublePendulum-v5": f"{BENCHMARK}/rerun/curves.csv:label=reinforce",
    "Reacher-v5": f"{BENCHMARK}/rerun/curves.csv:label=reinforce",
    "Ant-v5": f"{BENCHMARK}/rerun/curves.csv:label=reinforce",
    "Humanoid-v5": f"{BENCHMARK}/humanoid-2m/curves.csv:label=reinforce",
}
LABEL = "reinforce (shipped entries)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder of table.md and profile.png")
    parser.add_argument("--seeds", type=int, default=3, help="runs per task in the aggregate")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    lines = [
        "| env | seeds | budget | final (mean ± std) | per seed | reference | normalized final (mean) "
        "| kept (final, from random to best) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    runs, randoms, left_out = [], {}, []
    for env, source in SOURCES.items():
        _, steps, returns = curves_of(f"{LABEL}={source}", env)
        finals = returns[:, -1]
        randoms[env] = random_return(env)
        normalized = normalized_score(finals, env, randoms[env])
        per_seed = ", ".join(f"{final:.1f}" for final in finals)
        kept = kept_fraction(finals, returns.mean(axis=0), randoms[env])
        lines.append(
            f"| {env} | {len(finals)} | {steps[-1]:,} | {finals.mean():.1f} ± {finals.std():.1f} | {per_seed} "
            f"| {reference(env):g} | {normalized.mean():.2f} | {kept:.0%} |"
        )
        if len(finals) < args.seeds:
            left_out.append(env)
            continue
        runs += [dict(env=env, label=LABEL, final_return=final) for final in finals[: args.seeds]]
    randoms = {env: value for env, value in randoms.items() if env not in left_out}
    if left_out:
        lines += ["", f"Left out of the aggregate (fewer than {args.seeds} seeds): {', '.join(left_out)}."]
    table = "\n".join(lines) + "\n" + aggregate(runs, randoms, out)
    (out / "table.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()

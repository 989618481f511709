"""
The figures of the derivation page (docs/guide/derivation.md), computed on a tiny MDP whose policy gradient
is known exactly, with the package's own estimator weights (``sb3_reinforce.common.weights``):

1. ``estimators.png``: the Monte-Carlo estimate of each estimator against the exact gradient of the
   discounted objective, as the number of episodes grows. ``R(tau)`` and ``gamma^t G_t`` converge to it;
   plain ``G_t`` converges to another vector.
2. ``baselines.png``: the variance of one episode's estimate with each baseline.
3. ``log_probabilities.png``: the log-likelihood of an episode as a product of probabilities and as a sum of
   log-probabilities, in float32.

Runs in a few seconds on a CPU and prints the figures' numbers:

    python examples/derivation_figures.py [--out docs/guide/figures] [--seed 0]
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch as th

from sb3_reinforce.common.weights import score_function_weights

GAMMA = 0.5
N_STATES, N_ACTIONS, HORIZON = 4, 2, 3
# NEXT[s][a]: the next state, None where the episode ends; REWARD[s][a]: the reward of that step.
NEXT = [(1, 2), (None, 3), (None, 3), (None, None)]
REWARD = [(1.0, 0.0), (0.0, 2.0), (3.0, 1.0), (4.0, 0.0)]
# (use_reward_to_go, exact_discounted_gradient) of each estimator
ESTIMATORS = {"R(tau)": (False, False), "gamma^t G_t": (True, True), "G_t": (True, False)}
BASELINES = (None, "mean", "leave_one_out", "value")


def trajectories(state: int = 0) -> list[tuple[list[int], list[int], list[float]]]:
    """Every trajectory from ``state`` as (states, actions, rewards)."""
    found = []
    for action in range(N_ACTIONS):
        next_state, reward = NEXT[state][action], REWARD[state][action]
        tails = [([], [], [])] if next_state is None else trajectories(next_state)
        found += [([state, *states], [action, *actions], [reward, *rewards]) for states, actions, rewards in tails]
    return found


def discounted_returns(rewards: list[float]) -> list[float]:
    """``G_t`` of every step of one episode."""
    returns = [0.0] * len(rewards)
    running = 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + GAMMA * running
        returns[t] = running
    return returns


def expected_gradients(logits: th.Tensor) -> dict[str, np.ndarray]:
    """
    By enumeration: the exact gradient of ``J = E[sum_t gamma^t r_t]``, and the expectation of each estimator
    ``E[sum_t grad log pi(a_t|s_t) Psi_t]``, through autograd of the surrogate ``sum_tau P(tau) sum_t log pi * Psi_t``.
    """
    results = {}
    log_pi = th.log_softmax(logits, dim=-1)
    objective = th.zeros(())
    surrogates = dict.fromkeys(ESTIMATORS, th.zeros(()))
    for states, actions, rewards in trajectories():
        log_probs = log_pi[states, actions]
        # The probability of a trajectory: its log-probabilities summed, then exponentiated.
        probability = th.exp(log_probs.sum())
        returns = discounted_returns(rewards)
        objective = objective + probability * returns[0]
        weights = {
            "R(tau)": [returns[0]] * len(rewards),
            "gamma^t G_t": [GAMMA**t * g for t, g in enumerate(returns)],
            "G_t": returns,
        }
        for name in ESTIMATORS:
            surrogates[name] = surrogates[name] + probability.detach() * (log_probs * th.tensor(weights[name])).sum()
    results["grad J"] = th.autograd.grad(objective, logits, retain_graph=True)[0].numpy()
    for name, surrogate in surrogates.items():
        results[name] = th.autograd.grad(surrogate, logits, retain_graph=True)[0].numpy()
    return results


def state_values(probs: np.ndarray) -> np.ndarray:
    """Exact ``V(s) = E[G_t | s_t = s]`` of the policy."""
    values = np.zeros(N_STATES)
    for state in reversed(range(N_STATES)):
        for action in range(N_ACTIONS):
            next_state = NEXT[state][action]
            future = 0.0 if next_state is None else values[next_state]
            values[state] += probs[state, action] * (REWARD[state][action] + GAMMA * future)
    return values


def sample_episodes(probs: np.ndarray, n_episodes: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``n_episodes`` episodes, one per column of time-major ``(HORIZON, n_episodes)`` arrays, as the buffer holds them."""
    shape = (HORIZON, n_episodes)
    states, actions = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    rewards, dones, mask = np.zeros(shape), np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    state, alive = np.zeros(n_episodes, dtype=np.int64), np.ones(n_episodes, dtype=bool)
    next_table, reward_table = np.array([[-1 if s is None else s for s in row] for row in NEXT]), np.array(REWARD)
    for t in range(HORIZON):
        action = (rng.random(n_episodes) < probs[state, 1]).astype(np.int64)
        states[t], actions[t], mask[t] = state, action, alive
        rewards[t] = np.where(alive, reward_table[state, action], 0.0)
        following = next_table[state, action]
        dones[t] = alive & (following < 0)
        alive = alive & (following >= 0)
        state = np.where(alive, following, 0)
    starts = np.zeros(shape, dtype=bool)
    starts[0] = True
    return dict(states=states, actions=actions, rewards=rewards, dones=dones, mask=mask, starts=starts)


def estimate(
    probs: np.ndarray, episodes: dict[str, np.ndarray], estimator: str, baseline: str | None, values: np.ndarray
) -> np.ndarray:
    """
    The estimate ``1/N sum_i sum_t grad log pi(a_t|s_t) A_t`` of a batch, with the package's weights ``A_t``
    (for tabular softmax logits, ``grad_theta[s] log pi(a|s) = onehot(a) - pi(.|s)``).
    """
    use_reward_to_go, exact = ESTIMATORS[estimator]
    weights = score_function_weights(
        episodes["rewards"],
        episodes["starts"],
        episodes["dones"],
        episodes["mask"],
        GAMMA,
        use_reward_to_go=use_reward_to_go,
        exact_discounted_gradient=exact,
        baseline=baseline,
        normalize=False,
        values=values[episodes["states"]],
    )
    mask = episodes["mask"]
    states, actions, advantages = episodes["states"][mask], episodes["actions"][mask], weights.advantages[mask]
    score = np.eye(N_ACTIONS)[actions] - probs[states]
    gradient = np.zeros((N_STATES, N_ACTIONS))
    np.add.at(gradient, states, advantages[:, None] * score)
    return gradient / mask.shape[1]


def estimator_figure(probs: np.ndarray, exact: dict[str, np.ndarray], rng: np.random.Generator, path: Path) -> None:
    """Error of each estimator's Monte-Carlo estimate against ``grad J`` as the number of episodes grows."""
    sizes = np.unique(np.logspace(1, 4, 13).astype(int))
    repeats = 20
    values = state_values(probs)
    curves = {
        ("R(tau)", None): "R(tau)",
        ("gamma^t G_t", None): "gamma^t G_t",
        ("gamma^t G_t", "leave_one_out"): "gamma^t G_t, leave-one-out baseline",
        ("G_t", None): "G_t (plain reward-to-go)",
        ("G_t", "leave_one_out"): "G_t, leave-one-out baseline",
    }
    figure, axis = plt.subplots(figsize=(7, 4.5))
    print(f"|grad J| = {np.linalg.norm(exact['grad J']):.4f}")
    for (estimator, baseline), label in curves.items():
        errors = []
        for size in sizes:
            samples = [estimate(probs, sample_episodes(probs, size, rng), estimator, baseline, values) for _ in range(repeats)]
            errors.append(np.median([np.linalg.norm(sample - exact["grad J"]) for sample in samples]))
        style = "--" if estimator == "G_t" else "-"
        axis.loglog(sizes, errors, style, marker="o", markersize=3, label=label)
        print(f"{label}: median error {errors[0]:.4f} at {sizes[0]} episodes, {errors[-1]:.4f} at {sizes[-1]}")
    bias = np.linalg.norm(exact["G_t"] - exact["grad J"])
    axis.axhline(bias, color="grey", linestyle=":", label=f"|E[G_t estimator] - grad J| = {bias:.3f}")
    print(
        f"G_t estimator: |E - grad J| = {bias:.4f}; R(tau): {np.linalg.norm(exact['R(tau)'] - exact['grad J']):.2e}, "
        f"gamma^t G_t: {np.linalg.norm(exact['gamma^t G_t'] - exact['grad J']):.2e} (exact expectations)"
    )
    axis.set_xlabel("episodes in the batch")
    axis.set_ylabel(f"|estimate - grad J| (median of {repeats} batches)")
    axis.set_title(f"Monte-Carlo estimates against the exact gradient (gamma = {GAMMA})")
    axis.legend(fontsize=8)
    axis.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def baseline_figure(probs: np.ndarray, rng: np.random.Generator, path: Path) -> None:
    """Variance of one episode's estimate (``N`` times the total variance of a batch of ``N``) per baseline."""
    n_episodes, n_batches = 8, 2000
    values = state_values(probs)
    figure, axis = plt.subplots(figsize=(7, 4))
    width = 0.2
    for i, baseline in enumerate(BASELINES):
        variances = []
        for estimator in ("R(tau)", "gamma^t G_t"):
            samples = np.array(
                [
                    estimate(probs, sample_episodes(probs, n_episodes, rng), estimator, baseline, values).ravel()
                    for _ in range(n_batches)
                ]
            )
            variances.append(n_episodes * samples.var(axis=0).sum())
            print(f"variance per episode, {estimator}, baseline {baseline}: {variances[-1]:.3f}")
        axis.bar(np.arange(2) + (i - 1.5) * width, variances, width, label=f"baseline {baseline}")
    axis.set_xticks(np.arange(2), ["R(tau)", "gamma^t G_t"])
    axis.set_ylabel("total variance of one episode's estimate")
    axis.set_title(f"Baselines (batches of {n_episodes} episodes, {n_batches} batches each)")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def log_probability_figure(path: Path) -> None:
    """
    ``log pi(tau)`` of episodes of ``T`` steps, each action taken with probability 0.9, in float32: as the log of
    the product of the probabilities (multiplied one step after the other) and as the sum of the
    log-probabilities; and the gradient of each with respect to the action's logit (exactly ``0.1 T``).
    """
    lengths = np.arange(10, 1501, 10)
    logit = th.tensor(np.log(9.0), dtype=th.float32, requires_grad=True)  # sigmoid(logit) = 0.9
    probability = th.sigmoid(logit)
    products = th.cumprod(probability.expand(int(lengths[-1])), dim=0)
    product_log, product_grad, summed_log, summed_grad = [], [], [], []
    for length in lengths:
        product = th.log(products[length - 1])
        summed = th.log(probability).expand(int(length)).sum()
        product_log.append(product.item())
        product_grad.append(th.autograd.grad(product, logit, retain_graph=True)[0].item())
        summed_log.append(summed.item())
        summed_grad.append(th.autograd.grad(summed, logit, retain_graph=True)[0].item())
    product_log, product_grad = np.array(product_log), np.array(product_grad)
    no_gradient = int(lengths[~np.isfinite(product_grad)][0])
    zero = int(lengths[~np.isfinite(product_log)][0])
    print(
        f"float32, probability 0.9 per step: 0.9^500 = {np.float32(0.9) ** 500:.3e}, a float32 number; through the "
        f"product, the gradient is not finite from T = {no_gradient} (a subnormal product) and log pi(tau) is -inf "
        f"from T = {zero}; through the sum, log pi(tau) = {summed_log[-1]:.2f} and its gradient {summed_grad[-1]:.2f} "
        f"at T = {lengths[-1]} (exact: {0.1 * lengths[-1]:.2f})"
    )
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    axes[0].plot(lengths, summed_log, label="sum of log-probabilities")
    axes[0].plot(lengths, np.where(np.isfinite(product_log), product_log, np.nan), "--", label="log of the product")
    axes[0].axvline(zero, color="grey", linestyle=":", label=f"the product is 0 from T = {zero}")
    axes[0].set_xlabel("episode length T")
    axes[0].set_ylabel("log pi(tau) in float32")
    axes[0].legend(fontsize=8)
    axes[1].plot(lengths, summed_grad, label="through the sum (exact: 0.1 T)")
    finite = np.isfinite(product_grad)
    axes[1].plot(lengths[finite], product_grad[finite], "--", label="through the product")
    axes[1].axvline(no_gradient, color="grey", linestyle=":", label=f"inf or NaN from T = {no_gradient}")
    axes[1].set_xlabel("episode length T")
    axes[1].set_ylabel("d log pi(tau) / d logit in float32")
    axes[1].legend(fontsize=8)
    figure.suptitle("Episodes of T actions of probability 0.9, in float32")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="docs/guide/figures", help="folder of the PNG files")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)

    # A fixed policy far from uniform: tabular softmax logits.
    logits = th.tensor(rng.normal(0.0, 1.0, (N_STATES, N_ACTIONS)), dtype=th.float64, requires_grad=True)
    probs = th.softmax(logits, dim=-1).detach().numpy()
    exact = expected_gradients(logits)
    estimator_figure(probs, exact, rng, out / "estimators.png")
    baseline_figure(probs, rng, out / "baselines.png")
    log_probability_figure(out / "log_probabilities.png")
    print(f"figures in {out}")


if __name__ == "__main__":
    main()

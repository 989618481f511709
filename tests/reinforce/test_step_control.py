import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import gymnasium as gym
import pytest
import torch as th
from gymnasium.wrappers import TransformReward
from stable_baselines3.common.env_util import make_vec_env

from sb3_reinforce import REINFORCE


def one_update(model: REINFORCE, buffer, state: dict, target_kl: float | None) -> tuple[th.Tensor, dict]:
    """Train on a copy of ``buffer`` from the policy and optimizer ``state``; return the parameter change."""
    model.policy.load_state_dict(state["policy"])
    model.policy.optimizer.load_state_dict(state["optimizer"])
    model.rollout_buffer = copy.deepcopy(buffer)
    model.target_kl = target_kl
    model.train()
    after = th.nn.utils.parameters_to_vector(model.policy.parameters()).detach()
    return after - state["vector"], dict(model.logger.name_to_value)


def one_batch(baseline: str) -> tuple[REINFORCE, object, dict]:
    """A model with learning rate 0.05, one collected batch, and the policy and optimizer state before training."""
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
    model = REINFORCE("MlpPolicy", env, n_steps=256, learning_rate=0.05, baseline=baseline, seed=0)
    _, callback = model._setup_learn(10_000, None)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    state = {
        "policy": copy.deepcopy(model.policy.state_dict()),
        "optimizer": copy.deepcopy(model.policy.optimizer.state_dict()),
        "vector": th.nn.utils.parameters_to_vector(model.policy.parameters()).detach().clone(),
    }
    return model, copy.deepcopy(model.rollout_buffer), state


@pytest.mark.parametrize("baseline", ["leave_one_out", "value"])
def test_target_kl_shortens_the_update_along_its_direction(baseline):
    model, buffer, state = one_batch(baseline)

    full, logged = one_update(model, buffer, state, target_kl=None)
    kl = logged["train/approx_kl"]
    assert kl > 0 and "train/step_fraction" not in logged

    # a bound above the step's KL leaves the step as it is
    same, logged = one_update(model, buffer, state, target_kl=2 * kl)
    th.testing.assert_close(same, full)
    assert logged["train/step_fraction"] == 1.0

    # a bound below it: the same direction, 2^-k of the length, and a KL within the bound
    target = kl / 20
    limited, logged = one_update(model, buffer, state, target_kl=target)
    fraction = logged["train/step_fraction"]
    assert fraction in [2.0**-k for k in range(1, REINFORCE.MAX_HALVINGS + 1)]
    th.testing.assert_close(limited, fraction * full, rtol=1e-4, atol=1e-7)
    assert 0 < logged["train/approx_kl"] <= target

    # no halving is short enough: the update is undone
    undone, logged = one_update(model, buffer, state, target_kl=1e-30)
    assert th.count_nonzero(undone) == 0
    assert logged["train/step_fraction"] == 0.0 and logged["train/approx_kl"] == 0.0


def test_adapt_learning_rate_follows_the_kl_of_each_update():
    model, buffer, state = one_batch("leave_one_out")
    full, logged = one_update(model, buffer, state, target_kl=None)
    kl = logged["train/approx_kl"]

    model.adapt_learning_rate = True
    # far below the bound: x1.5; within [target / 1.5^2, target]: unchanged (2 kl: kl is below target / 1.5 but above
    # target / 1.5^2); above it: / 1.5 (and shortened)
    for target, factor in [(100 * kl, 1.5), (2 * kl, 1.0), (1.5 * kl, 1.0), (kl / 20, 1 / 1.5)]:
        model.lr_factor = 1.0
        _, logged = one_update(model, buffer, state, target_kl=target)
        assert model.lr_factor == pytest.approx(factor) and logged["train/lr_factor"] == pytest.approx(factor)
        assert logged["train/learning_rate"] == pytest.approx(0.05)

    # an update runs at the schedule's rate times the factor
    model.lr_factor = 0.25
    quarter, logged = one_update(model, buffer, state, target_kl=100 * kl)
    assert logged["train/learning_rate"] == pytest.approx(0.05 * 0.25)
    assert model.policy.optimizer.param_groups[0]["lr"] == pytest.approx(0.05 * 0.25)
    # Adam's first step is the learning rate times a vector that does not depend on it
    th.testing.assert_close(quarter, 0.25 * full, rtol=1e-4, atol=1e-7)

    # the factor stays within its bounds
    low, high = REINFORCE.LR_FACTOR_BOUNDS
    model.lr_factor = low
    one_update(model, buffer, state, target_kl=kl * 1e-9)
    assert model.lr_factor == low
    model.lr_factor = high / 1.2
    one_update(model, buffer, state, target_kl=1e9)
    assert model.lr_factor == high


def test_approx_kl_is_the_mean_over_the_batch_of_the_estimator_at_each_step():
    """``train/approx_kl`` is ``mean_t (r_t - 1) - log r_t``, ``r_t = pi_new(a_t|s_t) / pi_old(a_t|s_t)``."""
    model, buffer, state = one_batch("leave_one_out")
    model.policy.load_state_dict(state["policy"])
    data = next(buffer.get(batch_size=None))
    with th.no_grad():
        old = model._evaluate_actions(data)[0]
    _, logged = one_update(model, buffer, state, target_kl=None)
    with th.no_grad():
        log_ratio = model._evaluate_actions(data)[0] - old
    assert th.count_nonzero(log_ratio) > 0
    assert logged["train/approx_kl"] == pytest.approx(th.mean(th.exp(log_ratio) - 1 - log_ratio).item(), rel=1e-5)


@pytest.mark.parametrize("natural_gradient", [False, True])
def test_target_kl_schedule_bounds_each_update_by_its_value_at_the_current_progress(natural_gradient):
    model, buffer, state = one_batch("leave_one_out")
    model.natural_gradient = natural_gradient
    kl = one_update(model, buffer, state, target_kl=None if not natural_gradient else 0.01)[1]["train/approx_kl"]
    # a bound that shortens Adam's update; the natural step's length is the bound's
    constant = kl / 20 if not natural_gradient else 0.01

    def schedule(progress_remaining: float) -> float:
        return 4 * constant * progress_remaining

    expected, logged = one_update(model, buffer, state, target_kl=constant)
    model._current_progress_remaining = 0.25
    scheduled, logged_scheduled = one_update(model, buffer, state, target_kl=schedule)
    th.testing.assert_close(scheduled, expected)
    assert logged_scheduled["train/target_kl"] == pytest.approx(constant) == logged["train/target_kl"]
    assert logged_scheduled["train/step_fraction"] == logged["train/step_fraction"]

    # at its end a linear schedule is 0: the policy no longer moves
    model._current_progress_remaining = 0.0
    frozen, logged = one_update(model, buffer, state, target_kl=schedule)
    assert th.count_nonzero(frozen) == 0
    assert logged["train/target_kl"] == 0.0 and logged["train/approx_kl"] == 0.0


def assert_natural_step(model: REINFORCE, actor: list[th.nn.Parameter], others: list[th.nn.Parameter]) -> None:
    """
    Collect a batch and train on it: the step of the ``actor`` parameters is sqrt(2 * target_kl / x^T F x) * x
    with F x = -g, F the mean outer product of the batch's score vectors (plus damping) and g the loss's
    gradient, both built here one step at a time; the ``others`` do not move.
    """
    model.natural_gradient, model.target_kl = True, 0.01
    _, callback = model._setup_learn(10_000, None)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    collected = model.rollout_buffer
    # (a copy to build the expected step on: the recurrent policy reads the episode starts of the model's buffer)
    buffer = model.rollout_buffer = copy.deepcopy(collected)
    model.CG_MAX_STEPS = sum(parameter.numel() for parameter in actor)  # converged: exact up to rounding
    before = th.nn.utils.parameters_to_vector(actor).detach().clone()
    others_before = [parameter.detach().clone() for parameter in others]

    batch = buffer.batch_weights
    data = next(buffer.get(batch_size=None))
    log_prob = model._evaluate_actions(data)[0]
    scores = th.stack([_flat(th.autograd.grad(log_prob[t], actor, retain_graph=True)) for t in range(len(log_prob))])
    fisher = scores.T @ scores / len(scores) + REINFORCE.CG_DAMPING * th.eye(scores.shape[1])
    gradient = -(data.advantages[:, None] * scores).sum(dim=0) / (model.n_steps * model.n_envs)
    direction = th.linalg.solve(fisher.double(), -gradient.double())
    expected = th.sqrt(2 * model.target_kl / (direction @ fisher.double() @ direction)) * direction
    assert batch.n_episodes >= 2 and gradient.norm() > 0

    model.rollout_buffer = collected
    model.train()
    step = th.nn.utils.parameters_to_vector(actor).detach() - before
    fraction = model.logger.name_to_value["train/step_fraction"]
    assert fraction in [2.0**-k for k in range(REINFORCE.MAX_HALVINGS + 1)]
    # (conjugate gradient in float32: to a percent of the step's length)
    th.testing.assert_close(step.double(), fraction * expected, rtol=0, atol=0.01 * fraction * expected.norm().item())
    # the step's KL divergence is near its second-order model, target_kl, and within it
    assert 0.25 * model.target_kl < model.logger.name_to_value["train/approx_kl"] <= model.target_kl
    # no learning rate is used for the policy, none is logged
    assert "train/learning_rate" not in model.logger.name_to_value
    # what the log-probabilities do not depend on is left alone
    for parameter, old in zip(others, others_before, strict=True):
        th.testing.assert_close(parameter.detach(), old)


@pytest.mark.parametrize(("env_id", "use_sde"), [("CartPole-v1", False), ("Pendulum-v1", False), ("Pendulum-v1", True)])
def test_natural_gradient_step_solves_the_fisher_system(env_id, use_sde):
    env = make_vec_env(env_id, n_envs=2, seed=0)
    # A linear policy: the action head's weights and biases (and log_std, gSDE's too) are all the actor's parameters.
    kwargs = dict(net_arch=[])
    model = REINFORCE("MlpPolicy", env, n_steps=256, baseline=None, use_sde=use_sde, seed=0, policy_kwargs=kwargs)
    actor = [model.policy.action_net.weight, model.policy.action_net.bias]
    if env_id == "Pendulum-v1":
        actor.append(model.policy.log_std)
    assert_natural_step(model, actor, others=list(model.policy.value_net.parameters()))


@pytest.mark.parametrize("natural_gradient", [False, True])
def test_a_zero_gradient_leaves_the_policy_where_it_is(natural_gradient):
    """Episodes that all return the same give every step the weight 0: no step, natural or not."""
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0, env_kwargs=dict(max_episode_steps=5))
    model = REINFORCE("MlpPolicy", env, n_steps=20, natural_gradient=natural_gradient, target_kl=0.01, seed=0)
    before = th.nn.utils.parameters_to_vector(model.policy.parameters()).detach().clone()
    model.learn(200)
    assert model.logger.name_to_value["train/grad_norm"] == 0.0
    assert model.logger.name_to_value["train/approx_kl"] == 0.0
    th.testing.assert_close(th.nn.utils.parameters_to_vector(model.policy.parameters()).detach(), before)


@pytest.mark.parametrize("reward_scale", [1e-3, 1e-6])
def test_the_natural_step_does_not_depend_on_the_scale_of_the_rewards(reward_scale):
    """
    Rewards scaled down (and no normalization) scale the gradient down, not the natural step: it has the
    length target_kl sets and the direction it has with the rewards unscaled.
    """

    def step(scale: float) -> tuple[th.Tensor, float]:
        env = make_vec_env(lambda: TransformReward(gym.make("CartPole-v1"), lambda reward: scale * reward), n_envs=2, seed=0)
        options = dict(natural_gradient=True, target_kl=0.01, normalize_advantage=False, baseline="leave_one_out")
        model = REINFORCE("MlpPolicy", env, n_steps=256, seed=0, **options)
        _, callback = model._setup_learn(10_000, None)
        model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
        before = th.nn.utils.parameters_to_vector(model.policy.parameters()).detach().clone()
        model.train()
        after = th.nn.utils.parameters_to_vector(model.policy.parameters()).detach()
        return after - before, model.logger.name_to_value["train/approx_kl"]

    unscaled, unscaled_kl = step(1.0)
    scaled, scaled_kl = step(reward_scale)
    assert 0.25 * 0.01 < unscaled_kl <= 0.01 and scaled_kl == pytest.approx(unscaled_kl, rel=1e-3)
    th.testing.assert_close(scaled, unscaled, rtol=0, atol=1e-3 * unscaled.norm().item())


def test_the_natural_step_runs_with_torchs_older_onednn_flags(monkeypatch):
    """torch's oneDNN flags took no allow_tf32 before its 2.7 (the package takes torch 2.3 on)."""
    flags = th.backends.mkldnn.flags

    @contextmanager
    def older_flags(enabled: bool = False, deterministic: bool = False) -> Iterator[None]:
        with flags(enabled=enabled, deterministic=deterministic, allow_tf32=None):
            yield

    monkeypatch.setattr(th.backends.mkldnn, "flags", older_flags)
    model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=256, natural_gradient=True, target_kl=0.01, seed=0)
    model.learn(1000)
    assert 0 < model.logger.name_to_value["train/approx_kl"] <= 0.01


def test_natural_steps_of_models_trained_in_threads():
    """As Optuna's n_jobs trains trials: torch's forward-mode level is the process's."""
    errors = []

    def train(seed: int) -> None:
        try:
            REINFORCE("MlpPolicy", "CartPole-v1", n_steps=64, natural_gradient=True, target_kl=0.01, seed=seed).learn(3000)
        except RuntimeError as error:
            errors.append(error)

    threads = [threading.Thread(target=train, args=(seed,)) for seed in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def _flat(tensors: tuple[th.Tensor, ...]) -> th.Tensor:
    return th.cat([tensor.flatten() for tensor in tensors])

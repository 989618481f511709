import copy

import pytest
import torch as th
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
    # far below the bound: x1.5; within (target / 1.5^2, target]: unchanged; above it: / 1.5 (and shortened)
    for target, factor in [(100 * kl, 1.5), (1.5 * kl, 1.0), (kl / 20, 1 / 1.5)]:
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

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


@pytest.mark.parametrize("baseline", ["leave_one_out", "value"])
def test_target_kl_shortens_the_update_along_its_direction(baseline):
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
    model = REINFORCE("MlpPolicy", env, n_steps=256, learning_rate=0.05, baseline=baseline, seed=0)
    _, callback = model._setup_learn(10_000, None)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    state = {
        "policy": copy.deepcopy(model.policy.state_dict()),
        "optimizer": copy.deepcopy(model.policy.optimizer.state_dict()),
        "vector": th.nn.utils.parameters_to_vector(model.policy.parameters()).detach().clone(),
    }
    buffer = copy.deepcopy(model.rollout_buffer)

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

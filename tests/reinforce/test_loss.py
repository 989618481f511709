"""
The training step's gradient (left in the parameters' ``.grad`` after ``train()``) against the gradient of the same
loss built here from the batch, term by term. (The
estimator's expectation is proven in test_exact_gradient.py, the weights against hand-worked arrays in
tests/common/; here: that ``train()`` sums the log-probabilities of every action dimension, normalizes the weights,
adds the value loss with ``vf_coef`` and clips the gradient norm at ``max_grad_norm``.)
"""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from stable_baselines3.common.env_util import make_vec_env

from sb3_reinforce import REINFORCE


class VectorActionEnv(gym.Env):
    """Episodes of 1 to 6 steps whose reward depends on every dimension of the action."""

    observation_space = gym.spaces.Box(-1, 1, (3,), dtype=np.float32)

    def __init__(self, action_space: gym.spaces.Space):
        self.action_space = action_space

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.length = int(self.np_random.integers(1, 7))
        self.t = 0
        return self.observation_space.sample(), {}

    def step(self, action):
        self.t += 1
        reward = float(
            np.sum(np.asarray(action, dtype=np.float64) * np.arange(1, np.size(action) + 1).reshape(np.shape(action)))
        )
        return self.observation_space.sample(), reward, self.t == self.length, False, {}


def collected(env, **kwargs) -> REINFORCE:
    """A model with one batch collected and not yet trained on."""
    model = REINFORCE("MlpPolicy", env, seed=0, **kwargs)
    _, callback = model._setup_learn(10_000, None)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    return model


def trained(model: REINFORCE) -> dict[str, th.Tensor]:
    """Train on the collected batch; return the gradient of each parameter that the step took (clipped, if so)."""
    model.train()
    return {
        name: th.zeros_like(parameter) if parameter.grad is None else parameter.grad.clone()
        for name, parameter in model.policy.named_parameters()
    }


def gradient(model: REINFORCE, loss: th.Tensor) -> dict[str, th.Tensor]:
    names, parameters = zip(*model.policy.named_parameters(), strict=True)
    grads = th.autograd.grad(loss, parameters, allow_unused=True)
    return {name: th.zeros_like(p) if g is None else g for name, p, g in zip(names, parameters, grads, strict=True)}


def log_prob_by_dimension(model: REINFORCE, observations: th.Tensor, actions: th.Tensor) -> th.Tensor:
    """``log pi(a|s)`` as the sum over the action's dimensions of each one's log-probability, from the actor's output."""
    policy = model.policy
    output = policy.action_net(policy.mlp_extractor.forward_actor(policy.extract_features(observations)))
    space = model.action_space
    if isinstance(space, gym.spaces.Box):
        per_dimension = th.distributions.Normal(output, policy.log_std.exp()).log_prob(actions)
    elif isinstance(space, gym.spaces.MultiBinary):
        per_dimension = th.distributions.Bernoulli(logits=output).log_prob(actions)
    else:  # MultiDiscrete: one categorical per dimension
        logits = th.split(output, list(space.nvec), dim=1)
        per_dimension = th.stack(
            [th.distributions.Categorical(logits=lg).log_prob(a) for lg, a in zip(logits, actions.long().T, strict=True)], 1
        )
    return per_dimension.sum(dim=1)


@pytest.mark.parametrize(
    "action_space",
    [
        gym.spaces.Box(-1, 1, (2, 2), dtype=np.float32),
        gym.spaces.Box(-2, 2, (3,), dtype=np.float32),
        gym.spaces.MultiBinary(3),
        gym.spaces.MultiDiscrete([2, 3, 4]),
    ],
)
def test_the_score_sums_the_log_probabilities_of_every_action_dimension(action_space):
    env = make_vec_env(VectorActionEnv, n_envs=2, seed=0, env_kwargs=dict(action_space=action_space))
    model = collected(env, n_steps=32, baseline="leave_one_out")
    data = next(model.rollout_buffer.get(batch_size=None))
    log_prob = log_prob_by_dimension(model, data.observations, data.actions)
    expected = gradient(model, -(data.advantages * log_prob).sum() / (model.n_steps * model.n_envs))
    assert any(grad.abs().sum() > 0 for grad in expected.values())
    for name, grad in trained(model).items():
        th.testing.assert_close(grad, expected[name], rtol=1e-4, atol=1e-7, msg=name)


def test_normalize_advantage_divides_the_gradient_by_the_spread_of_the_returns():
    """
    With the whole-episode return, no baseline and gamma 1, every step of a CartPole episode weighs its length:
    normalized, the gradient is the plain one divided by the standard deviation of the lengths over the batch's steps.
    """
    grads, spreads = {}, {}
    for normalize in (False, True):
        env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
        model = collected(env, n_steps=64, gamma=1.0, reward_to_go=False, baseline=None, normalize_advantage=normalize)
        # (the batch's steps, repacked as one column of whole episodes in time order)
        starts = model.rollout_buffer.episode_starts[:, 0].astype(bool)
        lengths = np.diff(np.append(np.flatnonzero(starts), starts.size))
        spreads[normalize] = np.std(np.repeat(lengths, lengths))  # (each step weighs its episode's length)
        grads[normalize] = trained(model)
    assert spreads[True] == spreads[False] > 1
    for name, grad in grads[False].items():
        th.testing.assert_close(grads[True][name], grad / spreads[True], rtol=1e-4, atol=1e-8, msg=name)


@pytest.mark.parametrize("vf_coef", [0.5, 2.0])
def test_the_value_loss_joins_the_policy_step_with_vf_coef(vf_coef):
    """``value_epochs=0``: the value function is trained in the policy's step, on ``vf_coef`` times the squared error."""
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
    model = collected(env, n_steps=64, baseline="value", value_epochs=0, vf_coef=vf_coef)
    data = next(model.rollout_buffer.get(batch_size=None))
    values = model.policy.predict_values(data.observations).flatten()
    expected = gradient(model, vf_coef * th.mean((data.returns - values) ** 2))
    grads = trained(model)
    value_parameters = [name for name in grads if name.startswith(("value_net", "mlp_extractor.value_net"))]
    assert value_parameters and all(expected[name].abs().sum() > 0 for name in value_parameters)
    for name in value_parameters:
        th.testing.assert_close(grads[name], expected[name], rtol=1e-4, atol=1e-7, msg=name)


def test_max_grad_norm_clips_the_gradient_along_its_direction():
    grads = {}
    for max_grad_norm in (None, 0.005):
        env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
        grads[max_grad_norm] = th.cat(
            [c.flatten() for c in trained(collected(env, n_steps=64, max_grad_norm=max_grad_norm)).values()]
        )
    norm = grads[None].norm()
    assert norm > 0.005
    th.testing.assert_close(grads[0.005], grads[None] * 0.005 / norm, rtol=1e-4, atol=1e-9)


def test_the_fitted_value_baseline_of_a_batch_is_fitted_on_earlier_batches_only():
    """
    The value function is fitted on a batch after the policy's step on it: the baseline the step subtracts is
    the value function's before that fit (fitted on the batch itself, it would depend on the episodes it corrects).
    """
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
    model = collected(env, n_steps=64, baseline="value", value_epochs=5, normalize_advantage=False)
    data = next(model.rollout_buffer.get(batch_size=None))
    with th.no_grad():
        values_before = model.policy.predict_values(data.observations).flatten()
    distribution = model.policy.get_distribution(data.observations).distribution
    log_prob = distribution.log_prob(data.actions.long().flatten())
    loss = -((data.returns - values_before) * log_prob).sum() / (model.n_steps * model.n_envs)
    expected = gradient(model, loss)
    grads = trained(model)
    with th.no_grad():
        assert not th.allclose(model.policy.predict_values(data.observations).flatten(), values_before)
    for name in ("action_net.weight", "action_net.bias", "mlp_extractor.policy_net.0.weight"):
        th.testing.assert_close(grads[name], expected[name], rtol=1e-4, atol=1e-7, msg=name)


def test_without_an_analytical_entropy_the_entropy_term_is_the_mean_log_probability():
    """gSDE with a squashed output has no analytical entropy: the bonus estimates it by ``-mean(log pi)``."""
    model = collected("Pendulum-v1", n_steps=200, use_sde=True, ent_coef=0.01, policy_kwargs=dict(squash_output=True))
    data = next(model.rollout_buffer.get(batch_size=None))
    with th.no_grad():
        log_prob, entropy, _ = model._evaluate_actions(data)
    assert entropy is None
    model.train()
    # entropy_loss is minus the estimated entropy: -(-mean log pi)
    assert model.logger.name_to_value["train/entropy_loss"] == pytest.approx(log_prob.mean().item(), rel=1e-5)


@pytest.mark.parametrize("value_batch_size", [None, 16])
def test_the_value_fit_runs_value_epochs_passes_of_minibatches(value_batch_size):
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
    model = collected(env, n_steps=64, baseline="value", value_epochs=3, value_batch_size=value_batch_size)
    n_samples = model.rollout_buffer.buffer_size
    steps_per_epoch = 1 if value_batch_size is None else -(-n_samples // value_batch_size)
    assert value_batch_size is None or steps_per_epoch > 1
    steps = []
    step = model.value_optimizer.step
    model.value_optimizer.step = lambda *args, **kwargs: steps.append(1) or step(*args, **kwargs)
    model.train()
    assert len(steps) == 3 * steps_per_epoch


def test_value_minibatches_are_a_shuffled_pass_over_the_batch():
    model = REINFORCE("MlpPolicy", "CartPole-v1", baseline="value", value_epochs=1, seed=0)
    th.manual_seed(0)
    minibatches = model._value_minibatches(10, 3)
    assert [len(indices) for indices in minibatches] == [3, 3, 3, 1]
    steps = th.cat(minibatches).numpy()
    assert sorted(steps) == list(range(10)) and not np.array_equal(steps, np.arange(10))

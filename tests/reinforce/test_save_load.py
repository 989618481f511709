import gymnasium as gym
import numpy as np
import pytest
import torch as th
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.utils import LinearSchedule

from sb3_reinforce import REINFORCE

HYPERPARAMETERS = dict(
    learning_rate=0.003,
    n_steps=40,
    gamma=0.95,
    reward_to_go=False,
    baseline="value",
    exact_discounted_gradient=False,
    ent_coef=0.01,
    vf_coef=0.25,
    max_grad_norm=0.7,
    normalize_advantage=False,
    stats_window_size=30,
    max_episode_length=1000,
    target_kl=0.02,
    adapt_learning_rate=True,
)


FITTED_VALUE = dict(baseline="value", value_epochs=3, value_learning_rate=0.01, value_batch_size=32)
NATURAL_GRADIENT = dict(natural_gradient=True, target_kl=0.01, baseline="value", value_epochs=2)


@pytest.mark.parametrize("name, kwargs", [("target_kl", dict(natural_gradient=True)), ("ent_coef", {})])
def test_save_load_keeps_a_schedule(tmp_path, name, kwargs):
    schedule = LinearSchedule(start=0.02, end=0.0, end_fraction=1.0)
    model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=64, **{name: schedule}, **kwargs, seed=0)
    model.learn(200).save(tmp_path / "model")
    loaded = REINFORCE.load(tmp_path / "model")
    restored = getattr(loaded, name)
    assert [restored(progress) for progress in (1.0, 0.5, 0.0)] == [schedule(1.0), schedule(0.5), 0.0]
    loaded.set_env(model.get_env())
    loaded.learn(200, reset_num_timesteps=False)


@pytest.mark.parametrize(
    "hyperparameters",
    [HYPERPARAMETERS, dict(reward_to_go=True, exact_discounted_gradient=True), FITTED_VALUE, NATURAL_GRADIENT],
)
def test_save_load(tmp_path, hyperparameters):
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
    model = REINFORCE("MlpPolicy", env, seed=0, policy_kwargs=dict(net_arch=[16]), **hyperparameters).learn(300)
    obs = env.reset()
    actions, _ = model.predict(obs, deterministic=True)
    probs = model.policy.get_distribution(model.policy.obs_to_tensor(obs)[0]).distribution.probs.detach()
    model.save(tmp_path / "model")
    if hyperparameters.get("value_epochs"):
        value_steps = next(iter(model.value_optimizer.state_dict()["state"].values()))["step"]
        loaded = REINFORCE.load(tmp_path / "model")
        assert next(iter(loaded.value_optimizer.state_dict()["state"].values()))["step"] == value_steps

    loaded = REINFORCE.load(tmp_path / "model", env=env)
    np.testing.assert_array_equal(loaded.predict(obs, deterministic=True)[0], actions)
    loaded_probs = loaded.policy.get_distribution(loaded.policy.obs_to_tensor(obs)[0]).distribution.probs.detach()
    np.testing.assert_allclose(loaded_probs.numpy(), probs.numpy())
    for name, value in hyperparameters.items():
        attribute = "_stats_window_size" if name == "stats_window_size" else name  # SB3 keeps it private
        assert getattr(loaded, attribute) == value, name
    assert loaded.policy_kwargs["net_arch"] == [16]
    assert loaded.lr_factor == model.lr_factor

    steps = loaded.num_timesteps
    loaded.learn(300, reset_num_timesteps=False)
    assert loaded.num_timesteps >= steps + 300
    if not hyperparameters.get("natural_gradient"):  # (whose policy steps are not the optimizer's)
        # The optimizer state was restored too (Adam's step counter went on).
        state = loaded.policy.optimizer.state_dict()["state"]
        assert int(next(iter(state.values()))["step"]) == loaded._n_updates
    if hyperparameters.get("value_epochs"):
        # and the value optimizer's, whose steps went on too
        loaded_steps = next(iter(loaded.value_optimizer.state_dict()["state"].values()))["step"]
        assert loaded_steps > value_steps > 0


def test_load_without_env(tmp_path):
    model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=32, seed=0).learn(100)
    model.save(tmp_path / "model")
    loaded = REINFORCE.load(tmp_path / "model")
    obs = np.zeros((1, 4), dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict(obs, deterministic=True)[0], model.predict(obs, deterministic=True)[0])
    with pytest.raises(
        ValueError, match=r"env: learn\(\) needs an env, and this model has none; got None. Give it one with REINFORCE.load"
    ):
        loaded.learn(100)
    loaded.set_env(make_vec_env("CartPole-v1"))
    assert loaded.learn(100).num_timesteps >= 100


@pytest.mark.parametrize(
    "saved, changed",
    [
        (dict(baseline="value", value_epochs=0), {"value_epochs": 3}),
        (dict(baseline="leave_one_out"), {"baseline": "value", "value_epochs": 2}),
        (FITTED_VALUE, {"value_epochs": 0}),
        (FITTED_VALUE, {"baseline": None}),
    ],
)
def test_load_switches_the_value_fit(tmp_path, saved, changed):
    """custom_objects that switch the fitted value baseline on or off load the policy and train on."""
    env = make_vec_env("CartPole-v1", n_envs=2, seed=0)
    model = REINFORCE("MlpPolicy", env, n_steps=40, seed=0, **saved).learn(200)
    model.save(tmp_path / "model")
    loaded = REINFORCE.load(tmp_path / "model", env=env, custom_objects=changed)
    assert (loaded.value_optimizer is not None) == (loaded.baseline == "value" and loaded.value_epochs > 0)
    for name, parameter in model.policy.state_dict().items():
        np.testing.assert_array_equal(loaded.policy.state_dict()[name].numpy(), parameter.numpy())
    loaded.learn(200, reset_num_timesteps=False)


def test_set_parameters_across_value_fits(tmp_path):
    REINFORCE("MlpPolicy", "CartPole-v1", n_steps=40, seed=0, **FITTED_VALUE).learn(200).save(tmp_path / "fitted")
    plain = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=40, seed=1)
    plain.set_parameters(tmp_path / "fitted", exact_match=False)
    fitted = REINFORCE.load(tmp_path / "fitted")
    for name, parameter in fitted.policy.state_dict().items():
        np.testing.assert_array_equal(plain.policy.state_dict()[name].numpy(), parameter.numpy())
    plain.learn(200)


def test_set_parameters_without_the_value_optimizer_starts_it_afresh():
    """Adam's moments and step count of the value weights that the new ones replace are dropped."""
    plain = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=40, seed=0)
    fitted = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=40, seed=0, **FITTED_VALUE).learn(200)
    assert fitted.value_optimizer.state_dict()["state"]
    fitted.set_parameters(plain.get_parameters())
    assert fitted.value_optimizer.state_dict()["state"] == {}
    fitted.learn(200)
    # parameters that leave the value weights as they are leave its state too
    state = fitted.value_optimizer.state_dict()["state"]
    actor = {name: value for name, value in plain.policy.state_dict().items() if "value" not in name}
    for params in ({"policy.optimizer": fitted.policy.optimizer.state_dict()}, {"policy": actor}):
        fitted.set_parameters(params, exact_match=False)
        assert fitted.value_optimizer.state_dict()["state"].keys() == state.keys() and state


def test_a_model_saved_with_a_number_for_a_policy_switch_loads(tmp_path):
    """SB3 took ortho_init=0 as False; only a switch given to the constructor or to load is checked."""
    model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=16)
    model.policy_kwargs["ortho_init"] = 0  # (as saved before the check)
    model.save(tmp_path / "model")
    assert REINFORCE.load(tmp_path / "model").policy_kwargs["ortho_init"] == 0
    with pytest.raises(TypeError, match=r"policy_kwargs\['ortho_init'\] must be True or False; got 0"):
        REINFORCE.load(tmp_path / "model", custom_objects={"policy_kwargs": {"ortho_init": 0}})


class FixedLength(gym.Env):
    """Episodes of ``length`` steps."""

    observation_space = gym.spaces.Box(-1, 1, (2,))
    action_space = gym.spaces.Discrete(2)

    def __init__(self, length: int):
        self.length = length

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.zeros(2, dtype=np.float32), {}

    def step(self, action):
        self.t += 1
        return np.zeros(2, dtype=np.float32), float(action), self.t >= self.length, False, {}


def test_a_new_env_sizes_its_first_batch_as_a_new_model_does(tmp_path):
    """
    The number of episodes of a batch is set from the last batch's mean episode length: not from another
    env's, whose 5-step episodes would make a batch of 200 episodes of 500 steps.
    """
    model = REINFORCE("MlpPolicy", make_vec_env(FixedLength, env_kwargs=dict(length=5)), seed=0).learn(2000)
    model.save(tmp_path / "model")
    model.set_env(make_vec_env(FixedLength, env_kwargs=dict(length=500)))
    model.learn(1000)
    assert model.num_timesteps == 1000  # two episodes, as a new model's first batch
    loaded = REINFORCE.load(tmp_path / "model", env=make_vec_env(FixedLength, env_kwargs=dict(length=500)))
    loaded.learn(1000)
    assert loaded.num_timesteps == 1000
    # loaded without an env, the model keeps it (for an env it is given later, set_env drops it)
    loaded = REINFORCE.load(tmp_path / "model")
    assert loaded._mean_episode_length == pytest.approx(5.0)
    loaded.set_env(make_vec_env(FixedLength, env_kwargs=dict(length=500)))
    assert loaded._mean_episode_length is None


def test_the_learning_rate_is_lr_schedule_s_as_in_sb3(tmp_path):
    """
    SB3's algorithms step at ``lr_schedule``'s value: setting it changes the learning rate, the value fit's too
    (without ``value_learning_rate``).
    """
    model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=64, seed=0, baseline="value", value_epochs=2).learn(200)
    model.lr_schedule = lambda progress_remaining: 0.0
    before = [parameter.detach().clone() for parameter in model.policy.parameters()]
    model.learn(200, reset_num_timesteps=False)
    assert model.policy.optimizer.param_groups[0]["lr"] == 0.0 == model.value_optimizer.param_groups[0]["lr"]
    for parameter, old in zip(model.policy.parameters(), before, strict=True):
        assert th.equal(parameter, old)


def test_the_learning_rate_factor_applies_only_with_adapt_learning_rate(tmp_path):
    model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=32, learning_rate=1e-3, target_kl=0.5, adapt_learning_rate=True)
    model.lr_factor = 30.0
    model.save(tmp_path / "model")
    loaded = REINFORCE.load(tmp_path / "model", custom_objects=dict(adapt_learning_rate=False, learning_rate=1e-4))
    loaded.set_env(make_vec_env("CartPole-v1"))
    loaded.learn(100)
    assert loaded.policy.optimizer.param_groups[0]["lr"] == pytest.approx(1e-4)


def test_load_takes_stats_window_size_as_the_constructor_names_it(tmp_path):
    REINFORCE("MlpPolicy", "CartPole-v1", n_steps=32).save(tmp_path / "model")
    for loaded in (
        REINFORCE.load(tmp_path / "model", custom_objects=dict(stats_window_size=5)),
        REINFORCE.load(tmp_path / "model", stats_window_size=5),
    ):
        loaded.set_env(make_vec_env("CartPole-v1"))
        loaded.learn(100)
        assert loaded.ep_info_buffer.maxlen == 5
    with pytest.raises(ValueError, match=r"stats_window_size must be an integer >= 1; got 0"):
        REINFORCE.load(tmp_path / "model", custom_objects=dict(stats_window_size=0))

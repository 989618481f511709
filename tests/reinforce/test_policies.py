"""
What SB3's ``ActorCriticPolicy`` accepts, crossed with every supported action space and observation kind, for
``REINFORCE`` and ``MaskableREINFORCE``: a short ``learn``, ``predict`` shapes, ``save`` / ``load`` and the same
predictions after loading.
"""

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor

from sb3_reinforce import REINFORCE, MaskableREINFORCE, RecurrentREINFORCE

ACTION_SPACES = {
    "Discrete": spaces.Discrete(3),
    "MultiDiscrete": spaces.MultiDiscrete([2, 3]),
    "MultiBinary": spaces.MultiBinary(3),
    "Box": spaces.Box(-1, 1, (2,), dtype=np.float32),
    "Box2x2": spaces.Box(-2, 2, (2, 2), dtype=np.float32),
}
OBSERVATIONS = {
    "vector": spaces.Box(-1, 1, (4,), dtype=np.float32),
    "image": spaces.Box(0, 255, (36, 36, 1), dtype=np.uint8),
    "dict": spaces.Dict({"vec": spaces.Box(-1, 1, (3,), dtype=np.float32), "img": spaces.Box(0, 255, (36, 36, 1), np.uint8)}),
}
POLICY = {"vector": "MlpPolicy", "image": "CnnPolicy", "dict": "MultiInputPolicy"}


class MatrixEnv(gym.Env):
    """Episodes of 6 steps with random observations, a reward that depends on the action, and action masks."""

    def __init__(self, observation_space: spaces.Space, action_space: spaces.Space):
        self.observation_space, self.action_space = observation_space, action_space

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.observation_space.seed(seed)
        self.t = 0
        return self.observation_space.sample(), {}

    def step(self, action):
        assert self.action_space.contains(np.asarray(action, dtype=self.action_space.dtype)), action
        self.t += 1
        reward = -float(np.sum(np.square(np.asarray(action, dtype=np.float32) - 0.5)))
        return self.observation_space.sample(), reward, self.t == 6, False, {}

    def action_masks(self) -> np.ndarray:
        space = self.action_space
        size = {spaces.Discrete: lambda: space.n, spaces.MultiDiscrete: lambda: sum(space.nvec)}.get(
            type(space), lambda: 2 * space.n
        )()
        return np.arange(size) != 1  # the second choice (of the first dimension) is invalid


class TinyExtractor(BaseFeaturesExtractor):
    """A custom features extractor: one linear layer over the flattened (preprocessed) observation."""

    def __init__(self, observation_space: spaces.Box, features_dim: int = 8):
        super().__init__(observation_space, features_dim)
        self.linear = th.nn.Sequential(th.nn.Flatten(), th.nn.LazyLinear(features_dim), th.nn.Tanh())
        with th.no_grad():
            self.linear(th.as_tensor(observation_space.sample()[None]).float())

    def forward(self, observations: th.Tensor) -> th.Tensor:
        return self.linear(observations)


SMALL = dict(net_arch=[8])
# (id, policy_kwargs, model kwargs, which action spaces)
POLICY_OPTIONS = [
    ("default", {}, {}, None),
    ("separate extractors", dict(share_features_extractor=False, **SMALL), {}, None),
    ("net_arch list", dict(net_arch=[8, 8]), {}, None),
    ("net_arch dict", dict(net_arch=dict(pi=[8], vf=[4])), {}, None),
    ("custom extractor", dict(features_extractor_class=TinyExtractor, **SMALL), {}, None),
    ("custom extractor, separate", dict(features_extractor_class=TinyExtractor, share_features_extractor=False), {}, None),
    ("no ortho_init", dict(ortho_init=False, **SMALL), {}, None),
    ("relu", dict(activation_fn=th.nn.ReLU, **SMALL), {}, None),
    ("value baseline, separate", dict(share_features_extractor=False, **SMALL), dict(baseline="value"), None),
    ("fitted value baseline", SMALL, dict(baseline="value", value_epochs=2, value_batch_size=4), None),
    (
        "fitted value baseline, separate",
        dict(share_features_extractor=False, **SMALL),
        dict(baseline="value", value_epochs=2, target_kl=0.01),
        None,
    ),
    ("log_std_init", dict(log_std_init=-2.0, **SMALL), {}, ("Box", "Box2x2")),
    ("gSDE", dict(log_std_init=-1.0, **SMALL), dict(use_sde=True, sde_sample_freq=2), ("Box", "Box2x2")),
    ("gSDE squash_output", dict(squash_output=True, **SMALL), dict(use_sde=True), ("Box", "Box2x2")),
    ("gSDE full_std=False", dict(full_std=False, **SMALL), dict(use_sde=True), ("Box", "Box2x2")),
]


def cases():
    for algo in (REINFORCE, MaskableREINFORCE):
        for action in ACTION_SPACES:
            if algo is MaskableREINFORCE and action.startswith("Box"):
                continue
            # every policy option on vector observations
            for name, policy_kwargs, kwargs, actions in POLICY_OPTIONS:
                if actions is None or action in actions:
                    yield pytest.param(
                        algo, "vector", action, policy_kwargs, kwargs, id=f"{algo.__name__}-vector-{action}-{name}"
                    )
            # every observation kind, with shared and separate extractors
            for obs in ("image", "dict"):
                for share in (True, False):
                    policy_kwargs = dict(share_features_extractor=share, normalize_images=share, **SMALL)
                    yield pytest.param(
                        algo, obs, action, policy_kwargs, {}, id=f"{algo.__name__}-{obs}-{action}-share={share}"
                    )


@pytest.mark.parametrize("algo, obs, action, policy_kwargs, kwargs", list(cases()))
def test_policy_options(tmp_path, algo, obs, action, policy_kwargs, kwargs):
    action_space = ACTION_SPACES[action]
    env = make_vec_env(lambda: MatrixEnv(OBSERVATIONS[obs], action_space), n_envs=2, seed=0)
    model = algo(POLICY[obs], env, n_steps=6, seed=0, policy_kwargs=policy_kwargs, **kwargs)
    model.learn(24)
    assert model._n_updates >= 1 and np.isfinite(model.logger.name_to_value["train/policy_loss"])

    observations = env.reset()
    masks = np.stack(env.env_method("action_masks")) if algo is MaskableREINFORCE else None
    extra = {} if masks is None else {"action_masks": masks}
    actions, _ = model.predict(observations, deterministic=True, **extra)
    assert actions.shape == (2, *action_space.shape)
    assert all(action_space.contains(np.asarray(a, dtype=action_space.dtype)) for a in actions)

    model.save(tmp_path / "model")
    loaded = algo.load(tmp_path / "model", env=env)
    np.testing.assert_array_equal(loaded.predict(observations, deterministic=True, **extra)[0], actions)
    assert loaded.policy_kwargs == model.policy_kwargs
    loaded.learn(12, reset_num_timesteps=False)


def keyword_policy(base: type) -> type:
    """A policy class written as SB3's custom-policy guide shows: its own arguments, the others passed on."""

    class KeywordPolicy(base):  # type: ignore[misc, valid-type]
        def __init__(self, observation_space, action_space, lr_schedule, *args, **kwargs):
            super().__init__(observation_space, action_space, lr_schedule, *args, **kwargs)

    return KeywordPolicy


@pytest.mark.parametrize("algo", [REINFORCE, RecurrentREINFORCE])
def test_a_policy_class_that_passes_its_keyword_arguments_on_takes_gsde(algo):
    model = algo(keyword_policy(algo.policy_base), "Pendulum-v1", n_steps=64, use_sde=True, seed=0)
    assert model.policy.use_sde
    model.learn(400)

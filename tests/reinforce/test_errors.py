import gymnasium as gym
import pytest
from stable_baselines3.common.buffers import RolloutBuffer

from sb3_reinforce import REINFORCE
from sb3_reinforce.common.buffers import EpisodicRolloutBuffer


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(baseline="median"), r"baseline must be one of None, 'mean', 'leave_one_out', 'value'; got 'median'"),
        (dict(baseline="Value"), r"baseline must be one of"),
        (dict(gamma=1.5), r"gamma must be a number in \[0, 1\]; got 1.5"),
        (dict(gamma=-0.1), r"gamma must be a number in \[0, 1\]"),
        (dict(n_steps=0), r"n_steps must be a positive integer; got 0"),
        (dict(n_steps=-5), r"n_steps must be a positive integer"),
        (dict(n_steps=2.5), r"n_steps must be a positive integer"),
        (dict(max_grad_norm=0.0), r"max_grad_norm must be a positive number or None"),
        (dict(rollout_buffer_class=RolloutBuffer), r"rollout_buffer_class must be a subclass of .*EpisodicBufferMixin"),
    ],
)
def test_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        REINFORCE("MlpPolicy", "CartPole-v1", **kwargs)


class TupleActionEnv(gym.Env):
    observation_space = gym.spaces.Box(-1, 1, (2,))
    action_space = gym.spaces.Tuple((gym.spaces.Discrete(2), gym.spaces.Discrete(3)))

    def reset(self, *, seed=None, options=None):
        return self.observation_space.sample(), {}

    def step(self, action):
        return self.observation_space.sample(), 0.0, True, False, {}


def test_unsupported_action_space():
    with pytest.raises(
        ValueError, match=r"env: REINFORCE supports the action spaces Box, Discrete, MultiDiscrete, MultiBinary, got Tuple"
    ):
        REINFORCE("MlpPolicy", TupleActionEnv())


def test_meaningless_combinations_warn():
    with pytest.warns(UserWarning, match=r"vf_coef=0.3 has no effect"):
        REINFORCE("MlpPolicy", "CartPole-v1", vf_coef=0.3, baseline="leave_one_out")
    with pytest.warns(UserWarning, match=r"exact_discounted_gradient=True has no effect with reward_to_go=False"):
        REINFORCE("MlpPolicy", "CartPole-v1", reward_to_go=False, exact_discounted_gradient=True)


def test_good_buffer_class_is_accepted():
    model = REINFORCE("MlpPolicy", "CartPole-v1", rollout_buffer_class=EpisodicRolloutBuffer)
    assert isinstance(model.rollout_buffer, EpisodicRolloutBuffer)

import functools

import gymnasium as gym
import numpy as np
import pytest
import torch as th
from sb3_contrib.common.envs import InvalidActionEnvDiscrete
from sb3_contrib.common.recurrent.policies import RecurrentActorCriticPolicy
from stable_baselines3.common.buffers import RolloutBuffer
from stable_baselines3.common.callbacks import CheckpointCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.envs import IdentityEnvBox, SimpleMultiObsEnv
from stable_baselines3.common.policies import ActorCriticPolicy
from stable_baselines3.common.torch_layers import FlattenExtractor, NatureCNN

from sb3_reinforce import REINFORCE, MaskableRecurrentREINFORCE, MaskableREINFORCE
from sb3_reinforce.common.buffers import EpisodicDictRolloutBuffer, EpisodicRolloutBuffer, SequentialRolloutBuffer

# (keyword arguments, exception, message): every constructor parameter, wrong types and values out of range.
BAD_HYPERPARAMETERS = [
    (dict(policy=3), TypeError, r"policy must be a policy name \(MlpPolicy, CnnPolicy, MultiInputPolicy\) .*; got 3"),
    (dict(policy=dict), TypeError, r"policy must be a policy name"),
    (
        dict(policy="MlpLstmPolicy"),
        ValueError,
        r"policy: \w+ has no policy named 'MlpLstmPolicy'; its policies are MlpPolicy, CnnPolicy, MultiInputPolicy, or",
    ),
    (
        dict(policy=RecurrentActorCriticPolicy),
        ValueError,
        r"policy: \w+ needs a subclass of \w+ \(MlpPolicy, CnnPolicy, MultiInputPolicy\), not a recurrent one; got",
    ),
    (
        dict(env=3.0),
        TypeError,
        r"env must be a gymnasium.Env, an OpenAI Gym env \(which SB3 converts through shimmy\), a VecEnv, a registered env "
        r"id or None; got 3.0",
    ),
    (dict(env=None), ValueError, r"env: the policy is built for an env's spaces, so env=None needs _init_setup_model=False"),
    (dict(learning_rate=-1), ValueError, r"learning_rate must be a number >= 0; got -1; or a schedule"),
    (dict(learning_rate="0.01"), TypeError, r"learning_rate must be a number >= 0; got '0.01'"),
    (dict(learning_rate=float("nan")), ValueError, r"learning_rate must be a number >= 0; got nan"),
    (dict(n_steps=0), ValueError, r"n_steps must be an integer >= 1; got 0"),
    (dict(n_steps=-5), ValueError, r"n_steps must be an integer >= 1; got -5"),
    (dict(n_steps=2.5), TypeError, r"n_steps must be an integer >= 1; got 2.5"),
    (dict(n_steps=True), TypeError, r"n_steps must be an integer >= 1; got True"),
    (dict(gamma=1.5), ValueError, r"gamma must be a number in \[0, 1\]; got 1.5"),
    (dict(gamma=-0.1), ValueError, r"gamma must be a number in \[0, 1\]; got -0.1"),
    (dict(gamma="0.99"), TypeError, r"gamma must be a number in \[0, 1\]; got '0.99'"),
    (dict(reward_to_go="False"), TypeError, r"reward_to_go must be True or False; got 'False'"),
    (dict(reward_to_go=0), TypeError, r"reward_to_go must be True or False; got 0"),
    (dict(baseline="median"), ValueError, r"baseline must be one of None, 'mean', 'leave_one_out', 'value'; got 'median'"),
    (dict(baseline="Value"), ValueError, r"baseline must be one of"),
    (dict(exact_discounted_gradient="yes"), TypeError, r"exact_discounted_gradient must be True or False; got 'yes'"),
    (dict(ent_coef=-1), ValueError, r"ent_coef must be a number >= 0; got -1"),
    (dict(ent_coef="0.01"), TypeError, r"ent_coef must be a number >= 0; got '0.01'"),
    (dict(ent_coef=None), TypeError, r"ent_coef must be a number >= 0; got None"),
    (dict(ent_coef=float("inf")), ValueError, r"ent_coef must be a number >= 0; got inf"),
    (
        dict(ent_coef=lambda progress_remaining: -0.01),
        ValueError,
        r"ent_coef \(its schedule's value at progress remaining 1\) must be a number >= 0; got -0.01",
    ),
    (dict(vf_coef=-1, baseline="value"), ValueError, r"vf_coef must be a number >= 0 or None; got -1"),
    (dict(vf_coef="x", baseline="value"), TypeError, r"vf_coef must be a number >= 0 or None; got 'x'"),
    (dict(max_grad_norm=0.0), ValueError, r"max_grad_norm must be a number > 0 or None; got 0.0"),
    (dict(max_grad_norm="1"), TypeError, r"max_grad_norm must be a number > 0 or None; got '1'"),
    (dict(normalize_advantage="no"), TypeError, r"normalize_advantage must be True or False; got 'no'"),
    (dict(use_sde="yes"), TypeError, r"use_sde must be True or False; got 'yes'"),
    (dict(sde_sample_freq=0), ValueError, r"sde_sample_freq must be an integer >= 1, or -1; got 0"),
    (dict(sde_sample_freq=2.5), TypeError, r"sde_sample_freq must be an integer >= 1, or -1; got 2.5"),
    (dict(max_episode_length=0), ValueError, r"max_episode_length must be an integer >= 1; got 0"),
    (dict(max_episode_length=None), TypeError, r"max_episode_length must be an integer >= 1; got None"),
    (dict(target_kl=0), ValueError, r"target_kl must be a number > 0 or None; got 0"),
    (dict(target_kl="0.01"), TypeError, r"target_kl must be a number > 0 or None; got '0.01'; or a schedule"),
    (
        dict(target_kl=lambda progress_remaining: -0.01),
        ValueError,
        r"target_kl \(its schedule's value at progress remaining 1\) must be a number > 0; got -0.01",
    ),
    (
        dict(target_kl=lambda progress_remaining: 0.0),
        ValueError,
        r"target_kl \(its schedule's value at progress remaining 1\) must be a number > 0; got 0.0",
    ),
    (dict(adapt_learning_rate=1), TypeError, r"adapt_learning_rate must be True or False; got 1"),
    (
        dict(adapt_learning_rate=True),
        ValueError,
        r"adapt_learning_rate=True adapts the learning rate to target_kl, which is None",
    ),
    (dict(natural_gradient="yes"), TypeError, r"natural_gradient must be True or False; got 'yes'"),
    (
        dict(natural_gradient=True),
        ValueError,
        r"natural_gradient=True takes steps as long as target_kl allows, and target_kl is None",
    ),
    (
        dict(natural_gradient=True, target_kl=0.01, adapt_learning_rate=True),
        ValueError,
        r"adapt_learning_rate=True adapts the optimizer's step, which natural_gradient=True does not take",
    ),
    (
        dict(natural_gradient=True, target_kl=0.01, baseline="value"),
        ValueError,
        r"natural_gradient=True steps the policy only, and value_epochs=0 trains the value function in the policy's step",
    ),
    (dict(value_epochs=-1, baseline="value"), ValueError, r"value_epochs must be an integer >= 0; got -1"),
    (dict(value_epochs=None, baseline="value"), TypeError, r"value_epochs must be an integer >= 0; got None"),
    (
        dict(value_learning_rate=-1.0),
        ValueError,
        r"value_learning_rate must be a number >= 0 or None; got -1.0; or a schedule",
    ),
    (dict(value_learning_rate="x"), TypeError, r"value_learning_rate must be a number >= 0 or None; got 'x'"),
    (
        dict(learning_rate=lambda progress_remaining: -1),
        ValueError,
        r"learning_rate \(its schedule's value at progress remaining 1\) must be a number >= 0; got -1",
    ),
    (
        dict(learning_rate=lambda progress_remaining: "x"),
        TypeError,
        r"learning_rate \(its schedule's value at progress remaining 1\) must be a number >= 0; got 'x'",
    ),
    (
        dict(target_kl=lambda: 0.01),
        TypeError,
        r"target_kl must be a number or a schedule, a callable of the progress remaining \(1 to 0\); got <function",
    ),
    (dict(policy_kwargs=dict(net_arch="big")), TypeError, r"policy_kwargs\['net_arch'\] must be a list of layer sizes"),
    (dict(policy_kwargs=dict(net_arch=dict(pi=64))), TypeError, r"policy_kwargs\['net_arch'\] must be a list of layer"),
    (dict(policy_kwargs=dict(net_arch=[64, 0])), ValueError, r"policy_kwargs\['net_arch'\] layer size must be an integer"),
    (dict(policy_kwargs=dict(ortho_init="no")), TypeError, r"policy_kwargs\['ortho_init'\] must be True or False; got 'no'"),
    (
        dict(policy_kwargs=dict(activation_fn=th.nn.ReLU())),
        TypeError,
        r"policy_kwargs\[.activation_fn.\] must make a module when called without arguments, .*; got ReLU\(\)",
    ),
    (
        dict(policy_kwargs=dict(activation_fn=th.nn.Threshold)),
        TypeError,
        r"policy_kwargs\[.activation_fn.\] must make a module when called without arguments, .*; got <class",
    ),
    (
        dict(policy_kwargs=dict(activation_fn=th.relu)),
        TypeError,
        r"policy_kwargs\[.activation_fn.\] must make a module when called without arguments, .*; got <",
    ),
    (dict(value_batch_size=0), ValueError, r"value_batch_size must be an integer >= 1 or None; got 0"),
    (
        dict(rollout_buffer_class=RolloutBuffer),
        ValueError,
        r"rollout_buffer_class must be a subclass of .*EpisodicBufferMixin",
    ),
    (dict(rollout_buffer_kwargs=[]), TypeError, r"rollout_buffer_kwargs must be a dict or None; got \[\]"),
    (dict(stats_window_size=0), ValueError, r"stats_window_size must be an integer >= 1; got 0"),
    (dict(stats_window_size=1.5), TypeError, r"stats_window_size must be an integer >= 1; got 1.5"),
    (dict(tensorboard_log=1), TypeError, r"tensorboard_log must be a folder path or None; got 1"),
    (dict(policy_kwargs="dict(net_arch=[8])"), TypeError, r"policy_kwargs must be a dict or None; got 'dict"),
    (dict(verbose=3), ValueError, r"verbose must be an integer in \[0, 2\]; got 3"),
    (dict(verbose="1"), TypeError, r"verbose must be an integer in \[0, 2\]; got '1'"),
    (dict(seed=-1), ValueError, r"seed must be an integer in \[0, 4294967295\] or None; got -1"),
    (dict(seed=1.5), TypeError, r"seed must be an integer in \[0, 4294967295\] or None; got 1.5"),
    (dict(device="gpu"), ValueError, r"device must be 'auto' or a torch device .*; got 'gpu'"),
    (dict(device=0.5), TypeError, r"device must be 'auto' or a torch device; got 0.5"),
    (dict(_init_setup_model="yes"), TypeError, r"_init_setup_model must be True or False; got 'yes'"),
]


def arguments(algo: type[REINFORCE], kwargs: dict) -> dict:
    env = make_vec_env(lambda: InvalidActionEnvDiscrete(dim=4, n_invalid_actions=1, ep_length=5), n_envs=1)
    return {"policy": "MlpPolicy", "env": env, **kwargs}


@pytest.mark.parametrize("algo", [REINFORCE, MaskableREINFORCE])
@pytest.mark.parametrize("kwargs, exception, message", BAD_HYPERPARAMETERS)
def test_bad_hyperparameters(algo, kwargs, exception, message):
    if algo is MaskableREINFORCE and "use_sde" in kwargs:
        pytest.skip("MaskableREINFORCE has discrete actions only (tested below)")
    with pytest.raises(exception, match=message):
        algo(**arguments(algo, kwargs))


@pytest.mark.parametrize("algo", [REINFORCE, MaskableREINFORCE])
def test_numpy_scalars_are_numbers(algo, tmp_path):
    kwargs = dict(
        learning_rate=np.float32(0.01),
        n_steps=np.int64(16),
        gamma=np.float32(0.99),
        reward_to_go=np.bool_(True),
        ent_coef=np.float64(0.01),
        max_grad_norm=np.float16(0.5),
        normalize_advantage=np.bool_(False),
        stats_window_size=np.int32(10),
        seed=np.int64(3),
        baseline="value",
        value_epochs=np.int64(2),
        value_learning_rate=np.float32(0.001),
        value_batch_size=np.int64(8),
        target_kl=np.float32(0.05),
    )
    model = algo(**arguments(algo, kwargs)).learn(20)
    assert model.gamma == pytest.approx(0.99) and model.seed == 3
    # held as the Python numbers SB3's schedules and PyTorch take, after load too
    assert not [name for name, value in vars(model).items() if isinstance(value, np.generic)]
    model.save(tmp_path / "model")
    loaded = algo.load(tmp_path / "model", custom_objects={"learning_rate": np.float32(0.001)})
    assert isinstance(loaded.learning_rate, float)
    loaded.set_env(model.get_env())
    loaded.learn(20)


def test_use_sde_with_discrete_actions_is_refused_at_construction_and_load(tmp_path):
    message = r"use_sde: gSDE is for continuous \(Box\) actions, and the action space is Discrete; got True"
    # (an env given by its id: its action space is known once SB3 has made it)
    with pytest.raises(ValueError, match=message):
        REINFORCE("MlpPolicy", "CartPole-v1", use_sde=True)
    REINFORCE("MlpPolicy", "CartPole-v1", n_steps=16).save(tmp_path / "model")
    with pytest.raises(ValueError, match=message):
        REINFORCE.load(tmp_path / "model", custom_objects={"use_sde": True})


def test_masked_use_sde_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"use_sde: MaskableREINFORCE has discrete actions only"):
        MaskableREINFORCE(**arguments(MaskableREINFORCE, dict(use_sde=True)))
    with pytest.raises(ValueError, match=r"sde_sample_freq: MaskableREINFORCE has discrete actions only, .*; got 8"):
        MaskableREINFORCE(**arguments(MaskableREINFORCE, dict(sde_sample_freq=8)))
    # a model saved when it was taken still loads (it is unused)
    model = MaskableREINFORCE(**arguments(MaskableREINFORCE, dict(n_steps=16)))
    model.sde_sample_freq = 8
    model.save(tmp_path / "saved")
    assert MaskableREINFORCE.load(tmp_path / "saved").sde_sample_freq == 8
    # and when load restores it
    MaskableREINFORCE(**arguments(MaskableREINFORCE, dict(n_steps=16))).save(tmp_path / "model")
    with pytest.raises(ValueError, match=r"use_sde: MaskableREINFORCE has discrete actions only"):
        MaskableREINFORCE.load(tmp_path / "model", custom_objects={"use_sde": True})


@pytest.mark.parametrize(
    "custom_objects, exception, message",
    [
        ({"baseline": "median"}, ValueError, r"baseline must be one of .*; got 'median'"),
        ({"gamma": 2.0}, ValueError, r"gamma must be a number in \[0, 1\]; got 2.0"),
        ({"normalize_advantage": "no"}, TypeError, r"normalize_advantage must be True or False; got 'no'"),
        ({"learning_rate": -0.1}, ValueError, r"learning_rate must be a number >= 0; got -0.1"),
        ({"n_steps": 0}, ValueError, r"n_steps must be an integer >= 1; got 0"),
        ({"policy_kwargs": "x"}, TypeError, r"policy_kwargs must be a dict; got 'x'"),
    ],
)
def test_load_checks_what_it_restores(tmp_path, custom_objects, exception, message):
    REINFORCE("MlpPolicy", "CartPole-v1", n_steps=16).save(tmp_path / "model")
    with pytest.raises(exception, match=message):
        REINFORCE.load(tmp_path / "model", custom_objects=custom_objects)
    # keyword arguments of load too
    with pytest.raises(exception, match=message):
        REINFORCE.load(tmp_path / "model", **custom_objects)


@pytest.mark.parametrize(
    "kwargs, exception, message",
    [
        (dict(custom_objects=[("gamma", 0.5)]), TypeError, r"custom_objects must be a dict or None; got \[\('gamma', 0.5\)\]"),
        (dict(custom_objects=0), TypeError, r"custom_objects must be a dict or None; got 0"),
        (dict(device="gpu"), ValueError, r"device must be 'auto' or a torch device .*; got 'gpu'"),
        (dict(force_reset="no"), TypeError, r"force_reset must be True or False; got 'no'"),
        (dict(print_system_info="yes"), TypeError, r"print_system_info must be True or False; got 'yes'"),
    ],
)
def test_bad_load_arguments(tmp_path, kwargs, exception, message):
    REINFORCE("MlpPolicy", "CartPole-v1", n_steps=16).save(tmp_path / "model")
    with pytest.raises(exception, match=message):
        REINFORCE.load(tmp_path / "model", **kwargs)


class TupleActionEnv(gym.Env):
    observation_space = gym.spaces.Box(-1, 1, (2,))
    action_space = gym.spaces.Tuple((gym.spaces.Discrete(2), gym.spaces.Discrete(3)))

    def reset(self, *, seed=None, options=None):
        return self.observation_space.sample(), {}

    def step(self, action):
        return self.observation_space.sample(), 0.0, True, False, {}


class ActionSpaceEnv(gym.Env):
    observation_space = gym.spaces.Box(-1, 1, (2,))

    def __init__(self, action_space: gym.spaces.Space):
        self.action_space = action_space


def test_unsupported_action_space():
    with pytest.raises(
        ValueError, match=r"env: REINFORCE supports the action spaces Box, Discrete, MultiDiscrete, MultiBinary, got Tuple"
    ):
        REINFORCE("MlpPolicy", TupleActionEnv())
    # SB3's policies number discrete actions from 0, in one dimension
    for space, message in [
        (gym.spaces.Discrete(3, start=1), r"number discrete actions from 0, as SB3's do; got Discrete\(3, start=1\)"),
        (gym.spaces.MultiDiscrete([3, 2], start=[0, 1]), r"number discrete actions from 0, .*start at \[0 1\]"),
        (gym.spaces.MultiDiscrete([[2, 3], [4, 5]]), r"takes MultiDiscrete actions of one dimension, .*of shape \(2, 2\)"),
        (gym.spaces.MultiBinary((2, 3)), r"takes MultiBinary actions of one dimension, .*of shape \(2, 3\)"),
    ]:
        with pytest.raises(ValueError, match=rf"(?s)env: REINFORCE'?s? .*{message}"):
            REINFORCE("MlpPolicy", ActionSpaceEnv(space))
    with pytest.raises(ValueError, match=r"env: MaskableREINFORCE supports the action spaces Discrete, .*got Box"):
        MaskableREINFORCE("MlpPolicy", IdentityEnvBox())


def test_a_features_extractor_for_other_observations():
    """A policy class (SB3 checks only the names "MlpPolicy" and "CnnPolicy") whose features extractor does not read
    the env's observations: built, it would fail inside torch at the first step."""
    with pytest.raises(
        ValueError,
        match=r"policy: ActorCriticPolicy reads observations with FlattenExtractor, .*no Dict .*"
        r"Use MultiInputPolicy, or a features_extractor_class",
    ):
        REINFORCE(ActorCriticPolicy, SimpleMultiObsEnv())
    kwargs = dict(features_extractor_class=FlattenExtractor)
    with pytest.raises(
        ValueError,
        match=r"policy_kwargs\['features_extractor_class'\]: FlattenExtractor, which takes no Dict observations; got "
        r"Dict.* Give one that reads them, or none for MultiInputActorCriticPolicy's own",
    ):
        REINFORCE("MultiInputPolicy", SimpleMultiObsEnv(), policy_kwargs=kwargs)
    # (when the policy's own extractor does not read them either, the policies whose do are named)
    with pytest.raises(ValueError, match=r"Give one that reads them, or none with MultiInputPolicy$"):
        REINFORCE(ActorCriticPolicy, SimpleMultiObsEnv(), policy_kwargs=kwargs)
    with pytest.raises(
        ValueError,
        match=r"reads observations with CombinedExtractor, which takes Dict observations only; "
        r"got Box.* Use MlpPolicy or CnnPolicy",
    ):
        REINFORCE("MultiInputPolicy", "CartPole-v1")


def test_a_features_extractor_of_ones_own_is_not_checked():
    """Even a subclass of SB3's: here one that reads a key of the Dict with SB3's CNN."""

    class ImageCNN(NatureCNN):
        def __init__(self, observation_space: gym.spaces.Dict):
            super().__init__(observation_space["img"], features_dim=16)

        def forward(self, observations: dict) -> th.Tensor:
            return super().forward(observations["img"])

    kwargs = dict(features_extractor_class=ImageCNN)
    for policy in (ActorCriticPolicy, "MultiInputPolicy"):
        REINFORCE(policy, SimpleMultiObsEnv(), n_steps=8, policy_kwargs=kwargs).learn(20)


def test_unbounded_continuous_actions():
    """Refused by the constructor (before SB3 asserts finite bounds) and by set_env."""
    unbounded = ActionSpaceEnv(gym.spaces.Box(-np.inf, np.inf, (2,)))
    message = r"env: REINFORCE's policies clip or squash continuous actions to their bounds, .*not all finite"
    with pytest.raises(ValueError, match=message):
        REINFORCE("MlpPolicy", unbounded)
    model = REINFORCE("MlpPolicy", ActionSpaceEnv(gym.spaces.Box(-1, 1, (2,))), _init_setup_model=False)
    with pytest.raises(ValueError, match=message):
        model.set_env(unbounded)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("target_kl", {}),
        ("target_kl", dict(natural_gradient=True)),
        ("ent_coef", {}),
        ("learning_rate", {}),
        ("value_learning_rate", dict(baseline="value", value_epochs=1)),
    ],
)
def test_a_schedule_that_turns_negative_stops_learn_naming_it(name, kwargs):
    """
    A negative bound would undo every update (or, natural, take the square root of a negative number), a
    negative entropy coefficient would pull the policy toward determinism, a negative learning rate climb the loss.
    """
    schedule = lambda progress_remaining: 0.01 if progress_remaining > 0.5 else -0.01  # noqa: E731
    model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=64, **{name: schedule}, **kwargs)
    message = rf"{name} \(its schedule's value at progress remaining 0.\d+\) must be a number >= 0; got -0.01"
    with pytest.raises(ValueError, match=message):
        model.learn(2000)
    assert model.num_timesteps >= 1000


def test_an_lr_schedule_set_by_hand_is_checked_by_its_name():
    model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=64)
    model.lr_schedule = lambda: 0.1
    with pytest.raises(TypeError, match=r"lr_schedule must be a number or a schedule, .*which does not take one argument"):
        model.learn(200)


def test_a_learning_rate_schedule_is_checked_before_sb3_turns_its_values_into_floats():
    model = REINFORCE(
        "MlpPolicy", "CartPole-v1", n_steps=64, learning_rate=lambda progress: 0.01 if progress > 0.5 else "0.001"
    )
    with pytest.raises(TypeError, match=r"learning_rate \(its schedule's value at progress remaining 0.\d+\) .*; got '0.001'"):
        model.learn(2000)


def test_a_target_kl_schedule_may_return_numpy_or_torch_numbers():
    for number in (np.float32, th.tensor):
        model = REINFORCE("MlpPolicy", "CartPole-v1", n_steps=64, target_kl=lambda progress, number=number: number(0.01))
        model.learn(300)
        assert model.logger.name_to_value["train/target_kl"] == pytest.approx(0.01)


def test_networks_sb3_builds_are_accepted():
    """What SB3's policies take: an activation made by any callable, SB3's net_arch format before 1.8, and any
    net_arch for a policy class of one's own."""
    leaky = functools.partial(th.nn.LeakyReLU, negative_slope=0.2)
    REINFORCE("MlpPolicy", "CartPole-v1", policy_kwargs=dict(activation_fn=leaky, net_arch=(8, 8)))
    # (the check does not call it: a factory of one module per layer makes exactly those)
    layers = iter([th.nn.ReLU(), th.nn.Tanh()])
    model = REINFORCE("MlpPolicy", "CartPole-v1", policy_kwargs=dict(activation_fn=lambda: next(layers), net_arch=[8]))
    assert [type(layer) for layer in model.policy.mlp_extractor.policy_net] == [th.nn.Linear, th.nn.ReLU]
    with pytest.warns(UserWarning, match="shared layers in the mlp_extractor are removed"):
        REINFORCE("MlpPolicy", "CartPole-v1", policy_kwargs=dict(net_arch=[dict(pi=[8], vf=[8])]))

    class NamedArchitectures(ActorCriticPolicy):
        def __init__(self, *args, net_arch: str = "small", **kwargs):
            super().__init__(*args, net_arch=dict(small=[8], large=[64, 64])[net_arch], **kwargs)

    REINFORCE(NamedArchitectures, "CartPole-v1", policy_kwargs=dict(net_arch="large"))


def test_meaningless_combinations_warn():
    with pytest.warns(UserWarning, match=r"vf_coef=0.3 has no effect"):
        REINFORCE("MlpPolicy", "CartPole-v1", vf_coef=0.3, baseline="leave_one_out")
    with pytest.warns(UserWarning, match=r"vf_coef=0.3 has no effect: .*value_epochs=0"):
        REINFORCE("MlpPolicy", "CartPole-v1", vf_coef=0.3, baseline="value", value_epochs=3)
    with pytest.warns(
        UserWarning, match=r"value_epochs=3 has no effect: a value function is fitted only with baseline='value'"
    ):
        REINFORCE("MlpPolicy", "CartPole-v1", value_epochs=3)
    with pytest.warns(UserWarning, match=r"exact_discounted_gradient=True has no effect with reward_to_go=False"):
        REINFORCE("MlpPolicy", "CartPole-v1", reward_to_go=False, exact_discounted_gradient=True)
    with pytest.warns(UserWarning, match=r"sde_sample_freq=4 has no effect: it sets gSDE's noise, and use_sde is False"):
        REINFORCE("MlpPolicy", "Pendulum-v1", sde_sample_freq=4)
    with pytest.warns(UserWarning, match=r"max_grad_norm=0.5 has no effect: with natural_gradient=True"):
        REINFORCE("MlpPolicy", "CartPole-v1", max_grad_norm=0.5, target_kl=0.01, natural_gradient=True)
    for name, value in [("value_learning_rate", 1e-3), ("value_batch_size", 128)]:
        with pytest.warns(UserWarning, match=rf"{name} has no effect: .*baseline='value', value_epochs=0"):
            REINFORCE("MlpPolicy", "CartPole-v1", baseline="value", **{name: value})
        with pytest.warns(UserWarning, match=rf"{name} has no effect: .*baseline='leave_one_out', value_epochs=3"):
            REINFORCE("MlpPolicy", "CartPole-v1", value_epochs=3, **{name: value})


@pytest.mark.parametrize("algo", [MaskableREINFORCE, MaskableRecurrentREINFORCE])
def test_a_buffer_class_without_the_masks_is_refused(algo):
    policy = "MlpLstmPolicy" if algo is MaskableRecurrentREINFORCE else "MlpPolicy"
    message = r"rollout_buffer_class: .* stores its batches in a subclass of .*MaskableRolloutBuffer .*; got"
    for buffer_class in (EpisodicRolloutBuffer, SequentialRolloutBuffer):
        with pytest.raises(ValueError, match=message):
            algo(**arguments(algo, dict(policy=policy, rollout_buffer_class=buffer_class)))


def test_a_dict_buffer_for_flat_observations_is_refused():
    with pytest.raises(ValueError, match=r"rollout_buffer_class: REINFORCE stores its batches in a subclass of .*; got"):
        REINFORCE("MlpPolicy", "CartPole-v1", rollout_buffer_class=EpisodicDictRolloutBuffer)


def test_good_buffer_class_is_accepted():
    model = REINFORCE("MlpPolicy", "CartPole-v1", rollout_buffer_class=EpisodicRolloutBuffer)
    assert isinstance(model.rollout_buffer, EpisodicRolloutBuffer)


@pytest.mark.parametrize(
    "kwargs, exception, message",
    [
        (dict(total_timesteps=-5), ValueError, r"total_timesteps must be a number >= 0; got -5"),
        (dict(total_timesteps=2.5), ValueError, r"total_timesteps must be a whole number of steps; got 2.5"),
        (dict(total_timesteps="100"), TypeError, r"total_timesteps must be a number >= 0; got '100'"),
        (dict(total_timesteps=100, log_interval=0), ValueError, r"log_interval must be an integer >= 1 or None; got 0"),
        (dict(total_timesteps=100, tb_log_name=1), TypeError, r"tb_log_name must be a string; got 1"),
        (dict(total_timesteps=100, reset_num_timesteps="no"), TypeError, r"reset_num_timesteps must be True or False"),
        (dict(total_timesteps=100, progress_bar=1), TypeError, r"progress_bar must be True or False; got 1"),
        (dict(total_timesteps=100, callback="eval"), TypeError, r"callback must be a BaseCallback, .* or None; got 'eval'"),
        (dict(total_timesteps=100, callback=[None]), TypeError, r"callback must be .*; got \[None\]"),
        (
            dict(total_timesteps=100, callback=CheckpointCallback),
            TypeError,
            r"callback must be a callback instance, not a class: pass CheckpointCallback\(...\) rather than",
        ),
    ],
)
@pytest.mark.parametrize("algo", [REINFORCE, MaskableREINFORCE])
def test_bad_learn_arguments(algo, kwargs, exception, message):
    model = algo(**arguments(algo, {}))
    with pytest.raises(exception, match=message):
        model.learn(**kwargs)
    assert model.num_timesteps == 0


def test_every_kind_of_callback_sb3_takes_is_accepted():
    calls = []
    callbacks = [lambda local_vars, global_vars: calls.append(1) is None, [CheckpointCallback(10**6, "unused")], None]
    for callback in callbacks:
        REINFORCE("MlpPolicy", "CartPole-v1", n_steps=32).learn(50, callback=callback)
    assert calls


def test_bad_use_masking():
    with pytest.raises(TypeError, match=r"use_masking must be True or False; got 'no'"):
        MaskableREINFORCE(**arguments(MaskableREINFORCE, {})).learn(100, use_masking="no")


def test_total_timesteps_as_a_float():
    model = REINFORCE(**arguments(REINFORCE, dict(n_steps=10))).learn(1e2)
    assert model._total_timesteps == 100 and isinstance(model._total_timesteps, int)

import gymnasium as gym
import optuna
import pytest
import torch as th

from sb3_reinforce import REINFORCE, MaskableRecurrentREINFORCE, RecurrentREINFORCE
from sb3_reinforce.zoo import (
    convert_reinforce_lstm_params,
    convert_reinforce_params,
    default_conf_file,
    main,
    read_entry,
    sample_reinforce_lstm_params,
    sample_reinforce_params,
)
from sb3_reinforce.zoo.hyperparams import LSTM_HIDDEN_SIZES

# A short search: few steps, one evaluation of two episodes per trial.
SEARCH = ["--env", "CartPole-v1", "-n", "1000", "--n-evaluations", "1", "--eval-episodes", "2", "--no-optim-plots"]


@pytest.mark.parametrize("natural_gradient", [False, True])
@pytest.mark.parametrize("baseline", ["none", "mean", "leave_one_out", "value"])
@pytest.mark.parametrize("n_actions", [0, 1])
def test_sampled_parameters_construct_a_model(baseline, n_actions, natural_gradient):
    trial = optuna.trial.FixedTrial(
        dict(
            n_steps=64,
            one_minus_gamma=0.01,
            learning_rate=0.001,
            reward_to_go=True,
            exact_discounted_gradient=True,
            baseline=baseline,
            normalize_advantage=False,
            ent_coef=0.001,
            net_arch="small",
            activation_fn="relu",
            target_kl=0.01,
            target_kl_schedule="linear" if natural_gradient else "constant",
            natural_gradient=natural_gradient,
            adapt_learning_rate=True,
            value_epochs=3,
            use_sde=True,
        )
    )
    hyperparams = sample_reinforce_params(trial, n_actions=n_actions, n_envs=1, additional_args={})
    assert hyperparams["gamma"] == pytest.approx(0.99)
    assert hyperparams["baseline"] == (None if baseline == "none" else baseline)
    assert ("use_sde" in hyperparams) == (n_actions > 0)
    assert hyperparams.get("value_epochs") == (3 if baseline == "value" else None)
    env = "Pendulum-v1" if n_actions else "CartPole-v1"
    model = REINFORCE("MlpPolicy", env, **hyperparams)
    assert model.exact_discounted_gradient and not model.normalize_advantage
    # a linear target_kl decays from the sampled value to 0
    target_kl = model.target_kl(0.5) if natural_gradient else model.target_kl
    assert target_kl == pytest.approx(0.005 if natural_gradient else 0.01)
    # the natural gradient takes no learning rate to adapt
    assert model.natural_gradient == natural_gradient and model.adapt_learning_rate != natural_gradient
    assert model.policy.net_arch == dict(pi=[64, 64], vf=[64, 64])


def test_natural_gradient_is_not_sampled_with_the_value_trained_in_the_policy_step():
    params = dict(n_steps=64, one_minus_gamma=0.01, learning_rate=0.001, reward_to_go=False, baseline="value")
    params |= dict(value_epochs=0, normalize_advantage=True, ent_coef=0.001, net_arch="tiny", activation_fn="tanh")
    # no natural_gradient: FixedTrial fails if it is asked
    params |= dict(target_kl=0.01, target_kl_schedule="constant", adapt_learning_rate=False)
    hyperparams = sample_reinforce_params(optuna.trial.FixedTrial(params), n_actions=0, n_envs=1, additional_args={})
    assert hyperparams["natural_gradient"] is False
    REINFORCE("MlpPolicy", "CartPole-v1", **hyperparams)


@pytest.mark.parametrize("algo", [RecurrentREINFORCE, MaskableRecurrentREINFORCE])
def test_lstm_sampler_covers_the_lstm_size(algo):
    params = dict(n_steps=64, one_minus_gamma=0.01, learning_rate=0.001, reward_to_go=True, exact_discounted_gradient=False)
    params |= dict(baseline="value", value_epochs=0, normalize_advantage=True, ent_coef=0.001, net_arch="tiny")
    params |= dict(activation_fn="tanh", target_kl=None, lstm_hidden_size=32)
    hyperparams = sample_reinforce_lstm_params(optuna.trial.FixedTrial(params), n_actions=0, n_envs=1, additional_args={})
    assert hyperparams["policy_kwargs"]["lstm_hidden_size"] == 32
    assert convert_reinforce_lstm_params(params) == hyperparams
    model = algo("MlpLstmPolicy", "CartPole-v1", **hyperparams)
    assert model.policy.lstm_actor.hidden_size == 32 and model.policy.lstm_critic.hidden_size == 32
    # a trial of a reinforce study (no LSTM size): the policy's default LSTM
    del params["lstm_hidden_size"]
    model = algo("MlpLstmPolicy", "CartPole-v1", **convert_reinforce_lstm_params(params))
    assert model.policy.lstm_actor.hidden_size == algo("MlpLstmPolicy", "CartPole-v1").policy.lstm_actor.hidden_size
    sampler = optuna.samplers.RandomSampler(seed=0)
    sizes = {
        sample_reinforce_lstm_params(trial, 0, 1, {})["policy_kwargs"]["lstm_hidden_size"]
        for trial in (optuna.create_study(sampler=sampler).ask() for _ in range(40))
    }
    assert sizes == set(LSTM_HIDDEN_SIZES)


# What rl_zoo3 takes out of an entry before the rest goes to the model's constructor
NOT_MODEL_KEYS = ("n_envs", "n_timesteps", "policy", "normalize", "env_wrapper", "frame_stack", "callback")


@pytest.mark.parametrize(
    ("algo", "env_id"),
    [("reinforce", env_id) for env_id in ("LunarLander-v3", "Pendulum-v1", "Hopper-v5")]
    + [("reinforce_lstm", env_id) for env_id in ("CartPoleNoVel-v1", "PendulumNoVel-v1")],
)
def test_sampled_trials_merged_into_a_shipped_entry_construct_a_model(algo, env_id):
    """
    rl_zoo3 builds a trial's model from the entry updated with the trial's hyperparameters, and --trial-id from
    the entry updated with the stored trial's, converted: every trial gives a valid model, whatever the entry's
    step rule (the natural gradient, an adapted learning rate).
    """
    import rl_zoo3.import_envs  # noqa: F401  (the velocity-masked tasks)

    entry = {key: value for key, value in read_entry(default_conf_file(algo), env_id).items() if key not in NOT_MODEL_KEYS}
    assert entry.get("natural_gradient") or entry.get("adapt_learning_rate")
    recurrent = algo == "reinforce_lstm"
    model_class, policy = (RecurrentREINFORCE, "MlpLstmPolicy") if recurrent else (REINFORCE, "MlpPolicy")
    sample = sample_reinforce_lstm_params if recurrent else sample_reinforce_params
    convert = convert_reinforce_lstm_params if recurrent else convert_reinforce_params
    env = gym.make(env_id)
    n_actions = env.action_space.shape[0] if isinstance(env.action_space, gym.spaces.Box) else 0
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(30):
        trial = study.ask()
        model_class(policy, env, _init_setup_model=False, **{**entry, **sample(trial, n_actions, 1, {})})
        model_class(policy, env, _init_setup_model=False, **{**entry, **convert(trial.params)})


def test_converter_reads_stored_trials():
    stored = dict(n_steps=128, one_minus_gamma=0.05, learning_rate=0.01, reward_to_go=False, baseline="none")
    stored |= dict(normalize_advantage=True, ent_coef=0.0, net_arch="tiny", activation_fn="tanh")
    hyperparams = convert_reinforce_params(stored)
    assert hyperparams["gamma"] == pytest.approx(0.95) and hyperparams["baseline"] is None
    assert "gae_lambda" not in hyperparams and "one_minus_gamma" not in hyperparams
    REINFORCE("MlpPolicy", "CartPole-v1", **hyperparams)


def test_optimize_records_trials_in_sqlite(tmp_path):
    storage = f"sqlite:///{tmp_path / 'reinforce.db'}"
    optimize = ["-optimize", "--n-trials", "2", "--storage", storage, "--study-name", "cartpole"]
    main(["train", "--algo", "reinforce", *SEARCH, *optimize, "-f", str(tmp_path), "--seed", "0", "--verbose", "0"])
    trials = optuna.load_study(study_name="cartpole", storage=storage).trials
    assert len(trials) == 2
    assert all(trial.state == optuna.trial.TrialState.COMPLETE for trial in trials)
    assert {"learning_rate", "baseline", "reward_to_go", "n_steps"} <= set(trials[0].params)


def test_read_entry_as_the_zoo_reads_it(tmp_path):
    conf = tmp_path / "conf.yml"
    conf.write_text(
        "Pendulum-v1:\n"
        "  normalize: \"{'norm_obs': True, 'norm_reward': False}\"\n"
        "  policy_kwargs: 'dict(net_arch=[8], activation_fn=nn.ReLU)'\n"
        "  learning_rate: lin_0.004\n"
        "  target_kl: lin_0.02\n"
        "  n_envs: 2\n"
    )
    entry = read_entry(conf, "Pendulum-v1")
    assert entry["normalize"] == {"norm_obs": True, "norm_reward": False} and entry["n_envs"] == 2
    assert entry["policy_kwargs"] == {"net_arch": [8], "activation_fn": th.nn.ReLU}
    assert entry["learning_rate"](0.5) == pytest.approx(0.002) and entry["target_kl"](0.25) == pytest.approx(0.005)
    with pytest.raises(
        ValueError,
        match=r"env_id: .*conf.yml has no entry for 'CartPole-v1' \(nor a 'default' one\); it has \['Pendulum-v1'\]",
    ):
        read_entry(conf, "CartPole-v1")
    # then, as rl_zoo3: 'atari' for an Atari env, else 'default'
    conf.write_text(conf.read_text() + "atari:\n  n_envs: 8\ndefault:\n  n_envs: 3\n")
    assert read_entry(conf, "CartPole-v1")["n_envs"] == 3 and read_entry(conf, "Pendulum-v1")["n_envs"] == 2
    gym.register("ReadEntryTest/Pong-v0", entry_point="ale_py.env:AtariEnv")  # (its entry point is all that is read)
    assert read_entry(conf, "ReadEntryTest/Pong-v0")["n_envs"] == 8
    assert read_entry(conf, "Unregistered-v0")["n_envs"] == 3  # (no entry point to read)


def test_read_entry_makes_a_shipped_entry():
    entry = read_entry(default_conf_file("reinforce_lstm"), "CartPoleNoVel-v1")
    for key in ("n_envs", "n_timesteps", "normalize", "policy"):
        del entry[key]
    RecurrentREINFORCE("MlpLstmPolicy", "CartPole-v1", **entry)

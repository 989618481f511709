import argparse
from pathlib import Path

import numpy as np
import pytest
import yaml
from rl_zoo3.exp_manager import ExperimentManager
from stable_baselines3 import SAC

from sb3_reinforce import REINFORCE, MaskableRecurrentREINFORCE, MaskableREINFORCE, RecurrentREINFORCE
from sb3_reinforce.zoo import ALGOS, default_conf_file, main, register
from sb3_reinforce.zoo.run import MASKED_ENV_ID


def train(log_folder: Path, *args: str) -> Path:
    """Run ``train`` for a few hundred steps; return the saved model's folder."""
    main(["train", "--env", "CartPole-v1", "-f", str(log_folder), "--seed", "0", "--verbose", "0", *args])
    (run,) = log_folder.glob("*/CartPole-v1_*")
    return run


def test_train_enjoy_load(tmp_path, capsys):
    run = train(tmp_path, "--algo", "reinforce", "-n", "2000", "--eval-freq", "1000", "--eval-episodes", "2")
    for name in ("CartPole-v1.zip", "best_model.zip", "evaluations.npz", "CartPole-v1/config.yml", "CartPole-v1/args.yml"):
        assert (run / name).exists(), name
    config = dict(yaml.load((run / "CartPole-v1/config.yml").read_text(), Loader=yaml.UnsafeLoader))
    assert config["baseline"] == "leave_one_out" and config["reward_to_go"] is True

    capsys.readouterr()
    main(["enjoy", "--algo", "reinforce", "--env", "CartPole-v1", "-f", str(tmp_path), "--no-render", "-n", "300"])
    out = capsys.readouterr().out
    assert f"Loading {run / 'CartPole-v1.zip'}" in out
    assert "Episode Reward:" in out

    model = REINFORCE.load(run / "CartPole-v1.zip")
    assert model.num_timesteps >= 2000
    action, _ = model.predict(np.zeros(4, dtype=np.float32), deterministic=True)
    assert action in (0, 1)


def test_other_algorithms_stay_available(tmp_path):
    run = train(tmp_path, "--algo", "a2c", "-n", "200")
    assert (run / "CartPole-v1.zip").exists()
    # with rl_zoo3's own conversion of their conf files' values: SAC's ent_coef 'auto_<initial value>'
    args = ["--env", "Pendulum-v1", "-f", str(tmp_path / "sac"), "--seed", "0", "--verbose", "0", "-n", "150"]
    main(["train", "--algo", "sac", *args, "-params", "ent_coef:'auto_0.5'", "learning_starts:100"])
    (run,) = (tmp_path / "sac").glob("sac/Pendulum-v1_*")
    model = SAC.load(run / "Pendulum-v1.zip")
    assert model.ent_coef == "auto_0.5" and model.log_ent_coef is not None


def test_options_spelled_as_rl_zoo3_takes_them(tmp_path):
    # a prefix of --algo (argparse's, which rl_zoo3 takes) reads the shipped conf file too (rl_zoo3 has no
    # reinforce.yml); of several --algo, the last counts
    for folder, args in (("prefix", ["--alg", "reinforce"]), ("last", ["--algo", "a2c", "--algo=reinforce"])):
        run = train(tmp_path / folder, *args, "-n", "200")
        assert isinstance(REINFORCE.load(run / "CartPole-v1.zip"), REINFORCE)


def test_user_conf_file_and_params_take_precedence(tmp_path):
    conf = tmp_path / "mine.yml"
    conf.write_text(
        yaml.safe_dump({"CartPole-v1": dict(policy="MlpPolicy", n_timesteps=300, n_steps=64, learning_rate=0.002, gamma=0.9)})
    )
    run = train(tmp_path / "logs", "--algo", "reinforce", "--conf-file", str(conf), "-params", "n_steps:128")
    model = REINFORCE.load(run / "CartPole-v1.zip")
    assert model.n_steps == 128  # -params beats the user's file
    assert model.lr_schedule(1.0) == 0.002 and model.gamma == 0.9  # the user's file replaces the shipped one


def test_conf_file_schedules_of_target_kl_value_learning_rate_and_ent_coef(tmp_path):
    entry = dict(policy="MlpPolicy", n_timesteps=300, n_steps=64, baseline="value", value_epochs=2)
    entry |= dict(target_kl="lin_0.02", value_learning_rate="lin_0.004", natural_gradient=True, ent_coef="lin_0.01")
    conf = tmp_path / "mine.yml"
    conf.write_text(yaml.safe_dump({"CartPole-v1": entry}))
    model = REINFORCE.load(train(tmp_path / "logs", "--algo", "reinforce", "--conf-file", str(conf)) / "CartPole-v1.zip")
    assert model.target_kl(0.5) == pytest.approx(0.01) and model.value_learning_rate(0.5) == pytest.approx(0.002)
    assert model.ent_coef(0.5) == pytest.approx(0.005)

    conf.write_text(yaml.safe_dump({"CartPole-v1": entry | dict(target_kl="exp_0.02")}))
    with pytest.raises(
        ValueError, match=r"target_kl must be a number or 'lin_<initial value>' \(e.g. 'lin_0.01'\); got 'exp_0.02'"
    ):
        train(tmp_path / "bad", "--algo", "reinforce", "--conf-file", str(conf))


@pytest.mark.parametrize("algo", list(ALGOS))
def test_every_shipped_entry_constructs_a_model(tmp_path, algo):
    register()
    conf = default_conf_file(algo)
    entries = yaml.safe_load(Path(conf).read_text())
    assert entries
    for env_id, entry in entries.items():
        manager = ExperimentManager(argparse.Namespace(), algo, env_id, str(tmp_path), eval_freq=-1, config=conf, verbose=0)
        model, _ = manager.setup_experiment()
        assert type(model) is ALGOS[algo]
        for name in ("n_steps", "gamma", "reward_to_go", "baseline", "normalize_advantage"):
            if name in entry:
                assert getattr(model, name) == entry[name], (env_id, name)
        assert model.env.num_envs == entry.get("n_envs", 1)


def test_reinforce_mask(tmp_path):
    main(["train", "--algo", "reinforce_mask", "--env", MASKED_ENV_ID, "-f", str(tmp_path), "-n", "500", "--verbose", "0"])
    (model_path,) = tmp_path.glob("reinforce_mask/*/*.zip")
    assert MaskableREINFORCE.load(model_path).num_timesteps >= 500


def test_reinforce_lstm_train_and_enjoy(tmp_path, capsys):
    """A velocity-masked task of rl_zoo3 with the shipped entry; enjoy passes the LSTM state from step to step."""
    args = ["--env", "CartPoleNoVel-v1", "-f", str(tmp_path), "--seed", "0", "--verbose", "0"]
    main(["train", "--algo", "reinforce_lstm", *args, "-n", "1000", "--eval-freq", "500", "--eval-episodes", "2"])
    (model_path,) = tmp_path.glob("reinforce_lstm/CartPoleNoVel-v1_1/CartPoleNoVel-v1.zip")
    model = RecurrentREINFORCE.load(model_path)
    assert model.num_timesteps >= 1000 and model.policy.lstm_actor.hidden_size == 64
    capsys.readouterr()
    main(["enjoy", "--algo", "reinforce_lstm", "--env", "CartPoleNoVel-v1", "-f", str(tmp_path), "--no-render", "-n", "200"])
    assert "Episode Reward:" in capsys.readouterr().out


def test_reinforce_lstm_mask(tmp_path):
    main(
        ["train", "--algo", "reinforce_lstm_mask", "--env", MASKED_ENV_ID, "-f", str(tmp_path), "-n", "500", "--verbose", "0"]
    )
    (model_path,) = tmp_path.glob("reinforce_lstm_mask/*/*.zip")
    assert MaskableRecurrentREINFORCE.load(model_path).num_timesteps >= 500


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(capsys, flag):
    main([flag])
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m sb3_reinforce.zoo {train,enjoy,plot_train,plot_from_file,all_plots}")
    for text in ("--algo reinforce", "--algo reinforce_mask", "--algo reinforce_lstm", default_conf_file("reinforce_lstm")):
        assert text in out, text


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit, match=r"the first argument must be a command \(train, enjoy, .*\); got 'fit'"):
        main(["fit"])
    assert capsys.readouterr().err.startswith("usage: python -m sb3_reinforce.zoo")


def test_train_help_names_the_program(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m sb3_reinforce.zoo train")


def test_env_without_a_shipped_entry(tmp_path):
    # (with an entry, train would train it for its whole budget)
    assert "MountainCar-v0" not in yaml.safe_load(Path(default_conf_file("reinforce")).read_text())
    with pytest.raises(
        SystemExit, match=r"no hyperparameters for --algo reinforce on MountainCar-v0 in .*reinforce.yml\. .*--conf-file"
    ):
        main(["train", "--algo", "reinforce", "--env", "MountainCar-v0", "-f", str(tmp_path)])
    # a conf file of the user's, by rl_zoo3's short spelling of --conf-file: named as the file read
    conf = tmp_path / "my.yml"
    conf.write_text(yaml.safe_dump({"CartPole-v1": {"n_timesteps": 1000, "policy": "MlpPolicy"}}))
    with pytest.raises(SystemExit, match=r"on MountainCar-v0 in .*my\.yml\. "):
        main(["train", "--algo", "reinforce", "--env", "MountainCar-v0", "-f", str(tmp_path), "-conf", str(conf)])
    # without --algo, rl_zoo3 runs its default (ppo) and says so itself
    with pytest.raises(ValueError, match=r"Hyperparameters not found for ppo-MountainCar-v0"):
        main(["train", "--env", "MountainCar-v0", "-f", str(tmp_path), "-conf", str(conf)])

"""
Tuning with several workers on one study, on real storage: a journal file, SQLite, and a PostgreSQL server
started for the tests; and the one-line errors for storage that cannot be used.
"""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest
import yaml

from sb3_reinforce import REINFORCE
from sb3_reinforce.zoo import convert_reinforce_params, main

# A short search: few steps, one evaluation of two episodes per trial.
SEARCH = ["--env", "CartPole-v1", "-n", "1000", "--n-evaluations", "1", "--eval-episodes", "2", "--no-optim-plots"]
TRAIN = [sys.executable, "-m", "sb3_reinforce.zoo", "train", "--algo", "reinforce", "--verbose", "0"]


def postgresql_programs() -> Path:
    """The folder of PostgreSQL's server programs (``initdb``, ``pg_ctl``), as Debian installs them or on the PATH."""
    on_path = shutil.which("pg_ctl")
    if on_path is not None:
        return Path(on_path).resolve().parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        pytest.fail(
            "the PostgreSQL server is not installed (no pg_ctl in /usr/lib/postgresql/*/bin or on the PATH): "
            "install it as the README's install command does (Debian: apt-get install postgresql)"
        )
    return found[-1].parent


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def postgresql_url() -> Iterator[str]:
    """
    A throwaway PostgreSQL server: its own data directory, a free local port, started for the tests and
    stopped after them. The server refuses to run as root, so as root it runs as the ``postgres`` user.
    """
    programs = postgresql_programs()
    as_server_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="sb3-reinforce-postgresql-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_server_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_server_user, *command], check=True, capture_output=True, text=True)

    try:
        run(str(programs / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(programs / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start")
        run(str(programs / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "optuna")
        yield f"postgresql://postgres@127.0.0.1:{port}/optuna"
    except subprocess.CalledProcessError as error:
        pytest.fail(f"could not start a PostgreSQL server: {error.cmd}: {error.stderr}")
    finally:
        if (data / "postmaster.pid").exists():
            run(str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["journal", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """
    A storage of each kind the README recommends for several workers: rl_zoo3's journal file (one machine) and
    a database on a PostgreSQL server (several machines). (SQLite: ``test_optimize_records_trials_in_sqlite``.)
    """
    if request.param == "journal":
        return str(tmp_path / "tuning.log")
    return request.getfixturevalue("postgresql_url")


def open_study(storage: str, study_name: str) -> optuna.Study:
    """Load a study as rl_zoo3 stores it (a path ending in ``.log`` is a journal file)."""
    if storage.endswith(".log"):
        return optuna.load_study(
            study_name=study_name,
            storage=optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(storage)),
        )
    return optuna.load_study(study_name=study_name, storage=storage)


def test_two_workers_share_one_study(storage, tmp_path, request):
    study_name = f"cartpole-{request.node.callspec.id}"
    optimize = [*TRAIN, *SEARCH, "-optimize", "--n-trials", "1", "--storage", storage, "--study-name", study_name]
    optimize += ["--sampler", "random", "--pruner", "none"]
    workers = [
        subprocess.Popen([*optimize, "--seed", str(seed), "-f", str(tmp_path / f"worker{seed}")], stdout=subprocess.PIPE)
        for seed in (1, 2)
    ]
    outputs = [worker.communicate(timeout=300)[0].decode() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    # Both workers' trials are in the one study: one each, both complete, sampled independently.
    study = open_study(storage, study_name)
    assert len(study.trials) == 2
    assert all(trial.state == optuna.trial.TrialState.COMPLETE for trial in study.trials)
    assert len({trial.params["learning_rate"] for trial in study.trials}) == 2
    # Each worker wrote its own report of the study.
    reports = [list((tmp_path / f"worker{seed}" / "reinforce").glob("report_*.csv")) for seed in (1, 2)]
    assert all(len(report) == 1 for report in reports)

    # The best trial's hyperparameters load back: through the study, into a model...
    best = study.best_trial
    model = REINFORCE("MlpPolicy", "CartPole-v1", **convert_reinforce_params(best.params))
    assert model.learning_rate == pytest.approx(best.params["learning_rate"])
    assert model.n_steps == best.params["n_steps"]
    # ...and through --trial-id, which trains with that trial's values (a non-zero id: rl_zoo3 ignores 0).
    trial = study.trials[-1]
    folder = tmp_path / "from-trial"
    loaded = [*TRAIN, "--env", "CartPole-v1", "-n", "200", "--storage", storage, "--study-name", study_name]
    subprocess.run([*loaded, "--trial-id", str(trial.number), "-f", str(folder)], check=True, capture_output=True)
    (config,) = folder.glob("reinforce/CartPole-v1_1/CartPole-v1/config.yml")
    used = dict(yaml.load(config.read_text(), Loader=yaml.UnsafeLoader))
    expected = convert_reinforce_params(trial.params)
    assert used["learning_rate"] == pytest.approx(expected["learning_rate"])
    assert used["n_steps"] == expected["n_steps"] and used["baseline"] == expected["baseline"]


def train_with(*options: str) -> str:
    """Run ``train`` in this process with bad ``options``, and return the one-line error it stops with."""
    with pytest.raises(SystemExit) as stopped:
        main(["train", "--algo", "reinforce", *SEARCH, *options])
    message = str(stopped.value)
    assert message.startswith("python -m sb3_reinforce.zoo train: ") and "\n" not in message
    return message


def test_storage_errors(tmp_path):
    optimize = ["-optimize", "--n-trials", "1", "-f", str(tmp_path)]
    # a file path that is neither a journal file nor a database URL
    message = train_with(*optimize, "--storage", "tuning.db")
    assert (
        "--storage must be a journal file ending in .log (one machine) or a database URL" in message
        and "'tuning.db'" in message
    )
    # a scheme SQLAlchemy does not know, and the usual mistake for PostgreSQL's
    message = train_with(*optimize, "--storage", "postgres://user@localhost/optuna")
    assert "unknown database scheme 'postgres://' (write postgresql:// for postgres://)" in message
    message = train_with(*optimize, "--storage", "http://localhost/optuna")
    assert "unknown database scheme 'http://'" in message
    # the options spelled by a prefix, as rl_zoo3's parser takes them
    message = train_with("--optimize", "--n-trials", "1", "-f", str(tmp_path), "--stor", "postgres://user@localhost/optuna")
    assert "unknown database scheme 'postgres://'" in message
    # a port that is not a number
    message = train_with(*optimize, "--storage", "postgresql://user:secret@localhost:port/optuna")
    assert "--storage must be a journal file" in message and "user:***@localhost:port" in message
    assert "secret" not in message
    # a server that cannot be reached: the reason, not the password
    url = f"postgresql://user:secret@127.0.0.1:{free_port()}/optuna"
    message = train_with(*optimize, "--storage", url)
    assert "cannot open the database" in message and "Connection refused" in message and "secret" not in message

    # a database whose driver is not installed: which driver, and what to install; not the password
    message = train_with(*optimize, "--storage", "mysql://user:secret@127.0.0.1/optuna")
    assert "the database driver is not installed (No module named 'MySQLdb'); pip install the driver of mysql" in message
    assert "secret" not in message
    # ... named by the URL: psycopg2's for postgresql+psycopg2:// (the postgresql extra installs psycopg 3)
    message = train_with(*optimize, "--storage", "postgresql+psycopg2://user:secret@127.0.0.1/optuna")
    assert "(No module named 'psycopg2'); pip install the driver of postgresql+psycopg2 (psycopg2)" in message

    # a study of that name made to be minimized
    storage = f"sqlite:///{tmp_path / 'tuning.db'}"
    optuna.create_study(study_name="lower", storage=storage, direction="minimize")
    message = train_with(*optimize, "--storage", storage, "--study-name", "lower")
    assert "the study 'lower'" in message and "was created to minimize" in message

    # a trial that cannot be loaded
    study = optuna.create_study(study_name="higher", storage=storage, direction="maximize")
    study.enqueue_trial({"learning_rate": 0.01})
    study.enqueue_trial({"learning_rate": 0.02})
    for _ in range(2):
        study.optimize(lambda trial: trial.suggest_float("learning_rate", 1e-4, 0.1), n_trials=1)
    higher = ["--storage", storage, "--study-name", "higher"]
    assert "--trial-id must be the number of a trial of 'higher' (0 to 1); got 5" in train_with(*higher, "--trial-id", "5")
    assert "--trial-id 0 is ignored by rl_zoo3" in train_with(*higher, "--trial-id", "0")
    assert "--trial-id 1 needs --study-name" in train_with("--storage", storage, "--trial-id", "1")
    assert "--trial-id 1 needs --storage and --study-name" in train_with("--trial-id", "1")
    assert "no study 'missing'" in train_with("--storage", storage, "--study-name", "missing", "--trial-id", "1")

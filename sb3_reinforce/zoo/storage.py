"""
The Optuna storage of ``train -optimize --storage``: checked and prepared before rl_zoo3 uses it.

rl_zoo3 takes ``--storage`` as a journal file (a path ending in ``.log``, its default since 2.6) or as a
database URL that SQLAlchemy reads (``sqlite:///tuning.db``, ``postgresql://user:password@host/db``,
``mysql+pymysql://...``). Its own errors for a bad one come late and long (a traceback from SQLAlchemy's
dialect loader, or from the database driver), and one case passes silently: a study of that name created
to be minimized is loaded and minimized. Here each of them is one line that names the option, what it got
and what it accepts, raised before anything is trained.
"""

import random
import re
import time
from pathlib import Path

import optuna
import sqlalchemy.exc
from sqlalchemy.engine import make_url

# SQLAlchemy URL schemes people write for a server and the one to write instead
_SCHEME_FIXES = {"postgres": "postgresql", "postgre": "postgresql", "pgsql": "postgresql", "psql": "postgresql"}
# The extra of this package that installs the driver of a URL's dialect (SQLAlchemy's driver for
# postgresql:// is psycopg 3)
_DRIVER_EXTRAS = {"postgresql+psycopg": "sb3-reinforce[postgresql] (psycopg 3)"}


class StorageError(ValueError):
    """A ``--storage``, ``--study-name`` or ``--trial-id`` that cannot be used, with why."""


def open_storage(storage: str, attempts: int = 10) -> optuna.storages.BaseStorage:
    """
    Open the storage as rl_zoo3 will: a journal file for a path ending in ``.log``, a database otherwise,
    whose tables are created if they do not exist yet.

    Workers started together on a new database would each try to create the tables and all but one fail;
    here a worker that loses that race retries and finds the tables made.

    :param storage: the ``--storage`` value
    :param attempts: how many times to try to reach a database
    :return: the storage
    :raises StorageError: for a path that is not a journal file, a URL SQLAlchemy cannot read, a database
        whose driver is not installed, or a server that cannot be reached
    """
    if storage.endswith(".log"):
        Path(storage).parent.mkdir(parents=True, exist_ok=True)
        return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(storage))
    url = _parse_url(storage)
    attempt = 1
    while True:
        try:
            return optuna.storages.RDBStorage(storage)
        except ImportError as error:
            # (Optuna replaces the driver's ModuleNotFoundError by an ImportError that does not name it)
            missing = error.__cause__ if isinstance(error.__cause__, ImportError) else error
            dialect = url.get_dialect()
            extra = _DRIVER_EXTRAS.get(
                f"{dialect.name}+{dialect.driver}", f"the driver of {url.drivername} ({dialect.driver})"
            )
            raise StorageError(
                f"--storage {_hide_password(storage)}: the database driver is not installed ({missing}); pip install {extra}"
            ) from None
        except (sqlalchemy.exc.SQLAlchemyError, optuna.exceptions.StorageInternalError) as error:
            # A worker that loses the race to create the tables gets an error from the database (PostgreSQL:
            # a duplicate key of its catalog; SQLite: a table that exists) and finds them made on the next try.
            if attempt == attempts:
                reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
                raise StorageError(f"--storage {_hide_password(storage)}: cannot open the database: {reason}") from None
            attempt += 1
            time.sleep(random.uniform(0.1, 0.5))


def _parse_url(storage: str) -> sqlalchemy.engine.URL:
    """
    Read a database URL and check that SQLAlchemy has a dialect for its scheme.

    :param storage: the ``--storage`` value
    :return: the URL
    :raises StorageError: for a value that is not a URL or whose scheme SQLAlchemy does not know
    """
    accepted = (
        "a journal file ending in .log (one machine) or a database URL: sqlite:///path.db (one machine), "
        "postgresql://user:password@host:port/database or mysql+pymysql://... (several machines)"
    )
    try:
        url = make_url(storage)
    except (sqlalchemy.exc.ArgumentError, ValueError):  # (ValueError: a port that is not a number)
        raise StorageError(f"--storage must be {accepted}; got {_hide_password(storage)!r}") from None
    try:
        url.get_dialect()
    except sqlalchemy.exc.NoSuchModuleError:
        scheme = url.drivername.split("+")[0]
        fix = _SCHEME_FIXES.get(scheme)
        hint = f" (write {fix}:// for {scheme}://)" if fix else ""
        raise StorageError(f"--storage: unknown database scheme {scheme + '://'!r}{hint}; it must be {accepted}") from None
    return url


def _hide_password(storage: str) -> str:
    """The storage as it may be printed: a database URL without its password (also one SQLAlchemy cannot read)."""
    if storage.endswith(".log"):
        return storage
    try:
        return make_url(storage).render_as_string(hide_password=True)
    except (sqlalchemy.exc.ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", storage)


def check_storage(storage: str, study_name: str | None, trial_id: int | None) -> None:
    """
    Check what ``train -optimize`` (or ``train --trial-id``) is given, before anything runs: the storage
    opens (tables created, see :func:`open_storage`), a study of that name, if it exists, maximizes (rl_zoo3
    maximizes the evaluation's return, and loading a study made to minimize would minimize it), and a trial
    to load exists in it.

    :param storage: the ``--storage`` value
    :param study_name: the ``--study-name`` value, if any
    :param trial_id: the ``--trial-id`` value, if any
    :raises StorageError: with what is wrong and what is accepted
    """
    optuna_storage = open_storage(storage)
    if study_name is None:
        if trial_id is not None:
            raise StorageError(f"--trial-id {trial_id} needs --study-name: the study whose trial to load")
        return
    try:
        study = optuna.load_study(study_name=study_name, storage=optuna_storage)
    except KeyError:
        if trial_id is not None:
            raise StorageError(
                f"--study-name: no study {study_name!r} in {_hide_password(storage)} to load a trial from"
            ) from None
        return
    if study.directions != [optuna.study.StudyDirection.MAXIMIZE]:
        directions = ", ".join(direction.name.lower() for direction in study.directions)
        raise StorageError(
            f"--study-name: the study {study_name!r} in {_hide_password(storage)} was created to {directions}; "
            "rl_zoo3 maximizes the evaluation's return. Give another --study-name, or delete that study "
            f"(optuna.delete_study(study_name={study_name!r}, storage=...))"
        )
    if trial_id is not None:
        numbers = [trial.number for trial in study.trials]
        if trial_id not in numbers:
            raise StorageError(
                f"--trial-id must be the number of a trial of {study_name!r} (0 to {len(numbers) - 1}); got {trial_id}"
            )
        if trial_id == 0:
            # rl_zoo3 tests the trial id for truth, so it would train with the conf file's values instead.
            raise StorageError(
                "--trial-id 0 is ignored by rl_zoo3 (it loads a trial only for a non-zero id); load that trial's "
                "hyperparameters with sb3_reinforce.zoo.convert_reinforce_params(optuna.load_study(...).trials[0].params)"
            )

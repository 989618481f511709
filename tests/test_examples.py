"""Every script of ``examples/`` runs as written (briefly: fewer steps than their defaults)."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name: str, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> str:
    """Run ``examples/<name>`` as ``python examples/<name> args`` does, in this process; return what it printed."""
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / name), *args])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return capsys.readouterr().out


def test_every_example_is_tested():
    tested = {"train_cartpole.py", "train_masked.py", "train_mujoco.py", "derivation_figures.py"}
    assert {path.name for path in EXAMPLES.glob("*.py")} == tested


def test_train_cartpole(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = run_example("train_cartpole.py", "--steps", "2000", monkeypatch=monkeypatch, capsys=capsys)
    assert "CartPole-v1 after 2000 steps: greedy return" in out and (tmp_path / "reinforce_cartpole.zip").exists()


def test_train_masked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = run_example("train_masked.py", "--steps", "2000", monkeypatch=monkeypatch, capsys=capsys)
    assert "InvalidActionEnvDiscrete after 2000 steps: masked greedy return" in out
    assert (tmp_path / "reinforce_masked.zip").exists()


def test_train_mujoco(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = run_example("train_mujoco.py", "--steps", "2000", monkeypatch=monkeypatch, capsys=capsys)
    assert "HalfCheetah-v5 after 2000 steps: greedy return" in out
    assert (tmp_path / "reinforce_mujoco.zip").exists() and (tmp_path / "reinforce_mujoco_vecnormalize.pkl").exists()


def test_derivation_figures(tmp_path, monkeypatch, capsys):
    out = run_example("derivation_figures.py", "--out", str(tmp_path), monkeypatch=monkeypatch, capsys=capsys)
    assert sorted(path.name for path in tmp_path.glob("*.png")) == ["baselines.png", "estimators.png", "log_probabilities.png"]
    # What the derivation page says of them: the exact estimators' expectations are grad J, plain G_t's is not;
    # float32 products of 0.9 lose the gradient at 850 steps and are 0 at 990.
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    bias = float(lines["G_t estimator"].split("= ")[1].split(";")[0])
    assert bias > 0.5
    assert "R(tau): 0.00e+00" in lines["G_t estimator"]
    assert "not finite from T = 850" in out and "-inf from T = 990" in out

"""`python -m genmodels`: dispatch to train, export and bench."""

import subprocess
import sys

import pytest

from genmodels import __main__ as entry
from genmodels import cli


def test_unknown_command_is_an_error_with_the_usage():
    with pytest.raises(SystemExit, match="unknown command 'fly'.*usage: python -m genmodels"):
        entry.main(["fly"])


def test_train_is_passed_to_the_cli(monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "main", seen.append)
    entry.main(["train", "gan", "--retrain"])
    assert seen == [["gan", "--retrain"]]


def test_train_help_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "genmodels", "train", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "python -m genmodels train" in result.stdout


def test_prune_is_dispatched(monkeypatch):
    from genmodels import prune

    seen = []
    monkeypatch.setattr(prune, "main", lambda: seen.append("prune"))
    entry.main(["prune"])
    assert seen == ["prune"]

"""Project paths, atomic writes and derived-cache reads and writes."""

import os
import warnings

import pytest
import torch

from genmodels import paths
from genmodels.errors import CacheWarning


def test_project_root_is_the_checkout():
    assert (paths.PROJECT_ROOT / "pyproject.toml").is_file()
    assert (paths.PROJECT_ROOT / "src" / "genmodels" / "paths.py").is_file()


def test_atomic_write_creates_folders_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a" / "b" / "file.bin"
    paths.atomic_write(target, b"one")
    paths.atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["file.bin"]


def test_torch_bytes_are_the_same_for_the_same_object():
    state = {"w": torch.arange(4.0)}
    assert paths.torch_bytes(state) == paths.torch_bytes({"w": torch.arange(4.0)})


def test_read_cache_misses_quietly_when_absent_and_loudly_when_broken(tmp_path):
    assert paths.read_cache(tmp_path / "absent", lambda p: p.read_text()) is None
    broken = tmp_path / "broken"
    broken.write_text("x")
    with pytest.warns(CacheWarning, match="wrong shape"):
        assert paths.read_cache(broken, lambda p: p.read_text(), valid=lambda v: v == "y") is None
    with pytest.warns(CacheWarning, match="unreadable"):
        assert paths.read_cache(broken, lambda p: int(p.read_text())) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert paths.read_cache(broken, lambda p: p.read_text()) == "x"


def test_write_cache_into_a_file_path_is_a_warning(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.warns(CacheWarning, match="could not be written"):
        paths.write_cache(tmp_path / "file" / "entry", b"x")

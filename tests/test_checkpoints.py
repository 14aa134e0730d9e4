"""The shared epoch loop: a checkpoint per epoch, resumed after an interruption with the same result."""

import pytest
import torch

from genmodels import checkpoints
from genmodels.config import VAEConfig
from genmodels.errors import CacheWarning

CONFIG = VAEConfig(name="loop", epochs=3)


def _run(folder, max_epochs=None, fresh=False):
    """A 'model' that is a list of one random draw per epoch: what was drawn shows the seeding."""
    state = {"history": []}

    def run_epoch(epoch, generator):
        state["history"].append((epoch, torch.rand(1, generator=generator).item()))

    return checkpoints.run_epochs(CONFIG, folder, fresh, max_epochs, state, run_epoch)


def test_an_interrupted_run_resumes_to_the_same_result(tmp_path):
    whole, _ = _run(tmp_path / "a")
    with pytest.raises(KeyboardInterrupt, match="stopped after epoch 1 of 3"):
        _run(tmp_path / "b", max_epochs=1)
    resumed, _ = _run(tmp_path / "b")
    assert resumed["history"] == whole["history"] and [e for e, _ in whole["history"]] == [0, 1, 2]


def test_fresh_ignores_the_checkpoint(tmp_path):
    _run(tmp_path, max_epochs=None)
    again, _ = _run(tmp_path, fresh=True)
    assert len(again["history"]) == 3


def test_a_garbage_checkpoint_is_a_warning_and_a_fresh_start(tmp_path):
    _run(tmp_path)
    (tmp_path / f"{CONFIG.checkpoint_key}.pt").write_bytes(b"garbage")
    with pytest.warns(CacheWarning, match="unreadable"):
        state, _ = _run(tmp_path)
    assert len(state["history"]) == 3


def test_each_epoch_draws_from_its_own_seed():
    first = torch.rand(1, generator=checkpoints._epoch_generator(0, 1))
    assert torch.equal(first, torch.rand(1, generator=checkpoints._epoch_generator(0, 1)))
    assert not torch.equal(first, torch.rand(1, generator=checkpoints._epoch_generator(0, 2)))

import json

import pytest
import torch

from genmodels import data, weights
from genmodels.config import VAEConfig

TINY = VAEConfig(name="tiny_vae", architecture="mlp", latent_dim=3, hidden_dim=16, epochs=2, batch_size=64)


@pytest.fixture(scope="module")
def tiny_data():
    images, _ = data.mnist(train=False)
    train_images = data.to_unit_interval(images[:192])
    test_images = data.binarise_dynamic(
        data.to_unit_interval(images[192:256]), torch.Generator().manual_seed(0)
    )
    return {"train_images": train_images, "test_images": test_images}


def _train(config, tmp_path, tiny_data, **options):
    return weights.load_or_train(
        config,
        progress=False,
        weights_dir=tmp_path / "w",
        checkpoint_dir=tmp_path / "c",
        **tiny_data,
        **options,
    )


def _state(trained):
    return {k: v.clone() for k, v in trained["vae"].state_dict().items()}


def test_cache_hit_does_not_train(tmp_path, tiny_data, monkeypatch):
    first = _train(TINY, tmp_path, tiny_data)
    assert first.entry["sha256"] == weights.file_sha256(tmp_path / "w" / "tiny_vae.pt")
    assert len(first.entry["history"]["train"]) == 2
    monkeypatch.setattr("genmodels.train.train", lambda *a, **k: pytest.fail("trained again"))
    second = _train(TINY, tmp_path, tiny_data)
    for key, value in _state(first).items():
        assert torch.equal(value, second["vae"].state_dict()[key])


def test_config_change_is_a_miss(tmp_path, tiny_data):
    _train(TINY, tmp_path, tiny_data)
    changed = VAEConfig(**{**TINY.__dict__, "beta": 2.0})
    assert changed.config_hash != TINY.config_hash
    assert weights.load_trained(changed, tmp_path / "w") is None
    retrained = _train(changed, tmp_path, tiny_data)
    assert retrained.entry["config_hash"] == changed.config_hash


def test_corrupt_file_is_an_error(tmp_path, tiny_data):
    _train(TINY, tmp_path, tiny_data)
    path = tmp_path / "w" / "tiny_vae.pt"
    payload = bytearray(path.read_bytes())
    payload[-10] ^= 0xFF
    path.write_bytes(bytes(payload))
    with pytest.raises(weights.WeightsError, match="corrupt"):
        _train(TINY, tmp_path, tiny_data)


def test_manifest_records_what_the_report_needs(tmp_path, tiny_data):
    _train(TINY, tmp_path, tiny_data)
    entry = json.loads((tmp_path / "w" / "manifest.json").read_text())["tiny_vae"]
    for key in ("config", "config_hash", "sha256", "epochs", "train_seconds", "hardware", "history", "final"):
        assert key in entry
    assert set(entry["history"]["test"][0]) == {"total", "reconstruction", "kl"}


def test_resume_reproduces_uninterrupted_run(tmp_path, tiny_data):
    uninterrupted = _train(TINY, tmp_path / "a", tiny_data)
    with pytest.raises(KeyboardInterrupt):
        _train(TINY, tmp_path / "b", tiny_data, max_epochs=1)  # interrupted after epoch 1
    resumed = _train(TINY, tmp_path / "b", tiny_data)
    assert resumed.entry["sha256"] == uninterrupted.entry["sha256"]  # the same bytes, not just values
    for key, value in _state(uninterrupted).items():
        assert torch.equal(value, resumed["vae"].state_dict()[key]), key
    assert resumed.entry["history"] == uninterrupted.entry["history"] | {
        "seconds": resumed.entry["history"]["seconds"]
    }


def test_cached_metric_computed_once(tmp_path, tiny_data):
    _train(TINY, tmp_path, tiny_data)
    calls = []

    def compute():
        calls.append(1)
        return 42.0

    assert weights.cached_metric(TINY, "answer", compute, tmp_path / "w") == 42.0
    assert weights.cached_metric(TINY, "answer", compute, tmp_path / "w") == 42.0
    assert len(calls) == 1


def _store_unversioned(folder, config, key, value):
    """A metric as stored before metric versions existed: the value alone, no version."""
    path = weights.manifest_path(folder)
    manifest = json.loads(path.read_text())
    manifest[config.name]["metrics"][key] = value
    manifest[config.name].pop("metric_versions", None)
    path.write_text(json.dumps(manifest))


def test_a_stored_metric_without_a_version_is_version_1(tmp_path, tiny_data):
    _train(TINY, tmp_path, tiny_data)
    _store_unversioned(tmp_path / "w", TINY, "fid", {"fid": 30.0})
    recompute = lambda: pytest.fail("a version-1 record was recomputed")  # noqa: E731
    assert weights.cached_metric(TINY, "fid", recompute, tmp_path / "w") == {"fid": 30.0}
    assert weights.cached_metric(TINY, "fid", recompute, tmp_path / "w", version=1) == {"fid": 30.0}


def test_a_stored_metric_of_an_older_version_is_recomputed_and_stored_with_its_version(tmp_path, tiny_data):
    _train(TINY, tmp_path, tiny_data)
    _store_unversioned(tmp_path / "w", TINY, "fid", {"fid": 30.0})
    newer = weights.cached_metric(TINY, "fid", lambda: {"fid": 30.0, "kid": 0.02}, tmp_path / "w", version=2)
    assert newer == {"fid": 30.0, "kid": 0.02}
    entry = weights.load_manifest(tmp_path / "w")[TINY.name]
    assert entry["metrics"]["fid"] == newer and weights.stored_metric_version(entry, "fid") == 2
    again = weights.cached_metric(TINY, "fid", lambda: pytest.fail("recomputed"), tmp_path / "w", version=2)
    assert again == newer


# Metrics whose code raised its `cached_metric` version (a new key in the stored dict).
RAISED_METRIC_VERSIONS = {"held_out_discriminator": 2, "held_out_bce_reading": 2}


def test_shipped_metrics_are_at_the_versions_the_code_asks_for():
    """The shipped manifest's metrics (FID: 8 min, NLL: 21 min) stay valid: version 1 unless raised."""
    for entry in weights.load_manifest().values():
        for key in entry["metrics"]:
            assert weights.stored_metric_version(entry, key) == RAISED_METRIC_VERSIONS.get(key, 1), key


def test_raised_metrics_are_read_from_the_manifest_not_recomputed(monkeypatch):
    from genmodels import gan_results

    def no_scores(*args, **kwargs):
        raise AssertionError("recomputed: the stored record's version is below the one asked for")

    monkeypatch.setattr(gan_results, "discriminator_scores", no_scores)
    assert "held_out_hinge_se" in gan_results.held_out_discriminator()
    assert "loss_se" in gan_results.held_out_bce_reading()


def test_retrain_env_trains_each_config_once_per_process(tmp_path, tiny_data, monkeypatch):
    _train(TINY, tmp_path, tiny_data)
    monkeypatch.setattr(weights, "_RETRAINED", set())  # as in a new process (the render's kernel)
    monkeypatch.setenv("RETRAIN", "1")
    calls = []
    from genmodels import train as train_module

    real_train = train_module.train
    monkeypatch.setattr("genmodels.train.train", lambda *a, **k: calls.append(1) or real_train(*a, **k))
    _train(TINY, tmp_path, tiny_data)
    _train(TINY, tmp_path, tiny_data)  # the report looks the same model up again: no second run
    assert len(calls) == 1


def test_a_metrics_only_entry_keeps_its_record_and_metrics_without_the_file(tmp_path, tiny_data, monkeypatch):
    trained = _train(TINY, tmp_path, tiny_data)
    folder = tmp_path / "w"
    weights.cached_metric(TINY, "answer", lambda: 42.0, folder)
    assert weights.drop_modules(TINY, folder) is True
    assert not (folder / "tiny_vae.pt").exists()
    assert weights.drop_modules(TINY, folder) is False  # already metrics-only
    monkeypatch.setattr("genmodels.train.train", lambda *a, **k: pytest.fail("trained again"))
    entry = weights.record(TINY, folder)
    assert weights.is_metrics_only(entry) and entry["sha256"] == trained.entry["sha256"]
    assert entry["history"] == trained.entry["history"]
    assert weights.load_trained(TINY, folder) is None
    assert weights.cached_metric(TINY, "answer", lambda: pytest.fail("recomputed"), folder) == 42.0


def test_asking_a_metrics_only_entry_for_its_modules_trains_it_again(tmp_path, tiny_data, capsys):
    trained = _train(TINY, tmp_path, tiny_data)
    weights.drop_modules(TINY, tmp_path / "w")
    again = _train(TINY, tmp_path, tiny_data)
    assert "only its metrics are kept" in capsys.readouterr().out
    assert again.entry["sha256"] == trained.entry["sha256"]  # retraining reproduces the same bytes
    assert not weights.is_metrics_only(again.entry) and (tmp_path / "w" / "tiny_vae.pt").exists()


def test_dropping_the_modules_of_an_untrained_config_is_an_error(tmp_path):
    with pytest.raises(weights.WeightsError, match="train it before dropping its modules"):
        weights.drop_modules(TINY, tmp_path / "w")


def test_the_shipped_runs_have_their_files_and_every_other_run_is_metrics_only():
    from genmodels import runs

    manifest = weights.load_manifest()
    shipped = {c.name for c in runs.SHIPPED}
    for name, entry in manifest.items():
        assert weights.is_metrics_only(entry) == (name not in shipped), name
        assert (weights.WEIGHTS_DIR / entry["file"]).exists() == (name in shipped), name

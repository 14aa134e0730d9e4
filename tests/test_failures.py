"""Probes of every failure a user can cause: the first line names the file and a command that
fixes it; a bad cache entry is a miss, rebuilt with one warning; the same state gives the same
bytes. Everything runs on tiny synthetic fixtures in tmp_path: no dataset, no real weights."""

import hashlib
import json
import re
import shlex
import shutil
import subprocess
import zipfile

import numpy as np
import pytest
import torch

from genmodels import checkpoints, cli, data, latent, metrics, models, runs, weights
from genmodels.config import GANConfig, VAEConfig
from genmodels.errors import CacheWarning, UserError
from genmodels.paths import PROJECT_ROOT, torch_bytes

PROBE = VAEConfig(name="probe_vae", architecture="mlp", latent_dim=3, hidden_dim=16, epochs=2, batch_size=64)


@pytest.fixture
def tiny_images():
    generator = torch.Generator().manual_seed(0)
    return {
        "train_images": torch.rand(192, 1, 28, 28, generator=generator),
        "test_images": torch.bernoulli(torch.rand(64, 1, 28, 28, generator=generator), generator=generator),
    }


def _train(config, folder, tiny_images, **options):
    return weights.load_or_train(
        config,
        progress=False,
        weights_dir=folder / "w",
        checkpoint_dir=folder / "c",
        **tiny_images,
        **options,
    )


def _first_line(caught) -> str:
    message = str(caught.value)
    assert "\n" not in message  # one line: what happened and what to run
    assert re.search(r"`[^`]+`", message), message  # ... with a command in backticks
    return message


def _command(message: str) -> list[str]:
    return shlex.split(re.findall(r"`([^`]+)`", message)[-1])


# --- weights and manifest ------------------------------------------------------------------------


def test_corrupt_weight_file(tmp_path, tiny_images):
    _train(PROBE, tmp_path, tiny_images)
    path = tmp_path / "w" / "probe_vae.pt"
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(weights.WeightsError) as caught:
        _train(PROBE, tmp_path, tiny_images)
    assert _first_line(caught).startswith(f"{path} is corrupt (its sha256 differs from {tmp_path / 'w'}")
    assert "load_or_train(config, retrain=True)` with the probe_vae config" in str(caught.value)


def test_deleted_weight_file(tmp_path, tiny_images):
    _train(PROBE, tmp_path, tiny_images)
    (tmp_path / "w" / "probe_vae.pt").unlink()
    with pytest.raises(weights.WeightsError) as caught:
        _train(PROBE, tmp_path, tiny_images)
    assert _first_line(caught).startswith(
        f"{tmp_path / 'w' / 'probe_vae.pt'} is listed in "
        f"{tmp_path / 'w' / 'manifest.json'} but missing: retrain it"
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "[]",
        lambda text: json.dumps({"probe_vae": {"file": "probe_vae.pt"}}),
    ],
)
def test_truncated_or_invalid_manifest(tmp_path, tiny_images, damage):
    _train(PROBE, tmp_path, tiny_images)
    path = tmp_path / "w" / "manifest.json"
    path.write_text(damage(path.read_text()))
    with pytest.raises(weights.WeightsError) as caught:
        _train(PROBE, tmp_path, tiny_images)
    message = _first_line(caught)
    assert message.startswith(f"{path} ") and message.endswith(
        f"delete it with `rm {path}` to train every model again."
    )


def test_weights_that_do_not_fit_the_model(tmp_path, tiny_images):
    _train(PROBE, tmp_path, tiny_images)
    wider = VAEConfig(**{**PROBE.__dict__, "hidden_dim": 32})
    # The manifest says the file was trained with `wider`'s config, but it holds PROBE's tensors.
    manifest = json.loads((tmp_path / "w" / "manifest.json").read_text())
    manifest["probe_vae"]["config_hash"] = wider.config_hash
    (tmp_path / "w" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(weights.WeightsError) as caught:
        weights.load_trained(wider, tmp_path / "w")
    assert _first_line(caught).startswith(
        f"{tmp_path / 'w' / 'probe_vae.pt'} does not fit the probe_vae model"
    )


def _fake_entry(folder, config, payload: bytes, recorded_sha: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{config.name}.pt").write_bytes(payload)
    entry = {"config_hash": config.config_hash, "file": f"{config.name}.pt", "sha256": recorded_sha}
    (folder / "manifest.json").write_text(json.dumps({config.name: entry}))


@pytest.mark.parametrize(
    "config",
    [runs.MLP_VAE, runs.GAN_STAGE1, runs.GAN_ABLATION["baseline + bf16 autocast"]],
    ids=lambda c: c.name,
)
def test_retrain_hint_parses_and_selects_that_model_alone(tmp_path, config):
    _fake_entry(tmp_path, config, b"garbage", "0" * 64)
    with pytest.raises(weights.WeightsError) as caught:
        weights.load_trained(config, tmp_path)
    command = _command(_first_line(caught))
    assert command[0] == "make" and command[1].startswith("train-")
    assert command[2] == f"ARGS=--retrain --only {config.name}"
    args = cli.parser().parse_args([command[1].removeprefix("train-"), *shlex.split(command[2][5:])])
    assert args.retrain and cli.selected(args) == [config]


def test_only_with_retrain_retrains_that_stage_alone(monkeypatch):
    calls = []
    monkeypatch.setattr(
        weights,
        "load_or_train",
        lambda config, **options: calls.append((config.name, options["retrain"], options["retrain_parents"]))
        or weights.TrainedModel(config, {}, {}),
    )
    cli.main(["gan", "--retrain", "--only", runs.GAN_STAGE2.name])
    assert calls == [(runs.GAN_STAGE2.name, True, False)]
    calls.clear()
    monkeypatch.setattr(weights, "load_entry", lambda config: None)  # nothing trained yet
    cli.main(["gan"])  # every stage the report shows, each after the stage it continues from
    names = [name for name, _, _ in calls]
    assert names.index(runs.GAN_STAGE1.name) < names.index(runs.GAN_STAGE2.name)
    assert {runs.GAN_LONG.name, runs.GAN_RESTART.name, runs.FINAL_GAN.name} <= set(names)


def test_make_passes_the_hinted_arguments_to_the_trainer():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # -n prints the recipe without running it (nor training anything).
    dry = subprocess.run(
        ["make", "-n", "train-gan", "ARGS=--retrain --only dcgan_final"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in dry.splitlines() if re.search(r"genmodels[. ]train ", line))
    args = cli.parser().parse_args(shlex.split(re.split(r"genmodels[. ]train ", line, maxsplit=1)[1]))
    assert args.what == "gan" and args.retrain and cli.selected(args) == [runs.GAN_STAGE1]


def _git(folder, *args):
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def test_git_restore_hint_restores_the_recorded_bytes(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    payload = torch_bytes({"state_dicts": {}, "extras": {}})
    _fake_entry(tmp_path, PROBE, payload, hashlib.sha256(payload).hexdigest())
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "weights")
    (tmp_path / "probe_vae.pt").write_bytes(b"truncated")
    with pytest.raises(weights.WeightsError) as caught:
        weights.load_trained(PROBE, tmp_path)
    message = _first_line(caught)
    assert f"restore it with `git -C {tmp_path} checkout -- probe_vae.pt` or retrain it" in message
    subprocess.run(re.findall(r"`([^`]+)`", message)[0], shell=True, check=True, cwd=PROJECT_ROOT)
    assert (tmp_path / "probe_vae.pt").read_bytes() == payload
    # A half-written manifest is restored the same way; a deleted one is an error, not an empty cache.
    (tmp_path / "manifest.json").write_text('{"probe_vae": {"conf')
    with pytest.raises(
        weights.WeightsError, match=re.escape(f"`git -C {tmp_path} checkout -- manifest.json`")
    ):
        weights.load_manifest(tmp_path)
    (tmp_path / "manifest.json").unlink()
    with pytest.raises(weights.WeightsError) as caught:
        weights.load_manifest(tmp_path)
    assert _first_line(caught).startswith(f"{tmp_path / 'manifest.json'} is missing: restore it with `git -C")
    # A file whose committed bytes are not the recorded ones cannot be restored from git.
    assert weights.restore_command(tmp_path / "probe_vae.pt", "1" * 64) is None


def test_project_hints_are_relative_to_the_project_root():
    if weights.restore_command(weights.manifest_path()) is None:
        pytest.skip("not a git checkout with a committed manifest")
    assert weights.restore_command(weights.manifest_path()) == "git checkout -- weights/manifest.json"
    entry = weights.load_manifest()[runs.MLP_VAE.name]
    assert weights._fix(weights.WEIGHTS_DIR / entry["file"], runs.MLP_VAE, entry["sha256"]) == (
        f"restore it with `git checkout -- weights/{entry['file']}` or "
        f'retrain it with `make train-vae ARGS="--retrain --only {runs.MLP_VAE.name}"`'
    )


# --- options -------------------------------------------------------------------------------------


def test_unknown_only_name_is_an_error_naming_the_right_target():
    with pytest.raises(UserError) as caught:
        cli.selected(cli.parser().parse_args(["vae", "--only", "dcgan_long"]))
    assert (
        _first_line(caught)
        == '--only dcgan_long is not a model of `vae`: run `make train-gan ARGS="--only dcgan_long"`.'
    )
    with pytest.raises(UserError, match="use one of mnist_classifier, vae_conv_beta1"):
        cli.selected(cli.parser().parse_args(["vae", "--only", "nonsense"]))


def test_bad_environment_values_are_errors(monkeypatch):
    monkeypatch.setenv("RETRAIN", "yes")
    with pytest.raises(UserError) as caught:
        weights.retrain_requested()
    assert _first_line(caught).startswith("RETRAIN=yes is not understood")
    monkeypatch.setenv("RETRAIN", "0")
    assert not weights.retrain_requested()
    monkeypatch.setenv("TRAIN_DEVICE", "gpu")
    with pytest.raises(UserError, match="TRAIN_DEVICE=gpu is not a device"):
        models.training_device()
    monkeypatch.setenv("TORCH_THREADS", "two")
    with pytest.raises(SystemExit, match="^error: TORCH_THREADS=two is not a number of threads"):
        cli.main(["vae", "--only", "mnist_classifier"])


def test_user_error_messages_are_one_line_and_shown_without_traceback():
    with pytest.raises(ValueError):
        UserError("first line\nsecond line")
    error = data.DataNotFoundError("MNIST not found in x: run `export DATA_DIR=y` and try again.")
    assert error._render_traceback_() == [f"DataNotFoundError: {error}"]  # what IPython shows


# --- datasets ------------------------------------------------------------------------------------


@pytest.fixture
def offline(monkeypatch):
    """torchvision's downloads fail at once, as on a machine without internet."""
    fail = lambda self: (_ for _ in ()).throw(RuntimeError("no network"))  # noqa: E731
    monkeypatch.setattr("torchvision.datasets.MNIST.download", fail)
    monkeypatch.setattr("torchvision.datasets.CIFAR10.download", fail)


def test_missing_dataset_hint_names_a_folder_that_holds_it(tmp_path, monkeypatch, offline):
    mirror = tmp_path / "mirror"
    (mirror / "MNIST" / "raw").mkdir(parents=True)
    (mirror / "MNIST" / "raw" / "train-images-idx3-ubyte").touch()
    monkeypatch.setattr(data, "SHARED_DATA", mirror)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "empty"))
    with pytest.raises(data.DataNotFoundError) as caught:
        data.mnist(train=True)
    assert _first_line(caught) == (
        f"MNIST not found in DATA_DIR={tmp_path / 'empty'} (expected "
        "MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte): "
        f"run `export DATA_DIR={mirror}` and try again."
    )
    monkeypatch.setenv("DATA_DIR", _command(str(caught.value))[1].split("=", 1)[1])
    assert data.data_root() == mirror
    with pytest.raises(data.DataNotFoundError) as caught:
        data.cifar10(train=False)  # the mirror has no CIFAR-10: no folder to name
    assert _first_line(caught).startswith(f"CIFAR-10 not found in DATA_DIR={mirror} (expected ")
    assert "put the dataset there or run `export DATA_DIR=/path/to/data`" in str(caught.value)


def test_missing_dataset_stops_the_test_run_once(pytester):
    pytester.makeconftest((PROJECT_ROOT / "tests" / "conftest.py").read_text())
    pytester.makepyfile("""
        from genmodels.data import DataNotFoundError
        def test_a(): raise DataNotFoundError("MNIST not found in x: run `export DATA_DIR=y` and try again.")
        def test_b(): raise DataNotFoundError("MNIST not found in x: run `export DATA_DIR=y` and try again.")
        """)
    # -rN: no short summary, whose "FAILED ... - reason" line repeats the message when the
    # terminal is wide enough.
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rN")
    result.assert_outcomes(failed=1)
    assert result.stdout.str().count("MNIST not found in x: run `export DATA_DIR=y` and try again.") == 1
    assert "Traceback" not in result.stdout.str() and "raise DataNotFoundError" not in result.stdout.str()


# --- caches: a bad entry is a miss, rebuilt with one warning ---------------------------------------


def _one_cache_warning(caught, path) -> None:
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert len(messages) == 1 and str(path) in messages[0], messages


def test_truncated_or_wrong_shaped_tsne_map_is_recomputed(tmp_path, monkeypatch):
    monkeypatch.setattr(latent, "TSNE_CACHE", tmp_path)
    points = np.random.default_rng(0).normal(size=(60, 4)).astype(np.float32)
    first = latent.tsne(points, perplexity=5)
    (path,) = tmp_path.iterdir()
    for damaged in (path.read_bytes()[:100], np.zeros((3, 2)).tobytes()):
        path.write_bytes(damaged)
        with pytest.warns(CacheWarning) as caught:
            again = latent.tsne(points, perplexity=5)
        _one_cache_warning(caught, path)
        assert np.array_equal(again, first) and np.array_equal(np.load(path), first)
    np.save(path, np.zeros((3, 2), np.float32))  # readable, but not a map of these 60 points
    with pytest.warns(CacheWarning, match="wrong shape"):
        assert np.array_equal(latent.tsne(points, perplexity=5), first)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary files left


def test_unwritable_cache_is_a_warning_not_a_failure(tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("")  # a file where the cache folder should be
    monkeypatch.setattr(latent, "TSNE_CACHE", blocker)
    points = np.random.default_rng(0).normal(size=(60, 4)).astype(np.float32)
    with pytest.warns(CacheWarning, match=f"cache entry {blocker}/.* could not be written"):
        assert latent.tsne(points, perplexity=5).shape == (60, 2)


@pytest.fixture
def jpeg_cifar(tmp_path, monkeypatch):
    """A CIFAR-10 copy of 20 JPEG test images (two per class), and an empty decode cache."""
    from PIL import Image

    rng = np.random.default_rng(0)
    for name in data.CIFAR10_CLASSES:
        (tmp_path / "CIFAR10" / "test" / name).mkdir(parents=True)
        for index in range(2):
            Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(
                tmp_path / "CIFAR10" / "test" / name / f"{index:04d}.jpg"
            )
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setattr(data, "CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache"


@pytest.mark.parametrize("damaged", [b"garbage", None], ids=["garbage", "wrong shape"])
def test_garbage_decoded_dataset_is_recomputed(jpeg_cifar, damaged):
    images, labels = data.cifar10(train=False)
    assert images.shape == (20, 3, 32, 32) and labels.tolist() == [i // 2 for i in range(20)]
    (path,) = jpeg_cifar.iterdir()
    path.write_bytes(damaged or torch_bytes({"images": images[:5], "labels": labels[:5]}))
    with pytest.warns(CacheWarning) as caught:
        again, _ = data.cifar10(train=False)
    _one_cache_warning(caught, path)
    assert torch.equal(again, images)
    assert torch.equal(torch.load(path, weights_only=True)["images"], images)  # rewritten


@pytest.mark.parametrize("damaged", [b"PK\x03\x04 garbage", None], ids=["garbage", "wrong shape"])
def test_garbage_metric_statistics_are_recomputed(tmp_path, monkeypatch, damaged):
    monkeypatch.setattr(
        metrics,
        "inception_features",
        lambda images, **kwargs: (images.reshape(len(images), -1).float().numpy(), None),
    )
    images = torch.randint(0, 256, (6, 3, 4, 4), dtype=torch.uint8)
    first = metrics.cached_real_features("cifar", lambda: images, cache_dir=tmp_path)
    (path,) = tmp_path.iterdir()
    if damaged is None:
        np.savez(path, features=first[:2])
    else:
        path.write_bytes(damaged)
    with pytest.warns(CacheWarning) as caught:
        again = metrics.cached_real_features("cifar", lambda: images, cache_dir=tmp_path)
    _one_cache_warning(caught, path)
    assert np.array_equal(again, first)
    with np.load(path) as saved:
        assert np.array_equal(saved["features"], first)


# --- same inputs, same bytes ---------------------------------------------------------------------


def test_two_saves_of_the_same_state_have_the_same_sha256(tmp_path, tiny_images):
    trained = _train(PROBE, tmp_path, tiny_images)
    a = weights.save_trained(PROBE, trained.modules, trained.extras, {}, tmp_path / "a")
    b = weights.save_trained(PROBE, trained.modules, trained.extras, {}, tmp_path / "b")
    assert a["sha256"] == b["sha256"] == trained.entry["sha256"]
    assert (tmp_path / "a" / "probe_vae.pt").read_bytes() == (tmp_path / "w" / "probe_vae.pt").read_bytes()
    assert weights.file_sha256(tmp_path / "a" / "probe_vae.pt") == a["sha256"]
    assert {name.split("/")[0] for name in zipfile.ZipFile(tmp_path / "a" / "probe_vae.pt").namelist()} == {
        "archive"
    }


def test_retraining_from_scratch_gives_the_same_file(tmp_path, tiny_images):
    first = _train(PROBE, tmp_path / "one", tiny_images)
    again = _train(PROBE, tmp_path / "one", tiny_images, retrain=True)
    other = _train(PROBE, tmp_path / "two", tiny_images)
    assert first.entry["sha256"] == again.entry["sha256"] == other.entry["sha256"]


@pytest.mark.parametrize("damage_checkpoint", [False, True], ids=["resumed", "unreadable checkpoint"])
def test_interrupted_run_gives_the_same_file(tmp_path, tiny_images, damage_checkpoint):
    uninterrupted = _train(PROBE, tmp_path / "a", tiny_images)
    with pytest.raises(KeyboardInterrupt):
        _train(PROBE, tmp_path / "b", tiny_images, max_epochs=1)
    (checkpoint,) = (tmp_path / "b" / "c").iterdir()
    assert torch.load(checkpoint, weights_only=True)["epoch"] == 1
    if damage_checkpoint:  # a bad checkpoint is a miss: training starts again from epoch 0
        checkpoint.write_bytes(checkpoint.read_bytes()[:50])
        with pytest.warns(CacheWarning, match=re.escape(str(checkpoint))):
            resumed = _train(PROBE, tmp_path / "b", tiny_images)
    else:
        resumed = _train(PROBE, tmp_path / "b", tiny_images)
    assert resumed.entry["sha256"] == uninterrupted.entry["sha256"]
    assert (tmp_path / "b" / "w" / "probe_vae.pt").read_bytes() == (
        tmp_path / "a" / "w" / "probe_vae.pt"
    ).read_bytes()


def test_checkpoints_are_the_same_bytes_for_the_same_state(tmp_path, tiny_images):
    with pytest.raises(KeyboardInterrupt):
        _train(PROBE, tmp_path, tiny_images, max_epochs=1)
    (saved,) = (tmp_path / "c").iterdir()
    checkpoint = torch.load(saved, weights_only=True)
    checkpoints.save_checkpoint(PROBE, tmp_path / "again", checkpoint)  # another folder, another pid's name
    assert (tmp_path / "again" / saved.name).read_bytes() == saved.read_bytes()
    # The archive's folder is "archive", not derived from a temporary file's name.
    assert {name.split("/")[0] for name in zipfile.ZipFile(saved).namelist()} == {"archive"}


def test_exported_models_are_the_same_bytes_every_time(tmp_path):
    from genmodels import export
    from genmodels.gan import build_gan
    from genmodels.vae import build_vae

    modules = (
        build_vae(PROBE),
        *build_gan(GANConfig(name="probe_gan", latent_dim=8, generator_width=8, discriminator_width=8)),
    )
    first = export.export_models(*modules, folder=tmp_path / "a")
    second = export.export_models(*modules, folder=tmp_path / "b")
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(export.FILES.values())

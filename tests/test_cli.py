"""The training command line: what it selects, and its one-line errors."""

import pytest

from genmodels import cli, runs, weights


def test_parser_accepts_the_make_targets():
    args = cli.parser().parse_args(["vae", "--retrain", "--only", runs.MLP_VAE.name])
    assert (args.what, args.retrain, args.only) == ("vae", True, runs.MLP_VAE.name)
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["nothing"])


def test_selected_is_every_target_config_without_only():
    assert cli.selected(cli.parser().parse_args(["ablation"])) == list(runs.GAN_ABLATION.values())


def test_main_trains_each_selected_config_through_the_cache(monkeypatch, capsys):
    calls = []

    def fake(config, retrain, retrain_parents):
        calls.append(config.name)
        return weights.TrainedModel(config, {}, {"train_seconds": 3.0})

    monkeypatch.setattr(weights, "load_or_train", fake)
    cli.main(["vae", "--only", runs.FREE_BITS_VAE.name])
    assert calls == [runs.FREE_BITS_VAE.name]
    assert f"[train] {runs.FREE_BITS_VAE.name}: ready (3 s of training)" in capsys.readouterr().out


def test_main_prints_a_user_error_as_one_line(monkeypatch):
    monkeypatch.setenv("TORCH_THREADS", "many")
    with pytest.raises(SystemExit, match="^error: TORCH_THREADS=many is not a number of threads"):
        cli.main(["vae"])

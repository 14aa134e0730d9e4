"""The training command line: what it selects, and its one-line errors."""

import pytest

from genmodels import cli, runs, weights


def test_parser_accepts_the_make_targets():
    args = cli.parser().parse_args(["vae", "--retrain", "--only", runs.MLP_VAE.name])
    assert (args.what, args.retrain, args.only) == ("vae", True, runs.MLP_VAE.name)
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["nothing"])


def test_selected_is_every_target_config_without_only():
    assert cli.selected(cli.parser().parse_args(["ablation"])) == [
        *runs.GAN_ABLATION.values(),
        *runs.CNN_CONTROL_ABLATION.values(),  # the first is the DCGAN-CNN control
        *runs.CNN_CONTROL_REPEATS.values(),
        runs.SNGAN_WITHOUT_SN,
        *runs.ABLATION_BASELINE_REPEATS,
        runs.SNGAN_STAGE1_RERUN,
        runs.MINIBATCH_STD_CONTROL,
        runs.SNGAN_MINIBATCH_STD,
    ]


def test_main_trains_each_selected_config_through_the_cache(monkeypatch, capsys):
    calls = []

    def fake(config, retrain, retrain_parents):
        calls.append(config.name)
        return weights.TrainedModel(config, {}, {"train_seconds": 3.0})

    monkeypatch.setattr(weights, "load_or_train", fake)
    cli.main(["vae", "--only", runs.FREE_BITS_VAE.name])
    assert calls == [runs.FREE_BITS_VAE.name]
    assert f"[train] {runs.FREE_BITS_VAE.name}: ready (3 s of training)" in capsys.readouterr().out


def test_main_skips_metrics_only_runs_unless_named_or_retrained(monkeypatch, capsys):
    calls = []
    kept = {"config_hash": "x", "metrics_only": True}
    monkeypatch.setattr(weights, "load_entry", lambda config: kept if config is runs.FREE_BITS_VAE else None)
    monkeypatch.setattr(
        weights,
        "load_or_train",
        lambda config, retrain, retrain_parents: calls.append(config.name)
        or weights.TrainedModel(config, {}, {"train_seconds": 1.0}),
    )
    cli.main(["vae"])
    assert runs.FREE_BITS_VAE.name not in calls and runs.FINAL_VAE.name in calls
    assert f"[train] {runs.FREE_BITS_VAE.name}: trained before, metrics kept" in capsys.readouterr().out
    for argv in (["vae", "--only", runs.FREE_BITS_VAE.name], ["vae", "--retrain"]):
        calls.clear()
        cli.main(argv)
        assert runs.FREE_BITS_VAE.name in calls


def test_main_prints_a_user_error_as_one_line(monkeypatch):
    monkeypatch.setenv("TORCH_THREADS", "many")
    with pytest.raises(SystemExit, match="^error: TORCH_THREADS=many is not a number of threads"):
        cli.main(["vae"])

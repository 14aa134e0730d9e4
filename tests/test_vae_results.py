"""Part 1 helpers on made-up data: manifest histories, the free-bits table."""

import pytest
import torch

from genmodels import reporting, vae_results


def test_history_at_refuses_missing_epochs():
    entry = {"config": {"name": "x"}, "history": {"test": [{"kl": 1.0}]}}
    assert vae_results.history_at(entry, 1) == {"kl": 1.0}
    with pytest.raises(ValueError, match="only 1 epochs"):
        vae_results.history_at(entry, 2)


STUDY = {
    0.0: {"final": {"test_reconstruction": 60.0, "test_kl": 40.0, "test_total": 60.0}, "active_units": 32},
    1.0: {"final": {"test_reconstruction": 70.0, "test_kl": 20.0, "test_total": 90.0}, "active_units": 20},
    10.0: {"final": {"test_reconstruction": 150.0, "test_kl": 2.0, "test_total": 170.0}, "active_units": 2},
}


def test_best_elbo_beta_takes_the_lowest_reconstruction_plus_kl():
    assert vae_results.best_elbo_beta(STUDY) == (1.0, 90.0)


def test_beta_table_has_one_row_per_beta():
    table = vae_results.beta_table(STUDY)
    assert list(table["β"]) == ["0", "1", "10"]
    assert list(table["−ELBO (β = 1)"]) == [100.0, 90.0, 152.0] and list(table["active units"]) == [32, 20, 2]
    seed1 = {b: {"test_reconstruction": 1.0 + b, "test_kl": 2.0 + b} for b in STUDY}
    longer = {b: {"test_reconstruction": 0.5 + b, "test_kl": 0.25 + b} for b in STUDY}
    again = vae_results.beta_table(STUDY, {"seed 1": seed1, "12 epochs": longer})
    added = ["reconstruction, seed 1", "KL, seed 1", "reconstruction, 12 epochs", "KL, 12 epochs"]
    assert list(again.columns[6:]) == added
    assert list(again["KL, seed 1"]) == [2.0, 3.0, 12.0]
    assert list(again["reconstruction, 12 epochs"]) == [0.5, 1.5, 10.5]
    assert again.drop(columns=added).equals(table)
    seed1_totals = {b: {**t, "test_total": 5.0 + b} for b, t in seed1.items()}
    totals = vae_results.beta_table(STUDY, {"seed 1": seed1_totals}, totals=("seed 1",))
    assert list(totals["β-weighted loss, seed 1"]) == [5.0, 6.0, 15.0]


def test_loss_dynamics_finds_where_the_kl_settles_and_the_gap():
    kl = [10.0, 20.0, 22.5, 24.4, 23.6, 24.0, 23.5, 24.2, 23.9, 24.1, 24.0, 23.8]  # level ≈ 23.8 from epoch 3
    history = {
        "test": [{"kl": v, "reconstruction": 100.0 - i, "total": 110.0 - i} for i, v in enumerate(kl)],
        "train": [{"total": 100.0, "kl": 20.0 + i / 10} for i, _ in enumerate(kl)],
    }
    dynamics = vae_results.loss_dynamics(history)
    assert round(dynamics["kl_step_max"], 6) == 0.8  # 24.4 -> 23.6
    assert round(dynamics["train_kl_step_max"], 6) == 0.1
    assert dynamics["kl_settled_epoch"] == 4 and dynamics["kl_settled_range"] == (23.5, 24.4)
    assert dynamics["kl_last"] == 23.8 and dynamics["total_first"] == 110.0 and dynamics["gap"] == -1.0
    rising = vae_results.loss_dynamics({**history, "test": history["test"][:2]})
    assert rising["kl_settled_epoch"] == 2  # never settles: the last epoch


def test_free_bits_table_rows():
    mitigation = {
        "plain": {"active_units": 3, "kl_per_dimension": torch.tensor([0.0, 0.5, 3.0, 0.45])},
        "free_bits": {"active_units": 30, "kl_per_dimension": torch.tensor([0.5, 0.55, 0.39, 0.61])},
        "plain_final": {"test_kl": 9.0, "test_reconstruction": 120.0},
        "free_bits_final": {"test_kl": 16.0, "test_reconstruction": 101.0},
    }
    table = vae_results.free_bits_table(mitigation, free_bits_nats=0.5)
    assert list(table["active units"]) == [3, 30] and list(table["KL"]) == [9.0, 16.0]
    assert table["dims at ≈ λ"].isna().tolist() == [True, False] and table["dims at ≈ λ"][1] == 2  # 0.4-0.6
    warmed = mitigation | {
        "warmup": {"active_units": 5, "kl_per_dimension": torch.tensor([0.0, 0.0, 4.0, 0.5])},
        "warmup_final": {"test_kl": 9.5, "test_reconstruction": 118.0},
    }
    table = vae_results.free_bits_table(warmed, free_bits_nats=0.5)
    assert list(table["run"]) == ["β = 10", "β = 10, free bits", "β = 10, KL warm-up"]
    assert table.iloc[2][["active units", "KL", "recon."]].tolist() == [5, 9.5, 118.0]
    assert "| β = 10, KL warm-up |              5 |             — |" in reporting.format_table(table, 1)


def test_tsne_maps_embed_the_whole_test_set():
    """The report says "all 10,000 test digits": the maps take every test image."""
    assert vae_results.TSNE_POINTS == len(vae_results.mnist_test()[0])

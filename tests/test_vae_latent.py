"""Latent-space helpers on made-up arrays: map placement, purity, endpoints, regions crossed, islands, ink."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from genmodels import latent, vae_latent


def _two_blobs(n=50, seed=0):
    rng = np.random.default_rng(seed)
    codes = np.concatenate([rng.normal(0, 0.1, (n, 4)), rng.normal(5, 0.1, (n, 4))])
    labels = np.repeat([0, 1], n)
    map_points = np.concatenate([rng.normal(-10, 1, (n, 2)), rng.normal(10, 1, (n, 2))])
    return codes, labels, map_points


def test_place_on_map_lands_among_the_nearest_codes():
    codes, _, map_points = _two_blobs()
    placed, distance = vae_latent.place_on_map(np.full((1, 4), 5.0), codes, map_points)
    assert np.allclose(placed[0], map_points[50:].mean(0), atol=1.5)
    assert distance[0] < 0.5


def test_neighbour_purity_and_map_purity():
    codes, labels, map_points = _two_blobs()
    assert vae_latent.neighbour_purity(codes, labels).min() == 1.0
    mixed = map_points.copy()
    mixed[:5] = map_points[50:55]  # five 0s placed inside the 1 region
    purity = vae_latent.map_purity(mixed, labels)
    assert purity[0] < 1.0 and purity[1] < 1.0


def test_typical_endpoint_skips_bad_reconstructions_and_boundary_points():
    labels = np.array([3, 3, 3, 8])
    recon = np.array([8, 3, 3, 8])
    confidence = np.array([0.99, 0.99, 0.99, 0.99])
    purity = np.array([1.0, 0.5, 1.0, 1.0])
    assert vae_latent.typical_endpoint(3, labels, recon, confidence, purity) == 2
    with pytest.raises(ValueError, match="no test digit 5"):
        vae_latent.typical_endpoint(5, labels, recon, confidence, purity)


def test_step_regions_reads_each_step_by_its_map_neighbours():
    _, labels, map_points = _two_blobs()
    path = np.linspace([-10, -10], [10, 10], 9)
    regions = vae_latent.step_regions(path, map_points, labels)
    assert len(regions) == 9 and regions[:3] == [0, 0, 0] and regions[-3:] == [1, 1, 1]
    assert regions == sorted(regions)  # one switch, where the path crosses from one blob to the other


def test_class_islands_finds_a_split_class():
    rng = np.random.default_rng(0)
    points = np.concatenate(
        [rng.normal(0, 1, (100, 2)), rng.normal(30, 1, (60, 2)), rng.normal(-30, 1, (100, 2))]
    )
    labels = np.array([5] * 160 + [0] * 100)
    islands = vae_latent.class_islands(points, labels)
    sizes = [len(i) for i in islands[5]]  # DBSCAN leaves a few outer points as noise
    assert len(sizes) == 2 and sizes[0] >= 90 and 45 <= sizes[1] <= 60 and len(islands[0]) == 1


def test_path_ink_finds_a_faint_middle():
    import torch

    bright = torch.zeros(1, 1, 4, 4)
    bright[..., :2] = 1.0  # half the pixels inked, all of them solid
    strip = torch.cat([bright, 0.3 * bright, bright])
    row = vae_latent.path_ink({"p": strip})["p"]
    assert abs(row["ink"] - 0.3) < 1e-6 and row["where"] == 0.5
    assert row["solid"] == 0  # at 0.3 no pixel is solid


def test_path_ink_tells_a_blur_from_a_fade():
    import torch

    digit = torch.zeros(1, 1, 4, 4)
    digit[..., :2] = 1.0
    grey = torch.full((1, 1, 4, 4), 0.5 * 0.9)  # the same ink spread over every pixel, below 0.5
    row = vae_latent.path_ink({"p": torch.cat([digit, grey, digit])})["p"]
    assert abs(row["ink"] - 0.9) < 1e-6 and row["solid"] == 0


def test_step_groups_join_consecutive_steps_that_land_together():
    map_points = np.array([[0.0, 0.0], [100.0, 50.0]])  # larger side 100: steps within 1.2 are one
    path = np.array([[0.0, 0.0], [0.5, 0.5], [10.0, 20.0], [30.0, 10.0], [30.4, 10.0], [0.0, 0.0]])
    groups = vae_latent.step_groups(path, map_points)
    assert [text for _, text in groups] == ["1–2", "3", "4–5", "6"]  # step 6 returns: a group of its own
    assert np.allclose(groups[2][0], [30.0, 10.0])


def test_map_outliers_are_points_without_a_same_digit_map_neighbour():
    codes, labels, map_points = _two_blobs()
    moved = map_points.copy()
    moved[0] = map_points[60]  # one 0 deep inside the 1 region
    outliers = vae_latent.map_outliers(moved, labels)
    assert np.flatnonzero(outliers).tolist() == [0]


def test_digit_table_reads_purity_islands_and_the_confused_digit():
    rng = np.random.default_rng(0)
    centres = {0: (0, 0), 1: (10, 0), 2: (0, 10)}
    labels = np.repeat([0, 1, 2], 60)
    means = np.concatenate([rng.normal(centres[d], 1.0, (60, 2)) for d in (0, 1, 2)])
    means[:6] = rng.normal(centres[2], 0.3, (6, 2))  # six 0s whose codes sit among the 2s
    maps = {30: means * 3, 5: means}
    table = vae_latent.digit_table(latent.knn_predictions(means, labels), maps, labels)
    assert list(table.columns) == ["digit", "0", "1", "2"]
    table = table.set_index("digit")
    accuracy = [int(v) for v in table.loc["latent 5-NN accuracy [%]"]]
    assert accuracy[:2] == [90, 100] and accuracy[2] < 100  # the strays also pull a few 2s to 0
    assert table.loc["most often taken for (%)"].tolist() == ["2 (10)", "—", f"0 ({100 - accuracy[2]})"]
    assert table.loc["islands, perplexity 30"].tolist() == ["2", "1", "1"]  # the strays (10 %) are an island
    assert int(table.loc["map purity, perplexity 30 [%]", "1"]) == 100
    assert int(table.loc["map purity, perplexity 30 [%]", "0"]) < 100


def test_chord_dip_is_the_lowest_norm_on_a_linear_path_against_its_ends():
    start, end = torch.tensor([2.0, 0.0]), torch.tensor([0.0, 2.0])
    paths = {
        "a lin": latent.interpolate(start, end, 3),  # midpoint (1, 1): norm √2 against 2
        "a sph": latent.interpolate(start, end, 3, "spherical"),  # not a linear path: ignored
        "b lin": latent.interpolate(start, 2 * start, 3),  # norms 2, 3, 4: lowest 2 against the ends' mean 3
    }
    low, high = vae_latent.chord_dip(paths)
    assert abs(low - 2 / 3) < 1e-6 and abs(high - 2**0.5 / 2) < 1e-6


def test_arc_between_ends_checks_every_spherical_path():
    start, end = torch.tensor([2.0, 0.0]), torch.tensor([0.0, 3.0])
    arcs = {
        "a sph": latent.interpolate(start, end, 5, "spherical"),
        "a lin": latent.interpolate(start, end, 5),
    }
    assert vae_latent.arc_between_ends(arcs)  # norms from 2 to 3; the chord (ignored) dips below 2
    assert not vae_latent.arc_between_ends({"b sph": latent.interpolate(start, end, 5)})  # a chord as "sph"


def test_traversal_codes_move_one_coordinate_per_row_and_keep_the_rest():
    mean = torch.tensor([0.5, -1.0, 2.0])
    codes = vae_latent.traversal_codes(mean, [2, 0], values=[-1.0, 0.0, 1.0])
    assert codes.shape == (6, 3)
    assert codes[:3, 2].tolist() == [-1.0, 0.0, 1.0] and codes[3:, 0].tolist() == [-1.0, 0.0, 1.0]
    assert (codes[:3, :2] == mean[:2]).all() and (codes[3:, 1:] == mean[1:]).all()
    assert mean.tolist() == [0.5, -1.0, 2.0]  # the posterior mean itself is untouched


def test_fitted_gaussian_kl_is_zero_for_the_prior_and_exact_for_a_shifted_wider_gaussian():
    generator = torch.Generator().manual_seed(0)
    prior = torch.randn(200_000, 3, generator=generator)
    assert abs(vae_latent.fitted_gaussian_kl(prior)[2]) < 0.001
    mean, covariance, kl = vae_latent.fitted_gaussian_kl(prior * 2 + 1)
    # KL(N(1, 4 I) || N(0, I)) in 3 dimensions: (3·4 + 3 − 3 − 3 log 4) / 2
    assert abs(kl - (12 - 3 * math.log(4)) / 2) < 0.03
    assert torch.allclose(mean, torch.ones(3), atol=0.02) and torch.allclose(
        covariance, 4 * torch.eye(3), atol=0.05
    )


def test_shown_path_stats_count_detours_and_the_median_lowest_confidence_per_method():
    changes = pd.DataFrame(
        {
            "path": ["1→0 lin", "1→0 sph", "7→2 lin", "7→2 sph"],
            "digits visited": ["1 → 0", "1 → 8 → 0", "7 → 3 → 2", "7 → 2 → 7 → 2"],
            "min confidence": [0.9, 0.5, 0.7, 0.8],
        }
    )
    stats = vae_latent.shown_path_stats(changes)
    assert stats["linear"] == {
        "detours": 1,
        "paths": 2,
        "lowest_confidence_median": 0.8,
        "lowest_confidences": [0.9, 0.7],
    }
    assert stats["spherical"]["lowest_confidence_median"] == 0.65 and stats["spherical"]["detours"] == 1


def test_tsne_variation_table_has_a_row_per_initialisation_and_per_changed_setting():
    stability = {
        "pca": {"disparity": 0.0, "trustworthiness": (0.97, 0.97), "knn_accuracy_embedding": (0.89, 0.89)},
        "random": {
            "disparity": 0.38,
            "trustworthiness": (0.969, 0.970),
            "knn_accuracy_embedding": (0.886, 0.894),
        },
    }
    sensitivity = {
        "default": {"disparity": 0.0, "trustworthiness": 0.97, "knn_accuracy_embedding": 0.89},
        "learning rate × 4": {"disparity": 0.12, "trustworthiness": 0.968, "knn_accuracy_embedding": 0.9},
    }
    rows = vae_latent.tsne_variation_table(stability, sensitivity, seeds=(0, 1)).to_dict("records")
    assert rows[0] == {
        "map": "seeds 0, 1, PCA init. (used here)",
        "disparity": "0.00",
        "trustworthiness": "0.970",
        "map 5-NN accuracy [%]": "89.0",
    }
    assert rows[1]["trustworthiness"] == "0.969–0.970" and rows[1]["map 5-NN accuracy [%]"] == "88.6–89.4"
    assert rows[2] == {
        "map": "learning rate × 4",
        "disparity": "0.12",
        "trustworthiness": "0.968",
        "map 5-NN accuracy [%]": "90.0",
    }
    assert len(rows) == 3  # the default map is the reference, not a row


def test_quality_table_shown_prints_the_accuracies_in_percent_and_keeps_trustworthiness():
    quality = pd.DataFrame(
        {
            "model": ["final"],
            "perplexity": [30],
            "trustworthiness": [0.98],
            "knn_accuracy_latent": [0.932],
            "knn_accuracy_embedding": [0.947],
        }
    )
    shown = vae_latent.quality_table_shown(quality)
    assert list(shown.columns) == ["model", "perplexity", *vae_latent.QUALITY_COLUMNS.values()]
    assert shown.iloc[0].tolist()[2:] == pytest.approx([0.98, 93.2, 94.7])
    assert quality["knn_accuracy_latent"].iloc[0] == 0.932  # the summary's source is left as it was

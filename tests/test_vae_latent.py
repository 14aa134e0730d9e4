"""Latent-space helpers on made-up arrays: map placement, purity, endpoints, regions crossed, islands, ink."""

import numpy as np
import pytest

from genmodels import vae_latent


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


def test_regions_crossed_dedups_consecutive_regions():
    _, labels, map_points = _two_blobs()
    path = np.linspace([-10, -10], [10, 10], 9)
    assert vae_latent.regions_crossed(path, map_points, labels) == [0, 1]


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

    bright = torch.ones(1, 1, 4, 4)
    strip = torch.cat([bright, 0.3 * bright, bright])
    ratio, where = vae_latent.path_ink({"p": strip})["p"]
    assert abs(ratio - 0.3) < 1e-6 and where == 0.5


def test_distinct_positions_counts_steps_that_land_apart():
    path = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 2.0], [1.0, 2.0], [3.0, 1.0]])
    assert vae_latent.distinct_positions(path) == 3

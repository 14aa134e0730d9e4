import numpy as np
import pytest
import torch

from genmodels import latent


@pytest.mark.parametrize("method", ["linear", "spherical"])
def test_interpolation_starts_and_ends_at_the_endpoints(method):
    start, end = torch.randn(8), torch.randn(8)
    path = latent.interpolate(start, end, 7, method)
    assert path.shape == (7, 8)
    assert torch.allclose(path[0], start, atol=1e-5) and torch.allclose(path[-1], end, atol=1e-5)


def test_spherical_interpolation_keeps_the_norm_of_equal_norm_endpoints():
    start = torch.tensor([3.0, 0.0])
    end = torch.tensor([0.0, 3.0])
    norms = latent.interpolate(start, end, 9, "spherical").norm(dim=1)
    assert torch.allclose(norms, torch.full((9,), 3.0), atol=1e-5)
    assert latent.interpolate(start, end, 9, "linear").norm(dim=1)[4] < 2.2  # the chord cuts inside


def test_tsne_is_cached_and_reproducible(tmp_path, monkeypatch):
    monkeypatch.setattr(latent, "TSNE_CACHE", tmp_path)
    points = np.random.default_rng(0).normal(size=(120, 5)).astype(np.float32)
    first = latent.tsne(points, perplexity=10)
    assert first.shape == (120, 2) and len(list(tmp_path.iterdir())) == 1
    monkeypatch.setattr(latent, "TSNE", lambda **kwargs: pytest.fail("recomputed"))
    assert np.array_equal(latent.tsne(points, perplexity=10), first)


def test_embedding_quality_separates_good_from_shuffled_maps():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 60)
    points = rng.normal(size=(180, 6)) + labels[:, None] * 6.0
    good = points[:, :2]
    shuffled = good[rng.permutation(180)]
    assert latent.embedding_quality(points, good, labels)["trustworthiness"] > 0.9
    assert latent.embedding_quality(points, shuffled, labels)["knn_accuracy_embedding"] < 0.6
    assert latent.knn_accuracy(points, labels) > 0.95

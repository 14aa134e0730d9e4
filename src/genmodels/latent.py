"""Latent-space analysis: t-SNE and PCA embeddings, how far to trust them, interpolation.

t-SNE is slow on two cores, so embeddings are cached under `.cache/tsne/`, keyed by a hash
of the input array and the t-SNE parameters: the same inputs always give the same picture.
An unreadable or wrong-shaped entry is recomputed (with a warning), never used.
"""

from __future__ import annotations

import hashlib
import io

import numpy as np
import torch
from scipy.spatial import procrustes
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

from genmodels.paths import PROJECT_ROOT, read_cache, write_cache

TSNE_CACHE = PROJECT_ROOT / ".cache" / "tsne"
# scikit-learn's defaults, named so that the report can state them (changing one needs a new
# cache key below).
TSNE_ITERATIONS = 1000
TSNE_EXAGGERATION = 12.0


def tsne_learning_rate(count: int, exaggeration: float = TSNE_EXAGGERATION) -> float:
    """scikit-learn's "auto" learning rate for `count` points (Belkina et al. 2019)."""
    return max(count / exaggeration / 4, 50.0)


def tsne(
    points: np.ndarray,
    perplexity: float = 30.0,
    seed: int = 0,
    init: str = "pca",
    rate_factor: float = 1.0,
    exaggeration: float = TSNE_EXAGGERATION,
) -> np.ndarray:
    """A 2-D t-SNE embedding (PCA or random initialisation; the automatic learning rate times
    `rate_factor`; early `exaggeration`), cached on disk."""
    points = np.ascontiguousarray(points, dtype=np.float32)
    parameters = f"{perplexity}-{seed}" + ("" if init == "pca" else f"-{init}")  # PCA keys predate `init`
    if rate_factor != 1.0 or exaggeration != TSNE_EXAGGERATION:  # and these the optimiser's settings
        parameters += f"-rate{rate_factor:g}-exaggeration{exaggeration:g}"
    key = hashlib.sha256(points.tobytes() + parameters.encode()).hexdigest()[:20]
    path = TSNE_CACHE / f"{key}.npy"
    cached = read_cache(
        path,
        lambda p: np.load(p, allow_pickle=False),
        lambda a: a.shape == (len(points), 2) and a.dtype.kind == "f" and np.isfinite(a).all(),
    )
    if cached is not None:
        return cached
    embedding = TSNE(
        n_components=2,
        perplexity=perplexity,
        init=init,
        learning_rate="auto"
        if rate_factor == 1.0
        else rate_factor * tsne_learning_rate(len(points), exaggeration),
        max_iter=TSNE_ITERATIONS,
        early_exaggeration=exaggeration,
        random_state=seed,
    ).fit_transform(points)
    buffer = io.BytesIO()
    np.save(buffer, embedding)
    write_cache(path, buffer.getvalue())
    return embedding


def pca(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first two principal components and the explained-variance ratio of each."""
    model = PCA(n_components=2, random_state=0).fit(points)
    return model.transform(points), model.explained_variance_ratio_


def knn_accuracy(points: np.ndarray, labels: np.ndarray, k: int = 5) -> float:
    """5-fold cross-validated accuracy of a k-NN digit classifier: how separable the classes are."""
    return float(cross_val_score(KNeighborsClassifier(k), points, labels, cv=5).mean())


def procrustes_disparity(first: np.ndarray, second: np.ndarray) -> float:
    """How differently two 2-D maps of the same points are arranged once shifted, scaled, rotated
    and reflected onto each other: 0 for the same picture, 1 for unrelated ones."""
    return float(procrustes(first, second)[2])


def embedding_quality(latent: np.ndarray, embedding: np.ndarray, labels: np.ndarray, k: int = 5) -> dict:
    """Trustworthiness of the 2-D map (are its neighbours real neighbours?) and k-NN accuracies."""
    return {
        "trustworthiness": float(trustworthiness(latent, embedding, n_neighbors=k)),
        "knn_accuracy_latent": knn_accuracy(latent, labels, k),
        "knn_accuracy_embedding": knn_accuracy(embedding, labels, k),
    }


def interpolate(start: torch.Tensor, end: torch.Tensor, steps: int, method: str = "linear") -> torch.Tensor:
    """Points from `start` to `end` (1-D latent codes): straight line, or spherical (slerp),
    which keeps the norm typical of N(0, I) samples instead of cutting through the low-norm
    centre where a Gaussian prior puts few high-dimensional samples."""
    t = torch.linspace(0, 1, steps).unsqueeze(1)
    if method == "linear":
        return (1 - t) * start + t * end
    if method != "spherical":
        raise ValueError(f"unknown interpolation {method!r}: use 'linear' or 'spherical'")
    cosine = torch.dot(start / start.norm(), end / end.norm()).clamp(-1, 1)
    omega = torch.acos(cosine)
    if omega.abs() < 1e-6:
        return (1 - t) * start + t * end
    return (torch.sin((1 - t) * omega) * start + torch.sin(t * omega) * end) / torch.sin(omega)


def knn_predictions(points: np.ndarray, labels: np.ndarray, k: int = 5) -> np.ndarray:
    """Each point's k-NN label, predicted with 5-fold cross-validation (never from its own fold)."""
    from sklearn.model_selection import cross_val_predict

    return cross_val_predict(KNeighborsClassifier(k), points, labels, cv=5)


def confused_pairs(
    points: np.ndarray, labels: np.ndarray, k: int = 5, top: int = 3
) -> list[tuple[int, int, float]]:
    """The class pairs most often confused by k-NN in `points`: which clusters touch.

    Returns (class a, class b, share of a's and b's points whose majority neighbour label is
    the other class), most confused first."""
    predicted = knn_predictions(points, labels, k)
    classes = np.unique(labels)
    pairs = []
    for i, a in enumerate(classes):
        for b in classes[i + 1 :]:
            swapped = ((labels == a) & (predicted == b)).sum() + ((labels == b) & (predicted == a)).sum()
            pairs.append((int(a), int(b), float(swapped / ((labels == a).sum() + (labels == b).sum()))))
    return sorted(pairs, key=lambda pair: -pair[2])[:top]

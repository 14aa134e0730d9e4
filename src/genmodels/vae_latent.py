"""Part 1 computations in the latent space: interpolation paths and the classifier's labels
along them, t-SNE and PCA maps, how pure each digit's region is, and where paths cross the map.

Each function takes trained models or arrays and returns plain data for the report cells.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import torch
from sklearn.cluster import DBSCAN
from sklearn.neighbors import NearestNeighbors

from genmodels import latent, prose, runs
from genmodels.reporting import manifest_entry
from genmodels.vae import ACTIVITY_THRESHOLD
from genmodels.vae_results import TSNE_POINTS, latent_statistics, mnist_test, prior_samples, vae
from genmodels.weights import cached_metric, load_or_train

INTERPOLATION_PAIRS = ((1, 0), (4, 9), (3, 8), (7, 2))  # (from digit, to digit)


INTERPOLATION_STEPS = 12


@torch.no_grad()
def reconstruction_labels(config, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The MNIST classifier's label and confidence for the VAE's reconstruction of each image."""
    classifier = load_or_train(runs.MNIST_CLASSIFIER)["classifier"]
    model = vae(config).eval()
    mu, _ = model.encode(images)
    probabilities = torch.softmax(classifier(torch.sigmoid(model.decode(mu))), 1)
    confidence, label = probabilities.max(1)
    return label, confidence


DOUBT = 0.9  # the MNIST classifier is "unsure" of an image it labels with less confidence than this


@torch.no_grad()
def classifier_doubt(config=runs.FINAL_VAE, threshold: float = DOUBT, samples: int = 256) -> dict:
    """How often the MNIST classifier is unsure of a decoded image: of the first `samples` prior
    samples (those the report shows), and, for reference, of the reconstructions of all test
    digits (both are the decoder's pixel means, so the two differ only in where z comes from), and
    how often it reads a reconstruction as its own digit."""
    classifier = load_or_train(runs.MNIST_CLASSIFIER)["classifier"]
    confidence = torch.softmax(classifier(prior_samples(config, samples)), 1).max(1).values
    images, labels = mnist_test()
    predicted, reconstructed = reconstruction_labels(config, images)
    return {
        "threshold": threshold,
        "unsure": int((confidence < threshold).sum()),
        "samples": len(confidence),
        "reconstructions_unsure": float((reconstructed < threshold).float().mean()),
        "reconstructions_correct": float((predicted == labels).float().mean()),
        "test_digits": len(images),
    }


def fitted_gaussian_kl(codes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, float]:
    """The Gaussian N(m, S) with the mean and covariance of `codes` [N, d], and its KL from
    N(0, I) in nats: (tr S + m·m − d − log det S) / 2."""
    mean, covariance = codes.mean(0), torch.cov(codes.T.double()).float()
    kl = 0.5 * (covariance.trace() + mean @ mean - len(mean) - torch.logdet(covariance.double()).float())
    return mean, covariance, float(kl)


def aggregate_posterior_gap(config=runs.FINAL_VAE, count: int = 10_000, threshold: float = DOUBT) -> dict:
    """How far the aggregate posterior q(z) = E_x q(z|x) is from the prior, and whether that explains
    the prior samples' blends: a Gaussian fitted to one code drawn from q(z|x) for each test digit,
    its KL from N(0, I) (nats), how often the MNIST classifier is unsure of `count` decoded prior
    draws, and, for those draws split at the median distance (over the active dimensions) to the
    nearest test digit's posterior mean, how often it is unsure of the nearer and of the farther
    half; computed once, stored in the manifest."""
    manifest_entry(config)
    return cached_metric(
        config, "aggregate_posterior_gap", lambda: _aggregate_posterior_gap(config, count, threshold)
    )


@torch.no_grad()
def _aggregate_posterior_gap(config, count: int, threshold: float) -> dict:
    classifier = load_or_train(runs.MNIST_CLASSIFIER)["classifier"]
    model = vae(config).eval()
    stats = latent_statistics(config)
    mu, logvar = stats["means"], stats["logvars"]
    generator = torch.Generator().manual_seed(0)
    codes = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=generator)
    _, _, kl = fitted_gaussian_kl(codes)
    noise = torch.randn(count, codes.shape[1], generator=generator)

    def unsure(z: torch.Tensor) -> torch.Tensor:
        decoded = (torch.sigmoid(model.decode(b)) for b in z.split(1000))
        confidence = torch.cat([torch.softmax(classifier(x), 1).max(1).values for x in decoded])
        return confidence < threshold

    active = stats["activity"] > ACTIVITY_THRESHOLD
    distance = torch.cdist(noise[:, active], mu[:, active]).min(1).values
    near = distance <= distance.median()
    prior = unsure(noise)
    return {
        "kl": kl,
        "prior_unsure": float(prior.float().mean()),
        "near_unsure": float(prior[near].float().mean()),
        "far_unsure": float(prior[~near].float().mean()),
        "draws": count,
        "test_digits": len(mu),
        "threshold": threshold,
    }


# An interpolation endpoint reconstructs as its own digit with at least this classifier
# confidence, and at least this share of its ENDPOINT_NEIGHBOURS latent neighbours share its digit.
ENDPOINT_CONFIDENCE, ENDPOINT_PURITY, ENDPOINT_NEIGHBOURS = 0.95, 0.9, 10


def typical_endpoint(
    digit: int,
    labels: np.ndarray,
    recon_labels: np.ndarray,
    recon_confidence: np.ndarray,
    neighbour_purity: np.ndarray,
    min_confidence: float = ENDPOINT_CONFIDENCE,
    min_purity: float = ENDPOINT_PURITY,
) -> int:
    """The first test index of `digit` that reconstructs as itself (confidently) and whose latent
    neighbours are mostly of its own class, i.e. a point inside its cluster, not on a boundary."""
    good = (
        (labels == digit)
        & (recon_labels == digit)
        & (recon_confidence >= min_confidence)
        & (neighbour_purity >= min_purity)
    )
    candidates = np.flatnonzero(good)
    if len(candidates) == 0:
        raise ValueError(f"no test digit {digit} reconstructs as itself with confidence ≥ {min_confidence}")
    return int(candidates[0])


def neighbour_purity(points: np.ndarray, labels: np.ndarray, k: int = 10) -> np.ndarray:
    """Share of each point's k nearest neighbours (itself excluded) that carry its label."""
    _, index = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
    return (labels[index[:, 1:]] == labels[:, None]).mean(1)


def checked_endpoints(
    config=runs.FINAL_VAE, pairs=INTERPOLATION_PAIRS, count: int = TSNE_POINTS
) -> list[tuple[int, int]]:
    """Endpoint indices (among the first `count` test digits, so they lie on the t-SNE map)."""
    images, labels = mnist_test()
    means = latent_statistics(config)["means"][:count].numpy()
    labels = labels[:count].numpy()
    recon_labels, recon_confidence = (t.numpy() for t in reconstruction_labels(config, images[:count]))
    purity = neighbour_purity(means, labels, ENDPOINT_NEIGHBOURS)
    pick = {d: typical_endpoint(d, labels, recon_labels, recon_confidence, purity) for d in {*sum(pairs, ())}}
    return [(pick[a], pick[b]) for a, b in pairs]


def interpolation_paths(config=runs.FINAL_VAE) -> dict:
    """Linear and spherical latent paths between the checked endpoints, keyed 'a→b lin|sph'."""
    means = latent_statistics(config)["means"]
    _, labels = mnist_test()
    paths = {}
    for start, end in checked_endpoints(config):
        for method in ("linear", "spherical"):
            name = f"{int(labels[start])}→{int(labels[end])} {method[:3]}"
            paths[name] = latent.interpolate(means[start], means[end], INTERPOLATION_STEPS, method)
    return paths


def decode_and_classify(paths: dict, config=runs.FINAL_VAE) -> tuple[dict, dict]:
    """Decoded images along each path and the MNIST classifier's (label, confidence) per step."""
    classifier = load_or_train(runs.MNIST_CLASSIFIER)["classifier"]
    model = vae(config)
    strips, predictions = {}, {}
    with torch.no_grad():
        for name, path in paths.items():
            images = torch.sigmoid(model.decode(path))
            probabilities = torch.softmax(classifier(images), 1)
            confidence, label = probabilities.max(1)
            strips[name] = images
            predictions[name] = list(zip(label.tolist(), confidence.tolist()))
    return strips, predictions


RANDOM_PAIRS = 500  # random endpoint pairs that test whether the shown paths are typical


def random_pair_paths(config=runs.FINAL_VAE, count: int = RANDOM_PAIRS) -> dict:
    """The interpolation of the report between `count` random pairs of test digits (seed 0) of
    different classes whose reconstructions the classifier reads as their own digit, at any
    confidence: per method, the share of paths whose decoded images the classifier reads as a third
    digit somewhere, and the median over paths of their lowest confidence; computed once."""
    manifest_entry(config)
    return cached_metric(config, f"random_pair_paths_{count}", lambda: _random_pair_paths(config, count))


@torch.no_grad()
def _random_pair_paths(config, count: int) -> dict:
    images, labels = mnist_test()
    means = latent_statistics(config)["means"]
    recon_labels, _ = reconstruction_labels(config, images)
    eligible = torch.nonzero(recon_labels == labels).flatten()
    generator = torch.Generator().manual_seed(0)
    pairs = []
    while len(pairs) < count:
        a, b = eligible[torch.randint(len(eligible), (2,), generator=generator)].tolist()
        if labels[a] != labels[b]:
            pairs.append((a, b))
    result = {"pairs": count}
    for method in ("linear", "spherical"):
        paths = {
            i: latent.interpolate(means[a], means[b], INTERPOLATION_STEPS, method)
            for i, (a, b) in enumerate(pairs)
        }
        _, predictions = decode_and_classify(paths, config)
        detours = [
            bool({label for label, _ in predictions[i]} - {int(labels[a]), int(labels[b])})
            for i, (a, b) in enumerate(pairs)
        ]
        lowest = [min(c for _, c in steps) for steps in predictions.values()]
        result[method] = {
            "detour": float(np.mean(detours)),
            "lowest_confidence_median": float(np.median(lowest)),
        }
    return result


def class_changes(predictions: dict) -> pd.DataFrame:
    """Where along each path the classifier's label changes, and through which digits."""
    rows = []
    for name, steps in predictions.items():
        labels = [label for label, _ in steps]
        visited = [labels[0]] + [b for a, b in zip(labels, labels[1:]) if b != a]
        rows.append(
            {
                "path": name,
                "digits visited": " → ".join(map(str, visited)),
                "first step with end label": labels.index(labels[-1]) + 1,
                "min confidence": min(c for _, c in steps),
            }
        )
    return pd.DataFrame(rows)


def shown_path_stats(changes: pd.DataFrame) -> dict[str, dict]:
    """Per method, how many of the shown paths (`class_changes`) visit a digit other than their two
    ends, and each path's lowest confidence with their median."""
    stats = {}
    for method in ("linear", "spherical"):
        rows = changes[changes["path"].str.endswith(method[:3])]
        visited = [v.split(" → ") for v in rows["digits visited"]]
        stats[method] = {
            "detours": sum(bool(set(d) - {d[0], d[-1]}) for d in visited),
            "paths": len(rows),
            "lowest_confidence_median": float(np.median(rows["min confidence"])),
            "lowest_confidences": [float(c) for c in rows["min confidence"]],
        }
    return stats


def chord_dip(paths: dict) -> tuple[float, float]:
    """Over the linear paths, the range of the lowest code norm along a path relative to the mean
    norm of its two endpoints (a great circle between codes of equal norm keeps that norm)."""
    dips = [
        float(codes.norm(dim=1).min() / codes[[0, -1]].norm(dim=1).mean())
        for name, codes in paths.items()
        if name.endswith("lin")
    ]
    return min(dips), max(dips)


def arc_between_ends(paths: dict, slack: float = 1e-4) -> bool:
    """Whether every spherical path's code norm stays between the norms of its two endpoints."""
    for name, codes in paths.items():
        if name.endswith("sph"):
            norms = codes.norm(dim=1)
            low, high = sorted((float(norms[0]), float(norms[-1])))
            if float(norms.min()) < low - slack or float(norms.max()) > high + slack:
                return False
    return True


def path_difference(strips: dict) -> float:
    """Mean absolute pixel difference between the linear and spherical decodings of each pair."""
    differences = [
        (strips[name] - strips[name.replace("lin", "sph")]).abs().mean().item()
        for name in strips
        if name.endswith("lin")
    ]
    return sum(differences) / len(differences)


TRAVERSAL_VALUES = np.linspace(-3.0, 3.0, 7)  # the traversed coordinate, in prior standard deviations
TRAVERSAL_DIMENSIONS = 4  # the most informative latent dimensions, plus the least


def traversal_codes(mean: torch.Tensor, dims: list[int], values=TRAVERSAL_VALUES) -> torch.Tensor:
    """For each of `dims`, copies of the code `mean` with that coordinate set to each of `values`:
    shape (len(dims) * len(values), latent), one dimension's row after another."""
    codes = mean.repeat(len(dims) * len(values), 1)
    for row, dim in enumerate(dims):
        codes[row * len(values) : (row + 1) * len(values), dim] = torch.as_tensor(values, dtype=codes.dtype)
    return codes


def traversal_paths(config, index: int = 0, count: int = TRAVERSAL_DIMENSIONS) -> dict[str, torch.Tensor]:
    """Codes along single latent coordinates through the posterior mean of test digit `index`: the
    `count` dimensions with the largest test KL, then the one with the smallest, keyed
    'z<d> (<KL> nats)' (for `decode_and_classify`)."""
    stats = latent_statistics(config)
    kl = stats["kl_per_dimension"]
    order = torch.argsort(kl, descending=True).tolist()
    dims = order[:count] + order[-1:]
    codes = traversal_codes(stats["means"][index], dims)
    steps = len(TRAVERSAL_VALUES)
    return {f"z{d + 1} ({kl[d]:.2f} nats)": codes[i * steps : (i + 1) * steps] for i, d in enumerate(dims)}


def tsne_maps(config=runs.FINAL_VAE, perplexities=(5, 30, 100)) -> dict[int, np.ndarray]:
    """t-SNE maps of the first TSNE_POINTS test means, keyed by perplexity."""
    points = latent_statistics(config)["means"][:TSNE_POINTS].numpy()
    return {perplexity: latent.tsne(points, perplexity) for perplexity in perplexities}


TSNE_SEEDS = (0, 1, 2)


@functools.cache
def seed_stability(config=runs.FINAL_VAE, perplexity: int = 30, seeds=TSNE_SEEDS) -> dict[str, dict]:
    """t-SNE maps of the same means from several seeds, with PCA and with random initialisation:
    the largest Procrustes disparity between two seeds' maps, and the range of trustworthiness and
    of map 5-NN accuracy over the seeds (keyed by init)."""
    stats = latent_statistics(config)
    means, labels = stats["means"][:TSNE_POINTS].numpy(), stats["labels"][:TSNE_POINTS].numpy()
    result = {}
    for init in ("pca", "random"):
        maps = [latent.tsne(means, perplexity, seed, init) for seed in seeds]
        quality = [latent.embedding_quality(means, m, labels) for m in maps]
        result[init] = {
            "disparity": max(
                latent.procrustes_disparity(a, b) for i, a in enumerate(maps) for b in maps[i + 1 :]
            ),
            "trustworthiness": _bounds(q["trustworthiness"] for q in quality),
            "knn_accuracy_embedding": _bounds(q["knn_accuracy_embedding"] for q in quality),
        }
    return result


# The optimiser's settings varied one at a time around scikit-learn's defaults: the "auto"
# learning rate a quarter and four times as large, and the early exaggeration of its older default.
TSNE_OPTIMISER_VARIANTS = {
    "learning rate × ¼": {"rate_factor": 0.25},
    "learning rate × 4": {"rate_factor": 4.0},
    "early exaggeration 4": {"exaggeration": 4.0},
}


@functools.cache
def optimiser_sensitivity(config=runs.FINAL_VAE, perplexity: int = 30, variants=None) -> dict[str, dict]:
    """t-SNE maps of the same means with one optimiser setting changed (TSNE_OPTIMISER_VARIANTS):
    each map's Procrustes disparity from the default map, its trustworthiness and map 5-NN accuracy,
    and those of the default map ("default")."""
    stats = latent_statistics(config)
    means, labels = stats["means"][:TSNE_POINTS].numpy(), stats["labels"][:TSNE_POINTS].numpy()
    default = latent.tsne(means, perplexity)
    result = {"default": {"disparity": 0.0, **latent.embedding_quality(means, default, labels)}}
    for name, settings in (variants or TSNE_OPTIMISER_VARIANTS).items():
        varied = latent.tsne(means, perplexity, **settings)
        quality = latent.embedding_quality(means, varied, labels)
        result[name] = {"disparity": latent.procrustes_disparity(default, varied), **quality}
    return result


def _bounds(values) -> tuple[float, float]:
    values = list(values)
    return min(values), max(values)


def tsne_quality_table(maps_by_model: dict) -> pd.DataFrame:
    """Trustworthiness and k-NN accuracy (latent vs map) for each (model, perplexity) map."""
    rows = []
    for (name, config, perplexity), embedding in maps_by_model.items():
        stats = latent_statistics(config)
        means = stats["means"][:TSNE_POINTS].numpy()
        labels = stats["labels"][:TSNE_POINTS].numpy()
        rows.append(
            {"model": name, "perplexity": perplexity, **latent.embedding_quality(means, embedding, labels)}
        )
    return pd.DataFrame(rows)


def pca_map(config) -> tuple[np.ndarray, np.ndarray]:
    return latent.pca(latent_statistics(config)["means"][:TSNE_POINTS].numpy())


QUALITY_COLUMNS = {
    "trustworthiness": "trustworthiness",
    "knn_accuracy_latent": "5-NN accuracy, latent (%)",
    "knn_accuracy_embedding": "5-NN accuracy, 2-D map (%)",
}


def quality_table_shown(quality: pd.DataFrame) -> pd.DataFrame:
    """`tsne_quality_table` as the report prints it: accuracies in percent, as the prose quotes them."""
    percent = {c: 100 * quality[c] for c in ("knn_accuracy_latent", "knn_accuracy_embedding")}
    return quality.assign(**percent).rename(columns=QUALITY_COLUMNS)


def tsne_summary(quality: pd.DataFrame) -> dict:
    """Numbers the t-SNE prose quotes, read from the quality table: the final model's latent
    5-NN accuracy, the study models' latent and map 5-NN accuracy and trustworthiness (by beta),
    and the range of the t-SNE maps' trustworthiness."""
    final = quality[quality["model"] == "final (β = 1)"]
    study = {
        float(row.model.split("=")[1]): row for row in quality.itertuples() if row.model.startswith("study")
    }
    tsne_rows = quality[~quality["model"].str.contains("PCA")]
    return {
        "final_latent": float(final["knn_accuracy_latent"].iloc[0]),
        "study_latent": {beta: row.knn_accuracy_latent for beta, row in study.items()},
        "study_map": {beta: row.knn_accuracy_embedding for beta, row in study.items()},
        "study_trust": {beta: row.trustworthiness for beta, row in study.items()},
        "trustworthiness": (
            float(tsne_rows["trustworthiness"].min()),
            float(tsne_rows["trustworthiness"].max()),
        ),
    }


def confused_pairs(config) -> list[tuple[int, int, float]]:
    """The digit pairs whose latent means are most often k-NN neighbours of the other class."""
    stats = latent_statistics(config)
    return latent.confused_pairs(stats["means"][:TSNE_POINTS].numpy(), stats["labels"][:TSNE_POINTS].numpy())


def place_on_map(
    codes: np.ndarray, reference_codes: np.ndarray, reference_map: np.ndarray, k: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Map positions of new latent codes: the mean map position of their k nearest reference codes
    (t-SNE has no out-of-sample map), and the distance to the nearest reference code."""
    distances, index = NearestNeighbors(n_neighbors=k).fit(reference_codes).kneighbors(codes)
    return reference_map[index].mean(1), distances[:, 0]


SAME_POSITION = 0.012  # steps closer than this share of the map's larger side are one position


def step_groups(path: np.ndarray, map_points: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """The map positions a placed path's steps take, consecutive steps closer than SAME_POSITION
    of the map's larger side counted as one (steps sharing most of their nearest reference codes
    land together): (position, its 1-based steps as "4" or "4–7")."""
    path = np.asarray(path, dtype=float)
    tolerance = SAME_POSITION * float(np.ptp(map_points, axis=0).max())
    groups: list[list[int]] = [[0]]
    for step in range(1, len(path)):
        if np.hypot(*(path[step] - path[groups[-1][0]])) < tolerance:
            groups[-1].append(step)
        else:
            groups.append([step])
    return [(path[g[0]], f"{g[0] + 1}" if len(g) == 1 else f"{g[0] + 1}–{g[-1] + 1}") for g in groups]


MAP_NEIGHBOURS = 5  # neighbours for map purity and outliers, as for trustworthiness and k-NN accuracy


def map_purity(points: np.ndarray, labels: np.ndarray, k: int = MAP_NEIGHBOURS) -> dict[int, float]:
    """Per digit, the mean share of a map point's k map neighbours that carry its digit:
    near 1 for a region of its own, lower where a digit's region overlaps its neighbours'."""
    purity = neighbour_purity(points, labels, k)
    return {int(d): float(purity[labels == d].mean()) for d in np.unique(labels)}


def map_outliers(points: np.ndarray, labels: np.ndarray, k: int = MAP_NEIGHBOURS) -> np.ndarray:
    """The map's outliers: points none of whose k map neighbours carries their digit."""
    return neighbour_purity(points, labels, k) == 0


def digit_table(
    predicted: np.ndarray, maps: dict[int, np.ndarray], labels: np.ndarray, islands_perplexity: int = 30
) -> pd.DataFrame:
    """Per digit (columns, after a first column naming each row): map purity at each perplexity of
    `maps` (t-SNE maps of the latent codes), the islands of the `islands_perplexity` map, and from
    `predicted` (`latent.knn_predictions` of the codes) the latent 5-NN accuracy and the digit its
    codes are most often taken for (with the share of the digit's codes, "<1" below half a per cent)."""
    digits = [int(d) for d in np.unique(labels)]
    rows = {f"map purity, perplexity {p} [%]": map_purity(m, labels) for p, m in maps.items()}
    table = {name: {d: f"{100 * v[d]:.0f}" for d in digits} for name, v in rows.items()}
    islands = class_islands(maps[islands_perplexity], labels)
    table[f"islands, perplexity {islands_perplexity}"] = {d: str(len(islands[d])) for d in digits}
    table["latent 5-NN accuracy [%]"] = {
        d: f"{100 * (predicted[labels == d] == d).mean():.0f}" for d in digits
    }
    taken = {}
    for d in digits:
        wrong = predicted[(labels == d) & (predicted != d)]
        if len(wrong) == 0:
            taken[d] = "—"
            continue
        values, counts = np.unique(wrong, return_counts=True)
        share = 100 * counts.max() / (labels == d).sum()
        taken[d] = (
            f"{values[counts.argmax()]} ({share:.0f})" if share >= 0.5 else f"{values[counts.argmax()]} (<1)"
        )
    table["most often taken for (%)"] = taken
    return pd.DataFrame(table).T.rename(columns=str).rename_axis("digit").reset_index()


def tsne_variation_table(
    stability: dict[str, dict], sensitivity: dict[str, dict], seeds=TSNE_SEEDS
) -> pd.DataFrame:
    """The final map's robustness in one table: per initialisation, the largest Procrustes disparity
    between the `seeds`' maps (`seed_stability`), then per optimiser setting changed alone, the
    disparity from the default map (`optimiser_sensitivity`); each with the range of trustworthiness
    and map 5-NN accuracy (one value where it does not vary)."""

    def span(bounds, scale=1.0, digits=3):
        return prose.range_text([scale * b for b in bounds], digits, separator="–", collapse=True)

    names = ", ".join(str(s) for s in seeds)
    rows = [
        (f"seeds {names}, {'PCA init. (used here)' if init == 'pca' else 'random init.'}", row)
        for init, row in stability.items()
    ]
    rows += [(name, row) for name, row in sensitivity.items() if name != "default"]
    return pd.DataFrame(
        [
            {
                "map": name,
                "disparity": f"{row['disparity']:.2f}",
                "trustworthiness": span(np.atleast_1d(row["trustworthiness"])[[0, -1]]),
                "map 5-NN accuracy [%]": span(np.atleast_1d(row["knn_accuracy_embedding"])[[0, -1]], 100, 1),
            }
            for name, row in rows
        ]
    )


def path_summaries(changes: pd.DataFrame, predicted: dict) -> list[tuple[str, list[int], float, int]]:
    """(path, digits visited, lowest confidence, 1-based step of the lowest confidence) per path."""
    rows = []
    for row in changes.itertuples(index=False):
        steps = predicted[row.path]
        lowest = min(range(len(steps)), key=lambda i: steps[i][1])
        rows.append((row.path, [int(d) for d in row[1].split(" → ")], steps[lowest][1], lowest + 1))
    return rows


def step_regions(positions: np.ndarray, map_points: np.ndarray, labels: np.ndarray, k: int = 10) -> list[int]:
    """The digit region of each step of a placed path: the majority digit of its k map neighbours."""
    _, index = NearestNeighbors(n_neighbors=k).fit(map_points).kneighbors(positions)
    return [int(np.bincount(labels[row], minlength=10).argmax()) for row in index]


ISLAND_MIN_SHARE = 0.08  # a group of a digit's map points smaller than this share is no island
ISLAND_EPS_FACTOR = 2.0  # DBSCAN's radius, in units of the digit's median 5th-neighbour distance
ISLAND_MIN_SAMPLES = 5  # DBSCAN's points within the radius that make a core point


def class_islands(
    points: np.ndarray,
    labels: np.ndarray,
    eps_factor: float = ISLAND_EPS_FACTOR,
    min_share: float = ISLAND_MIN_SHARE,
) -> dict[int, list[np.ndarray]]:
    """Per digit, the separate groups ("islands") its points form in a 2-D map, largest first, as
    indices into `points`: DBSCAN on the digit's points with a radius of `eps_factor` times their
    median 5th-neighbour distance, keeping groups with at least `min_share` of the digit."""
    islands = {}
    for digit in np.unique(labels):
        members = np.flatnonzero(labels == digit)
        own = points[members]
        fifth = NearestNeighbors(n_neighbors=6).fit(own).kneighbors(own)[0][:, 5]
        radius = eps_factor * float(np.median(fifth))
        groups = DBSCAN(eps=radius, min_samples=ISLAND_MIN_SAMPLES).fit_predict(own)
        kept = [members[groups == g] for g in np.unique(groups[groups >= 0])]
        islands[int(digit)] = sorted(
            (m for m in kept if len(m) >= min_share * len(members)), key=len, reverse=True
        )
    return islands


def path_ink(strips: dict, solid: float = 0.5) -> dict[str, dict]:
    """Per path of decoded images (pixel means in [0, 1]): the least ink (mean pixel value) of an
    image on it relative to the less inked endpoint ("ink") and where it lies ("where": 0 = start,
    1 = end); and the least share of an image's ink in solid strokes (pixels of at least `solid`)
    relative to the lower endpoint's share ("solid"), which falls where strokes blur into grey."""
    rows = {}
    for name, images in strips.items():
        pixels = images.flatten(1)
        ink = pixels.mean(1)
        share = (pixels * (pixels >= solid)).sum(1) / pixels.sum(1)
        lowest = int(ink.argmin())
        rows[name] = {
            "ink": float(ink[lowest] / min(ink[0], ink[-1])),
            "where": lowest / (len(ink) - 1),
            "solid": float(share.min() / min(share[0], share[-1])),
        }
    return rows

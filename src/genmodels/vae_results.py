"""Part 1 computations added for the model answer: fair MLP/conv comparison, interpolation
endpoints that reconstruct as themselves, paths placed on a t-SNE map, how pure each digit's region is.

Each function takes trained models or arrays and returns plain data for the report cells.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from sklearn.cluster import DBSCAN
from sklearn.neighbors import NearestNeighbors

from genmodels import config as configs
from genmodels import results
from genmodels.gan import count_parameters
from genmodels.weights import load_or_train


def history_at(entry: dict, epoch: int) -> dict:
    """Test loss terms (nats) after `epoch` epochs, read from a manifest history."""
    if epoch > len(entry["history"]["test"]):
        raise ValueError(f"{entry['config']['name']} has only {len(entry['history']['test'])} epochs, not {epoch}")
    return entry["history"]["test"][epoch - 1]


def mlp_conv_table(mlp_config=configs.MLP_VAE, conv_config=configs.FINAL_VAE) -> pd.DataFrame:
    """MLP and conv VAE at the MLP's budget (same seed, β, optimiser), and the conv model at its own."""
    budget = mlp_config.epochs
    rows = []
    for name, config, epoch, with_nll in (("MLP", mlp_config, budget, True), ("conv", conv_config, budget, False),
                                          ("conv (final)", conv_config, conv_config.epochs, True)):
        entry = results.manifest_entry(config)
        test = history_at(entry, epoch)
        rows.append({"model": name, "params": count_parameters(results.vae(config)), "epochs": epoch,
                     "recon.": test["reconstruction"], "KL": test["kl"],
                     "−ELBO": test["reconstruction"] + test["kl"],
                     "NLL": results.test_nll_nats(config) if with_nll else float("nan"),
                     "s/epoch": float(np.mean(entry["history"]["seconds"][:epoch]))})
    return pd.DataFrame(rows)


@torch.no_grad()
def reconstruction_labels(config, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The MNIST classifier's label and confidence for the VAE's reconstruction of each image."""
    classifier = load_or_train(configs.MNIST_CLASSIFIER)["classifier"]
    model = results.vae(config).eval()
    mu, _ = model.encode(images)
    probabilities = torch.softmax(classifier(torch.sigmoid(model.decode(mu))), 1)
    confidence, label = probabilities.max(1)
    return label, confidence


def typical_endpoint(digit: int, labels: np.ndarray, recon_labels: np.ndarray, recon_confidence: np.ndarray,
                     neighbour_purity: np.ndarray, min_confidence: float = 0.95, min_purity: float = 0.9) -> int:
    """The first test index of `digit` that reconstructs as itself (confidently) and whose latent
    neighbours are mostly of its own class, i.e. a point inside its cluster, not on a boundary."""
    good = ((labels == digit) & (recon_labels == digit) & (recon_confidence >= min_confidence)
            & (neighbour_purity >= min_purity))
    candidates = np.flatnonzero(good)
    if len(candidates) == 0:
        raise ValueError(f"no test digit {digit} reconstructs as itself with confidence ≥ {min_confidence}")
    return int(candidates[0])


def neighbour_purity(points: np.ndarray, labels: np.ndarray, k: int = 10) -> np.ndarray:
    """Share of each point's k nearest neighbours (itself excluded) that carry its label."""
    _, index = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
    return (labels[index[:, 1:]] == labels[:, None]).mean(1)


def checked_endpoints(config=configs.FINAL_VAE, pairs=results.INTERPOLATION_PAIRS,
                      count: int = results.TSNE_POINTS) -> list[tuple[int, int]]:
    """Endpoint indices (among the first `count` test digits, so they lie on the t-SNE map)."""
    images, labels = results.mnist_test()
    means = results.latent_statistics(config)["means"][:count].numpy()
    labels = labels[:count].numpy()
    recon_labels, recon_confidence = (t.numpy() for t in reconstruction_labels(config, images[:count]))
    purity = neighbour_purity(means, labels)
    pick = {d: typical_endpoint(d, labels, recon_labels, recon_confidence, purity) for d in {*sum(pairs, ())}}
    return [(pick[a], pick[b]) for a, b in pairs]


def interpolation_paths(config=configs.FINAL_VAE) -> dict:
    """Linear and spherical latent paths between the checked endpoints, keyed 'a→b lin|sph'."""
    means = results.latent_statistics(config)["means"]
    _, labels = results.mnist_test()
    paths = {}
    for start, end in checked_endpoints(config):
        for method in ("linear", "spherical"):
            name = f"{int(labels[start])}→{int(labels[end])} {method[:3]}"
            paths[name] = results.latent.interpolate(means[start], means[end], results.INTERPOLATION_STEPS, method)
    return paths


def place_on_map(codes: np.ndarray, reference_codes: np.ndarray, reference_map: np.ndarray,
                 k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Map positions of new latent codes: the mean map position of their k nearest reference codes
    (t-SNE has no out-of-sample map), and the distance to the nearest reference code."""
    distances, index = NearestNeighbors(n_neighbors=k).fit(reference_codes).kneighbors(codes)
    return reference_map[index].mean(1), distances[:, 0]


def map_purity(points: np.ndarray, labels: np.ndarray, k: int = 10) -> dict[int, float]:
    """Per digit, the mean share of a map point's k map neighbours that carry its digit:
    near 1 for a region of its own, lower where a digit's region overlaps its neighbours'."""
    purity = neighbour_purity(points, labels, k)
    return {int(d): float(purity[labels == d].mean()) for d in np.unique(labels)}


def path_summaries(changes: pd.DataFrame, predicted: dict) -> list[tuple[str, list[int], float, int]]:
    """(path, digits visited, lowest confidence, 1-based step of the lowest confidence) per path."""
    rows = []
    for row in changes.itertuples(index=False):
        steps = predicted[row.path]
        lowest = min(range(len(steps)), key=lambda i: steps[i][1])
        rows.append((row.path, [int(d) for d in row[1].split(" → ")], steps[lowest][1], lowest + 1))
    return rows


def regions_crossed(positions: np.ndarray, map_points: np.ndarray, labels: np.ndarray, k: int = 10) -> list[int]:
    """The digit regions a placed path crosses: the majority digit of each point's k map
    neighbours, consecutive repeats removed."""
    _, index = NearestNeighbors(n_neighbors=k).fit(map_points).kneighbors(positions)
    majority = [int(np.bincount(labels[row], minlength=10).argmax()) for row in index]
    return [d for i, d in enumerate(majority) if i == 0 or d != majority[i - 1]]


def class_islands(points: np.ndarray, labels: np.ndarray, eps_factor: float = 2.0,
                  min_share: float = 0.08) -> dict[int, list[np.ndarray]]:
    """Per digit, the separate groups ("islands") its points form in a 2-D map, largest first, as
    indices into `points`: DBSCAN on the digit's points with a radius of `eps_factor` times their
    median 5th-neighbour distance, keeping groups with at least `min_share` of the digit."""
    islands = {}
    for digit in np.unique(labels):
        members = np.flatnonzero(labels == digit)
        own = points[members]
        fifth = NearestNeighbors(n_neighbors=6).fit(own).kneighbors(own)[0][:, 5]
        groups = DBSCAN(eps=eps_factor * float(np.median(fifth)), min_samples=5).fit_predict(own)
        kept = [members[groups == g] for g in np.unique(groups[groups >= 0])]
        islands[int(digit)] = sorted((m for m in kept if len(m) >= min_share * len(members)), key=len, reverse=True)
    return islands


def path_ink(strips: dict) -> dict[str, tuple[float, float]]:
    """Per path, the least ink (mean pixel value) of a decoded image on it relative to the less
    inked endpoint, and where that minimum lies (0 = start, 1 = end)."""
    rows = {}
    for name, images in strips.items():
        ink = images.flatten(1).mean(1)
        lowest = int(ink.argmin())
        rows[name] = (float(ink[lowest] / min(ink[0], ink[-1])), lowest / (len(ink) - 1))
    return rows


@torch.no_grad()
def exported_vae_agreement(exported: torch.nn.Module, model: torch.nn.Module, images: torch.Tensor,
                           seed: int = 0) -> float:
    """Largest difference between the exported file's first output and sigmoid of the in-memory
    model's reconstruction logits, both drawing z after torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    from_file = exported(images)[0]
    torch.manual_seed(seed)
    in_memory = torch.sigmoid(model.eval()(images)[0])
    return float((from_file - in_memory).abs().max())


def free_bits_table(mitigation: dict, plain_final: dict, free_final: dict) -> pd.DataFrame:
    """The plain β = 10 run against the free-bits run: active units, KL and reconstruction."""
    rows = [{"run": name, "active units": stats["active_units"], "KL": final["test_kl"],
             "recon.": final["test_reconstruction"]}
            for name, stats, final in (("β = 10", mitigation["plain"], plain_final),
                                       ("β = 10, free bits", mitigation["free_bits"], free_final))]
    return pd.DataFrame(rows)

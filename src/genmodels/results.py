"""What the report computes from trained models: tables, summary numbers, figure inputs.

Every function here loads (or trains) models through the weight cache and returns plain
data (DataFrames, dicts, tensors) for the report cells and `plots`. Expensive values (the
importance-sampled NLL, FID) are computed once and stored in the weights manifest.
"""
from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import torch

from genmodels import config as configs
from genmodels import data, latent
from genmodels.gan import count_parameters
from genmodels.vae import active_units, gaussian_kl_per_dimension, importance_sampled_nll, latent_means
from genmodels.weights import cached_metric, load_or_train

NLL_IMPORTANCE_SAMPLES = 500
TSNE_POINTS = 3000  # the first 3000 test digits: t-SNE on 10k costs minutes on two cores


@functools.cache
def mnist_test() -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed binarised MNIST test set (images in {0, 1}) and its labels."""
    return data.binarised_mnist_test()


@functools.cache
def vae(config=configs.FINAL_VAE):
    """A trained VAE module (trained now if the cache has none for this config)."""
    return load_or_train(config)["vae"]


def manifest_entry(config) -> dict:
    return load_or_train(config).entry


def test_nll_nats(config=configs.FINAL_VAE) -> float:
    """Importance-sampled test NLL (K=500, full fixed-binarised test set), computed once."""
    vae(config)  # trained (and in the manifest) before its metric is looked up

    def compute():
        torch.manual_seed(0)
        images, _ = mnist_test()
        nll = importance_sampled_nll(vae(config), images, NLL_IMPORTANCE_SAMPLES,
                                     generator=torch.Generator().manual_seed(0))
        return float(nll.mean())
    return cached_metric(config, f"test_nll_nats_k{NLL_IMPORTANCE_SAMPLES}", compute)


@functools.cache
def latent_statistics(config) -> dict:
    """Posterior means, per-dimension KL and active units of a VAE on the test set."""
    images, labels = mnist_test()
    model = vae(config)
    with torch.no_grad():
        mu, logvar = zip(*(model.encode(x) for x in images.split(1000)))
    mu, logvar = torch.cat(mu), torch.cat(logvar)
    count, variance = active_units(mu)
    return {"means": mu, "kl_per_dimension": gaussian_kl_per_dimension(mu, logvar).mean(0),
            "active_units": count, "activity": variance, "labels": labels}


def comparison_table(named_configs: dict, with_nll: bool = False) -> pd.DataFrame:
    """One row per model: size, time, test loss terms, active units (and NLL if asked)."""
    rows = []
    for name, config in named_configs.items():
        entry = manifest_entry(config)
        final = entry["final"]
        row = {"model": name, "β": config.beta, "parameters": count_parameters(vae(config)),
               "epochs": entry["epochs"], "s/epoch": entry["seconds_per_epoch"],
               "test reconstruction": final["test_reconstruction"], "test KL": final["test_kl"],
               "test −ELBO (β=1)": final["test_reconstruction"] + final["test_kl"],
               "active units": latent_statistics(config)["active_units"]}
        if with_nll:
            row["test NLL (IS, K=500)"] = test_nll_nats(config)
        rows.append(row)
    return pd.DataFrame(rows)


def beta_study() -> dict:
    """Histories, loss terms and latent statistics of the beta study, keyed by beta."""
    study = {}
    for config in configs.BETA_STUDY:
        entry = manifest_entry(config)
        study[config.beta] = {"config": config, "history": entry["history"], "final": entry["final"],
                              **latent_statistics(config)}
    return study


def reconstructions(config, count: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """The first `count` binarised test digits and the decoder's pixel means for them."""
    torch.manual_seed(0)
    images, _ = mnist_test()
    with torch.no_grad():
        logits, _, _ = vae(config)(images[:count])
    return images[:count], torch.sigmoid(logits)


def prior_samples(config, count: int = 256) -> torch.Tensor:
    """Pixel means decoded from `count` draws of z ~ N(0, I) (seed 0)."""
    return vae(config).sample(count, torch.Generator().manual_seed(0))


# --- latent space ------------------------------------------------------------------------------

INTERPOLATION_PAIRS = ((1, 0), (4, 9), (3, 8), (7, 2))  # (from digit, to digit)
INTERPOLATION_STEPS = 12


def interpolation_endpoints() -> list[tuple[int, int]]:
    """Test-set indices of the first example of each digit in INTERPOLATION_PAIRS."""
    _, labels = mnist_test()
    first = {digit: int((labels == digit).nonzero()[0]) for digit in range(10)}
    return [(first[a], first[b]) for a, b in INTERPOLATION_PAIRS]


def interpolation_paths(config=configs.FINAL_VAE) -> dict:
    """Latent paths (linear and spherical) between the endpoint pairs, keyed by a row name."""
    means = latent_statistics(config)["means"]
    _, labels = mnist_test()
    paths = {}
    for start, end in interpolation_endpoints():
        for method in ("linear", "spherical"):
            name = f"{int(labels[start])}→{int(labels[end])} {method[:3]}"
            paths[name] = latent.interpolate(means[start], means[end], INTERPOLATION_STEPS, method)
    return paths


def decode_and_classify(paths: dict, config=configs.FINAL_VAE) -> tuple[dict, dict]:
    """Decoded images along each path and the MNIST classifier's (label, confidence) per step."""
    classifier = load_or_train(configs.MNIST_CLASSIFIER)["classifier"]
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


def class_changes(predictions: dict) -> pd.DataFrame:
    """Where along each path the classifier's label changes, and through which digits."""
    rows = []
    for name, steps in predictions.items():
        labels = [label for label, _ in steps]
        visited = [labels[0]] + [b for a, b in zip(labels, labels[1:]) if b != a]
        rows.append({"path": name, "digits visited": " → ".join(map(str, visited)),
                     "first step with end label": labels.index(labels[-1]) + 1,
                     "min confidence": min(c for _, c in steps)})
    return pd.DataFrame(rows)


def tsne_maps(config=configs.FINAL_VAE, perplexities=(5, 30, 100), with_paths: bool = True) -> dict:
    """t-SNE maps of the first TSNE_POINTS test means; paths are embedded jointly with them."""
    stats = latent_statistics(config)
    points = stats["means"][:TSNE_POINTS]
    paths = interpolation_paths(config) if with_paths else {}
    stacked = torch.cat([points, *paths.values()]).numpy() if paths else points.numpy()
    maps = {}
    for perplexity in perplexities:
        embedding = latent.tsne(stacked, perplexity)
        path_points, offset = {}, len(points)
        for name, path in paths.items():
            path_points[name] = embedding[offset:offset + len(path)]
            offset += len(path)
        maps[perplexity] = {"points": embedding[:len(points)], "paths": path_points}
    return maps


def tsne_quality_table(maps_by_model: dict) -> pd.DataFrame:
    """Trustworthiness and k-NN accuracy (latent vs map) for each (model, perplexity) map."""
    rows = []
    for (name, config, perplexity), embedding in maps_by_model.items():
        stats = latent_statistics(config)
        means = stats["means"][:TSNE_POINTS].numpy()
        labels = stats["labels"][:TSNE_POINTS].numpy()
        rows.append({"model": name, "perplexity": perplexity,
                     **latent.embedding_quality(means, embedding, labels)})
    return pd.DataFrame(rows)


def format_table(frame: pd.DataFrame, digits: int | tuple = 2, widths: tuple[int, ...] | None = None,
                 as_text: bool = False) -> str:
    """A DataFrame as a pipe table with fixed decimals (one count for all columns, or one per column,
    None keeping a column as it is), missing values as a dash, for markdown output (`as_text`: cells
    exactly as given, numbers in strings not reformatted). `widths` sets the relative column
    widths (pandoc reads them from the dashes under the header once a row is wider than the
    page; by default they follow the longest cell)."""
    floatfmt = (tuple("" if d is None else f".{d}f" for d in digits) if isinstance(digits, tuple)
                else f".{digits}f")
    table = frame.to_markdown(index=False, floatfmt=floatfmt, disable_numparse=as_text, missingval="—")
    if widths is None:
        return table
    if len(widths) != frame.shape[1]:
        raise ValueError(f"{len(widths)} widths for a table of {frame.shape[1]} columns")
    header, rule, *body = table.split("\n")
    cells = rule.strip("|").split("|")
    rule = "|" + "|".join((":" if c.startswith(":") else "-") + "-" * (w - 2) + (":" if c.endswith(":") else "-")
                          for c, w in zip(cells, widths)) + "|"
    return "\n".join([header, rule, *body])


def log_ratio(a: float, b: float) -> float:
    return math.log(a / b)


# --- Part 1: tables and sentences quoted in the prose ---------------------------------------------

HYPERPARAMETER_REASONS = {
    "latent_dim": "room for MNIST's factors of variation; dimensions the data do not need stay inactive (the KL per dimension, 1.2b)",
    "hidden_dim": "MLP width of the encoder and decoder heads, as in Kingma and Welling's MNIST models (500)",
    "conv_channels": "two stride-2 convolutions take 28 → 14 → 7 pixels; channels double as the side halves",
    "dropout": "off: the sampling noise and the KL term already regularise, and the test loss stays below the training average",
    "beta": "β = 1 optimises the ELBO itself, so the NLL bound is meaningful; other β in the β study",
    "epochs": "what two CPU cores afford (under a minute per epoch); the test loss still falls slowly at the end",
    "batch_size": "stable BatchNorm statistics, about 470 Adam steps per epoch",
    "learning_rate": "Adam's usual 10⁻³, stable with BatchNorm",
    "seed": "fixed, so every run and every figure is reproducible",
}


def hyperparameter_table(config) -> str:
    """The config's hyperparameters with a one-line justification each, as a pipe table."""
    rows = [{"hyperparameter": key, "value": str(getattr(config, key)), "why": reason}
            for key, reason in HYPERPARAMETER_REASONS.items()]
    rows.insert(0, {"hyperparameter": "architecture", "value": config.architecture,
                    "why": "convolutions see local strokes wherever they are; lower test −ELBO than the MLP at the same budget (Table 2)"})
    return pd.DataFrame(rows).to_markdown(index=False)


def beta_table(study: dict) -> pd.DataFrame:
    rows = []
    for beta, result in study.items():
        final = result["final"]
        rows.append({"β": f"{beta:g}", "reconstruction": final["test_reconstruction"], "KL": final["test_kl"],
                     "−ELBO (β = 1)": final["test_reconstruction"] + final["test_kl"],
                     "β-weighted loss": final["test_total"], "active units": result["active_units"]})
    return pd.DataFrame(rows)


def active_unit_sentence(study: dict) -> str:
    parts = [f"{result['active_units']} active units at β = {beta:g}" for beta, result in study.items()]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def collapse_mitigation() -> dict:
    """The free-bits run against the plain run at the same beta (10) and budget."""
    plain = latent_statistics(configs.beta_study_config(10.0))
    freed = latent_statistics(configs.FREE_BITS_VAE)
    plain_final = manifest_entry(configs.beta_study_config(10.0))["final"]
    freed_final = manifest_entry(configs.FREE_BITS_VAE)["final"]
    sentence = (f"the active units go from {plain['active_units']} to {freed['active_units']}, the test KL from "
                f"{plain_final['test_kl']:.1f} to {freed_final['test_kl']:.1f} nats and the reconstruction term "
                f"from {plain_final['test_reconstruction']:.1f} to {freed_final['test_reconstruction']:.1f} nats.")
    return {"plain": plain, "free_bits": freed, "sentence": sentence}


def pca_map(config) -> tuple[np.ndarray, np.ndarray]:
    return latent.pca(latent_statistics(config)["means"][:TSNE_POINTS].numpy())


QUALITY_COLUMNS = {"trustworthiness": "trustworthiness", "knn_accuracy_latent": "5-NN accuracy (latent)",
                   "knn_accuracy_embedding": "5-NN accuracy (2-D map)"}


def tsne_summary(quality: pd.DataFrame) -> dict:
    """Numbers the t-SNE prose quotes, read from the quality table."""
    final = quality[quality["model"] == "final (β = 1)"]
    study = quality[quality["model"].str.startswith("study")]
    tsne_rows = quality[~quality["model"].str.contains("PCA")]
    parts = [f"{row.model.replace('study ', '')}: {row.knn_accuracy_latent:.1%} in latent space, "
             f"{row.knn_accuracy_embedding:.1%} in the map" for row in study.itertuples()]
    study_latent = {float(row.model.split("=")[1]): row.knn_accuracy_latent for row in study.itertuples()}
    return {"final_latent": float(final["knn_accuracy_latent"].iloc[0]), "study_latent": study_latent,
            "beta_sentence": "The 5-NN accuracies across β are " + "; ".join(parts) + ".",
            "trust_range": f"{tsne_rows['trustworthiness'].min():.3f} to {tsne_rows['trustworthiness'].max():.3f}"}


def interpolation_sentence(changes: pd.DataFrame) -> str:
    direct = [row.path for row in changes.itertuples() if row._2.count("→") == 1]
    indirect = [f"{row.path} ({row._2})" for row in changes.itertuples() if row._2.count("→") > 1]
    text = f"Of the {len(changes)} paths, {len(direct)} go straight from the start digit to the end digit"
    if indirect:
        text += ", while " + "; ".join(indirect) + " pass through other classes on the way"
    return text + "."


def loss_dynamics(history: dict) -> dict:
    """Numbers the loss-curve prose quotes: how each test term moved, and the train-test gap."""
    test, train = history["test"], history["train"]
    kl = [epoch["kl"] for epoch in test]
    return {"kl_first": kl[0], "kl_peak": max(kl), "kl_peak_epoch": kl.index(max(kl)) + 1, "kl_last": kl[-1],
            "reconstruction_first": test[0]["reconstruction"], "reconstruction_last": test[-1]["reconstruction"],
            "total_first": test[0]["total"], "total_last": test[-1]["total"],
            "gap": test[-1]["total"] - train[-1]["total"]}


def best_elbo_beta(study: dict) -> tuple[float, float]:
    """The beta whose model has the lowest test -ELBO (reconstruction + KL at beta = 1)."""
    scores = {beta: r["final"]["test_reconstruction"] + r["final"]["test_kl"] for beta, r in study.items()}
    best = min(scores, key=scores.get)
    return best, scores[best]


def confused_pairs(config) -> list[tuple[int, int, float]]:
    """The digit pairs whose latent means are most often k-NN neighbours of the other class."""
    stats = latent_statistics(config)
    return latent.confused_pairs(stats["means"][:TSNE_POINTS].numpy(), stats["labels"][:TSNE_POINTS].numpy())


def confused_pairs_text(config) -> str:
    pairs = [f"{a} with {b}" for a, b, _ in confused_pairs(config)]
    return ", ".join(pairs[:-1]) + " and " + pairs[-1]


def confused_digits_sentence(config) -> str:
    pairs = confused_pairs(config)
    listed = ", ".join(f"{a} and {b} ({share:.1%} of their digits)" for a, b, share in pairs)
    return f"The digit pairs whose codes are most often nearest neighbours of the other class are {listed}"


def path_difference(strips: dict) -> float:
    """Mean absolute pixel difference between the linear and spherical decodings of each pair."""
    differences = [(strips[name] - strips[name.replace("lin", "sph")]).abs().mean().item()
                   for name in strips if name.endswith("lin")]
    return sum(differences) / len(differences)


def sample_diversity(images: torch.Tensor) -> dict:
    """Smallest and median pairwise L2 distance between images (duplicates would give ~0)."""
    flat = images.flatten(1)
    distances = torch.cdist(flat, flat)
    upper = distances[torch.triu(torch.ones_like(distances, dtype=torch.bool), diagonal=1)]
    return {"min": float(upper.min()), "median": float(upper.median())}


# --- Part 2: the GAN ---------------------------------------------------------------------------

FID_SAMPLES = 10_000



def _metrics_cache():
    from genmodels import PROJECT_ROOT
    return PROJECT_ROOT / ".cache" / "metrics"


@functools.cache
def cifar_train() -> tuple[torch.Tensor, torch.Tensor]:
    return data.cifar10(train=True)


def real_subset_indices(count: int = FID_SAMPLES) -> torch.Tensor:
    """A fixed random subset of the CIFAR-10 training set (seed 0), sorted."""
    return torch.randperm(len(cifar_train()[0]), generator=torch.Generator().manual_seed(0))[:count].sort().values


def real_features(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Inception features (bf16) and labels of 10k real images: a train subset or the test set."""
    from genmodels import metrics
    if split == "train":
        images, labels = cifar_train()
        index = real_subset_indices()
        images, labels = images[index], labels[index]
    else:
        images, labels = data.cifar10(train=False)
    features = metrics.cached_real_features(f"cifar10_{split}", lambda: images, cache_dir=_metrics_cache())
    return features, labels.numpy()


def train_seconds_all_stages(entry: dict) -> float:
    """Training time of a model including the earlier stages it continued from."""
    return entry["train_seconds"] + entry.get("earlier_stages", {}).get("train_seconds", 0.0)


def training_stages(config) -> list[tuple[object, dict]]:
    """(config, manifest entry) of every training stage of `config`, the first stage first."""
    stages = []
    while config is not None:
        stages.insert(0, (config, manifest_entry(config)))
        config = getattr(config, "init_from", None)
    return stages


def device_name(entry: dict) -> str:
    """Where a stage was trained, short: 'CPU' or the GPU's model ('H100', 'H200')."""
    cuda = entry["hardware"].get("cuda")
    return "CPU" if not cuda else cuda.replace("NVIDIA ", "").split()[0]


def training_hours_text(config) -> str:
    """Training hours of every stage by device, e.g. '0.11 H100 + 0.05 H200 + 1.25 CPU'."""
    hours: dict[str, float] = {}
    for _, entry in training_stages(config):
        hours[device_name(entry)] = hours.get(device_name(entry), 0.0) + entry["train_seconds"] / 3600
    return " + ".join(f"{h:.2f} {device}" if device != "CPU" or len(hours) > 1 else f"{h:.1f} {device}"
                      for device, h in hours.items())


@functools.cache
def gan(config=configs.FINAL_GAN):
    """The trained GAN (generator = the shipped, EMA-averaged one when EMA is on)."""
    return load_or_train(config)


def generate(count: int, seed: int = 0, config=configs.FINAL_GAN, batch_size: int = 500) -> torch.Tensor:
    """`count` generated images in [-1, 1] from noise drawn after torch.manual_seed(seed)."""
    generator = gan(config)["generator"]
    torch.manual_seed(seed)
    noise = torch.randn(count, config.latent_dim, 1, 1)
    with torch.no_grad():
        return torch.cat([generator(z) for z in noise.split(batch_size)])


def gan_evaluation(config=configs.FINAL_GAN) -> dict:
    """FID/KID/PRDC and the class distribution of 10k generated images, computed once.

    The reference is a fixed 10k subset of the (JPEG) training set; the same Inception
    features (bf16) are used for real and generated images."""
    gan(config)  # trained (and in the manifest) before its metric is looked up

    def compute():
        from genmodels import metrics
        real, real_labels = real_features("train")
        test, test_labels = real_features("test")
        fake, _ = metrics.inception_features(generate(FID_SAMPLES, seed=1, config=config), bf16=True)
        classifier = metrics.fit_feature_classifier(real, real_labels)
        counts = metrics.class_distribution(classifier, fake)
        kid_mean, kid_std = metrics.kid_from_features(real, fake)
        classifier_score = metrics.inception_score(classifier.predict_log_proba(fake))
        return {"fid": metrics.fid_from_features(real, fake), "kid": kid_mean, "kid_std": kid_std,
                **{k: float(v) for k, v in metrics.precision_recall_density_coverage(real, fake).items()},
                "class_counts": [int(c) for c in counts], "label_entropy_nats": metrics.label_entropy(counts),
                "test_class_counts": [int(c) for c in metrics.class_distribution(classifier, test)],
                "classifier_test_accuracy": float(classifier.score(test, test_labels)),
                "classifier_score": classifier_score[0], "classifier_score_std": classifier_score[1],
                "fid_train_vs_test": metrics.fid_from_features(real, test),
                "samples": FID_SAMPLES}
    return cached_metric(config, "evaluation_10k", compute)


def architecture_table(config=configs.FINAL_GAN) -> pd.DataFrame:
    """Each block of G and D: output shape and parameter count (from a forward pass)."""
    from genmodels.gan import build_gan
    generator, discriminator = build_gan(config)
    rows = []
    for name, network, x in (("G", generator, torch.zeros(2, config.latent_dim, 1, 1)),
                             ("D", discriminator, torch.zeros(2, 3, 32, 32))):
        network.eval()
        rows.append({"network": name, "block": "input", "layers": "", "output shape": str(tuple(x.shape[1:])),
                     "parameters": 0})
        with torch.no_grad():
            for index, block in enumerate(network.net):
                x = block(x)
                layers = ", ".join(type(m).__name__.replace("Parametrized", "") + (" (spectral norm)" if "Parametrized" in type(m).__name__ else "")
                                   for m in (block if isinstance(block, torch.nn.Sequential) else [block]))
                rows.append({"network": name, "block": str(index), "layers": layers,
                             "output shape": str(tuple(x.shape[1:])), "parameters": count_parameters(block)})
        rows.append({"network": name, "block": "total", "layers": "", "output shape": "",
                     "parameters": count_parameters(network)})
    return pd.DataFrame(rows)


def snapshot_grid(config=configs.FINAL_GAN, epochs=None, per_epoch: int = 10) -> dict:
    """Fixed-noise samples from the snapshots taken after selected epochs."""
    snapshots = gan(config).extras["snapshots"]
    total = len(snapshots)
    notes = {epoch: f" ({text})" for epoch, text in config.schedule_events().items()}
    epochs = epochs or sorted({1, 2, max(1, total // 8), max(1, total // 4), total // 2, *notes, total} - {0})
    return {f"after epoch {e}" + notes.get(e, ""): snapshots[e - 1, :per_epoch].float() / 255 for e in epochs}


GAN_RUNS = (configs.GAN_STAGE1, configs.GAN_STAGE2, configs.GAN_LONG, configs.GAN_RESTART, configs.FINAL_GAN)


def model_description(config) -> str:
    """Architecture and loss in words, e.g. 'DCGAN, BCE' or 'SNGAN CNN, hinge + SN'."""
    loss = "hinge" if config.loss == "hinge" else "BCE"
    return (f"{'DCGAN' if config.architecture == 'dcgan' else 'SNGAN CNN'}, {loss}"
            + (" + SN" if config.spectral_norm else ""))


def gan_runs_table(runs=GAN_RUNS) -> pd.DataFrame:
    """The long GAN runs side by side: schedule, length, training time and 10k-sample quality."""
    rows = []
    for config in runs:
        evaluation = gan_evaluation(config)
        rows.append({"run": config.name, "model": model_description(config),
                     "learning rate by epoch": config.schedule_description(), "epochs": config.total_epochs,
                     "hours": training_hours_text(config), "FID": f"{evaluation['fid']:.1f}",
                     "KID×1000": f"{1000 * evaluation['kid']:.1f}", "recall": f"{evaluation['recall']:.2f}",
                     "coverage": f"{evaluation['coverage']:.2f}"})
    return pd.DataFrame(rows)


def late_training_means(config, fraction: float = 0.25) -> dict:
    """Mean D loss, G loss, D(x) and D(G(z)) over the last `fraction` of all epochs (all stages)."""
    epochs = manifest_entry(config)["history"]["epochs"]
    last = epochs[-max(1, round(len(epochs) * fraction)):]
    return {k: sum(e[k] for e in last) / len(last) for k in ("d_loss", "g_loss", "d_real", "d_fake")}


def nearest_training_images(queries: torch.Tensor, k: int = 5) -> torch.Tensor:
    """For generated images in [-1, 1], the k nearest CIFAR-10 training images in pixel space."""
    from genmodels import metrics
    train = data.to_minus_one_one(cifar_train()[0])
    _, index = metrics.nearest_neighbours(queries.flatten(1), train.flatten(1), k=k)
    return data.gan_output_to_image(train[torch.as_tensor(index)])


def gan_quality_table(evaluation: dict) -> pd.DataFrame:
    rows = [("FID (10k generated vs 10k train)", evaluation["fid"]),
            ("FID floor (10k train vs 10k test, real images)", evaluation["fid_train_vs_test"]),
            ("KID × 1000 (mean over 100 subsets of 1000)", 1000 * evaluation["kid"]),
            ("precision", evaluation["precision"]), ("recall", evaluation["recall"]),
            ("density", evaluation["density"]), ("coverage", evaluation["coverage"]),
            ("classifier score (linear probe, max 10)", evaluation["classifier_score"]),
            ("class entropy [nats] (uniform: log 10 = 2.303)", evaluation["label_entropy_nats"])]
    return pd.DataFrame(rows, columns=["metric", "value"])


def gan_quality_sentence(evaluation: dict) -> str:
    return (f"Measured on 10,000 samples, the generator's FID is {evaluation['fid']:.1f} against a floor of "
            f"{evaluation['fid_train_vs_test']:.1f} between real training and test images of the same copy, "
            f"with precision {evaluation['precision']:.2f} and recall {evaluation['recall']:.2f}.")


FID_TARGET, FID_STRETCH = 30.0, 25.0  # the project's quality target for the shipped generator


def fid_target_sentence(fid: float) -> str:
    """Where the 10k-sample FID stands against the project's target (≤ 30, stretch ≤ 25)."""
    if fid <= FID_STRETCH:
        return f"Its FID of {fid:.1f} meets both the project's target (≤ {FID_TARGET:.0f}) and its stretch goal (≤ {FID_STRETCH:.0f})."
    if fid <= FID_TARGET:
        return (f"Its FID of {fid:.1f} meets the project's target (≤ {FID_TARGET:.0f}) but not the stretch goal "
                f"(≤ {FID_STRETCH:.0f}).")
    return f"Its FID of {fid:.1f} misses the project's target (≤ {FID_TARGET:.0f}) by {fid - FID_TARGET:.1f}."


def gan_theory_sentence(late: dict, config) -> str:
    """Compare the late-training averages with the equilibrium values of `config`'s loss."""
    from genmodels.gan import equilibrium_losses
    d_star, g_star = equilibrium_losses(config.loss)
    names = ("2", "0") if config.loss == "hinge" else ("log 4", "log 2")
    gap = late["d_real"] - late["d_fake"]
    if gap > 0.1:
        return (f"D stays ahead of G: it still separates real from fake images "
                f"(D(x) − D(G(z)) = {gap:.2f}), so its loss sits below {names[0]} ({late['d_loss']:.2f} against "
                f"{d_star:.2f}) and G's above {names[1]} ({late['g_loss']:.2f} against {g_star:.2f}). This is the "
                f"usual picture on a finite budget: the equilibrium D = 1/2 assumes unlimited capacity and exact "
                f"optimisation, and in practice D, which sees real images directly, keeps an edge while G improves.")
    return (f"D's outputs on real and fake images are close (D(x) − D(G(z)) = {gap:.2f}), and the losses sit "
            f"near {names[0]} and {names[1]}: the game is near the theoretical equilibrium.")


def class_coverage_sentence(evaluation: dict) -> str:
    counts = np.asarray(evaluation["class_counts"])
    share = counts / counts.sum()
    names = data.CIFAR10_CLASSES
    return (f"a linear classifier on Inception features (test accuracy {evaluation['classifier_test_accuracy']:.1%} "
            f"on real images) assigns the 10,000 samples to all ten classes, from "
            f"{share.min():.1%} ({names[int(share.argmin())]}) to {share.max():.1%} ({names[int(share.argmax())]}); "
            f"the entropy of this distribution is {evaluation['label_entropy_nats']:.3f} nats against "
            f"log 10 = {math.log(10):.3f} for a uniform one")


def mode_collapse_verdict(evaluation: dict) -> str:
    entropy_ratio = evaluation["label_entropy_nats"] / math.log(10)
    if entropy_ratio > 0.9 and evaluation["recall"] > 0.2:
        return (f"Together these show no mode collapse: every class is generated, the class entropy is "
                f"{entropy_ratio:.0%} of its maximum, and recall is well above zero. The imbalance that remains "
                f"(some classes over-represented, others under-represented) is partial mode dropping across "
                f"classes, and recall below precision says the generator covers less of the data's variety than it "
                f"reproduces its typical images.")
    return (f"These numbers show partial mode collapse: the class entropy is only {entropy_ratio:.0%} of its "
            f"maximum and recall is {evaluation['recall']:.2f}.")


def training_throughput(config, steps: int = 20, warmup_steps: int = 5) -> float:
    """Training images/second of `config` on one CPU thread: D and G steps (and the EMA
    update), on a synthetic batch so data loading and other processes do not count."""
    import time
    from genmodels.gan import EMA, build_gan
    from genmodels.train import gan_train_step
    generator, discriminator = build_gan(config)
    betas = (config.adam_beta1, config.adam_beta2)
    optimisers = [torch.optim.Adam(generator.parameters(), config.learning_rate_generator, betas=betas),
                  torch.optim.Adam(discriminator.parameters(), config.learning_rate_discriminator, betas=betas)]
    ema = EMA(generator, config.ema_decay) if config.ema_decay > 0 else None
    real = torch.rand(config.batch_size, 3, 32, 32) * 2 - 1
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for step in range(warmup_steps + steps):
            if step == warmup_steps:
                began = time.perf_counter()
            noise = torch.randn(config.batch_size, config.latent_dim, 1, 1)
            gan_train_step(generator, discriminator, *optimisers, real, noise, config)
            if ema is not None:
                ema.update(generator, step)
    finally:
        torch.set_num_threads(threads)
    return steps * config.batch_size / (time.perf_counter() - began)


def throughput_table(config=configs.FINAL_GAN) -> pd.DataFrame:
    """Training images/second with and without bf16 autocast, measured once and cached."""
    import dataclasses
    gan(config)
    measured = cached_metric(config, "throughput_images_per_second", lambda: {
        "fp32": training_throughput(dataclasses.replace(config, bf16_autocast=False)),
        "bf16 autocast": training_throughput(dataclasses.replace(config, bf16_autocast=True))})
    return pd.DataFrame([{"precision": k, "images/s (1 thread)": v,
                          "seconds per epoch": 50_000 / v} for k, v in measured.items()])


ABLATION_SAMPLES = 2_000
ABLATION_FID_COLUMN = f"FID ({ABLATION_SAMPLES:,} samples)"


def ablation_table() -> pd.DataFrame:
    """Each ablation run: FID on 2,000 samples against the 10k real subset, and images/s."""
    rows = []
    for label, config in configs.GAN_ABLATION.items():
        trained = gan(config)
        rows.append({"run": label, "epochs": trained.entry["epochs"],
                     "images/s (1 thread)": cached_metric(config, "throughput_images_per_second_1_thread",
                                                          lambda config=config: training_throughput(config)),
                     ABLATION_FID_COLUMN: ablation_fid(config)})
    return pd.DataFrame(rows)


def ablation_fid(config) -> float:
    """FID of ABLATION_SAMPLES samples against the 10k real subset, computed once."""
    def compute():
        from genmodels import metrics
        real, _ = real_features("train")
        fake, _ = metrics.inception_features(generate(ABLATION_SAMPLES, seed=1, config=config), bf16=True)
        return metrics.fid_from_features(real, fake)
    gan(config)
    return cached_metric(config, f"fid_{ABLATION_SAMPLES}", compute)


def ablation_sentence(table: pd.DataFrame) -> str:
    """How each ablation run's FID and speed compare with the baseline's (first row)."""
    baseline, others = table.iloc[0], table.iloc[1:]
    fid, speed = ABLATION_FID_COLUMN, "images/s (1 thread)"
    parts = [f"{row['run'].removeprefix('baseline + ')} {'lowers' if row[fid] < baseline[fid] else 'raises'} it to "
             f"{row[fid]:.1f} ({row[fid] - baseline[fid]:+.1f}) at {row[speed] / baseline[speed]:.2f}× its speed"
             for _, row in others.iterrows()]
    return (f"After {int(baseline['epochs'])} epochs the baseline reaches an FID of {baseline[fid]:.1f} "
            f"({ABLATION_SAMPLES:,} samples); " + "; ".join(parts) + ".")


if __name__ == "__main__":  # precompute the real statistics: python -m genmodels.results
    real_features("train")
    real_features("test")

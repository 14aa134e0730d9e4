"""Part 1 computations: the trained VAEs, their loss terms and the tables of Part 1.

Every function loads (or trains) models through the weight cache and returns plain data
(DataFrames, dicts, tensors) for the report cells and `plots`. The importance-sampled NLL is
computed once and stored in the weights manifest. The latent-space analyses (interpolation,
t-SNE maps) are in `vae_latent.py`; the sentences the report writes from these numbers in `prose.py`.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import torch

from genmodels import data, runs
from genmodels.models import count_parameters
from genmodels.reporting import manifest_entry
from genmodels.vae import active_units, build_vae, gaussian_kl_per_dimension, importance_sampled_nll
from genmodels.weights import cached_metric, load_or_train

NLL_IMPORTANCE_SAMPLES = 500
TSNE_POINTS = 10_000  # every test digit: about half a minute per t-SNE map on two cores


@functools.cache
def mnist_test() -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed binarised MNIST test set (images in {0, 1}) and its labels."""
    return data.binarised_mnist_test()


@functools.cache
def mnist_validation() -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed binarised validation split (the last 10,000 training images) and its labels."""
    labels = data.mnist(train=True)[1][-data.VALIDATION_SIZE :]
    return data.mnist_train_and_evaluation(validation=True)[1], labels


@functools.cache
def vae(config=runs.FINAL_VAE):
    """A trained VAE module (trained now if the cache has none for this config)."""
    return load_or_train(config)["vae"]


def test_nll_nats(config=runs.FINAL_VAE) -> float:
    """Importance-sampled test NLL (K=500, full fixed-binarised test set), computed once."""
    manifest_entry(config)  # trained (and in the manifest) before its metric is looked up

    def compute():
        torch.manual_seed(0)
        images, _ = mnist_test()
        nll = importance_sampled_nll(
            vae(config), images, NLL_IMPORTANCE_SAMPLES, generator=torch.Generator().manual_seed(0)
        )
        return float(nll.mean())

    return cached_metric(config, f"test_nll_nats_k{NLL_IMPORTANCE_SAMPLES}", compute)


@functools.cache
def latent_statistics(config) -> dict:
    """Posterior means and log-variances, per-dimension KL and active units of a VAE on the test set
    (on the validation split for a model-selection run)."""
    images, labels = mnist_validation() if config.validation else mnist_test()
    model = vae(config)
    with torch.no_grad():
        mu, logvar = zip(*(model.encode(x) for x in images.split(1000)))
    mu, logvar = torch.cat(mu), torch.cat(logvar)
    count, variance = active_units(mu)
    return {
        "means": mu,
        "logvars": logvar,
        "kl_per_dimension": gaussian_kl_per_dimension(mu, logvar).mean(0),
        "active_units": count,
        "activity": variance,
        "labels": labels,
    }


def latent_summary(config) -> dict:
    """Active units and the mean KL of each latent dimension on the test set, computed once and
    stored in the manifest, so a metrics-only run (no weight file) still has them."""
    manifest_entry(config)  # trained (and in the manifest) before its metric is looked up

    def compute():
        stats = latent_statistics(config)
        return {"active_units": stats["active_units"], "kl_per_dimension": stats["kl_per_dimension"].tolist()}

    summary = cached_metric(config, "latent_summary", compute)
    return {**summary, "kl_per_dimension": torch.tensor(summary["kl_per_dimension"])}


def beta_study() -> dict:
    """Histories, loss terms, active units and KL per dimension of the beta study, keyed by beta."""
    study = {}
    for config in runs.BETA_STUDY:
        entry = manifest_entry(config)
        study[config.beta] = {
            "config": config,
            "history": entry["history"],
            "final": entry["final"],
            **latent_summary(config),
        }
    return study


def beta_finals(configs) -> dict[float, dict]:
    """The final test terms of a β study's runs (`runs.BETA_SEED_STUDY`, `runs.BETA_LONG_STUDY`),
    keyed by β."""
    return {config.beta: manifest_entry(config)["final"] for config in configs}


def beta_histories(configs) -> dict[float, dict]:
    """The per-epoch histories of a β study's runs (`runs.BETA_LONG_STUDY`), keyed by β."""
    return {config.beta: manifest_entry(config)["history"] for config in configs}


def final_elbo(final: dict) -> float:
    """Test −ELBO (nats; reconstruction + KL, at β = 1 whatever β the run trained with) of a
    manifest entry's "final" record."""
    return final["test_reconstruction"] + final["test_kl"]


def run_elbo(config) -> float:
    """Test −ELBO (nats, `final_elbo`) at the end of `config`'s run, from its manifest entry."""
    return final_elbo(manifest_entry(config)["final"])


def seed_noise(sweeps: dict[str, dict]) -> dict[str, float]:
    """How far the seed alone moves a result (nats): seed 1 against seed 0 for the test −ELBO and
    NLL of the 10-epoch MLP and the test and validation −ELBO of the 6-epoch β = 1 study run,
    which the latent-size and optimiser sweeps vary; and the widest range of the validation
    −ELBO over the seeds at any setting of `sweeps` (`sweep_elbos` of the studies run from
    `runs.SWEEP_SEEDS`)."""
    return {
        "mlp_elbo": abs(run_elbo(runs.MLP_SEED_VAE) - run_elbo(runs.MLP_VAE)),
        "mlp_nll": abs(test_nll_nats(runs.MLP_SEED_VAE) - test_nll_nats(runs.MLP_VAE)),
        "study_elbo": abs(run_elbo(runs.STUDY_SEED_VAE) - run_elbo(runs.beta_study_config(1.0))),
        "validation_elbo": abs(
            run_elbo(runs.selection_config(runs.STUDY_SEED_VAE))
            - run_elbo(runs.selection_config(runs.beta_study_config(1.0)))
        ),
        "sweep_range": max(max(seeds) - min(seeds) for sweep in sweeps.values() for seeds in sweep.values()),
    }


def _sweep_run(config, seed: int | None):
    """`config` of a sweep as measured: on the test set (`seed` None), else its model-selection
    copy on the validation split from `seed`."""
    return config if seed is None else runs.sweep_seed_config(config, seed)


def latent_size_study(seeds: tuple[int, ...] | None = None) -> dict[int, dict]:
    """The latent-size study, keyed by latent size: the −ELBO (nats; reconstruction + KL, β = 1 as
    trained) and active units of each run, as tuples: the one run on the test set, or with `seeds`
    the model-selection copies on the validation split, one per seed."""
    study = {}
    for config in runs.LATENT_STUDY:
        measured = [_sweep_run(config, seed) for seed in seeds or (None,)]
        study[config.latent_dim] = {
            "elbo": tuple(run_elbo(c) for c in measured),
            "active_units": tuple(latent_summary(c)["active_units"] for c in measured),
        }
    return study


def optimiser_study(seeds: tuple[int, ...] | None = None) -> dict[str, dict]:
    """The −ELBO (nats) of the β = 1 study run and its copies at other learning rates and batch
    sizes, per field: {value: (−ELBO of each run)}, measured as `latent_size_study` measures."""
    base = runs.beta_study_config(1.0)
    study = {}
    for field, values in runs.OPTIMISER_STUDY.items():
        configs = [base] + [runs.optimiser_study_config(field, value) for value in values]
        study[field] = {
            getattr(c, field): tuple(run_elbo(_sweep_run(c, seed)) for seed in seeds or (None,))
            for c in configs
        }
    return study


def sweep_elbos(latent_sizes: dict[int, dict], optimiser: dict[str, dict]) -> dict[str, dict]:
    """Every sweep behind Table 1 as {field: {value: (−ELBO of each run)}}: latent size, learning
    rate, batch size, from the results of `latent_size_study` and `optimiser_study` (measured
    alike: on the test set, or from the same seeds on the validation split)."""
    return {"latent_dim": {d: v["elbo"] for d, v in latent_sizes.items()}, **optimiser}


def width_study() -> dict[str, dict]:
    """The validation −ELBO (nats, one run each) of the β = 1 study run's model-selection copy and
    of its copies with other MLP widths and conv channels, per field: {value: −ELBO}."""
    centre = runs.beta_study_config(1.0)
    study = {}
    for field, values in runs.WIDTH_STUDY.items():
        configs = [runs.selection_config(centre)] + [runs.width_study_config(field, v) for v in values]
        study[field] = {getattr(c, field): run_elbo(c) for c in configs}
    return study


def budget_check() -> dict[str, float]:
    """The test −ELBO (nats) of each `runs.BUDGET_RUNS` run, the final model trained again with one
    optimiser value changed, keyed by that change ('learning rate 0.0003')."""
    names = {"learning_rate": "learning rate", "batch_size": "batch size"}
    checks = {}
    for config in runs.BUDGET_RUNS:
        field = next(f for f in names if getattr(config, f) != getattr(runs.FINAL_VAE, f))
        checks[f"{names[field]} {getattr(config, field):g}"] = run_elbo(config)
    return checks


def selection_study() -> pd.DataFrame:
    """The model-selection runs behind 1.1a's choices of architecture, dropout and BatchNorm, on
    the validation split after the same epochs: −ELBO (nats)."""
    rows = []
    for name, config in (
        ("conv", runs.beta_study_config(1.0)),
        (f"conv, dropout {runs.CONV_DROPOUT_VAE.dropout:g}", runs.CONV_DROPOUT_VAE),
        ("conv, no BatchNorm", runs.CONV_NO_BATCHNORM_VAE),
        ("MLP", runs.MLP_VAE),
        (f"MLP, dropout {runs.MLP_DROPOUT_VAE.dropout:g}", runs.MLP_DROPOUT_VAE),
        ("MLP, no BatchNorm", runs.MLP_NO_BATCHNORM_VAE),
    ):
        entry = manifest_entry(runs.selection_config(config))
        rows.append({"model": name, "−ELBO": final_elbo(entry["final"])})
    return pd.DataFrame(rows).set_index("model")


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


def beta_table(study: dict, others: dict[str, dict] | None = None, totals=()) -> pd.DataFrame:
    """One row per β of `study` (`beta_study`); with `others` ({label: {β: final test terms}} of
    the study trained again, e.g. from seed 1, `beta_finals`), each one's reconstruction term and
    KL after them, labelled "reconstruction, <label>" and "KL, <label>", and for the labels in
    `totals` its β-weighted loss too ("β-weighted loss, <label>")."""
    rows = []
    for beta, result in study.items():
        final = result["final"]
        again = {}
        for label, finals in (others or {}).items():
            again[f"reconstruction, {label}"] = finals[beta]["test_reconstruction"]
            again[f"KL, {label}"] = finals[beta]["test_kl"]
            if label in totals:
                again[f"β-weighted loss, {label}"] = finals[beta]["test_total"]
        rows.append(
            {
                "β": f"{beta:g}",
                "reconstruction": final["test_reconstruction"],
                "KL": final["test_kl"],
                "−ELBO (β = 1)": final_elbo(final),
                "β-weighted loss": final["test_total"],
                "active units": result["active_units"],
                **again,
            }
        )
    return pd.DataFrame(rows)


def collapse_mitigation() -> dict:
    """The two remedies for collapse, free bits and KL warm-up, against the plain run at the same
    beta (10) and budget: each run's latent summary ("plain", "free_bits", "warmup") and final
    test terms ("plain_final", ...)."""
    named = {
        "plain": runs.beta_study_config(10.0),
        "free_bits": runs.FREE_BITS_VAE,
        "warmup": runs.WARMUP_VAE,
    }
    return {name: latent_summary(config) for name, config in named.items()} | {
        f"{name}_final": manifest_entry(config)["final"] for name, config in named.items()
    }


KL_SETTLED_NATS = 1.0  # the test KL has settled once it stays this close to its last-10-epoch mean


def loss_dynamics(history: dict) -> dict:
    """Numbers the loss-curve prose quotes: how each test term moved, and the train-test gap."""
    test, train = history["test"], history["train"]
    kl = [epoch["kl"] for epoch in test]
    level = float(np.mean(kl[-10:]))  # where the test KL ends up
    settled = next(
        (e for e in range(len(kl)) if all(abs(v - level) <= KL_SETTLED_NATS for v in kl[e:])), len(kl) - 1
    )
    return {
        "kl_first": kl[0],
        "kl_settled_epoch": settled + 1,
        "kl_settled_range": (min(kl[settled:]), max(kl[settled:])),
        "kl_last": kl[-1],
        # the largest change from one epoch to the next once settled, test against train
        "kl_step_max": float(np.abs(np.diff(kl[settled:])).max(initial=0.0)),
        "train_kl_step_max": float(np.abs(np.diff([e["kl"] for e in train[settled:]])).max(initial=0.0)),
        "reconstruction_first": test[0]["reconstruction"],
        "reconstruction_last": test[-1]["reconstruction"],
        "total_first": test[0]["total"],
        "total_last": test[-1]["total"],
        "gap": test[-1]["total"] - train[-1]["total"],
    }


def best_elbo_beta(study: dict) -> tuple[float, float]:
    """The beta whose model has the lowest test -ELBO (reconstruction + KL at beta = 1)."""
    scores = {beta: final_elbo(r["final"]) for beta, r in study.items()}
    best = min(scores, key=scores.get)
    return best, scores[best]


def history_at(entry: dict, epoch: int) -> dict:
    """Test loss terms (nats) after `epoch` epochs, read from a manifest history."""
    if epoch > len(entry["history"]["test"]):
        raise ValueError(
            f"{entry['config']['name']} has only {len(entry['history']['test'])} epochs, not {epoch}"
        )
    return entry["history"]["test"][epoch - 1]


# The runs whose importance-sampled NLL the report prints (the NLL column of the MLP/conv table).
NLL_RUNS = (runs.MLP_VAE, runs.MLP_DROPOUT_VAE, runs.MLP_NO_BATCHNORM_VAE, runs.MLP_WIDE_VAE, runs.FINAL_VAE)


def mlp_conv_table(
    mlp_config=runs.MLP_VAE,
    conv_config=runs.FINAL_VAE,
    dropout_config=runs.MLP_DROPOUT_VAE,
    no_batchnorm_config=runs.MLP_NO_BATCHNORM_VAE,
    wide_config=runs.MLP_WIDE_VAE,
    conv_dropout_config=runs.CONV_DROPOUT_VAE,
    conv_no_batchnorm_config=runs.CONV_NO_BATCHNORM_VAE,
) -> pd.DataFrame:
    """MLP (as is, with dropout, without BatchNorm, widened to about the conv model's size) and
    conv VAE (as is, with dropout, without BatchNorm) at the MLP's budget (same seed, β,
    optimiser), and the conv model at its own."""
    budget = mlp_config.epochs
    rows = []
    for name, config, epoch, with_nll in (
        ("MLP", mlp_config, budget, True),
        (f"MLP, dropout {dropout_config.dropout:g}", dropout_config, budget, True),
        ("MLP, no BatchNorm", no_batchnorm_config, budget, True),
        (f"MLP, width {wide_config.hidden_dim}", wide_config, budget, True),
        ("conv", conv_config, budget, False),
        (f"conv, dropout {conv_dropout_config.dropout:g}", conv_dropout_config, budget, False),
        ("conv, no BatchNorm", conv_no_batchnorm_config, budget, False),
        ("conv (final)", conv_config, conv_config.epochs, True),
    ):
        entry = manifest_entry(config)
        test = history_at(entry, epoch)
        rows.append(
            {
                "model": name,
                "params": count_parameters(build_vae(config)),
                "epochs": epoch,
                "recon.": test["reconstruction"],
                "KL": test["kl"],
                "−ELBO": test["reconstruction"] + test["kl"],
                "NLL": test_nll_nats(config) if with_nll else float("nan"),
            }
        )
    return pd.DataFrame(rows)


@torch.no_grad()
def exported_vae_agreement(
    exported: torch.nn.Module, model: torch.nn.Module, images: torch.Tensor, seed: int = 0
) -> float:
    """Largest difference between the exported file's first output and sigmoid of the in-memory
    model's reconstruction logits, both drawing z after torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    from_file = exported(images)[0]
    torch.manual_seed(seed)
    in_memory = torch.sigmoid(model.eval()(images)[0])
    return float((from_file - in_memory).abs().max())


@torch.no_grad()
def exported_vae_terms(exported: torch.nn.Module, images: torch.Tensor, seed: int = 0) -> dict[str, float]:
    """Reconstruction term, KL and −ELBO (nats per image) from an exported VAE file's outputs alone
    (Bernoulli means, mu, logvar) on binarised `images`, one z per image drawn after
    torch.manual_seed(seed): the test loss a marker can recompute from the file."""
    torch.manual_seed(seed)
    reconstruction = kl = 0.0
    for x in images.split(1000):
        means, mu, logvar = exported(x)
        p = means.clamp(1e-6, 1 - 1e-6)  # a float32 sigmoid can round to exactly 0 or 1
        reconstruction += float(-(x * p.log() + (1 - x) * (1 - p).log()).sum())
        kl += float(gaussian_kl_per_dimension(mu, logvar).sum())
    terms = {"reconstruction": reconstruction / len(images), "kl": kl / len(images)}
    return {**terms, "−ELBO": terms["reconstruction"] + terms["kl"]}


def free_bits_table(mitigation: dict, free_bits_nats: float) -> pd.DataFrame:
    """The plain β = 10 run against the free-bits run and, when `mitigation` has it, the warm-up
    run: active units, the free-bits run's dimensions whose KL sits near its floor λ (between
    0.8 λ and 1.2 λ; None for the other runs), KL and reconstruction."""
    names = {"plain": "β = 10", "free_bits": "β = 10, free bits", "warmup": "β = 10, KL warm-up"}
    rows = [
        {
            "run": label,
            "active units": mitigation[name]["active_units"],
            "dims at ≈ λ": int(
                (
                    (mitigation[name]["kl_per_dimension"] > 0.8 * free_bits_nats)
                    & (mitigation[name]["kl_per_dimension"] < 1.2 * free_bits_nats)
                ).sum()
            )
            if name == "free_bits"
            else None,  # λ means nothing to a run without free bits
            "KL": mitigation[f"{name}_final"]["test_kl"],
            "recon.": mitigation[f"{name}_final"]["test_reconstruction"],
        }
        for name, label in names.items()
        if name in mitigation
    ]
    return pd.DataFrame(rows).astype({"dims at ≈ λ": "Int64"})  # a count, or missing

"""Training loops: train() dispatches to the VAE, GAN and classifier loops.

Each loop runs through `checkpoints.run_epochs`, so it is checkpointed every epoch and
resumable with the same result. The command line that trains the report's models through
the weight cache is `python -m genmodels train` (cli.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from genmodels import data
from genmodels.checkpoints import run_epochs
from genmodels.config import ClassifierConfig, GANConfig, VAEConfig
from genmodels.gan import (
    EMA,
    SNAPSHOT_VECTORS,
    build_gan,
    diffaugment,
    discriminator_loss,
    fixed_noise,
    generator_loss,
    lr_factor,
    without_spectral_norm,
)
from genmodels.models import build_classifier, training_device
from genmodels.vae import build_vae, evaluate, vae_loss


def train(config, **options):
    """Train `config`'s model; returns (modules, extra tensors, manifest record)."""
    if isinstance(config, VAEConfig):
        return train_vae(config, **options)
    if isinstance(config, GANConfig):
        return train_gan(config, **options)
    return train_classifier(config, **options)


# --- VAE -------------------------------------------------------------------------------------


def vae_train_epoch(
    model,
    optimiser,
    images01,
    config: VAEConfig,
    epoch: int,
    generator: torch.Generator,
    progress: bool = True,
) -> dict:
    """One epoch on dynamically binarised images; returns the mean loss terms (nats/image)."""
    model.train()
    beta = (
        config.beta * min(1.0, (epoch + 1) / config.kl_warmup_epochs)
        if config.kl_warmup_epochs
        else config.beta
    )
    sums, count = {"total": 0.0, "reconstruction": 0.0, "kl": 0.0}, 0
    steps = data.batches(len(images01), config.batch_size, generator, drop_last=False)
    total_steps = -(-len(images01) // config.batch_size)
    for index in tqdm(
        steps, total=total_steps, desc=f"{config.name} epoch {epoch + 1}", disable=not progress, leave=False
    ):
        x = data.binarise_dynamic(images01[index], generator)
        logits, mu, logvar = model(x)
        terms = vae_loss(logits, x, mu, logvar, beta, config.free_bits_nats)
        optimiser.zero_grad(set_to_none=True)
        terms["total"].backward()
        optimiser.step()
        for key in sums:  # report the loss at the configured beta, not the warm-up's
            value = terms["reconstruction"] + config.beta * terms["kl"] if key == "total" else terms[key]
            sums[key] += value.item() * len(x)
        count += len(x)
    return {key: value / count for key, value in sums.items()}


def train_vae(
    config: VAEConfig,
    checkpoint_dir: Path,
    progress: bool = True,
    fresh: bool = False,
    max_epochs: int | None = None,
    train_images: torch.Tensor | None = None,
    test_images: torch.Tensor | None = None,
):
    """Train a beta-VAE; the per-epoch "test" loss terms are measured on the fixed binarised
    test set, or on the validation split for a `config.validation` run (data.py)."""
    if train_images is None or test_images is None:
        default_train, default_test = data.mnist_train_and_evaluation(config.validation)
        train_images = default_train if train_images is None else train_images
        test_images = default_test if test_images is None else test_images
    model = build_vae(config)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    state = {"model": model, "optimiser": optimiser, "history": {"train": [], "test": [], "seconds": []}}

    def run_epoch(epoch, generator):
        began = time.time()
        train_terms = vae_train_epoch(model, optimiser, train_images, config, epoch, generator, progress)
        seconds = time.time() - began
        test_terms = evaluate(model, test_images, config.beta)
        state["history"]["train"].append(train_terms)
        state["history"]["test"].append(test_terms)
        state["history"]["seconds"].append(seconds)
        if progress:
            split = "validation" if config.validation else "test"
            print(
                f"[{config.name}] epoch {epoch + 1}/{config.epochs} train {train_terms['total']:.2f} "
                f"{split} {test_terms['total']:.2f} (rec {test_terms['reconstruction']:.2f}, "
                f"KL {test_terms['kl']:.2f}) nats, {seconds:.0f} s",
                flush=True,
            )

    state, seconds = run_epochs(config, checkpoint_dir, fresh, max_epochs, state, run_epoch)
    history = state["history"]
    final = history["test"][-1]
    record = {
        "epochs": config.epochs,
        "train_seconds": seconds,
        "seconds_per_epoch": sum(history["seconds"]) / len(history["seconds"]),
        "history": history,
        "final": {"test_" + k: v for k, v in final.items()},
        "evaluated_on": "validation" if config.validation else "test",
    }
    return {"vae": model.eval()}, {}, record


# --- GAN -------------------------------------------------------------------------------------


# Listed in the report (listing.py), whose pages fit 88 columns: kept as formatted at 88.
# fmt: off
def gan_train_step(generator, discriminator, optimiser_g, optimiser_d, real, noise,
                   config: GANConfig, augment_generator=None, sync=True) -> dict:
    """One discriminator step then one generator step on the same fake batch."""

    def augment(x):  # D's input: DiffAugment (off in the shipped model) or unchanged
        return diffaugment(x, augment_generator) if config.diffaugment else x

    device = real.device.type
    autocast = torch.autocast(device, torch.bfloat16, enabled=config.bf16_autocast)
    # D step (config.loss: hinge in the shipped model, or BCE). The fake batch is
    # detached, so this step changes only D.
    with autocast:
        fake = generator(noise)
        real_logits = discriminator(augment(real)).float()
        fake_logits = discriminator(augment(fake.detach())).float()
    d_loss = discriminator_loss(real_logits, fake_logits, config.loss, config.real_label)
    optimiser_d.zero_grad(set_to_none=True)
    d_loss.backward()
    optimiser_d.step()
    # G step through the just-updated D: -D(G(z)) (hinge) or the non-saturating
    # -log D(G(z)) (BCE).
    with autocast:
        fake_logits_for_g = discriminator(augment(fake)).float()
    g_loss = generator_loss(fake_logits_for_g, config.loss)
    optimiser_g.zero_grad(set_to_none=True)
    g_loss.backward()
    optimiser_g.step()
    d_real, d_fake = torch.sigmoid(real_logits).mean(), torch.sigmoid(fake_logits).mean()
    logs = {"d_loss": d_loss, "g_loss": g_loss, "d_real": d_real, "d_fake": d_fake}
    if not sync:  # 0-d tensors: on a GPU, reading them back every step would stall it
        return {k: v.detach() for k, v in logs.items()}
    return {k: v.item() for k, v in logs.items()}
# fmt: on


def train_gan(
    config: GANConfig,
    checkpoint_dir: Path,
    progress: bool = True,
    fresh: bool = False,
    max_epochs: int | None = None,
    train_images: torch.Tensor | None = None,
    parent=None,
    device: torch.device | None = None,
):
    """Train the GAN; logs every iteration and keeps fixed-noise snapshots every epoch.

    `parent` (a TrainedModel of `config.init_from`) starts a second stage from its weights."""
    device = training_device() if device is None else torch.device(device)
    if train_images is None:
        train_images = data.cifar10(train=True)[0]
    train_images = train_images.to(device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    if (parent is None) != (config.init_from is None):
        raise ValueError(
            f"{config.name}: pass the trained {config.init_from.name if config.init_from else ''} "
            f"as parent exactly when the config has init_from (load_or_train does)"
        )
    generator, discriminator = build_gan(config)
    history, snapshots = {"iterations": [], "epochs": []}, []
    if parent is not None:
        generator.load_state_dict(parent["generator"].state_dict())
        parent_state = parent["discriminator"].state_dict()
        if config.init_from.spectral_norm and not config.spectral_norm:
            parent_state = without_spectral_norm(parent["discriminator"])
        discriminator.load_state_dict(parent_state)
        history = {
            "iterations": parent.extras["iteration_log"].tolist(),
            "epochs": list(parent.entry["history"]["epochs"]),
        }
        snapshots = list(parent.extras["snapshots"])
    generator.to(device), discriminator.to(device)
    betas = (config.adam_beta1, config.adam_beta2)
    optimiser_g = torch.optim.Adam(generator.parameters(), config.learning_rate_generator, betas=betas)
    optimiser_d = torch.optim.Adam(
        discriminator.parameters(), config.learning_rate_discriminator, betas=betas
    )
    steps_per_epoch = len(train_images) // config.batch_size
    schedulers = [
        torch.optim.lr_scheduler.LambdaLR(o, lambda step: lr_factor(config, step, steps_per_epoch))
        for o in (optimiser_g, optimiser_d)
    ]
    ema = EMA(generator, config.ema_decay) if config.ema_decay > 0 else None
    noise_for_snapshots = fixed_noise(config.latent_dim)[:SNAPSHOT_VECTORS].to(device)
    state = {
        "generator": generator,
        "discriminator": discriminator,
        "optimiser_g": optimiser_g,
        "optimiser_d": optimiser_d,
        "scheduler_g": schedulers[0],
        "scheduler_d": schedulers[1],
        "history": history,
        "snapshots": snapshots,
    }
    if ema is not None:
        state["ema"] = ema.model

    def run_epoch(epoch, random):
        generator.train(), discriminator.train()
        began, logs = time.time(), []
        steps = data.batches(len(train_images), config.batch_size, random)
        bar = tqdm(
            steps,
            total=steps_per_epoch,
            disable=not progress,
            desc=f"{config.name} epoch {epoch + 1}/{config.epochs}",
            mininterval=5,
        )
        for index in bar:
            real = data.to_minus_one_one(train_images[index.to(device)])
            noise = torch.randn(len(index), config.latent_dim, 1, 1, generator=random).to(device)
            logs.append(
                gan_train_step(
                    generator,
                    discriminator,
                    optimiser_g,
                    optimiser_d,
                    real,
                    noise,
                    config,
                    random,
                    sync=False,
                )
            )
            for scheduler in schedulers:
                scheduler.step()
            if ema is not None:
                ema.update(generator, step=len(state["history"]["iterations"]) + len(logs) - 1)
            if progress and len(logs) % 50 == 0:
                bar.set_postfix(d=f"{logs[-1]['d_loss'].item():.2f}", g=f"{logs[-1]['g_loss'].item():.2f}")
        keys = list(logs[0])
        rows = torch.stack([torch.stack([log[k].float() for k in keys]) for log in logs]).tolist()
        seconds = time.time() - began
        state["history"]["iterations"].extend(rows)
        epoch_means = {k: sum(row[i] for row in rows) / len(rows) for i, k in enumerate(keys)}
        epoch_means.update(seconds=seconds, images_per_second=len(logs) * config.batch_size / seconds)
        state["history"]["epochs"].append(epoch_means)
        shipped = ema.model if ema is not None else generator
        shipped.eval()
        with torch.no_grad():
            snapshot = (
                data.gan_output_to_image(shipped(noise_for_snapshots)).mul(255).round().to(torch.uint8).cpu()
            )
        state["snapshots"].append(snapshot)
        if progress:
            print(
                f"[{config.name}] epoch {epoch + 1}/{config.epochs}: D {epoch_means['d_loss']:.3f} "
                f"G {epoch_means['g_loss']:.3f} D(x) {epoch_means['d_real']:.2f} "
                f"D(G(z)) {epoch_means['d_fake']:.2f}, {epoch_means['images_per_second']:.0f} img/s",
                flush=True,
            )

    earlier_epochs = config.total_epochs - config.epochs
    state, seconds = run_epochs(config, checkpoint_dir, fresh, max_epochs, state, run_epoch, earlier_epochs)
    history = state["history"]
    shipped = state["ema"] if ema is not None else generator
    extras = {
        "iteration_log": torch.tensor(history["iterations"], dtype=torch.float32),
        "iteration_log_columns": ["d_loss", "g_loss", "d_real", "d_fake"],
        "snapshots": torch.stack(state["snapshots"]),
    }
    this_stage = history["epochs"][earlier_epochs:]
    record = {
        "epochs": config.epochs,
        "train_seconds": seconds,
        "history": {"epochs": history["epochs"]},
        "images_per_second": sum(e["images_per_second"] for e in this_stage) / len(this_stage),
    }
    if parent is not None:
        record["earlier_stages"] = {
            "epochs": earlier_epochs,
            "train_seconds": parent.entry["train_seconds"]
            + parent.entry.get("earlier_stages", {}).get("train_seconds", 0.0),
        }
    record["device"] = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    return ({"generator": shipped.cpu().eval(), "discriminator": discriminator.cpu().eval()}, extras, record)


# --- the MNIST classifier used to label interpolations -----------------------------------------


def train_classifier(
    config: ClassifierConfig,
    checkpoint_dir: Path,
    progress: bool = True,
    fresh: bool = False,
    max_epochs: int | None = None,
):
    """A small CNN on [0, 1] MNIST; its test accuracy goes into the manifest."""
    images, labels = data.mnist(train=True)
    images = data.to_unit_interval(images)
    test_images, test_labels = data.mnist(train=False)
    model = build_classifier(config)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    state = {"model": model, "optimiser": optimiser}

    def run_epoch(epoch, generator):
        model.train()
        for index in tqdm(
            data.batches(len(images), config.batch_size, generator),
            disable=not progress,
            total=len(images) // config.batch_size,
            desc=f"classifier epoch {epoch + 1}",
            leave=False,
        ):
            loss = F.cross_entropy(model(images[index]), labels[index])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()

    state, seconds = run_epochs(config, checkpoint_dir, fresh, max_epochs, state, run_epoch)
    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(x).argmax(1) for x in data.to_unit_interval(test_images).split(2000)])
    accuracy = (predictions == test_labels).float().mean().item()
    return (
        {"classifier": model},
        {},
        {"epochs": config.epochs, "train_seconds": seconds, "final": {"test_accuracy": accuracy}},
    )

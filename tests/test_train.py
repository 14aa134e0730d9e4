"""The training loops on tiny models: train() dispatches by config, records what the manifest keeps."""

import torch

from genmodels import train
from genmodels.config import GANConfig, VAEConfig

TINY_VAE = VAEConfig(
    name="tiny_train_vae", architecture="mlp", latent_dim=2, hidden_dim=8, epochs=2, batch_size=64
)
TINY_GAN = GANConfig(
    name="tiny_train_gan", latent_dim=4, generator_width=4, discriminator_width=4, batch_size=16, epochs=1
)


def test_train_dispatches_a_vae_config_and_records_its_history(tmp_path):
    generator = torch.Generator().manual_seed(0)
    images = {
        "train_images": torch.rand(128, 1, 28, 28, generator=generator),
        "test_images": torch.bernoulli(torch.rand(32, 1, 28, 28, generator=generator), generator=generator),
    }
    modules, extras, record = train.train(TINY_VAE, checkpoint_dir=tmp_path, progress=False, **images)
    assert list(modules) == ["vae"] and extras == {}
    assert record["epochs"] == 2 and len(record["history"]["test"]) == 2
    assert set(record["final"]) == {"test_total", "test_reconstruction", "test_kl"}


def test_train_dispatches_a_gan_config_and_keeps_snapshots(tmp_path):
    images = torch.randint(0, 256, (48, 3, 32, 32), dtype=torch.uint8)
    modules, extras, record = train.train(
        TINY_GAN, checkpoint_dir=tmp_path, progress=False, train_images=images, device="cpu"
    )
    assert list(modules) == ["generator", "discriminator"]
    assert extras["iteration_log"].shape == (3, 4) and extras["snapshots"].shape[0] == 1
    assert record["device"] == "cpu" and record["images_per_second"] > 0


def test_vae_epoch_reports_the_loss_at_the_configured_beta():
    config = VAEConfig(
        name="warm", architecture="mlp", latent_dim=2, hidden_dim=8, beta=4.0, kl_warmup_epochs=10
    )
    model = train.build_vae(config)
    optimiser = torch.optim.Adam(model.parameters())
    images = torch.rand(64, 1, 28, 28)
    terms = train.vae_train_epoch(
        model, optimiser, images, config, 0, torch.Generator().manual_seed(0), False
    )
    assert abs(terms["total"] - (terms["reconstruction"] + 4.0 * terms["kl"])) < 1e-3

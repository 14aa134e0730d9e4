import pytest
import torch

from genmodels import data, vae
from genmodels.config import VAEConfig
from genmodels.train import train_vae


@pytest.mark.parametrize("architecture", ["mlp", "conv"])
def test_shapes(architecture):
    model = vae.build_vae(VAEConfig(name="t", architecture=architecture, latent_dim=8, hidden_dim=32))
    x = torch.rand(5, 1, 28, 28)
    logits, mu, logvar = model(x)
    assert logits.shape == (5, 1, 28, 28)
    assert mu.shape == logvar.shape == (5, 8)
    assert model.sample(3).shape == (3, 1, 28, 28)


def test_batch_norm_switch_removes_only_the_mlp_batchnorm_layers():
    small = {"name": "t", "architecture": "mlp", "latent_dim": 8, "hidden_dim": 32}
    with_bn, without = vae.build_vae(VAEConfig(**small)), vae.build_vae(VAEConfig(**small, batch_norm=False))
    assert any(isinstance(m, torch.nn.BatchNorm1d) for m in with_bn.modules())
    assert not any(isinstance(m, torch.nn.BatchNorm1d) for m in without.modules())
    # same layer indices (Identity in BatchNorm's place) and the same initial Linear weights
    assert set(without.state_dict()) <= set(with_bn.state_dict())
    assert torch.equal(without.encoder.hidden[1].weight, with_bn.encoder.hidden[1].weight)
    # the default stays out of the config hash, so models trained before the switch still load
    assert VAEConfig(**small).config_hash != VAEConfig(**small, batch_norm=False).config_hash
    assert "batch_norm" not in VAEConfig(**small).to_dict()


def test_batch_norm_switch_removes_every_conv_batchnorm_layer_and_gives_the_convolutions_a_bias():
    small = {"name": "t", "latent_dim": 4, "hidden_dim": 16, "conv_channels": (4, 8)}
    with_bn, without = vae.build_vae(VAEConfig(**small)), vae.build_vae(VAEConfig(**small, batch_norm=False))
    norms = (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)
    # encoder: 2 conv + 2 MLP layers; decoder: 2 MLP layers, the unflattened head, 1 upsampling block
    assert sum(isinstance(m, norms) for m in with_bn.modules()) == 2 + 2 + 2 + 1 + 1
    assert not any(isinstance(m, norms) for m in without.modules())
    convs = lambda m: [c for c in m.modules() if isinstance(c, torch.nn.Conv2d | torch.nn.ConvTranspose2d)]  # noqa: E731
    assert [c.bias is None for c in convs(with_bn)] == [
        True,
        True,
        True,
        False,
    ]  # the output layer keeps its bias
    assert all(c.bias is not None for c in convs(without))
    logits, mu, _ = without(torch.rand(3, 1, 28, 28))
    assert logits.shape == (3, 1, 28, 28) and mu.shape == (3, 4)


def test_closed_form_kl_matches_monte_carlo():
    mu, logvar = torch.randn(4, 3), torch.randn(4, 3) * 0.5
    closed = vae.gaussian_kl_per_dimension(mu, logvar).sum(1)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    z = q.sample((200_000,))
    monte_carlo = (q.log_prob(z) - torch.distributions.Normal(0, 1).log_prob(z)).sum(-1).mean(0)
    assert torch.allclose(closed, monte_carlo, atol=0.02)


def test_reparameterisation_passes_gradients_to_mean_and_variance():
    mu = torch.zeros(10, 4, requires_grad=True)
    logvar = torch.zeros(10, 4, requires_grad=True)
    vae.VAE.reparameterise(mu, logvar).pow(2).sum().backward()
    assert mu.grad.abs().sum() > 0 and logvar.grad.abs().sum() > 0


def test_loss_terms():
    x = torch.bernoulli(torch.full((6, 1, 28, 28), 0.3))
    logits = torch.zeros_like(x)  # p = 1/2 for every pixel: -log p(x|z) = 784 log 2
    mu, logvar = torch.ones(6, 2), torch.zeros(6, 2)
    terms = vae.vae_loss(logits, x, mu, logvar, beta=3.0)
    assert terms["reconstruction"].item() == pytest.approx(
        784 * torch.log(torch.tensor(2.0)).item(), rel=1e-5
    )
    assert terms["kl"].item() == pytest.approx(1.0)  # 0.5 * (1 + 1 - 1 - 0) * 2 dims
    assert terms["total"].item() == pytest.approx(terms["reconstruction"].item() + 3.0)
    free = vae.vae_loss(logits, x, mu, logvar, beta=3.0, free_bits_nats=2.0)
    assert free["total"].item() == pytest.approx(terms["reconstruction"].item() + 3.0 * 4.0)


def test_importance_sampling_tightens_the_elbo():
    torch.manual_seed(0)
    model = vae.build_vae(VAEConfig(name="t", architecture="mlp", latent_dim=4, hidden_dim=32)).eval()
    x = torch.bernoulli(torch.full((8, 1, 28, 28), 0.2))
    elbo_bound = vae.importance_sampled_nll(model, x, num_samples=1).mean()
    nll = vae.importance_sampled_nll(model, x, num_samples=200).mean()
    assert nll < elbo_bound


def test_active_units_counts_only_varying_dimensions():
    means = torch.cat([torch.randn(500, 2), torch.full((500, 3), 0.5)], 1)
    count, _ = vae.active_units(means)
    assert count == 2


def test_tiny_training_run_learns(tmp_path):
    images, _ = data.mnist(train=False)
    train_images = data.to_unit_interval(images[:256])
    test_images = data.binarise_dynamic(
        data.to_unit_interval(images[256:384]), torch.Generator().manual_seed(0)
    )
    config = VAEConfig(
        name="tiny",
        architecture="conv",
        latent_dim=4,
        hidden_dim=32,
        conv_channels=(4, 8),
        epochs=3,
        batch_size=32,
        learning_rate=3e-3,
    )
    modules, _, record = train_vae(
        config, checkpoint_dir=tmp_path, progress=False, train_images=train_images, test_images=test_images
    )
    history = record["history"]
    assert len(history["test"]) == 3
    assert history["train"][-1]["total"] < history["train"][0]["total"]
    assert history["test"][-1]["total"] < 543  # 784 log 2: better than a coin per pixel

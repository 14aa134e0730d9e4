"""The submission's model files, and the marker's checks run against them.

The marker loads `VAE_model.pth`, `DCGAN_model_G.pth` and `DCGAN_model_D.pth` with plain
`torch.jit.load`, so they are TorchScript: code and weights in one file, no import of this
project needed.
- VAE: forward(x) -> (reconstruction, mu, logvar); x is (N, 1, 28, 28) in [0, 1]
  (`data.to_unit_interval`, binarised or not) and the reconstruction is the decoder's
  Bernoulli means in [0, 1] (`data.vae_output_to_image` is then the identity clamp).
- Generator: noise (N, latent, 1, 1) -> images (N, 3, 32, 32) in [-1, 1] (`data.gan_output_to_image`).
- Discriminator: images (N, 3, 32, 32) in [-1, 1] (`data.to_minus_one_one`) -> logits (N,).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from genmodels import data, listing
from genmodels.models import count_parameters
from genmodels.paths import PROJECT_ROOT, atomic_write

SUBMISSION_DIR = PROJECT_ROOT / "submission"
FILES = {"vae": "VAE_model.pth", "generator": "DCGAN_model_G.pth", "discriminator": "DCGAN_model_D.pth"}


class ExportedVAE(nn.Module):
    """The VAE with a sigmoid on its output: the marker sees pixel means, not logits."""

    def __init__(self, vae: nn.Module):
        super().__init__()
        self.encoder, self.decoder = vae.encoder, vae.decoder

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return torch.sigmoid(self.decoder(z).view(-1, 1, 28, 28)), mu, logvar


def without_parametrizations(module: nn.Module) -> nn.Module:
    """A copy of `module` (eval mode) whose spectrally normalised convolutions are replaced by
    plain ones holding W / σ(W): TorchScript cannot script parametrizations, and in eval mode
    the values are the same (no power iteration runs). (parametrize.remove_parametrizations
    would also strip the original, which shares the parametrized class with its copy.)"""
    import copy

    from torch.nn.utils import parametrize

    module = copy.deepcopy(module).eval()
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if not parametrize.is_parametrized(child):
                continue
            if not isinstance(child, nn.Conv2d):
                raise TypeError(f"cannot export a parametrized {type(child).__name__}")
            plain = nn.Conv2d(
                child.in_channels,
                child.out_channels,
                child.kernel_size,
                child.stride,
                child.padding,
                child.dilation,
                child.groups,
                child.bias is not None,
                child.padding_mode,
            )
            with torch.no_grad():
                plain.weight.copy_(child.weight)
                if child.bias is not None:
                    plain.bias.copy_(child.bias)
            setattr(parent, name, plain.eval())
    return module


def export_models(
    vae: nn.Module, generator: nn.Module, discriminator: nn.Module, folder: Path = SUBMISSION_DIR
) -> dict[str, Path]:
    """Script the three models (eval mode) and save them as the submission's .pth files
    (atomically; the same models always give the same bytes)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, module in (
        ("vae", ExportedVAE(vae)),
        ("generator", generator),
        ("discriminator", discriminator),
    ):
        scripted = torch.jit.script(without_parametrizations(module))
        paths[name] = folder / FILES[name]
        # In memory: the archive's folder name is then fixed, not derived from a temporary file's.
        atomic_write(paths[name], scripted.save_to_buffer())
    return paths


def marker_checks(folder: Path = SUBMISSION_DIR, latent_dim: int = 100) -> dict:
    """What a marker does: load each file fresh with torch.jit.load and run it (seed 0)."""
    folder = Path(folder)
    torch.manual_seed(0)
    vae = torch.jit.load(str(folder / FILES["vae"]))
    generator = torch.jit.load(str(folder / FILES["generator"]))
    discriminator = torch.jit.load(str(folder / FILES["discriminator"]))
    images, _ = data.mnist(train=False)
    digits = data.to_unit_interval(images[:32])
    with torch.no_grad():
        reconstruction = vae(digits)[0]
        torch.manual_seed(0)  # the marker's grid: seed 0, then the noise
        noise = torch.randn(100, latent_dim, 1, 1)
        generated = generator(noise)
        scores = torch.sigmoid(discriminator(generated))
    return {
        "digits": digits,
        "reconstruction": data.vae_output_to_image(reconstruction),
        "generated": data.gan_output_to_image(generated),
        "generated_range": (float(generated.min()), float(generated.max())),
        "discriminator_mean_score": float(scores.mean()),
        "parameters": {
            "generator": count_parameters(generator),
            "discriminator": count_parameters(discriminator),
        },
    }


# Every transform and de-normalisation function the models use, as Appendix A prints them.
TRANSFORMS = (
    data.to_unit_interval,
    data.binarise_dynamic,
    data.vae_output_to_image,
    data.to_minus_one_one,
    data.gan_output_to_image,
)


def transform_sources() -> str:
    """The source of every transform and de-normalisation function the models use."""
    return listing.source(*TRANSFORMS)

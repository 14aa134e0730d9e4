"""Model construction: every kind of config gives its named, untrained modules."""

import pytest
import torch

from genmodels import models
from genmodels.config import ClassifierConfig, GANConfig, VAEConfig
from genmodels.errors import UserError


def test_build_modules_names_the_modules_as_the_weight_file_does():
    vae = models.build_modules(VAEConfig(name="v", architecture="mlp", latent_dim=2, hidden_dim=8))
    gan = models.build_modules(GANConfig(name="g", latent_dim=4, generator_width=4, discriminator_width=4))
    classifier = models.build_modules(ClassifierConfig())
    assert (
        list(vae) == ["vae"]
        and list(gan) == ["generator", "discriminator"]
        and list(classifier) == ["classifier"]
    )
    assert classifier["classifier"](torch.zeros(2, 1, 28, 28)).shape == (2, 10)


def test_build_modules_refuses_an_unknown_config():
    with pytest.raises(TypeError, match="no model for str"):
        models.build_modules("not a config")


def test_count_parameters_counts_every_weight():
    assert models.count_parameters(torch.nn.Linear(3, 2)) == 3 * 2 + 2
    assert models.count_parameters(torch.nn.Sequential()) == 0


def test_classifier_is_the_same_for_the_same_seed():
    a, b = (models.build_classifier(ClassifierConfig()) for _ in range(2))
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


def test_training_device_refuses_a_device_this_machine_lacks(monkeypatch):
    monkeypatch.setenv("TRAIN_DEVICE", "cpu")
    assert models.training_device() == torch.device("cpu")
    monkeypatch.setenv("TRAIN_DEVICE", "tpu")
    with pytest.raises(UserError, match="TRAIN_DEVICE=tpu"):
        models.training_device()

import dataclasses
import math

import pytest
import torch

from genmodels import data, gan, prose, runs
from genmodels.config import GANConfig
from genmodels.gan import SNAPSHOT_VECTORS, fixed_noise, lr_factor
from genmodels.models import count_parameters
from genmodels.train import gan_train_step, train_gan
from genmodels.weights import load_or_train, load_trained

TINY = GANConfig(
    name="tiny_gan",
    latent_dim=8,
    generator_width=8,
    discriminator_width=8,
    batch_size=32,
    epochs=2,
    ema_decay=0.9,
    real_label=0.9,
)


@pytest.mark.parametrize("architecture", gan.ARCHITECTURES)
@pytest.mark.parametrize("spectral_norm", [False, True])
def test_shapes_and_output_range(spectral_norm, architecture):
    generator = gan.Generator(latent_dim=16, width=8, architecture=architecture)
    discriminator = gan.Discriminator(width=8, spectral_norm=spectral_norm, architecture=architecture)
    images = generator(torch.randn(4, 16, 1, 1))
    assert images.shape == (4, 3, 32, 32)
    assert images.min() >= -1 and images.max() <= 1
    assert discriminator(images).shape == (4,)


def test_final_gan_is_under_the_parameter_limit():
    generator, discriminator = gan.build_gan(runs.FINAL_GAN)
    total = count_parameters(generator) + count_parameters(discriminator)
    assert total < gan.PARAMETER_LIMIT


def test_sngan_is_deeper_and_spectral_norm_replaces_batchnorm():
    generator = gan.Generator(latent_dim=16, width=8, architecture="sngan")
    discriminator = gan.Discriminator(width=8, spectral_norm=True, architecture="sngan")
    convolutions = [m for m in discriminator.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convolutions) == 8  # 7 layers and the final 4x4 convolution to one score
    assert all(torch.nn.utils.parametrize.is_parametrized(m, "weight") for m in convolutions)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in discriminator.modules())
    assert generator.net[0][0].out_channels == 64  # 8 x width at 4x4
    with pytest.raises(ValueError, match="unknown GAN architecture"):
        gan.Generator(architecture="resnet")


def test_minibatch_std_appends_the_batchs_spread_as_one_channel():
    features = torch.randn(5, 3, 4, 4)
    out = gan.MinibatchStd()(features)
    assert out.shape == (5, 4, 4, 4) and torch.equal(out[:, :3], features)
    assert torch.allclose(out[:, 3], features.std(dim=0, unbiased=False).mean().expand(5, 4, 4))
    assert float(gan.MinibatchStd()(features[:1].expand(5, 3, 4, 4))[:, 3].abs().max()) == 0.0  # copies: 0


@pytest.mark.parametrize("architecture", gan.ARCHITECTURES)
def test_minibatch_std_lets_d_score_an_image_by_its_batch_and_is_off_by_default(architecture):
    torch.manual_seed(0)
    plain = gan.Discriminator(width=8, spectral_norm=True, architecture=architecture)
    torch.manual_seed(0)
    spread = gan.Discriminator(width=8, spectral_norm=True, architecture=architecture, minibatch_std=True)
    assert not any(isinstance(m, gan.MinibatchStd) for m in plain.modules())
    # the default keeps the shipped weights' keys; the remedy's last convolution reads one more channel
    last, moved = f"net.{len(plain.net) - 1}.", f"net.{len(spread.net) - 1}."
    assert set(plain.state_dict()) == {k.replace(moved, last) for k in spread.state_dict()}
    plain.eval(), spread.eval()  # no power iteration between the calls compared
    images = torch.rand(4, 3, 32, 32) * 2 - 1
    alone, varied = spread(images[:2]), spread(torch.cat([images[:2], images[2:]]))[:2]
    assert not torch.allclose(alone, varied)  # the same two images, scored beside different ones
    assert torch.allclose(plain(images[:2]), plain(images)[:2], atol=1e-6)
    assert (
        gan.build_gan(dataclasses.replace(TINY, minibatch_std=True))[1].net[-2].__class__ is gan.MinibatchStd
    )
    assert "minibatch_std" not in TINY.to_dict()


def test_architecture_is_left_out_of_the_hash_at_its_default():
    # Adding the field must not invalidate the DCGAN weights trained before it existed.
    assert "architecture" not in runs.GAN_LONG.to_dict()
    assert runs.FINAL_GAN.to_dict()["architecture"] == "sngan"
    assert dataclasses.replace(runs.GAN_LONG, architecture="sngan").config_hash != runs.GAN_LONG.config_hash


@pytest.mark.parametrize("architecture", gan.ARCHITECTURES)
@pytest.mark.parametrize("loss", ["bce", "hinge"])
def test_discriminator_step_lowers_its_loss_on_a_fixed_batch(loss, architecture):
    config = GANConfig(
        name="t",
        latent_dim=8,
        generator_width=8,
        discriminator_width=8,
        loss=loss,
        bf16_autocast=False,
        learning_rate_discriminator=1e-3,
        architecture=architecture,
        spectral_norm=loss == "hinge",
    )
    generator, discriminator = gan.build_gan(config)
    real = torch.rand(16, 3, 32, 32) * 2 - 1
    noise = torch.randn(16, 8, 1, 1)
    optimiser_d = torch.optim.Adam(discriminator.parameters(), 1e-3, betas=(0.5, 0.999))
    frozen_g = torch.optim.SGD(generator.parameters(), lr=0.0)  # keep G fixed to isolate D
    losses = [
        gan_train_step(generator, discriminator, frozen_g, optimiser_d, real, noise, config)["d_loss"]
        for _ in range(10)
    ]
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("loss", ["bce", "hinge"])
def test_losses_at_equilibrium(loss):
    zeros = torch.zeros(8)  # score 0: D = 1/2 everywhere
    d_star, g_star = gan.equilibrium_losses(loss)
    assert gan.discriminator_loss(zeros, zeros, loss).item() == pytest.approx(d_star)
    assert gan.generator_loss(zeros, loss).item() == pytest.approx(g_star)
    assert gan.equilibrium_losses("bce") == pytest.approx((1.3863, 0.6931), abs=1e-4)
    assert gan.equilibrium_losses("hinge") == (2.0, 0.0)


def test_label_smoothing_moves_the_bce_equilibrium_to_half_the_real_target():
    real_label = 0.9
    d = gan.equilibrium_output(real_label)
    logits = torch.full((8,), math.log(d / (1 - d)))
    d_star, g_star = gan.equilibrium_losses("bce", real_label)
    assert d == 0.45
    assert gan.discriminator_loss(logits, logits, "bce", real_label).item() == pytest.approx(d_star, abs=1e-6)
    assert gan.generator_loss(logits, "bce").item() == pytest.approx(g_star, abs=1e-6)
    # D* minimises D's loss when real and fake batches are alike: a nearby output does worse
    for other in (d - 0.02, d + 0.02):
        near = torch.full((8,), math.log(other / (1 - other)))
        assert gan.discriminator_loss(near, near, "bce", real_label).item() > d_star


def test_the_best_hinge_discriminator_loss_is_two_minus_twice_the_total_variation():
    # Two distributions over four points; D takes one score per point. Search scores on a grid.
    p_data, p_g = torch.tensor([0.4, 0.3, 0.2, 0.1]), torch.tensor([0.1, 0.2, 0.3, 0.4])
    tv = 0.5 * (p_data - p_g).abs().sum().item()
    grid = torch.linspace(-2, 2, 81)
    best = sum(
        min(p * max(0.0, 1 - d) + q * max(0.0, 1 + d) for d in grid.tolist())
        for p, q in zip(p_data.tolist(), p_g.tolist())
    )
    assert best == pytest.approx(2 - 2 * tv)
    assert gan.hinge_total_variation_bound(best) == pytest.approx(tv)
    # ... reached at D = sign(p_data - p_G); any worse D implies a smaller bound, never a larger one
    scores = torch.sign(p_data - p_g)
    at_sign = (p_data * (1 - scores).clamp(min=0) + p_g * (1 + scores).clamp(min=0)).sum().item()
    assert at_sign == pytest.approx(best)
    assert gan.hinge_total_variation_bound(best + 0.3) < tv
    assert gan.hinge_total_variation_bound(2.5) == 0.0


def test_train_step_without_sync_returns_the_same_values_as_tensors():
    config = dataclasses.replace(TINY, bf16_autocast=False)
    logs = []
    for sync in (True, False):
        generator, discriminator = gan.build_gan(config)
        optimisers = [torch.optim.Adam(m.parameters(), 2e-4) for m in (generator, discriminator)]
        torch.manual_seed(0)
        real, noise = torch.rand(8, 3, 32, 32) * 2 - 1, torch.randn(8, 8, 1, 1)
        logs.append(gan_train_step(generator, discriminator, *optimisers, real, noise, config, sync=sync))
    assert isinstance(logs[0]["d_loss"], float) and isinstance(logs[1]["d_loss"], torch.Tensor)
    assert logs[0] == pytest.approx({k: v.item() for k, v in logs[1].items()})


def test_training_device_follows_the_environment(monkeypatch):
    from genmodels.models import training_device

    monkeypatch.setenv("TRAIN_DEVICE", "cpu")
    assert training_device() == torch.device("cpu")
    monkeypatch.delenv("TRAIN_DEVICE")
    assert training_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_ema_tracks_the_average():
    model = torch.nn.Linear(2, 2)
    ema = gan.EMA(model, decay=0.5)
    before = ema.model.weight.clone()
    with torch.no_grad():
        model.weight.add_(2.0)
    ema.update(model, step=1000)  # past the warm-up: the configured decay
    assert torch.allclose(ema.model.weight, before + 1.0)


def test_ema_warm_up_forgets_the_initial_weights():
    model = torch.nn.Linear(2, 2)
    ema = gan.EMA(model, decay=0.999)
    with torch.no_grad():
        model.weight.fill_(1.0)
    for step in range(1500):
        ema.update(model, step)
    # Without warm-up 0.999 ** 1500 = 22 % of the initial weights would remain.
    assert torch.allclose(ema.model.weight, torch.ones(2, 2), atol=0.01)
    assert ema.decay_at(0) == 0.1 and ema.decay_at(10**6) == 0.999


def test_standing_statistics_are_the_generators_own_batch_statistics():
    generator, _ = gan.build_gan(TINY)
    for module in generator.modules():  # statistics copied from another network: far from its own
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.fill_(5.0)
            module.running_var.fill_(9.0)
    standing = gan.standing_statistics(generator, TINY.latent_dim, batches=4, batch_size=64)
    assert not standing.training
    original = next(m for m in generator.modules() if isinstance(m, torch.nn.BatchNorm2d))
    assert torch.all(original.running_mean == 5.0)  # the original is left alone
    # the first BatchNorm's statistics are the mean of its inputs' over the 4 batches of the same noise
    first = next(m for m in standing.modules() if isinstance(m, torch.nn.BatchNorm2d))
    inputs = []
    hook = original.register_forward_hook(lambda module, args, out: inputs.append(args[0]))
    noise = torch.Generator().manual_seed(5)
    generator.train()
    with torch.no_grad():
        for _ in range(4):
            generator(torch.randn(64, TINY.latent_dim, 1, 1, generator=noise))
    hook.remove()
    means = torch.stack([x.mean(dim=(0, 2, 3)) for x in inputs]).mean(0)
    assert torch.allclose(first.running_mean, means, atol=1e-5)
    assert not torch.allclose(first.running_mean, torch.full_like(means, 5.0))


def test_diffaugment_keeps_shape_and_gradients():
    images = torch.rand(4, 3, 32, 32, requires_grad=True)
    out = gan.diffaugment(images, torch.Generator().manual_seed(0))
    assert out.shape == images.shape
    out.sum().backward()
    assert images.grad.abs().sum() > 0


def test_tiny_end_to_end_run_and_resume(tmp_path):
    images, _ = data.cifar10(train=False)
    images = images[:256]
    modules, extras, record = train_gan(
        TINY, checkpoint_dir=tmp_path / "a", progress=False, train_images=images
    )
    assert extras["iteration_log"].shape == (2 * (256 // 32), 4)
    assert extras["snapshots"].shape == (2, SNAPSHOT_VECTORS, 3, 32, 32)
    # The snapshots are the shipped generator's images of the report's fixed noise.
    with torch.no_grad():
        expected = data.gan_output_to_image(
            modules["generator"](fixed_noise(TINY.latent_dim)[:SNAPSHOT_VECTORS])
        )
    assert torch.equal(extras["snapshots"][-1], expected.mul(255).round().to(torch.uint8))
    assert len(record["history"]["epochs"]) == 2
    with pytest.raises(KeyboardInterrupt):
        train_gan(TINY, checkpoint_dir=tmp_path / "b", progress=False, train_images=images, max_epochs=1)
    resumed, resumed_extras, _ = train_gan(
        TINY, checkpoint_dir=tmp_path / "b", progress=False, train_images=images
    )
    for name in ("generator", "discriminator"):
        for key, value in modules[name].state_dict().items():
            assert torch.equal(value, resumed[name].state_dict()[key]), (name, key)
    assert torch.equal(extras["iteration_log"], resumed_extras["iteration_log"])


def test_ema_leaves_the_training_run_unchanged(tmp_path):
    # The ablation reads its EMA row against the baseline as one run (gan_results.ema_paired_fid):
    # with and without EMA, G and D must take the same steps and log the same losses.
    images = data.cifar10(train=False)[0][:128]
    runs_ = {
        decay: train_gan(
            dataclasses.replace(TINY, ema_decay=decay, epochs=1),
            checkpoint_dir=tmp_path / str(decay),
            progress=False,
            train_images=images,
        )
        for decay in (0.0, 0.9)
    }
    (plain, plain_extras, _), (averaged, averaged_extras, _) = runs_[0.0], runs_[0.9]
    assert torch.equal(plain_extras["iteration_log"], averaged_extras["iteration_log"])
    for key, value in plain["discriminator"].state_dict().items():
        assert torch.equal(value, averaged["discriminator"].state_dict()[key]), key
    # ... while the shipped generators differ: one is the last iterate, the other the average.
    assert not torch.equal(next(plain["generator"].parameters()), next(averaged["generator"].parameters()))


def test_linear_lr_decay_reaches_zero_at_the_end_of_the_run():
    decaying = dataclasses.replace(TINY, linear_lr_decay=True)
    assert [lr_factor(decaying, step, 10) for step in (0, 10, 20)] == [1.0, 0.5, 0.0]
    assert lr_factor(TINY, 20, 10) == 1.0
    late = dataclasses.replace(TINY, epochs=4, linear_lr_decay=True, lr_decay_start_epoch=2)
    assert [lr_factor(late, step, 10) for step in (0, 19, 20, 30, 40)] == [1.0, 1.0, 1.0, 0.5, 0.0]
    assert late.decay_begins_after_epoch == 2 and TINY.decay_begins_after_epoch == 0
    assert dataclasses.replace(late, init_from=TINY).decay_begins_after_epoch == 4  # after stage 1's 2 epochs


def test_schedule_events_and_description_cover_every_stage():
    first = dataclasses.replace(TINY, epochs=4, linear_lr_decay=True, lr_decay_start_epoch=2)
    restart = dataclasses.replace(
        first, epochs=3, learning_rate_generator=1e-4, lr_decay_start_epoch=1, init_from=first
    )
    assert TINY.schedule_events() == {} and first.schedule_events() == {2: "LR starts decaying to 0"}
    assert restart.schedule_events() == {
        2: "LR starts decaying to 0",
        4: "restart at LR 0.0001",
        5: "LR starts decaying to 0",
    }
    assert prose.stage_schedule(first) == "2e-4 to epoch 2, → 0 at 4"
    assert prose.stage_schedule(restart) == "restart 1e-4 to 5, → 0 at 7"
    immediate = dataclasses.replace(restart, lr_decay_start_epoch=0)
    assert immediate.schedule_events()[4] == "restart at LR 0.0001, LR starts decaying to 0"
    assert prose.stage_schedule(immediate) == "restart 1e-4 → 0 at 7"
    assert prose.stage_schedule(TINY) == "2e-4 to epoch 2"


def test_second_stage_starts_from_its_parent_and_continues_its_history(tmp_path):
    images = data.cifar10(train=False)[0][:128]
    frozen = dataclasses.replace(
        TINY,
        name="tiny_stage2",
        epochs=1,
        learning_rate_generator=0.0,
        learning_rate_discriminator=0.0,
        init_from=TINY,
    )
    with pytest.raises(ValueError, match="parent"):
        train_gan(frozen, checkpoint_dir=tmp_path / "c", progress=False, train_images=images)
    stage2 = load_or_train(
        frozen, progress=False, weights_dir=tmp_path / "w", checkpoint_dir=tmp_path / "c", train_images=images
    )
    stage1 = load_trained(TINY, tmp_path / "w")  # trained on the way, and cached
    assert stage1 is not None and frozen.total_epochs == 3
    # With zero learning rates D keeps its parent's weights exactly: it started from them.
    for key, value in stage1["discriminator"].state_dict().items():
        if value.is_floating_point() and "running" not in key:
            assert torch.equal(value, stage2["discriminator"].state_dict()[key]), key
    assert len(stage2.entry["history"]["epochs"]) == 3 and stage2.entry["earlier_stages"]["epochs"] == 2
    assert stage2.extras["snapshots"].shape[0] == 3
    assert torch.equal(stage2.extras["iteration_log"][:8], stage1.extras["iteration_log"])


def test_features_added_later_leave_existing_hashes_alone():
    assert not {"init_from", "linear_lr_decay", "lr_decay_start_epoch"} & set(TINY.to_dict())
    assert dataclasses.replace(TINY, lr_decay_start_epoch=1).config_hash != TINY.config_hash
    stage2 = dataclasses.replace(TINY, name="tiny_stage2", init_from=TINY)
    assert stage2.to_dict()["init_from"] == TINY.to_dict()
    other_parent = dataclasses.replace(stage2, init_from=dataclasses.replace(TINY, epochs=3))
    assert stage2.config_hash != other_parent.config_hash


def test_dcgan_init_sets_plain_convolutions_and_leaves_spectral_norm_ones_at_the_default():
    torch.manual_seed(0)
    plain, normalised = (
        torch.nn.Conv2d(64, 64, 3),
        torch.nn.utils.parametrizations.spectral_norm(torch.nn.Conv2d(64, 64, 3)),
    )
    default = normalised.parametrizations.weight.original.detach().clone()
    for module in (plain, normalised):
        gan.dcgan_init(module)
    assert plain.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert torch.equal(normalised.parametrizations.weight.original, default)
    assert not normalised.bias.any()


def test_without_spectral_norm_keeps_the_function_and_leaves_the_original_alone():
    spectral = gan.Discriminator(width=8, spectral_norm=True, architecture="sngan")
    images = torch.randn(4, 3, 32, 32)
    spectral.train()
    spectral(images)  # one power iteration: the stored estimate is no longer the initial one
    plain = gan.Discriminator(width=8, spectral_norm=False, architecture="sngan", batch_norm=False)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in plain.modules())
    assert not any(torch.nn.utils.parametrize.is_parametrized(m) for m in plain.modules())
    plain.load_state_dict(gan.without_spectral_norm(spectral))  # strict: every key matches
    spectral.eval(), plain.eval()
    torch.testing.assert_close(plain(images), spectral(images))
    assert spectral.training is False and torch.nn.utils.parametrize.is_parametrized(spectral.net[0][0])
    # Plain weights are D's parameters, trained unconstrained; the original keeps its parametrisation.
    assert "net.1.0.weight" in dict(plain.named_parameters())
    assert "net.1.0.parametrizations.weight.original" in dict(spectral.named_parameters())


def test_a_stage_without_spectral_norm_starts_from_a_spectrally_normalised_parent(tmp_path):
    images = data.cifar10(train=False)[0][:64]
    parent = dataclasses.replace(TINY, name="tiny_sn", loss="hinge", spectral_norm=True, epochs=1)
    plain = dataclasses.replace(
        parent,
        name="tiny_plain",
        spectral_norm=False,
        batch_norm_in_d=False,
        learning_rate_generator=0.0,
        learning_rate_discriminator=0.0,
        init_from=parent,
    )
    options = dict(
        progress=False, weights_dir=tmp_path / "w", checkpoint_dir=tmp_path / "c", train_images=images
    )
    stage2 = load_or_train(plain, **options)
    stage1 = load_trained(parent, tmp_path / "w")
    # Zero learning rates: D's weights are its parent's matrices divided by their singular value
    # estimates, as stored (the weight cache keeps float16).
    expected = gan.without_spectral_norm(stage1["discriminator"])
    for key, value in stage2["discriminator"].state_dict().items():
        assert torch.equal(value, expected[key].half().to(value.dtype)), key
    assert "batch_norm_in_d" not in TINY.to_dict() and plain.to_dict()["batch_norm_in_d"] is False

"""The schema: stable hashes, fields added later, checkpoint keys, schedules across stages."""

import dataclasses

from genmodels.config import ClassifierConfig, GANConfig, VAEConfig


def test_hash_is_stable_and_follows_every_field():
    config = VAEConfig(name="a")
    assert config.config_hash == VAEConfig(name="a").config_hash
    assert len(config.config_hash) == 16
    assert dataclasses.replace(config, beta=2.0).config_hash != config.config_hash
    assert dataclasses.replace(config, name="b").config_hash != config.config_hash


def test_the_kind_of_config_is_hashed():
    assert VAEConfig(name="x").to_dict()["kind"] == "VAEConfig"
    assert ClassifierConfig(name="x").config_hash != VAEConfig(name="x").config_hash


def test_later_fields_at_their_default_leave_the_hash_unchanged():
    config = GANConfig(name="g")
    assert "linear_lr_decay" not in config.to_dict() and "init_from" not in config.to_dict()
    decaying = dataclasses.replace(config, linear_lr_decay=True)
    assert decaying.to_dict()["linear_lr_decay"] is True and decaying.config_hash != config.config_hash


def test_the_validation_flag_is_a_later_field():
    config = VAEConfig(name="v")
    assert "validation" not in config.to_dict() and "batch_norm" not in config.to_dict()
    selected = dataclasses.replace(config, validation=True)
    assert selected.to_dict()["validation"] is True and selected.config_hash != config.config_hash


def test_a_parent_stage_is_hashed_as_its_own_fields():
    first = GANConfig(name="a", epochs=2)
    second = dataclasses.replace(first, name="b", init_from=first)
    assert second.to_dict()["init_from"] == first.to_dict()
    longer_parent = dataclasses.replace(second, init_from=dataclasses.replace(first, epochs=3))
    assert longer_parent.config_hash != second.config_hash


def test_checkpoint_key_ignores_the_epoch_budget_only():
    config = VAEConfig(name="a", epochs=5)
    assert dataclasses.replace(config, epochs=9).checkpoint_key == config.checkpoint_key
    assert dataclasses.replace(config, beta=3.0).checkpoint_key != config.checkpoint_key
    assert config.checkpoint_key.startswith("a-")


def test_epochs_and_decay_over_stages():
    first = GANConfig(name="a", epochs=4, linear_lr_decay=True, lr_decay_start_epoch=2)
    second = dataclasses.replace(first, name="b", epochs=3, lr_decay_start_epoch=1, init_from=first)
    assert (first.total_epochs, second.total_epochs) == (4, 7)
    assert (first.decay_begins_after_epoch, second.decay_begins_after_epoch) == (2, 5)
    assert GANConfig(name="c").decay_begins_after_epoch == 0

"""Listings print whole, dedented definitions with a Quarto listing label."""

import pytest

from genmodels import listing, vae


def test_listing_holds_whole_definitions():
    text = listing.listing(
        vae.VAE.reparameterise, vae.VAE.forward, label="lst-x", caption='a "quoted" caption'
    )
    assert text.startswith(
        '```{#lst-x .python lst-cap="a \\"quoted\\" caption"}\n@staticmethod\ndef reparameterise('
    )
    assert "\ndef forward(" in text and text.endswith("\n```")


def test_listing_label_must_be_a_listing_label():
    with pytest.raises(ValueError, match="must start with 'lst-'"):
        listing.listing(vae.VAE.forward, label="fig-x", caption="c")


def test_code_block_is_a_highlighted_uncaptioned_block_of_the_source():
    block = listing.code_block(vae.VAE.forward)
    assert block.startswith("```python\ndef forward(") and block.endswith("\n```")
    assert "lst-cap" not in block and listing.source(vae.VAE.forward) in block

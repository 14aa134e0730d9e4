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


def _too_wide():
    return "a line of this function is wider than the page's listing width, so typst would wrap it to col 0"


def test_a_line_wider_than_the_page_is_an_error_not_a_wrapped_listing():
    assert len(listing.source(vae.VAE.forward).splitlines()[0]) <= listing.WIDTH
    with pytest.raises(ValueError, match=f"wider than the page's {listing.WIDTH}: shorten it"):
        listing.listing(_too_wide, label="lst-x", caption="c")

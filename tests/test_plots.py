"""Shared figures: image grids and save_figure."""

import torch

from genmodels import plots


def test_image_grid_layout():
    figure = plots.image_grid(torch.rand(20, 3, 32, 32), columns=10)
    image = figure.axes[0].images[0].get_array()
    # 2 x 10 tiles with 1-pixel gaps, each pixel repeated 5 times (nearest-neighbour upscaling
    # to at least 1600 pixels wide: 5 * 329 = 1645).
    assert image.shape == (5 * (2 * 32 + 1), 5 * (10 * 32 + 9), 3)


def test_numbered_grid_labels_every_row_and_column_and_keeps_pixels_square():
    figure = plots.image_grid(torch.rand(20, 3, 32, 32), columns=10, width=5.0, numbered=True)
    axes = figure.axes[0]
    labels = [t.get_text() for t in axes.texts]
    assert labels == [str(i) for i in range(1, 11)] + ["1", "2"]  # columns on top, then rows
    # The image axes keep one output pixel per pixel of the upscaled grid: numbers sit outside.
    width_pixels = axes.get_position().width * figure.get_size_inches()[0] * figure.dpi
    assert abs(width_pixels - axes.images[0].get_array().shape[1]) < 1e-6


def test_side_by_side_grids_share_one_row():
    figure = plots.image_grids_side_by_side(
        {"a": torch.rand(8, 1, 28, 28), "b": torch.rand(8, 1, 28, 28)}, columns=4
    )
    left, right = (ax.get_position() for ax in figure.axes)
    assert len(figure.axes) == 2 and abs(left.y0 - right.y0) < 1e-6 and left.x1 <= right.x0
    assert [ax.get_title() for ax in figure.axes] == ["a", "b"]


def test_save_figure_writes_a_png_and_returns_the_figure(tmp_path, monkeypatch):
    monkeypatch.setattr(plots, "FIGURES_DIR", tmp_path)
    figure = plots.image_grid(torch.rand(2, 1, 28, 28), columns=2)
    assert plots.save_figure(figure, "grid") is figure
    assert (tmp_path / "grid.png").read_bytes().startswith(b"\x89PNG")


def test_stacked_grids_fill_panel_columns_row_by_row():
    grids = {name: torch.rand(4, 3, 32, 32) for name in "abc"}
    figure = plots.image_grids(grids, columns=4, panel_columns=2)
    titled = [ax for ax in figure.axes if ax.get_title()]
    assert [ax.get_title() for ax in titled] == ["a", "b", "c"]
    a, b, c = (ax.get_position() for ax in titled)
    assert abs(a.y0 - b.y0) < 1e-6 and a.x1 <= b.x0  # a and b side by side
    assert c.y1 <= a.y0 and abs(c.x0 - a.x0) < 0.05  # c below a, in the first column
    assert len(figure.axes) == 4 and not figure.axes[3].images  # the empty fourth cell has no image


def test_smallest_text_points_finds_the_smallest_drawn_text():
    figure = plots.image_grid(torch.rand(20, 3, 32, 32), columns=10, width=5.0, numbered=True)
    assert plots.smallest_text_points(figure) >= 7  # the row and column numbers
    figure.axes[0].text(0, 0, "tiny", fontsize=5)
    figure.axes[0].text(0, 0, "", fontsize=3)  # empty text draws nothing
    assert plots.smallest_text_points(figure) == 5


def test_reference_grid_sits_to_the_right_at_the_same_tile_size():
    figure = plots.image_grid(
        torch.rand(20, 3, 32, 32),
        columns=10,
        width=5.0,
        numbered=True,
        title="generated",
        reference=("real", torch.rand(6, 3, 32, 32), 3),
    )
    main, side = figure.axes
    assert side.get_title() == "real" and main.get_position().x1 < side.get_position().x0
    factors = [ax.images[0].get_array().shape[1] / pixels for ax, pixels in ((main, 329), (side, 98))]
    assert factors[0] == factors[1] == 5  # one upscaling factor: 32-pixel tiles of one size in both
    pixels = [ax.get_position().width * figure.get_size_inches()[0] * figure.dpi for ax in (main, side)]
    assert all(abs(p - ax.images[0].get_array().shape[1]) < 1e-6 for p, ax in zip(pixels, (main, side)))

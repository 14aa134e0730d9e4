"""Figures shared by both parts (image grids) and `save_figure`; Part 1's are in vae_plots.py,
Part 2's in gan_plots.py. Each function takes data and returns a matplotlib Figure (no training, no I/O).

Figures are built with `matplotlib.figure.Figure` rather than pyplot so a report cell shows
exactly the figure it returns, once. `save_figure` is the one exception to "no I/O": the
report cells call it to keep a copy of each figure in `figures/`.
"""

from __future__ import annotations

import io
import math

import matplotlib.text
import numpy as np
import torch
from matplotlib.figure import Figure

from genmodels.paths import PROJECT_ROOT, atomic_write

FIGURES_DIR = PROJECT_ROOT / "figures"


def save_figure(figure: Figure, name: str) -> Figure:
    """Write `figures/<name>.png` and return the figure (so a cell can end with it)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    atomic_write(FIGURES_DIR / f"{name}.png", buffer.getvalue())
    return figure


def smallest_text_points(figure: Figure) -> float:
    """The size in points of the smallest visible text in `figure` (titles, labels, ticks,
    legends, annotations): its size in print when the figure is shown at its own width."""
    figure.draw_without_rendering()  # sets the tick labels that are drawn
    sizes = [
        text.get_fontsize()
        for text in figure.findobj(matplotlib.text.Text)
        if text.get_visible() and text.get_text().strip() and text.get_figure() is not None
    ]
    return min(sizes)


def drawn(figure: Figure):
    """`figure` drawn at its own size; returns the renderer, which measures what was drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    return renderer


def overlapping_tick_labels(figure: Figure, gap: float = 0.0) -> list[str]:
    """The tick labels that overprint a neighbour on the same axis, or come closer to it than `gap`
    points (as drawn at the figure's size)."""
    renderer = drawn(figure)
    clashes = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            shown = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text().strip()]
            pad = gap / 2 * figure.dpi / 72
            boxes = [t.get_window_extent(renderer).padded(pad) for t in shown]
            clashes += [
                f"{a.get_text()}|{b.get_text()}"
                for (a, box_a), (b, box_b) in zip(zip(shown, boxes), zip(shown[1:], boxes[1:]))
                if box_a.overlaps(box_b)
            ]
    return clashes


def flattest_panel_inches(figure: Figure) -> float:
    """The height in inches of the flattest axes of `figure` (at the figure's own size)."""
    return min(ax.get_position().height * figure.get_figheight() for ax in figure.axes)


def texts_outside_axes(figure: Figure) -> list[str]:
    """The texts written in an axes (bar labels, notes) that run past its box, as drawn."""
    renderer = drawn(figure)
    return [
        text.get_text()
        for ax in figure.axes
        for text in ax.texts
        if text.get_visible() and not ax.bbox.contains(*text.get_window_extent(renderer).max)
    ]


def labels_longer_than_axes(figure: Figure) -> list[str]:
    """The y-axis labels that run past the top or bottom of their axes (as drawn at the figure's
    size): a label longer than a flat panel is tall."""
    renderer = drawn(figure)
    return [
        ax.yaxis.label.get_text()
        for ax in figure.axes
        if ax.yaxis.label.get_text() and ax.yaxis.label.get_window_extent(renderer).height > ax.bbox.height
    ]


def texts_over_lines(figure: Figure, pad: float = 2.0) -> list[str]:
    """The texts written in an axes (notes, annotations) that a plotted line of that axes passes
    through or comes within `pad` points of (as drawn at the figure's size)."""
    renderer = drawn(figure)
    hits = []
    for ax in figure.axes:
        samples = []
        for line in ax.lines:
            xy = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
            if len(xy) > 1:  # the segments between the points too
                t = np.linspace(0, 1, 20)[:, None, None]
                xy = (xy[:-1] * (1 - t) + xy[1:] * t).reshape(-1, 2)
            samples.append(xy)
        if not samples:
            continue
        points = np.concatenate(samples)
        frame = ax.bbox  # what the axes clips away is not drawn
        points = points[
            (points[:, 0] >= frame.x0)
            & (points[:, 0] <= frame.x1)
            & (points[:, 1] >= frame.y0)
            & (points[:, 1] <= frame.y1)
        ]
        for text in ax.texts:
            if not (text.get_visible() and text.get_text().strip()):
                continue
            box = text.get_window_extent(renderer).padded(pad * figure.dpi / 72)
            inside = (points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
            if (inside & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1)).any():
                hits.append(text.get_text())
    return hits


def grid_array(images: torch.Tensor, columns: int, padding: int = 1) -> np.ndarray:
    """(N, C, H, W) in [0, 1] -> one (rows*H, columns*W, C) array with white gutters."""
    images = images.detach().float().cpu().clamp(0, 1)
    n, c, h, w = images.shape
    rows = math.ceil(n / columns)
    grid = torch.ones(c, rows * (h + padding) - padding, columns * (w + padding) - padding)
    for index, image in enumerate(images):
        r, col = divmod(index, columns)
        grid[:, r * (h + padding) : r * (h + padding) + h, col * (w + padding) : col * (w + padding) + w] = (
            image
        )
    return grid.permute(1, 2, 0).numpy()


def pixelated(array: np.ndarray, min_width: int = 1600) -> np.ndarray:
    """Repeat each pixel so the image is at least `min_width` wide: a PDF viewer that smooths
    embedded images then still shows sharp 28- or 32-pixel tiles (nearest-neighbour upscaling)."""
    factor = max(1, -(-min_width // array.shape[1]))
    return np.repeat(np.repeat(array, factor, axis=0), factor, axis=1)


def show_image(ax, array: np.ndarray) -> None:
    array = pixelated(array)
    ax.imshow(
        array.squeeze(-1) if array.ndim == 3 and array.shape[-1] == 1 else array,
        cmap="gray",
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )


def image_grid(
    images: torch.Tensor,
    columns: int,
    title: str | None = None,
    width: float = 6.0,
    numbered: bool = False,
    reference: tuple[str, torch.Tensor, int] | None = None,
) -> Figure:
    """A grid of images in [0, 1], shape (N, C, H, W); `numbered` puts row numbers on the left and
    column numbers on top, from 1, so that the text can name a cell. `reference` (title, images,
    columns) adds a second grid to the right at the same tile size, e.g. real images to compare."""
    array = grid_array(images, columns)
    height = width * array.shape[0] / array.shape[1]
    margin = 0.22 if numbered else 0.0  # inches for the numbers, outside the image
    top = (0.3 if title or reference else 0) + margin
    gap, reference_width = 0.0, 0.0
    if reference is not None:
        reference_array = grid_array(reference[1], reference[2])
        gap, reference_width = 0.15, width * reference_array.shape[1] / array.shape[1]
    total = width + margin + gap + reference_width
    # dpi: one output pixel per pixel of the pixelated array, so every image pixel is a square
    # block of output pixels (nearest-neighbour upscaling, no resampling when the PNG is written)
    shown = pixelated(array)
    figure = Figure(figsize=(total, height + top), dpi=shown.shape[1] / width)
    axes = figure.add_axes((margin / total, 0, width / total, height / (height + top)))
    show_image(axes, array)
    axes.axis("off")
    if reference is not None:  # the same upscaling factor, so its tiles match the main grid's
        factor = shown.shape[1] // array.shape[1]
        side = figure.add_axes(
            ((total - reference_width) / total, 0, reference_width / total, height / (height + top))
        )
        side.imshow(pixelated(reference_array, factor * reference_array.shape[1]), interpolation="nearest")
        side.axis("off")
        side.set_title(reference[0], fontsize=9, pad=14 if numbered else 6)
    if numbered:
        rows = math.ceil(len(images) / columns)
        for index in range(columns):
            axes.text(
                (index + 0.5) * shown.shape[1] / columns,
                -0.01 * shown.shape[0],
                str(index + 1),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        for index in range(rows):
            axes.text(
                -0.01 * shown.shape[1],
                (index + 0.5) * shown.shape[0] / rows,
                str(index + 1),
                ha="right",
                va="center",
                fontsize=8,
            )
    if title:
        axes.set_title(title, fontsize=9, pad=14 if numbered else 6)
    return figure


def draw_panels(figure: Figure, axes, panels) -> None:
    """Draw each (title, image array) of `panels` on the next of `axes`, without axis frames."""
    for ax, (name, array) in zip(axes, panels):
        show_image(ax, array)
        ax.set_title(name, fontsize=9)
        ax.axis("off")
    figure.tight_layout()


def image_grids(named_images: dict, columns: int, width: float = 6.5, panel_columns: int = 1) -> Figure:
    """Several image grids, one titled panel each, stacked vertically in `panel_columns` columns
    (filled row by row); every panel has the same width."""
    arrays = {name: grid_array(images, columns) for name, images in named_images.items()}
    panel_width = width / panel_columns
    rows = [list(arrays.values())[i : i + panel_columns] for i in range(0, len(arrays), panel_columns)]
    heights = [max(a.shape[0] / a.shape[1] for a in row) * panel_width + 0.35 for row in rows]
    figure = Figure(figsize=(width, sum(heights)))
    axes = figure.subplots(len(rows), panel_columns, gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax in axes.flat[len(arrays) :]:
        ax.axis("off")
    draw_panels(figure, axes.flat, arrays.items())
    return figure


def image_grids_side_by_side(named_images: dict, columns: int, width: float = 6.5) -> Figure:
    """Several equally sized image grids in one row, one titled panel each."""
    arrays = {name: grid_array(images, columns) for name, images in named_images.items()}
    first = next(iter(arrays.values()))
    panel_width = width / len(arrays)
    figure = Figure(figsize=(width, panel_width * first.shape[0] / first.shape[1] + 0.35))
    axes = figure.subplots(1, len(arrays), squeeze=False)[0]
    draw_panels(figure, axes, arrays.items())
    return figure

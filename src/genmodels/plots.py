"""Figures: each function takes data and returns a matplotlib Figure (no training, no I/O).

Figures are built with `matplotlib.figure.Figure` rather than pyplot so a report cell shows
exactly the figure it returns, once. `save_figure` is the one exception to "no I/O": the
report cells call it to keep a copy of each figure in `figures/`.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from genmodels import PROJECT_ROOT

FIGURES_DIR = PROJECT_ROOT / "figures"
DIGIT_COLOURS = [f"C{i}" for i in range(10)]


def save_figure(figure: Figure, name: str) -> Figure:
    """Write `figures/<name>.png` and return the figure (so a cell can end with it)."""
    FIGURES_DIR.mkdir(exist_ok=True)
    figure.savefig(FIGURES_DIR / f"{name}.png", dpi=150, bbox_inches="tight")
    return figure


def _grid_array(images: torch.Tensor, columns: int, padding: int = 1) -> np.ndarray:
    """(N, C, H, W) in [0, 1] -> one (rows*H, columns*W, C) array with white gutters."""
    images = images.detach().float().cpu().clamp(0, 1)
    n, c, h, w = images.shape
    rows = math.ceil(n / columns)
    grid = torch.ones(c, rows * (h + padding) - padding, columns * (w + padding) - padding)
    for index, image in enumerate(images):
        r, col = divmod(index, columns)
        grid[:, r * (h + padding):r * (h + padding) + h, col * (w + padding):col * (w + padding) + w] = image
    return grid.permute(1, 2, 0).numpy()


def _pixelated(array: np.ndarray, min_width: int = 1600) -> np.ndarray:
    """Repeat each pixel so the image is at least `min_width` wide: a PDF viewer that smooths
    embedded images then still shows sharp 28- or 32-pixel tiles (nearest-neighbour upscaling)."""
    factor = max(1, -(-min_width // array.shape[1]))
    return np.repeat(np.repeat(array, factor, axis=0), factor, axis=1)


def _show(ax, array: np.ndarray) -> None:
    array = _pixelated(array)
    ax.imshow(array.squeeze(-1) if array.ndim == 3 and array.shape[-1] == 1 else array, cmap="gray",
              vmin=0, vmax=1, interpolation="nearest")


def image_grid(images: torch.Tensor, columns: int, title: str | None = None, width: float = 6.0) -> Figure:
    """A grid of images in [0, 1], shape (N, C, H, W)."""
    array = _grid_array(images, columns)
    figure = Figure(figsize=(width, width * array.shape[0] / array.shape[1] + (0.3 if title else 0)))
    axes = figure.add_axes((0, 0, 1, 0.93 if title else 1))
    _show(axes, array)
    axes.axis("off")
    if title:
        axes.set_title(title, fontsize=9)
    return figure


def _draw_panels(figure: Figure, axes, arrays: dict) -> None:
    for ax, (name, array) in zip(axes, arrays.items()):
        _show(ax, array)
        ax.set_title(name, fontsize=9)
        ax.axis("off")
    figure.tight_layout()


def image_grids(named_images: dict, columns: int, width: float = 6.5) -> Figure:
    """Several image grids stacked vertically, one titled panel each."""
    arrays = {name: _grid_array(images, columns) for name, images in named_images.items()}
    heights = [a.shape[0] / a.shape[1] * width + 0.35 for a in arrays.values()]
    figure = Figure(figsize=(width, sum(heights)))
    axes = figure.subplots(len(arrays), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)[:, 0]
    _draw_panels(figure, axes, arrays)
    return figure


def image_grids_side_by_side(named_images: dict, columns: int, width: float = 6.5) -> Figure:
    """Several equally sized image grids in one row, one titled panel each."""
    arrays = {name: _grid_array(images, columns) for name, images in named_images.items()}
    first = next(iter(arrays.values()))
    panel_width = width / len(arrays)
    figure = Figure(figsize=(width, panel_width * first.shape[0] / first.shape[1] + 0.35))
    axes = figure.subplots(1, len(arrays), squeeze=False)[0]
    _draw_panels(figure, axes, arrays)
    return figure


# --- Part 1: VAE ------------------------------------------------------------------------------

def vae_loss_curves(history: dict, title: str = "") -> Figure:
    """Six curves: train and test x total, reconstruction and KL, per epoch (nats per image)."""
    figure = Figure(figsize=(7, 2.5))
    axes = figure.subplots(1, 3)
    epochs = np.arange(1, len(history["train"]) + 1)
    for ax, term, label in zip(axes, ("total", "reconstruction", "kl"),
                               ("total loss", "reconstruction (BCE)", "KL(q(z|x) || p(z))")):
        for split, style in (("train", "-"), ("test", "--")):
            ax.plot(epochs, [e[term] for e in history[split]], style, marker=".", label=f"{split} {term}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"{label} [nats/image]")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def beta_curves(histories: dict) -> Figure:
    """Test reconstruction and KL per epoch, one curve per beta (keys are beta values)."""
    figure = Figure(figsize=(7, 2.9))
    axes = figure.subplots(1, 3)
    for index, (beta, history) in enumerate(histories.items()):
        epochs = np.arange(1, len(history["test"]) + 1)
        colour = f"C{index}"
        axes[0].plot(epochs, [e["reconstruction"] for e in history["test"]], color=colour, label=f"β={beta:g}")
        axes[1].plot(epochs, [e["kl"] for e in history["test"]], color=colour, label=f"β={beta:g}")
        axes[2].plot(epochs, [e["reconstruction"] for e in history["train"]], color=colour, label=f"β={beta:g}")
    axes[0].set_ylabel("test reconstruction [nats/image]")
    axes[1].set_ylabel("test KL [nats/image]")
    axes[2].set_ylabel("train reconstruction [nats/image]")
    axes[1].set_yscale("symlog", linthresh=1)
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0].set_yscale("log")
    axes[2].set_yscale("log")
    figure.legend(*axes[1].get_legend_handles_labels(), loc="lower center", ncol=7, fontsize=8, frameon=False,
                  bbox_to_anchor=(0.5, -0.02))
    figure.subplots_adjust(bottom=0.25)
    figure.tight_layout()
    return figure


def rate_distortion(rates: dict, distortions: dict) -> Figure:
    """Test KL (rate) against test reconstruction (distortion) per beta, with the ELBO = 1 line."""
    figure = Figure(figsize=(4.5, 3.4))
    ax = figure.add_subplot()
    betas = list(rates)
    x, y = [rates[b] for b in betas], [distortions[b] for b in betas]
    ax.plot(x, y, "o-", color="C0")
    for beta, xi, yi in zip(betas, x, y):
        ax.annotate(f"β={beta:g}", (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=8)
    best = min(a + b for a, b in zip(x, y))
    line = np.linspace(0, max(x) * 1.05 + 1, 50)
    ax.plot(line, best - line, ":", color="grey", label=f"rate + distortion = {best:.1f} (best −ELBO)")
    ax.set_ylim(0, max(y) * 1.1)
    ax.set_xlabel("rate: KL(q(z|x) || p(z)) [nats]")
    ax.set_ylabel("distortion: −log p(x|z) [nats]")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def kl_per_dimension(kl_by_beta: dict, threshold_nats: float = 0.01) -> Figure:
    """Per-dimension KL (sorted, descending) for each beta; collapsed dimensions sit near 0."""
    figure = Figure(figsize=(7, 3))
    ax = figure.add_subplot()
    for index, (beta, kl) in enumerate(kl_by_beta.items()):
        values = np.sort(np.asarray(kl))[::-1]
        ax.plot(np.arange(1, len(values) + 1), np.maximum(values, 1e-4), "o-", ms=3, color=f"C{index}",
                label=f"β={beta}")
    ax.axhline(threshold_nats, color="grey", ls=":", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("latent dimension (sorted by KL)")
    ax.set_ylabel("test KL per dimension [nats]")
    ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    ax.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def _label_digits(ax, points: np.ndarray, labels: np.ndarray) -> None:
    """Each digit's label on the class point nearest its median, so it always sits on its own points."""
    for digit in range(10):
        own = points[labels == digit]
        centre = own[np.argmin(((own - np.median(own, axis=0)) ** 2).sum(1))]
        ax.text(*centre, str(digit), fontsize=8, weight="bold", ha="center", va="center",
                bbox={"boxstyle": "circle,pad=0.15", "fc": "white", "alpha": 0.8, "lw": 0})


def paths_on_map(points: np.ndarray, labels, paths: dict, size: float = 4.0) -> Figure:
    """Paths as connected points at their map positions over a grey 2-D map with digit labels;
    each path has its colour, a square at its start and a star at its end; legend below."""
    figure = Figure(figsize=(size * 1.35, size))
    ax = figure.add_subplot()
    labels = np.asarray(labels)
    ax.scatter(points[:, 0], points[:, 1], c=[DIGIT_COLOURS[i] for i in labels], s=3, alpha=0.25,
               linewidths=0, rasterized=True)
    _label_digits(ax, points, labels)
    for index, (name, path) in enumerate(paths.items()):
        path = np.asarray(path)
        colour = ("black", "crimson", "navy", "darkgreen", "darkorange", "purple")[index % 6]
        ax.plot(path[:, 0], path[:, 1], "-o", color=colour, ms=3.5, lw=1.2, alpha=0.9, label=name, zorder=3)
        ax.plot(*path[0], "s", ms=8, mfc="white", mec=colour, mew=1.8, zorder=4)
        ax.plot(*path[-1], "*", ms=12, mfc="white", mec=colour, mew=1.5, zorder=4)
    ax.set_xticks([])
    ax.set_yticks([])
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    figure.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=len(paths), fontsize=8, frameon=False)
    return figure


def latent_scatter_grid(embeddings: dict, labels, columns: int = 3, size: float = 3.0,
                        paths: dict | None = None) -> Figure:
    """2-D embeddings coloured by digit, one panel per entry; optional named paths drawn on top
    (`paths`: panel title -> {path name: (steps, 2) array})."""
    rows = math.ceil(len(embeddings) / columns)
    figure = Figure(figsize=(size * columns, size * rows + 0.4))
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    labels = np.asarray(labels)
    for ax, (title, points) in zip(axes, embeddings.items()):
        points = np.asarray(points)
        ax.scatter(points[:, 0], points[:, 1], c=[DIGIT_COLOURS[i] for i in labels], s=1.5, alpha=0.6,
                   linewidths=0, rasterized=True)
        _label_digits(ax, points, labels)
        for index, (name, path) in enumerate((paths or {}).get(title, {}).items()):
            path = np.asarray(path)
            ax.plot(path[:, 0], path[:, 1], "-o", ms=2.5, lw=1.2, color=f"C{index}", mec="black", mew=0.4,
                    label=name)
            ax.plot(*path[0], "s", ms=5, color="white", mec="black")
            ax.plot(*path[-1], "*", ms=8, color="white", mec="black")
        if paths and title in paths:
            ax.legend(fontsize=7, loc="lower left", framealpha=0.9)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[len(embeddings):]:
        ax.axis("off")
    handles = [Line2D([], [], ls="", marker="o", ms=4, color=DIGIT_COLOURS[d], label=str(d)) for d in range(10)]
    figure.tight_layout(rect=(0, 0.07 / rows, 1, 1))
    figure.legend(handles=handles, loc="lower center", ncol=10, fontsize=8, frameon=False, title_fontsize=8,
                  handletextpad=0.1, columnspacing=0.8)
    return figure


def interpolation_strips(strips: dict, predicted: dict | None = None) -> Figure:
    """Rows of decoded images along latent paths; optional classifier labels above each step."""
    rows = len(strips)
    steps = len(next(iter(strips.values())))
    figure = Figure(figsize=(0.55 * steps, 0.8 * rows + 0.2))
    axes = figure.subplots(rows, steps, squeeze=False)
    for row, (name, images) in enumerate(strips.items()):
        for column in range(steps):
            ax = axes[row, column]
            ax.imshow(_pixelated(images[column].squeeze(0).cpu().numpy(), 112), cmap="gray", vmin=0, vmax=1,
                      interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if predicted is not None:
                label, confidence = predicted[name][column]
                ax.set_title(f"{label}:{confidence:.0%}", fontsize=7, pad=1)
        axes[row, 0].set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
    figure.subplots_adjust(left=0.12, right=0.99, top=0.93, bottom=0.02, wspace=0.05, hspace=0.45)
    return figure


# --- Part 2: GAN ------------------------------------------------------------------------------

def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    window = max(1, min(window, len(values)))
    return np.convolve(values, np.ones(window) / window, mode="valid")


_THOUSANDS = FuncFormatter(lambda x, _: f"{x / 1000:g}k" if x else "0")


def _mark_schedule(ax, marks: dict, label: bool = True) -> None:
    """Vertical lines where the learning-rate schedule changes: {x position: what happens}."""
    for (at, text), style in zip(sorted(marks.items()), ("--", "-.", ":", (0, (5, 5)))):
        ax.axvline(at, color="k", ls=style, lw=0.8, label=text if label else None)


def gan_loss_curves(iteration_log: np.ndarray, iterations_per_epoch: int, window: int = 200,
                    schedule_events: dict | None = None, loss: str = "bce") -> Figure:
    """D and G losses per iteration (raw and smoothed), with the equilibrium values of `loss`
    ("bce" or "hinge"); `schedule_events` ({epoch: what happens after it}) are marked."""
    from genmodels.gan import equilibrium_losses
    d_star, g_star = equilibrium_losses(loss)
    names = ("2", "0") if loss == "hinge" else ("log 4", "log 2")
    events = schedule_events or {}
    figure = Figure(figsize=(6.8, 3.9))
    axes = figure.subplots(1, 2)
    iterations = np.arange(1, len(iteration_log) + 1)
    for column, name, colour in ((0, "discriminator loss", "C0"), (1, "generator loss", "C1")):
        axes[0].plot(iterations, iteration_log[:, column], color=colour, alpha=0.15, lw=0.5)
        smooth = _smooth(iteration_log[:, column], window)
        axes[0].plot(iterations[window - 1:window - 1 + len(smooth)], smooth, color=colour,
                     label=f"{name} (moving mean of {window})")
    axes[0].axhline(d_star, color="C0", ls=":", lw=1, label=f"D at equilibrium: {names[0]}")
    if loss != "hinge":  # under the hinge loss G's equilibrium value is not determined
        axes[0].axhline(g_star, color="C1", ls=":", lw=1, label=f"G at equilibrium: {names[1]}")
    axes[0].set_xlabel("iteration")
    axes[0].xaxis.set_major_formatter(_THOUSANDS)
    axes[0].set_ylabel("loss" if loss == "hinge" else "loss [nats]")
    axes[0].set_ylim(min(0.0, np.percentile(iteration_log[:, :2], 0.5) * 1.1),
                     np.percentile(iteration_log[:, :2], 99.5) * 1.1)
    _mark_schedule(axes[0], {e * iterations_per_epoch: f"after epoch {e}: {text}" for e, text in events.items()})

    epochs = len(iteration_log) // iterations_per_epoch
    per_epoch = iteration_log[:epochs * iterations_per_epoch].reshape(epochs, iterations_per_epoch, -1).mean(1)
    axes[1].plot(np.arange(1, epochs + 1), per_epoch[:, 0], "o-", label="discriminator loss")
    axes[1].plot(np.arange(1, epochs + 1), per_epoch[:, 1], "o-", label="generator loss")
    axes[1].axhline(d_star, color="C0", ls=":", lw=1)
    if loss != "hinge":
        axes[1].axhline(g_star, color="C1", ls=":", lw=1)
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("mean loss per epoch" + ("" if loss == "hinge" else " [nats]"))
    _mark_schedule(axes[1], {e + 0.5: text for e, text in events.items()}, label=False)
    for ax in axes:
        ax.grid(alpha=0.3)
    figure.tight_layout(rect=(0, 0.2, 1, 1))
    figure.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=8, frameon=False)
    return figure


def discriminator_outputs(iteration_log: np.ndarray, window: int = 200, schedule_marks: dict | None = None,
                          loss: str = "bce") -> Figure:
    """Mean sigma(D) on real and fake batches (smoothed) against the equilibrium: 1/2 for BCE, the band
    sigma([-1, 1]) of equilibrium constant scores for the hinge loss; schedule changes marked."""
    figure = Figure(figsize=(6.5, 3.3))
    ax = figure.add_subplot()
    for column, name, colour in ((2, "D(x), real batch", "C2"), (3, "D(G(z)), fake batch", "C3")):
        smooth = _smooth(iteration_log[:, column], window)
        ax.plot(np.arange(window, window + len(smooth)), smooth, color=colour, label=name)
    if loss == "hinge":
        low, high = 1 / (1 + math.e), 1 / (1 + math.exp(-1))
        ax.axhspan(low, high, color="grey", alpha=0.12, label=f"σ of any equilibrium score in [−1, 1] ({low:.2f}–{high:.2f})")
    else:
        ax.axhline(0.5, color="grey", ls=":", label="equilibrium D = 1/2")
    _mark_schedule(ax, schedule_marks or {})
    ax.set_ylim(0, 1)
    ax.set_xlabel("iteration")
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.set_ylabel("mean σ(D) on the batch")
    ax.grid(alpha=0.3)
    figure.tight_layout(rect=(0, 0.22, 1, 1))
    figure.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=8, frameon=False)
    return figure


def class_histogram(counts, class_names, reference=None) -> Figure:
    """Counts of generated images per predicted class, with the real data's counts for reference."""
    figure = Figure(figsize=(6.5, 2.8))
    ax = figure.add_subplot()
    positions = np.arange(len(class_names))
    counts = np.asarray(counts)
    ax.bar(positions - 0.2 if reference is not None else positions, counts / counts.sum(), width=0.4,
           label="generated")
    if reference is not None:
        reference = np.asarray(reference)
        ax.bar(positions + 0.2, reference / reference.sum(), width=0.4, label="real (test set)")
    ax.axhline(1 / len(class_names), color="grey", ls=":", label="uniform")
    ax.set_xticks(positions, class_names, rotation=30, fontsize=8)
    ax.set_ylabel("fraction of images")
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, 1.15), frameon=False)
    figure.tight_layout()
    return figure


def nearest_neighbour_grid(queries: torch.Tensor, neighbours: torch.Tensor) -> Figure:
    """Left: generated images; right, apart: each one's nearest training images, one row each."""
    rows, k = neighbours.shape[:2]
    left, right = _grid_array(queries, 1), _grid_array(neighbours.flatten(0, 1), k)
    figure = Figure(figsize=(0.62 * (k + 1) + 0.3, 0.62 * rows + 0.35))
    axes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, k], "wspace": 0.08})
    _draw_panels(figure, axes, {"generated": left, f"{k} nearest training images (L2)": right})
    return figure

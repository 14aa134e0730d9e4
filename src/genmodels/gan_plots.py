"""Part 2 figures: GAN loss curves, discriminator outputs, class histogram, nearest neighbours.

Each function takes data and returns a matplotlib Figure (see plots.py)."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from genmodels.plots import draw_panels, grid_array


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    window = max(1, min(window, len(values)))
    return np.convolve(values, np.ones(window) / window, mode="valid")


_THOUSANDS = FuncFormatter(lambda x, _: f"{x / 1000:g}k" if x else "0")
_DARK = {"C0": "#0b3d75", "C1": "#a34a00"}  # darker shades of matplotlib's first two colours


def _epochs_text(epochs: list[int]) -> str:
    if len(epochs) == 1:
        return f"after epoch {epochs[0]}"
    return f"after epochs {', '.join(str(e) for e in epochs[:-1])} and {epochs[-1]}"


def _mark_schedule(ax, events: dict, position, label: bool = True) -> None:
    """Vertical lines where the learning-rate schedule changes ({epoch: what happens after it}),
    drawn at `position(epoch)`; the same change after several epochs is one line style and one
    legend entry."""
    groups: dict[str, list[int]] = {}
    for epoch, text in sorted(events.items()):
        groups.setdefault(text, []).append(epoch)
    for (text, epochs), style in zip(groups.items(), ("--", "-.", ":", (0, (5, 5)))):
        for index, epoch in enumerate(epochs):
            name = f"{_epochs_text(epochs)}: {text}" if label and index == 0 else None
            ax.axvline(position(epoch), color="k", ls=style, lw=0.8, label=name)


def _draw_losses(axes, iteration_log, iterations_per_epoch, window, events, loss) -> list:
    """D's and G's losses per iteration (raw and smoothed, `axes[0]`) and per epoch (`axes[1]`), with
    the equilibrium values of `loss`; returns the legend's (handle, text) pairs."""
    from genmodels.gan import equilibrium_losses

    d_star, g_star = equilibrium_losses(loss)
    names = ("2", "0") if loss == "hinge" else ("log 4", "log 2")
    iterations = np.arange(1, len(iteration_log) + 1)
    curves = []  # one legend entry per loss: a solid line, as both panels draw it
    for column, name, colour in ((0, "discriminator loss", "C0"), (1, "generator loss", "C1")):
        axes[0].plot(iterations, iteration_log[:, column], color=colour, alpha=0.15, lw=0.5)
        smooth = _smooth(iteration_log[:, column], window)
        (mean,) = axes[0].plot(iterations[window - 1 : window - 1 + len(smooth)], smooth, color=colour)
        curves.append((mean, name))
    # over the per-iteration bands, in darker shades of the losses' colours, so the bands hide neither
    star = {"lw": 1.3, "ls": ":", "zorder": 4}
    axes[0].axhline(d_star, color=_DARK["C0"], label=f"D at equilibrium: {names[0]}", **star)
    if loss != "hinge":  # under the hinge loss G's equilibrium value is not determined
        axes[0].axhline(g_star, color=_DARK["C1"], label=f"G at equilibrium: {names[1]}", **star)
    axes[0].set_xlabel("iteration")
    axes[0].xaxis.set_major_formatter(_THOUSANDS)
    axes[0].set_ylabel("loss" if loss == "hinge" else "loss [nats]")
    low, high = np.percentile(iteration_log[:, :2], (0.5, 99.5))
    high = max(high, d_star, g_star)  # the equilibrium lines stay inside the axis, clear of its edge
    axes[0].set_ylim(min(0.0, low * 1.1), high * 1.15)
    _mark_schedule(axes[0], events, lambda epoch: epoch * iterations_per_epoch)

    epochs = len(iteration_log) // iterations_per_epoch
    per_epoch = (
        iteration_log[: epochs * iterations_per_epoch].reshape(epochs, iterations_per_epoch, -1).mean(1)
    )
    for column, (line, _) in enumerate(curves):
        axes[1].plot(np.arange(1, epochs + 1), per_epoch[:, column], "o-", ms=2.5, color=line.get_color())
    axes[1].axhline(d_star, color=_DARK["C0"], **star)
    if loss != "hinge":
        axes[1].axhline(g_star, color=_DARK["C1"], **star)
    drawn = [per_epoch[:, :2].min(), per_epoch[:, :2].max(), d_star] + ([g_star] if loss != "hinge" else [])
    margin = 0.1 * (max(drawn) - min(drawn))  # the equilibrium lines stay clear of the axis' edges
    axes[1].set_ylim(min(drawn) - margin, max(drawn) + margin)
    axes[1].set_xlabel("epoch")
    axes[1].xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axes[1].set_ylabel(axes[0].get_ylabel())  # the per-epoch means of the same losses
    _mark_schedule(axes[1], events, lambda epoch: epoch + 0.5, label=False)
    for ax in axes:
        # at least three labelled levels per panel, at round steps (so the hinge loss's 2 is one of them)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    handles, labels = axes[0].get_legend_handles_labels()
    return curves + list(zip(handles, labels))


def _draw_outputs(axes, iteration_log, iterations_per_epoch, window, events, loss) -> list:
    """Mean sigma(D) on real and fake batches (smoothed, `axes[0]`) and the gap between them
    (`axes[1]`, on an axis of its own so that its changes show). At the equilibrium of either loss
    the two curves coincide (gap 0); only BCE also fixes their level (D = 1/2, drawn), while the
    hinge loss allows any D in [-1, 1]. Returns the legend's (handle, text) pairs; the schedule's
    lines carry no entry, since the loss panels' name them."""
    ax, gap_ax = axes
    drawn = []
    for column, name, colour in ((2, "σ(D(x)), real batch", "C2"), (3, "σ(D(G(z))), fake batch", "C3")):
        smooth = _smooth(iteration_log[:, column], window)
        ax.plot(np.arange(window, window + len(smooth)), smooth, color=colour, label=name)
        drawn.append(smooth)
    gap = drawn[0] - drawn[1]
    gap_ax.plot(np.arange(window, window + len(gap)), gap, color="C4", label="gap: σ(D(x)) − σ(D(G(z)))")
    if loss != "hinge":
        ax.axhline(0.5, color="grey", ls=":", label="equilibrium D = 1/2")
        drawn.append(np.array([0.5]))
    for axis, curves, label in ((ax, drawn, "mean σ(D)"), (gap_ax, [gap], "gap")):
        _mark_schedule(axis, events, lambda epoch: epoch * iterations_per_epoch, False)
        low, high = min(c.min() for c in curves), max(c.max() for c in curves)
        margin = 0.15 * (high - low) + 0.01  # the axis spans the curves, so their changes show
        axis.set_ylim(max(-1.0 if axis is gap_ax else 0.0, low - margin), min(1.0, high + margin))
        axis.set_xlabel("iteration")
        axis.xaxis.set_major_formatter(_THOUSANDS)
        axis.set_ylabel(label)
    return [pair for axis in axes for pair in zip(*axis.get_legend_handles_labels())]


def gan_training_curves(
    iteration_log: np.ndarray,
    iterations_per_epoch: int,
    window: int = 200,
    schedule_events: dict | None = None,
    loss: str = "bce",
) -> Figure:
    """The GAN's training log in four panels: D's and G's losses per iteration (raw and smoothed) and
    per epoch, with the equilibrium values of `loss` ("bce" or "hinge"), over mean sigma(D) on real
    and fake batches and their gap; `schedule_events` ({epoch: what happens after it}) are marked in
    every panel. One legend below all four."""
    events = schedule_events or {}
    figure = Figure(figsize=(6.6, 3.5))
    axes = figure.subplots(2, 2)
    entries = _draw_losses(axes[0], iteration_log, iterations_per_epoch, window, events, loss)
    entries += _draw_outputs(axes[1], iteration_log, iterations_per_epoch, window, events, loss)
    for ax in axes.flat:
        ax.grid(alpha=0.3)
    figure.tight_layout(rect=(0, 0.12, 1, 1), h_pad=0.6)
    # Three columns, filled downwards: the loss entries, the sigma(D) entries, then the schedule's
    # (long, so broken after "after epochs ...:").
    schedule = [(h, t.replace(": ", ":\n", 1)) for h, t in entries if t.startswith("after epoch")]
    rest = [(h, t) for h, t in entries if not t.startswith("after epoch")]
    handles, labels = zip(*rest, *schedule)
    figure.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    return figure


def epoch_curves_against_equilibrium(
    epochs: list[dict],
    d_star: float,
    g_star: float,
    output_star: float,
    fraction: float = 0.25,
    schedule_events: dict | None = None,
) -> Figure:
    """Per-epoch D and G losses (left) and mean D(x), D(G(z)) (right) of a BCE-trained run from its
    history (`epochs`: dicts with d_loss, g_loss, d_real, d_fake), against the equilibrium values
    d_star, g_star and output_star (dotted); the last `fraction` of epochs, which the text
    averages, is shaded; `schedule_events` ({epoch: what happens after it}) are marked."""
    figure = Figure(figsize=(6.6, 1.95))
    left, right = figure.subplots(1, 2)
    x = np.arange(1, len(epochs) + 1)
    start = len(epochs) - max(1, round(len(epochs) * fraction)) + 0.5
    for ax, series, star in (
        (left, (("d_loss", "D loss", "C0"), ("g_loss", "G loss", "C1")), ((d_star, "C0"), (g_star, "C1"))),
        (right, (("d_real", "D(x)", "C2"), ("d_fake", "D(G(z))", "C3")), ((output_star, "grey"),)),
    ):
        for key, name, colour in series:
            ax.plot(x, [e[key] for e in epochs], color=colour, label=name)
        for value, colour in star:
            ax.axhline(value, color=colour, ls=":", lw=1.2)
        ax.axvspan(start, len(epochs) + 0.5, color="grey", alpha=0.12)
        _mark_schedule(ax, schedule_events or {}, lambda epoch: epoch + 0.5, label=ax is left)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.grid(alpha=0.3)
    left.set_ylabel("loss [nats]")
    right.set_ylabel("mean D")
    left.set_yscale("log")  # D's loss and both equilibrium values stay apart beneath a far larger G loss
    left.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))  # 0.5, 1, 2, 5: levels to read values by
    left.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    left.yaxis.set_minor_formatter(NullFormatter())
    right.set_ylim(-0.04, 1.04)  # outputs near 0 or 1 stay off the spines
    figure.tight_layout(rect=(0, 0.15, 1, 1), w_pad=2.5)
    handles = [h for ax in (left, right) for h in ax.get_legend_handles_labels()[0]]
    labels = [t for ax in (left, right) for t in ax.get_legend_handles_labels()[1]]
    figure.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    return figure


def class_histogram(counts, class_names, reference=None) -> Figure:
    """Shares of generated images per predicted class, with the real data's shares for reference,
    each bar labelled with its share in per cent (the text quotes the shares that matter)."""
    figure = Figure(figsize=(6.5, 1.7))
    ax = figure.add_subplot()
    positions = np.arange(len(class_names))
    counts = np.asarray(counts)
    bars = [(positions - 0.2 if reference is not None else positions, counts / counts.sum(), "generated")]
    if reference is not None:
        reference = np.asarray(reference)
        bars.append((positions + 0.2, reference / reference.sum(), "real (test set)"))
    for where, shares, label in bars:
        drawn = ax.bar(where, shares, width=0.4, label=label)
        texts = ax.bar_label(
            drawn, [f"{100 * share:.1f}" for share in shares], fontsize=7, rotation=90, padding=2
        )
        for text in texts:  # over the uniform line, which passes behind them
            text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.3})
    ax.axhline(1 / len(class_names), color="grey", ls=":", label="uniform", zorder=0.5)  # behind the bars
    ax.set_xticks(positions, class_names, fontsize=7)  # level names: the height goes to the bars
    ax.set_xlim(-0.6, len(class_names) - 0.4)
    ax.set_ylim(0, 1.45 * max(shares.max() for _, shares, _ in bars))  # room for the bars' labels
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))  # the ticks carry the unit
    ax.yaxis.set_major_formatter(lambda value, _: f"{100 * value:.0f}%")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    figure.tight_layout()
    return figure


def nearest_neighbour_grid(
    queries: torch.Tensor, neighbours: torch.Tensor, blocks: int = 2, cell: float = 0.46
) -> Figure:
    """Generated images, each followed (apart) by its nearest training images, one row each; the
    rows split into `blocks` side-by-side blocks so that the figure is wide rather than tall;
    `cell`: the side of one image in inches."""
    rows, k = neighbours.shape[:2]
    per_block = -(-rows // blocks)
    panels = []
    for start in range(0, rows, per_block):
        part = slice(start, start + per_block)
        panels += [
            ("sample", grid_array(queries[part], 1)),
            (f"{k} nearest training images", grid_array(neighbours[part].flatten(0, 1), k)),
        ]
    count = len(panels) // 2
    figure = Figure(figsize=(count * (cell * (k + 1) + 0.3) + 0.3 * (count - 1), cell * per_block + 0.35))
    ratios = [1, k] + [0.6, 1, k] * (count - 1)  # an empty column (no axes) between the blocks
    grid = figure.add_gridspec(1, len(ratios), width_ratios=ratios, wspace=0.08)
    shown = [figure.add_subplot(grid[0, index]) for index in range(len(ratios)) if index % 3 != 2]
    draw_panels(figure, shown, panels)
    for ax in shown:
        ax.title.set_fontsize(8)
    return figure

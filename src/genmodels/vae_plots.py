"""Part 1 figures: VAE loss curves, the β study, KL per dimension, latent maps and interpolations.

Each function takes data and returns a matplotlib Figure (see plots.py)."""

from __future__ import annotations

import math

import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from genmodels.plots import pixelated, texts_over_lines

DIGIT_COLOURS = [f"C{i}" for i in range(10)]


def vae_loss_curves(history: dict, title: str = "") -> Figure:
    """Train and test total loss, reconstruction and KL per epoch (nats per image), one panel per
    term, train and test in their own colours. Each axis is scaled to epochs 2 onwards, so that
    the gap between train and test is visible; a value of epoch 1 above the axis is drawn as a
    marker on its top edge with the value written beside it."""
    figure = Figure(figsize=(6.6, 2.6))
    axes = figure.subplots(1, 3)
    epochs = np.arange(1, len(history["train"]) + 1)
    terms = ("total", "reconstruction", "kl")
    names = ("total loss", "reconstruction (BCE)", "KL(q(z|x) || p(z))")
    splits = (
        ("train", "--", "C0", "train (mean over the epoch)"),  # dashed and test solid, as in beta_curves
        ("test", "-", "C3", "test (after the epoch)"),
    )
    for ax, term, name in zip(axes, terms, names):
        values = {split: np.array([e[term] for e in history[split]]) for split, *_ in splits}
        for split, style, colour, label in splits:
            ax.plot(epochs, values[split], style, marker=".", color=colour, label=label)
        later = (
            np.concatenate([v[1:] for v in values.values()])
            if len(epochs) > 2
            else np.concatenate(list(values.values()))
        )
        low, high = later.min(), later.max()
        margin = 0.08 * (high - low or 1.0)
        ax.set_ylim(low - margin, high + margin)
        ax.set_title(name, fontsize=9, pad=9)  # room for an epoch-1 marker on the top edge
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.tick_params(axis="x", pad=7)  # and on the bottom edge
        ax.set_ylabel("nats per image")
        ax.grid(alpha=0.3)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout(rect=(0, 0.08, 1, 1))  # one legend below the panels hides no data
    for ax, term in zip(axes, terms):
        first = {split: history[split][0][term] for split, *_ in splits}
        for side in ("top", "bottom"):
            _note_epoch_one(ax, first, {split: colour for split, _, colour, _ in splits}, side)
    figure.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=8, frameon=False)
    return figure


def _note_epoch_one(ax, first: dict, colours: dict, side: str, steps: int = 12) -> None:
    """Mark the epoch-1 values beyond the axis's `side` ("top" or "bottom") on that edge and write
    them in a note in the corner; the axis widens on that side, a step at a time, until the note
    clears every curve (a value the wider axis shows is drawn, not noted)."""
    note = None
    for _ in range(steps):
        bottom, top = ax.get_ylim()
        off = [s for s, v in first.items() if (v > top if side == "top" else v < bottom)]
        if note is not None:
            note.remove()
            note = None
        if not off:
            return
        text = "\n".join(f"{split} {first[split]:.1f}" for split in off)
        note = ax.text(
            0.96,
            0.97 if side == "top" else 0.03,
            f"epoch 1:\n{text}",
            transform=ax.transAxes,
            fontsize=8,
            va=side,
            ha="right",
        )
        if not texts_over_lines(ax.figure):  # (the other panels' notes are clear already)
            break
        grow = 0.06 * (top - bottom)
        ax.set_ylim(bottom, top + grow) if side == "top" else ax.set_ylim(bottom - grow, top)
    for index, split in enumerate(off):  # at epoch 1 on the edge: the first hollow round the second
        hollow = index == 0 and len(off) > 1
        ax.plot(
            1,
            1.0 if side == "top" else 0.0,
            "^" if side == "top" else "v",
            ms=8 if hollow else 4,
            mfc="none" if hollow else colours[split],
            mew=1.3,
            color=colours[split],
            clip_on=False,
            zorder=5,
            transform=ax.get_xaxis_transform(),
        )


def beta_curves(histories: dict, mark_epoch: int | None = None, shorter: dict | None = None) -> Figure:
    """Train and test total loss (the minimised reconstruction + β·KL), reconstruction and KL per
    epoch, one colour per beta (keys are beta values), test solid and train dashed; a dotted grey
    line at `mark_epoch` (the budget of shorter runs compared with these), and the test values of
    those runs (`shorter`: {beta: history}, trained separately) as open circles."""
    figure = Figure(figsize=(6.6, 3.1))
    axes = figure.subplots(1, 3)
    terms = ("total", "reconstruction", "kl")
    names = ("total loss (reconstruction + β·KL)", "reconstruction (BCE)", "KL(q(z|x) || p(z))")
    splits = (("test", "-"), ("train", "--"))
    for index, history in enumerate(histories.values()):
        epochs = np.arange(1, len(history["test"]) + 1)
        for ax, term in zip(axes, terms):
            for split, style in splits:
                ax.plot(epochs, [e[term] for e in history[split]], style, color=f"C{index}", lw=1.2)
    for index, beta in enumerate(histories):
        history = (shorter or {}).get(beta)
        if history is None:
            continue
        epochs = np.arange(1, len(history["test"]) + 1)
        for ax, term in zip(axes, terms):
            ax.plot(
                epochs, [e[term] for e in history["test"]], "o", ms=3, mfc="none", mew=0.8, color=f"C{index}"
            )
    for ax, name in zip(axes, names):
        if mark_epoch is not None:
            ax.axvline(mark_epoch, color="0.5", ls=":", lw=1.0, zorder=0)
        ax.set_title(name, fontsize=9, pad=9)  # room for an epoch-1 marker on the top edge
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.tick_params(axis="x", pad=7)  # and on the bottom edge
        ax.set_ylabel("nats per image")
        ax.grid(alpha=0.3)
    for ax in axes[:2]:  # log axes labelled in plain numbers at 1, 2, 3 and 5 per decade
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 3, 5)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    axes[2].set_yscale("symlog", linthresh=1)
    axes[2].yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))  # 0, 1, 10, 100
    # A KL is never negative, and a KL of 0 stays visible above the spine; the largest KL stays below the top.
    axes[2].set_ylim(-0.3, 2 * max(e["kl"] for h in histories.values() for s, _ in splits for e in h[s]))
    handles = [Line2D([], [], color=f"C{i}", label=f"β={beta:g}") for i, beta in enumerate(histories)]
    handles += [Line2D([], [], color="black", ls=style, label=split) for split, style in splits]
    if shorter:
        epochs_of = len(next(iter(shorter.values()))["test"])
        handles.append(
            Line2D([], [], ls="", marker="o", mfc="none", color="black", label=f"{epochs_of}-ep. runs")
        )
    figure.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, -0.02),
        handlelength=1.4,
        handletextpad=0.5,
        columnspacing=0.8,
    )
    figure.tight_layout(rect=(0, 0.07, 1, 1), w_pad=2.0)  # room for the legend row and each y label
    return figure


def kl_per_dimension(kl_by_beta: dict, floor_nats: float = 1e-4) -> Figure:
    """Per-dimension KL (sorted, descending) for each beta; collapsed dimensions sit near 0, values
    below `floor_nats` are drawn at it."""
    figure = Figure(figsize=(6.6, 2.5))
    ax = figure.add_subplot()
    top = floor_nats
    for index, (beta, kl) in enumerate(kl_by_beta.items()):
        values = np.sort(np.asarray(kl))[::-1]
        top = max(top, float(values.max()))
        final = "final" in beta  # open circles drawn beneath: a study curve on them shows through
        ax.plot(
            np.arange(1, len(values) + 1),
            np.maximum(values, floor_nats),
            "o--" if final else "o-",
            ms=6 if final else 3,
            mfc="none" if final else None,
            lw=1.0 if final else 1.5,
            color="black" if final else f"C{index}",
            label=f"β={beta}",
            zorder=1.9 if final else 2.0,
        )
    ax.set_yscale("log")
    ax.set_ylim(floor_nats / 2, max(2 * top, 10 ** np.ceil(np.log10(top))))  # a labelled decade above the top
    ax.set_xlabel("latent dimension (sorted by KL)")
    ax.set_ylabel("KL [nats]")
    ax.grid(alpha=0.3)
    figure.tight_layout(rect=(0, 0.11, 1, 1))  # the legend's row below the axis hides no data
    handles, names = ax.get_legend_handles_labels()
    figure.legend(
        handles, names, fontsize=8, ncol=len(names), loc="lower center", frameon=False, columnspacing=1.2
    )
    return figure


LABEL_SPACING = 0.17  # inches between two digits' labels on a map, and from a path's markers
RING_CLEARANCE = 0.08  # inches from a label's centre to an outlier ring (a small marker)


def _digit_map(
    ax,
    points: np.ndarray,
    labels: np.ndarray,
    size: float,
    alpha: float,
    avoid: np.ndarray | None = None,
    clearance: float = LABEL_SPACING,
) -> None:
    """A 2-D map's points coloured by digit, each digit's label near its region's centre, clear of
    the other labels and, by `clearance` inches, of the markers in `avoid`."""
    ax.scatter(
        points[:, 0],
        points[:, 1],
        c=[DIGIT_COLOURS[i] for i in labels],
        s=size,
        alpha=alpha,
        linewidths=0,
        rasterized=True,
    )
    _label_digits(ax, points, labels, avoid, clearance)


def label_positions(
    points: np.ndarray,
    labels: np.ndarray,
    spacing: float = 0.07,
    avoid: np.ndarray | None = None,
    clearance: float | None = None,
) -> dict[int, np.ndarray]:
    """Where each class's label goes: on one of its own points, the one nearest its median that is
    at least `spacing` (a fraction of the map's larger side) from every label placed before and
    `clearance` (default `spacing`) from every point of `avoid` (markers drawn over the map), so no
    two labels overlap where the classes do (digits in order; a class with no such point takes its
    median point)."""
    scale = float(np.ptp(points, axis=0).max())
    gap, clear_of_avoid = spacing * scale, (spacing if clearance is None else clearance) * scale
    avoid = np.empty((0, 2)) if avoid is None else np.asarray(avoid).reshape(-1, 2)
    placed: dict[int, np.ndarray] = {}
    for digit in np.unique(labels):
        own = points[labels == digit]
        own = own[np.argsort(((own - np.median(own, axis=0)) ** 2).sum(1))]
        clear = np.ones(len(own), bool)
        if len(avoid):
            clear &= np.hypot(*(own[:, None, :] - avoid[None]).transpose(2, 0, 1)).min(1) >= clear_of_avoid
        for where in placed.values():
            clear &= np.hypot(*(own - where).T) >= gap
        placed[int(digit)] = own[np.argmax(clear)] if clear.any() else own[0]
    return placed


def _label_digits(
    ax,
    points: np.ndarray,
    labels: np.ndarray,
    avoid: np.ndarray | None = None,
    clearance: float = LABEL_SPACING,
) -> None:
    """Each digit's label on one of its own points, near its median, `LABEL_SPACING` inches from
    the other labels (and `clearance` inches from the markers in `avoid`)."""
    width = ax.get_position().width * ax.figure.get_figwidth()  # inches: labels have a fixed size
    placed = label_positions(
        points, labels, spacing=LABEL_SPACING / width, avoid=avoid, clearance=clearance / width
    )
    for digit, centre in placed.items():
        ax.text(
            *centre,
            str(digit),
            fontsize=8,
            weight="bold",
            ha="center",
            va="center",
            # a thin white halo rather than a disc: the label hides as few points as the digit itself
            path_effects=[patheffects.withStroke(linewidth=2.0, foreground="white")],
            zorder=6,  # above outlier rings and paths
        )


def clear_offsets(
    anchors: np.ndarray,
    sizes: np.ndarray,
    obstacles: np.ndarray,
    marks: np.ndarray,
    clearance: float = 2.0,
    bounds: tuple[float, float, float, float] | None = None,
    rings: int = 4,
    near: float = 8.0,
    crowded: float = 30.0,
    uncrossed: np.ndarray | None = None,
    compass: int = 16,
) -> np.ndarray:
    """Offsets for labels beside `anchors` (display units; `sizes`: each label's half-width and
    half-height; `marks`: the half-size of the marker at each anchor, which the label must clear):
    of `compass` directions, at the marker's edge and then `rings` - 1 times further out, one ring at a
    time, the nearest spot whose label box keeps `clearance` from the `obstacles` (rows of x, y,
    half-width, half-height), from the labels placed before it and their leaders (the line from
    the anchor to the label) and inside `bounds` (x0, y0, x1, y1: the axes' frame), and whose own
    leader crosses no label placed before it, none of the boxes `uncrossed` (other labels) and no
    leader from an anchor more than `near` away; or else the spot with the widest gap. Labels with
    the most anchors within `crowded` of their own are placed first."""
    directions = np.array([(np.cos(a), np.sin(a)) for a in np.arange(compass) * 2 * np.pi / compass])
    fixed = np.asarray(obstacles, dtype=float).reshape(-1, 4)
    placed = np.asarray(uncrossed if uncrossed is not None else [], dtype=float).reshape(-1, 4)  # labels
    leaders = np.empty((0, 4))  # points along their leaders, as small obstacles
    lines = np.empty((0, 4))  # the leaders: anchor and label centre
    along = np.linspace(0, 1, 17)[1:-1]
    anchors, sizes, marks = (np.asarray(a, float) for a in (anchors, sizes, marks))
    anchors, sizes = anchors.reshape(-1, 2), sizes.reshape(-1, 2)
    distances = np.hypot(*(anchors[:, None] - anchors[None]).transpose(2, 0, 1))
    crowd = (distances < crowded).sum(1)
    offsets = np.zeros_like(anchors)
    for index in np.argsort(-crowd, kind="stable"):  # the most crowded anchors choose first
        anchor, size, mark = anchors[index], sizes[index], marks[index]
        # along each direction, the distance at which the label's box clears the anchor's marker
        with np.errstate(divide="ignore"):
            reach = np.min((size + mark + 1) / np.abs(directions), axis=1)[:, None] * directions
        reach = np.concatenate([ring * reach for ring in range(1, rings + 1)])  # the near ring first
        boxes = np.concatenate([fixed, placed, leaders])
        centres = anchor + reach
        gap_x = np.abs(centres[:, None, 0] - boxes[None, :, 0]) - (size[0] + boxes[None, :, 2])
        gap_y = np.abs(centres[:, None, 1] - boxes[None, :, 1]) - (size[1] + boxes[None, :, 3])
        gaps = np.maximum(gap_x, gap_y).min(1, initial=np.inf)
        if bounds is not None:  # a box that crosses the frame is as bad as one that overlaps a label
            x0, y0, x1, y1 = bounds
            inside = np.minimum.reduce(
                [
                    centres[:, 0] - size[0] - x0,
                    x1 - centres[:, 0] - size[0],
                    centres[:, 1] - size[1] - y0,
                    y1 - centres[:, 1] - size[1],
                ]
            )
            gaps = np.minimum(gaps, inside)
        line = anchor + along[None, :, None] * reach[:, None, :]  # each candidate's leader
        margin = placed[None, None, :, 2:] + clearance
        crossing = (np.abs(line[:, :, None, :] - placed[None, None, :, :2]) <= margin).all(3).any((1, 2))
        apart = np.hypot(*(lines[:, :2] - anchor).T) > near  # leaders from (nearly) one spot fan out
        crossing |= segments_cross(anchor, centres, lines[apart, :2], lines[apart, 2:]).any(1)
        gaps = np.where(crossing, np.minimum(gaps, -1.0), gaps)
        clear = np.flatnonzero(gaps >= clearance)
        if len(clear):  # the nearest ring with a clear spot, and there the widest gap
            ring = clear[0] // compass
            best = ring * compass + int(np.argmax(gaps[ring * compass : (ring + 1) * compass]))
        else:
            best = int(np.argmax(gaps))
        offsets[index] = reach[best]
        placed = np.concatenate([placed, np.concatenate([centres[best], size])[None]])
        outside = (np.abs(line[best] - centres[best]) > size).any(1)  # the visible part of the leader
        leaders = np.concatenate([leaders, np.c_[line[best][outside], np.full((outside.sum(), 2), 0.5)]])
        lines = np.concatenate([lines, np.concatenate([anchor, centres[best]])[None]])
    return offsets


def segments_cross(a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, b1: np.ndarray) -> np.ndarray:
    """Whether segment a0–a1 properly crosses b0–b1, for every pair: `a0` (2,) or (n, 2) and `a1`
    (n, 2) against `b0`, `b1` (m, 2); an (n, m) array. Segments that only touch, such as two
    leaders from one anchor, do not cross."""
    a0, a1 = np.broadcast_arrays(np.asarray(a0, float).reshape(-1, 2), np.asarray(a1, float))
    a0, a1, b0, b1 = a0[:, None], a1[:, None], np.asarray(b0, float)[None], np.asarray(b1, float)[None]

    def side(p, q, r):  # the sign of the turn p → q → r
        return np.sign(
            (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
            - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])
        )

    return (side(a0, a1, b0) * side(a0, a1, b1) < 0) & (side(b0, b1, a0) * side(b0, b1, a1) < 0)


_STEP_TEXT = {"fontsize": 8.0, "pad": 0.15, "edge": 0.6}  # paths_on_map's step numbers: italic, boxed


def boxed_text_sizes(
    figure: Figure, texts: list[str], fontsize: float, pad: float, edge: float
) -> np.ndarray:
    """Half-width and half-height (points) of each of `texts` in an italic `fontsize` label boxed
    with `pad` (a share of the font size) and an `edge` line, as the renderer draws it."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    probe = figure.text(0, 0, "", fontsize=fontsize, fontstyle="italic")
    sizes = []
    for text in texts:
        probe.set_text(text)
        box = probe.get_window_extent(renderer)
        sizes.append((box.width, box.height))
    probe.remove()
    return np.array(sizes).reshape(-1, 2) * 72 / figure.dpi / 2 + pad * fontsize + edge / 2


def segment_obstacles(paths: list[np.ndarray], spacing: float = 3.0, half: float = 1.0) -> np.ndarray:
    """Obstacles (x, y, half-width, half-height) every `spacing` points along the segments of
    `paths` (each an (n, 2) array in points), so that labels keep off the lines between markers."""
    rows = []
    for path in paths:
        for start, end in zip(path[:-1], path[1:]):
            count = int(np.hypot(*(end - start)) // spacing)
            for t in np.arange(1, count) / count:
                rows.append((*(start + t * (end - start)), half, half))
    return np.array(rows, dtype=float).reshape(-1, 4)


def paths_on_map(
    points: np.ndarray, labels, paths: dict, numbers: dict | None = None, size: float = 4.0
) -> Figure:
    """Paths as connected points at their map positions over a grey 2-D map with digit labels;
    each path has its colour, a square at its start and a star at its end; legend below.
    `numbers`: per path, (position, text) pairs, e.g. the steps that land on each position,
    written beside the position where the text is clearest."""
    figure = Figure(figsize=(size * 1.35, size))
    ax = figure.add_subplot()
    labels = np.asarray(labels)
    markers = np.concatenate([np.asarray(path) for path in paths.values()]) if paths else None
    _digit_map(ax, points, labels, size=4, alpha=0.45, avoid=markers)
    colours = ("black", "crimson", "navy", "darkgreen", "darkorange", "purple")
    numbered = []  # (position, text, colour, half-size of its marker in points)
    obstacles = []  # every marker, as (x, y) in data units and its half-size in points
    for index, (name, path) in enumerate(paths.items()):
        path = np.asarray(path)
        colour = colours[index % len(colours)]
        ax.plot(path[:, 0], path[:, 1], "-o", color=colour, ms=3.5, lw=1.2, alpha=0.9, label=name, zorder=3)
        # hollow, so that the step dots beneath them stay visible
        ax.plot(*path[0], "s", ms=8, mfc="none", mec=colour, mew=1.8, zorder=4)
        ax.plot(*path[-1], "*", ms=12, mfc="none", mec=colour, mew=1.5, zorder=4)
        ends = {tuple(path[0]): 5.0, tuple(path[-1]): 6.5}  # square and star, beyond their dots
        obstacles += [(point, ends.get(tuple(point), 2.5)) for point in path]
        numbered += [
            (where, text, colour, ends.get(tuple(where), 2.5))
            for where, text in (numbers or {}).get(name, [])
        ]
    ax.set_xticks([])
    ax.set_yticks([])
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    if numbered:

        def to_points(xy) -> np.ndarray:
            return ax.transData.transform(np.asarray(xy).reshape(-1, 2)) * 72 / figure.dpi

        digits = to_points([t.get_position() for t in ax.texts])
        boxes = np.concatenate(
            [
                np.c_[to_points([p for p, _ in obstacles]), [[r, r] for _, r in obstacles]],
                np.c_[digits, np.full((len(digits), 2), 6.0)],
                segment_obstacles([to_points(path) for path in paths.values()]),
            ]
        )
        sizes = boxed_text_sizes(figure, [text for _, text, _, _ in numbered], **_STEP_TEXT)
        anchors = to_points([where for where, _, _, _ in numbered])
        frame = ax.get_window_extent().get_points() * 72 / figure.dpi  # the axes, in points
        offsets = clear_offsets(
            anchors,
            sizes,
            boxes,
            [mark for *_, mark in numbered],
            bounds=tuple(frame.ravel()),
            uncrossed=np.c_[digits, np.full((len(digits), 2), 6.0)],  # no leader runs through a digit label
        )
        for (where, text, colour, _), offset in zip(numbered, offsets):
            ax.annotate(
                text,
                where,
                xytext=offset,
                textcoords="offset points",
                fontsize=_STEP_TEXT["fontsize"],
                fontstyle="italic",  # step numbers, boxed in their path's colour: not the digit labels
                color=colour,
                ha="center",
                va="center",
                zorder=5,
                bbox={
                    "boxstyle": f"round,pad={_STEP_TEXT['pad']}",
                    "fc": "white",
                    "ec": colour,
                    "alpha": 0.9,
                    "lw": _STEP_TEXT["edge"],
                },
                # a leader to the position: it may lie under the start square or end star
                arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6, "shrinkA": 0, "shrinkB": 0},
            )
    figure.legend(
        *ax.get_legend_handles_labels(), loc="lower center", ncol=len(paths), fontsize=8, frameon=False
    )
    return figure


def latent_scatter_grid(
    embeddings: dict,
    labels,
    columns: int = 3,
    size: float = 3.0,
    paths: dict | None = None,
    rings: dict | None = None,
) -> Figure:
    """2-D embeddings coloured by digit, one panel per entry; optional named paths drawn on top
    (`paths`: panel title -> {path name: (steps, 2) array}) and black rings round chosen points
    (`rings`: panel title -> boolean mask over the points, e.g. the map's outliers)."""
    rows = math.ceil(len(embeddings) / columns)
    figure = Figure(figsize=(size * columns, size * rows + 0.4))
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    labels = np.asarray(labels)
    for ax, (title, points) in zip(axes, embeddings.items()):
        _map_panel(ax, title, np.asarray(points), labels, (rings or {}).get(title), (paths or {}).get(title))
    for ax in axes[len(embeddings) :]:
        ax.axis("off")
    figure.tight_layout(rect=(0, 0.07 / rows, 1, 1))
    figure.legend(handles=_digit_handles(), loc="lower center", ncol=10, **_LEGEND)
    return figure


def featured_scatter(
    embeddings: dict, labels, feature: str, width: float = 6.6, rings=None, height: float | None = None
) -> Figure:
    """The `feature` panel of `embeddings` large on the left (with `rings`, a boolean mask over its
    points, drawn round them), the other three panels small in a 2 x 2 block on the right, whose
    fourth cell holds the digits' legend; `height` defaults to half the width."""
    others = [title for title in embeddings if title != feature]
    if len(others) != 3:
        raise ValueError(
            f"featured_scatter draws one large and three small panels, got {len(embeddings)} panels"
        )
    figure = Figure(figsize=(width, height or width / 2 + 0.15))
    grid = figure.add_gridspec(2, 4)
    labels = np.asarray(labels)
    _map_panel(
        figure.add_subplot(grid[:, :2]), feature, np.asarray(embeddings[feature]), labels, rings, dot=2.5
    )
    for cell, title in zip((grid[0, 2], grid[0, 3], grid[1, 2]), others):
        _map_panel(figure.add_subplot(cell), title, np.asarray(embeddings[title]), labels)
    figure.tight_layout()
    figure.legend(
        handles=_digit_handles(),
        loc="center",
        ncol=2,
        bbox_to_anchor=grid[1, 3].get_position(figure),
        **_LEGEND,
    )
    return figure


_LEGEND = {"fontsize": 8, "frameon": False, "handletextpad": 0.1, "columnspacing": 0.8}


def _digit_handles() -> list:
    return [Line2D([], [], ls="", marker="o", ms=4, color=DIGIT_COLOURS[d], label=str(d)) for d in range(10)]


def _map_panel(
    ax, title: str, points, labels, rings=None, paths: dict | None = None, dot: float = 1.5
) -> None:
    """One 2-D map coloured by digit (dots of area `dot`), with black rings round the points of the
    mask `rings` and the named `paths` drawn on top."""
    ringed = None if rings is None else points[np.asarray(rings, dtype=bool)]
    # labels clear of the rings, which are small (about 0.04 inch): half the labels' spacing will do
    _digit_map(ax, points, labels, size=dot, alpha=0.6, avoid=ringed, clearance=RING_CLEARANCE)
    if ringed is not None:
        ax.scatter(  # above the digit labels' halos, which would hide outliers
            ringed[:, 0], ringed[:, 1], s=9, facecolors="none", edgecolors="black", linewidths=0.45, zorder=7
        )
    for index, (name, path) in enumerate((paths or {}).items()):
        path = np.asarray(path)
        ax.plot(
            path[:, 0], path[:, 1], "-o", ms=2.5, lw=1.2, color=f"C{index}", mec="black", mew=0.4, label=name
        )
        ax.plot(*path[0], "s", ms=5, color="white", mec="black")
        ax.plot(*path[-1], "*", ms=8, color="white", mec="black")
    if paths:
        ax.legend(fontsize=7, loc="lower left", framealpha=0.9)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def _digit_tile(ax, image) -> None:
    """One decoded MNIST image (1, 28, 28) in [0, 1], upscaled nearest-neighbour."""
    ax.imshow(
        pixelated(image.squeeze(0).cpu().numpy(), 112), cmap="gray", vmin=0, vmax=1, interpolation="nearest"
    )


def interpolation_strips(strips: dict, predicted: dict | None = None) -> Figure:
    """Rows of decoded images along latent paths; optional classifier labels above each step, and
    the step numbers below the last row."""
    rows = len(strips)
    steps = len(next(iter(strips.values())))
    height = 0.72 * rows + 0.36  # inches: the rows, 0.3 above them for the labels, 0.28 below
    figure = Figure(figsize=(0.54 * steps, height))
    axes = figure.subplots(rows, steps, squeeze=False)
    for row, (name, images) in enumerate(strips.items()):
        for column in range(steps):
            ax = axes[row, column]
            _digit_tile(ax, images[column])
            ax.set_xticks([])
            ax.set_yticks([])
            if predicted is not None:
                label, confidence = predicted[name][column]
                ax.set_title(f"{label}:{confidence:.0%}", fontsize=8, pad=1)
        axes[row, 0].set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
    for column, ax in enumerate(axes[-1], start=1):
        ax.set_xlabel(str(column), fontsize=8, labelpad=2)
    # row names take 0.62 in; the rest goes to the tiles, so that their labels keep apart
    figure.subplots_adjust(
        left=0.62 / figure.get_figwidth(),
        right=0.995,
        top=1 - 0.3 / height,
        bottom=0.28 / height,
        wspace=0.05,
        hspace=0.36,
    )
    return figure


def traversal_panels(
    panels: dict, values, predicted: dict | None = None, cell: float = 0.31, label_width: float = 0.9
) -> Figure:
    """Side-by-side panels (title: {row label: images}), each row the decoded images along one
    latent coordinate; the coordinate's `values` head the columns. `predicted` ({title: {row label:
    [(label, confidence)] per image}}) writes each image's classifier label below it, off the digit."""
    rows = max(len(strips) for strips in panels.values())
    steps = len(values)
    panel_width = label_width + cell * steps
    gap = 0.6 if predicted else 0.1  # between rows, as a share of a row: room for the labels
    figure = Figure(figsize=(panel_width * len(panels), cell * rows * (1 + gap) + 0.5))
    for sub, (title, strips) in zip(figure.subfigures(1, len(panels), squeeze=False)[0], panels.items()):
        axes = sub.subplots(rows, steps, squeeze=False)
        for row, (name, images) in enumerate(strips.items()):
            for column in range(steps):
                _digit_tile(axes[row, column], images[column])
            axes[row, 0].set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
            for column, (label, _) in enumerate((predicted or {}).get(title, {}).get(name, [])):
                axes[row, column].set_xlabel(str(label), fontsize=8, labelpad=1)  # at least 7 pt on the page
        for ax in axes.flat:
            ax.set_xticks([])
            ax.set_yticks([])
        for column, value in enumerate(values):
            axes[0, column].set_title(f"{value:+g}".replace("-", "−") if value else "0", fontsize=8, pad=2)
        sub.suptitle(title, fontsize=9)
        sub.subplots_adjust(
            left=label_width / panel_width,
            right=0.98,
            top=0.8,
            bottom=0.1 if predicted else 0.02,
            wspace=0.05,
            hspace=gap,
        )
    return figure

"""Part 1 figures on made-up histories, maps and strips."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from genmodels import plots, vae_plots

HISTORY = {
    split: [{"total": 100 - e, "reconstruction": 80 - e, "kl": 20 + e / 10} for e in range(4)]
    for split in ("train", "test")
}


def test_vae_loss_curves_draw_train_and_test_of_each_term_in_their_own_colours():
    figure = vae_plots.vae_loss_curves(HISTORY)
    assert [ax.get_title() for ax in figure.axes] == [
        "total loss",
        "reconstruction (BCE)",
        "KL(q(z|x) || p(z))",
    ]
    for ax in figure.axes:
        train, test = ax.get_lines()[:2]
        assert train.get_color() != test.get_color()
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel()
    entries = [text.get_text() for text in figure.legends[0].get_texts()]
    assert entries == ["train (mean over the epoch)", "test (after the epoch)"]


def test_vae_loss_curves_scale_to_later_epochs_and_mark_a_first_epoch_above_the_axis():
    history = {
        "train": [{"total": t, "reconstruction": t - 20, "kl": 20} for t in (150, 100, 98, 97)],
        "test": [{"total": t, "reconstruction": t - 20, "kl": 20} for t in (99, 97, 96, 95.5)],
    }
    ax = vae_plots.vae_loss_curves(history).axes[0]
    assert ax.get_ylim()[1] < 110  # epoch 1's 150 would squash the rest
    assert [text.get_text() for text in ax.texts] == ["epoch 1:\ntrain 150.0"]  # ... so it is written


def test_epoch_one_notes_clear_the_curves():
    decay = np.exp(-np.arange(39) / 5)  # after a far-off first epoch a steep start fills the top left
    history = {
        split: [{"total": first, "reconstruction": first - 16, "kl": 16 if split == "train" else 21}]
        + [{"total": 91 + a * d, "reconstruction": 66 + a * d, "kl": 24 - 2 * d} for d in decay]
        for split, first, a in (("train", 151.0, 15), ("test", 110.0, 12))
    }
    figure = vae_plots.vae_loss_curves(history)
    assert not plots.texts_over_lines(figure)
    notes = [text.get_text() for ax in figure.axes for text in ax.texts]
    assert notes[0].startswith("epoch 1:\ntrain 151.0")
    marks = [line for line in figure.axes[0].lines if len(line.get_xdata()) == 1]
    at = {float(line.get_transform().transform((1, 1))[0]) for line in marks}
    assert len(marks) == 2 and at == {float(figure.axes[0].transData.transform((1, 0))[0])}  # at epoch 1
    outer, inner = marks  # train's hollow and large round test's, so that both show
    assert outer.get_markerfacecolor() == "none" and outer.get_markersize() > 1.5 * inner.get_markersize()
    for ax in figure.axes:  # what a note lists is off its axis; the rest is drawn
        bottom, top = ax.get_ylim()
        for text in ax.texts:
            for line in text.get_text().splitlines()[1:]:
                value = float(line.split()[1])
                assert value > top or value < bottom


def test_texts_over_lines_finds_a_note_on_a_curve():
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "on the line", ha="center", va="center")
    ax.text(0.9, 0.1, "clear", ha="center", va="center")
    assert plots.texts_over_lines(figure) == ["on the line"]


def test_beta_curves_draw_train_and_test_of_each_term_for_every_beta():
    history = {"test": HISTORY["test"], "train": [{k: v + 5 for k, v in e.items()} for e in HISTORY["test"]]}
    figure = vae_plots.beta_curves({0.0: history, 1.0: history, 1000.0: history})
    assert [ax.get_title() for ax in figure.axes] == [
        "total loss (reconstruction + β·KL)",
        "reconstruction (BCE)",
        "KL(q(z|x) || p(z))",
    ]
    for ax, term in zip(figure.axes, ("total", "reconstruction", "kl")):
        lines = ax.get_lines()
        assert sorted((line.get_color(), line.get_linestyle()) for line in lines) == sorted(
            (f"C{i}", style) for i in range(3) for style in ("-", "--")
        )
        assert [list(line.get_ydata()) for line in lines[:2]] == [
            [e[term] for e in history[split]] for split in ("test", "train")
        ]
    entries = [text.get_text() for text in figure.legends[0].get_texts()]
    assert entries == ["β=0", "β=1", "β=1000", "test", "train"]


def test_beta_curves_label_plain_numbers_down_to_the_lowest_loss_curve():
    low = [{"total": t, "reconstruction": t, "kl": 0.0} for t in (60.0, 50.0, 44.0)]
    high = [{"total": t, "reconstruction": t - 2, "kl": 2.0} for t in (300.0, 250.0, 210.0)]
    figure = vae_plots.beta_curves({0.0: {"test": low, "train": low}, 1000.0: {"test": high, "train": high}})
    figure.canvas.draw()
    for ax in figure.axes:
        bottom, top = ax.get_ylim()
        shown = [t for t in ax.get_yticklabels() if bottom <= t.get_position()[1] <= top]
        assert all(t.get_text() and "$" not in t.get_text() for t in shown)  # 50, not 5×10¹
    for ax in figure.axes[:2]:  # the log axes: a labelled tick near β = 0's lowest loss (44)
        bottom, top = ax.get_ylim()
        ticks = [t for t in ax.get_yticks() if bottom <= t <= top]
        assert min(ticks) <= 1.25 * 44 and len(ticks) >= 4


def test_kl_per_dimension_leaves_a_labelled_decade_above_the_largest_kl_and_sets_the_final_model_apart():
    figure = vae_plots.kl_per_dimension({"0": np.array([9.5, 3.0, 1.0]), "1 (final)": np.array([2.0, 1e-6])})
    ax = figure.axes[0]
    bottom, top = ax.get_ylim()
    assert bottom == pytest.approx(5e-5) and top > 10  # the decade tick 10 lies above the 9.5 nats
    study, final = ax.get_lines()
    assert final.get_ydata()[-1] == 1e-4  # below the floor: drawn at it
    assert final.get_linestyle() == "--" and final.get_markerfacecolor() == "none"
    assert study.get_linestyle() == "-"


def test_every_vae_plot_returns_a_figure_with_no_text_below_7_points():
    labels = np.repeat(np.arange(10), 5)
    figures = [
        vae_plots.vae_loss_curves(HISTORY),
        vae_plots.beta_curves({0.0: HISTORY, 1.0: HISTORY}),
        vae_plots.kl_per_dimension({"1": np.abs(np.random.randn(8))}),
        vae_plots.latent_scatter_grid(
            {"a": np.random.randn(50, 2)}, labels, paths={"a": {"1→0": np.random.randn(5, 2)}}
        ),
        vae_plots.interpolation_strips({"1→0 lin": torch.rand(4, 1, 28, 28)}, {"1→0 lin": [(1, 0.9)] * 4}),
        vae_plots.traversal_panels(
            {"a": {"z1": torch.rand(3, 1, 28, 28)}, "b": {"z2": torch.rand(3, 1, 28, 28)}}, [-1.0, 0.0, 1.0]
        ),
        vae_plots.paths_on_map(np.random.randn(50, 2), labels, {"1→0": np.random.randn(5, 2)}),
        vae_plots.paths_on_map(
            np.random.randn(50, 2), labels, {"1→0": np.zeros((2, 2))}, {"1→0": [(np.zeros(2), "1–2")]}
        ),
    ]
    assert all(isinstance(figure, Figure) for figure in figures)
    assert min(plots.smallest_text_points(figure) for figure in figures) >= 7


def test_labels_of_overlapping_classes_are_placed_apart_on_their_own_points():
    generator = np.random.default_rng(0)
    points = generator.normal(size=(600, 2))  # three classes drawn from one blob: medians coincide
    labels = np.repeat([0, 1, 2], 200)
    placed = vae_plots.label_positions(points, labels, spacing=0.07)
    gap = 0.07 * np.ptp(points, axis=0).max()
    for digit, where in placed.items():
        assert any(np.allclose(where, p) for p in points[labels == digit])
    pairs = [(a, b) for a in placed for b in placed if a < b]
    assert all(np.hypot(*(placed[a] - placed[b])) >= gap for a, b in pairs)
    medians = [np.median(points[labels == d], axis=0) for d in range(3)]
    assert max(np.hypot(*(m - medians[0])) for m in medians) < gap  # without spacing they would overlap


def test_labels_keep_clear_of_markers_drawn_over_the_map():
    points = np.random.default_rng(1).normal(size=(300, 2))
    labels = np.zeros(300, int)
    median_point = vae_plots.label_positions(points, labels)[0]
    moved = vae_plots.label_positions(points, labels, avoid=median_point[None])[0]
    gap = 0.07 * np.ptp(points, axis=0).max()
    assert np.hypot(*(moved - median_point)) >= gap  # a full label spacing from the marker
    near = vae_plots.label_positions(points, labels, avoid=median_point[None], clearance=0.02)[0]
    scale = np.ptp(points, axis=0).max()
    assert 0.02 * scale <= np.hypot(*(near - median_point)) < gap  # a small marker needs less room


def test_path_markers_keep_the_full_label_spacing_that_rings_do_not_need():
    """A path's squares and stars are large: digit labels keep the labels' own spacing from them
    (the rings' smaller clearance would put a label on a star)."""
    generator = np.random.default_rng(3)
    labels = np.repeat(np.arange(3), 200)
    points = np.array([[0.0, 0.0], [4.0, 0.0], [2.0, 3.0]])[labels] + generator.normal(size=(600, 2))
    path = np.array([np.median(points[labels == d], axis=0) for d in range(3)])  # through every median
    figure = vae_plots.paths_on_map(points, labels, {"0→2": path})
    ax = figure.axes[0]
    # label_positions measures in fractions of the map's larger side, per inch of the axes' width
    width = ax.get_position().width * figure.get_figwidth()
    spacing = vae_plots.LABEL_SPACING / width * np.ptp(points, axis=0).max()
    digits = [t for t in ax.texts if t.get_text() in {"0", "1", "2"}]
    assert len(digits) == 3
    for text in digits:
        distance = np.hypot(*(path - np.asarray(text.get_position())).T).min()
        assert distance >= spacing, (text.get_text(), distance, spacing)


def test_featured_scatter_keeps_digit_labels_off_the_rings():
    points = np.random.default_rng(2).normal(size=(400, 2))
    labels = np.repeat(np.arange(4), 100)
    rings = np.zeros(400, bool)
    rings[
        [
            int(np.argmin(((points[labels == d] - np.median(points[labels == d], 0)) ** 2).sum(1))) + 100 * d
            for d in range(4)
        ]
    ] = True  # each class's median point, where its label would go
    panels = {name: points for name in ("big", "a", "b", "c")}
    figure = vae_plots.featured_scatter(panels, labels, "big", rings=rings)
    texts = [t.get_position() for t in figure.axes[0].texts]
    assert len(texts) == 4
    assert all(np.hypot(*(points[rings] - np.asarray(t)).T).min() > 0 for t in texts)


def test_latent_scatter_grid_rings_the_chosen_points_of_its_panel():
    labels = np.repeat(np.arange(10), 5)
    mask = np.zeros(50, dtype=bool)
    mask[[3, 17]] = True
    figure = vae_plots.latent_scatter_grid(
        {"a": np.random.randn(50, 2), "b": np.random.randn(50, 2)}, labels, rings={"a": mask}
    )
    ringed = [c for c in figure.axes[0].collections if len(c.get_offsets()) == 2]
    assert len(ringed) == 1 and not any(len(c.get_offsets()) == 2 for c in figure.axes[1].collections)


def test_featured_scatter_draws_the_feature_large_with_its_rings():
    labels = np.repeat(np.arange(10), 5)
    mask = np.zeros(50, dtype=bool)
    mask[[3, 17, 20]] = True
    maps = {title: np.random.randn(50, 2) for title in ("p5", "p30", "p100", "PCA")}
    figure = vae_plots.featured_scatter(maps, labels, "p30", rings=mask)
    large, *small = figure.axes
    assert large.get_title() == "p30" and [ax.get_title() for ax in small] == ["p5", "p100", "PCA"]
    assert large.get_position().width > 1.9 * max(ax.get_position().width for ax in small)
    assert [len(c.get_offsets()) for c in large.collections] == [50, 3]  # the map, then its rings
    assert all(len(ax.collections) == 1 for ax in small)
    assert plots.smallest_text_points(figure) >= 7
    with pytest.raises(ValueError, match="one large and three small"):
        vae_plots.featured_scatter({"p30": maps["p30"]}, labels, "p30")


def test_step_numbers_go_where_nothing_else_is_drawn():
    size = np.array([[4.0, 4.0]])
    # obstacles all round but on the left, far enough apart for the label to fit between two
    ring = [(13 * np.cos(a), 13 * np.sin(a), 3.0, 3.0) for a in np.arange(8) * np.pi / 4 if a != np.pi]
    offset = vae_plots.clear_offsets(np.zeros((1, 2)), size, np.array(ring), [2.0])[0]
    assert -9 <= offset[0] <= -(4 + 2) and abs(offset[1]) < 1e-9  # the free side, left, next to its marker
    narrow = [(x * 12 / 13, y * 12 / 13, w, h) for x, y, w, h in ring]  # the gap is too tight on the left
    assert np.hypot(*vae_plots.clear_offsets(np.zeros((1, 2)), size, np.array(narrow), [2.0])[0]) > 12
    two = vae_plots.clear_offsets(np.zeros((2, 2)), np.repeat(size, 2, 0), np.empty((0, 4)), [2.0, 2.0])
    assert np.abs(two[0] - two[1]).max() >= 8  # a second label at the same place does not cover the first
    closed = [(12 * np.cos(a), 12 * np.sin(a), 3.0, 3.0) for a in np.arange(8) * np.pi / 4]
    far = vae_plots.clear_offsets(np.zeros((1, 2)), size, np.array(closed), [2.0])[0]
    assert np.hypot(*far) > 12  # every near spot is taken: the label moves to the far ring
    corner = vae_plots.clear_offsets(
        np.zeros((1, 2)), size, np.empty((0, 4)), [2.0], bounds=(-30, -30, 8, 8)
    )[0]
    assert (
        corner[0] + 4 <= 8 - 2 and corner[1] + 4 <= 8 - 2
    )  # near the top right corner: the box stays inside


def _drawn_step_numbers(figure):
    """The step-number boxes of a `paths_on_map` figure as drawn (points) and their leaders' ends."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Annotation

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    numbers = [t for t in figure.axes[0].texts if isinstance(t, Annotation)]
    digits = [t for t in figure.axes[0].texts if not isinstance(t, Annotation)]
    scale = 72 / figure.dpi
    boxes = np.array([t.get_bbox_patch().get_window_extent(renderer).extents for t in numbers]) * scale
    leaders = np.array([t.arrow_patch.get_path().vertices[[0, -1]].ravel() for t in numbers]) * scale
    frame = figure.axes[0].get_window_extent(renderer).extents * scale
    labels = np.array([t.get_window_extent(renderer).extents for t in digits]) * scale
    return boxes, leaders, frame, labels


def test_step_numbers_as_drawn_keep_apart_inside_the_frame_and_leaders_off_other_labels():
    """Two paths of the real map, one with a crowded end (three positions within a few points):
    measured in the drawn figure, no two step-number boxes come within
    1.5 pt, every box is inside the axes and no leader runs through another step number or a digit
    label."""
    generator = np.random.default_rng(0)
    centres = 3.5 * np.c_[np.cos(np.arange(10) * 0.63), np.sin(np.arange(10) * 0.63)]
    points = np.repeat(centres, 40, axis=0) + generator.normal(scale=0.7, size=(400, 2))  # a region per digit
    labels = np.repeat(np.arange(10), 40)
    # the real map's 3→8 and 4→9 paths, in its frame scaled to (-5, 5)
    first = np.array([[0.7, 4.62], [0.64, 4.38], [0.45, 4.33], [0.39, 3.58], [0.43, 3.01], [0.73, 2.05]])
    first = np.concatenate([first, [[0.22, 1.17], [-0.05, 1.13], [0.14, 1.22]]])
    second = np.array(
        [[0.1, -3.74], [-0.19, -2.7], [-1.16, -2.06], [-1.32, -1.59], [-1, -1.54], [-0.79, -1.49]]
    )
    numbers = {
        "a": list(zip(first, ["1", "2", "3", "4", "5", "6", "7", "8–9", "10–12"])),
        "b": list(zip(second, ["1–5", "6", "7", "8", "9", "10–12"])),
    }
    boxes, leaders, frame, labels = _drawn_step_numbers(
        vae_plots.paths_on_map(points, labels, {"a": first, "b": second}, numbers, size=3.5)
    )
    for i, box in enumerate(boxes):
        others = np.delete(boxes, i, axis=0)
        gaps = np.maximum.reduce(
            [others[:, 0] - box[2], box[0] - others[:, 2], others[:, 1] - box[3], box[1] - others[:, 3]]
        )
        assert gaps.min() >= 1.5, (i, gaps.min())
        assert box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] and box[3] <= frame[3]
    t = np.linspace(0, 1, 200)[:, None]
    for j, (x0, y0, x1, y1) in enumerate(leaders):
        line = np.array([x0, y0]) + t * np.array([x1 - x0, y1 - y0])
        for i, box in enumerate(np.concatenate([boxes, labels])):
            inside = (line > box[:2]) & (line < box[2:])
            assert i == j or not inside.all(1).any(), (j, "runs through", i)


def test_segments_cross_only_when_they_properly_intersect():
    a0, a1 = np.zeros(2), np.array([[2.0, 2.0], [2.0, 0.0], [1.0, 1.0]])
    b0, b1 = np.array([[0.0, 2.0]]), np.array([[2.0, 0.0]])
    assert vae_plots.segments_cross(a0, a1, b0, b1)[:, 0].tolist() == [True, False, False]  # the last touches


def test_interpolation_labels_keep_apart_at_their_widest():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = vae_plots.interpolation_strips(
        {"1→0 lin": torch.rand(12, 1, 28, 28), "4→9 sph": torch.rand(12, 1, 28, 28)},
        {"1→0 lin": [(0, 1.0)] * 12, "4→9 sph": [(8, 0.88)] * 12},
    )
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    boxes = [ax.title.get_window_extent(renderer) for ax in figure.axes[:12]]
    gaps = [(right.x0 - left.x1) * 72 / figure.dpi for left, right in zip(boxes, boxes[1:])]
    assert min(gaps) >= 4  # points between "0:100%" and its neighbour
    assert plots.smallest_text_points(figure) >= 8


def test_traversal_panels_head_each_panel_with_the_coordinate_values():
    strips = {"z1 (2.0 nats)": torch.rand(3, 1, 28, 28), "z5 (0.00 nats)": torch.rand(3, 1, 28, 28)}
    figure = vae_plots.traversal_panels({"β = 1": strips, "β = 10": strips}, [-3.0, 0.0, 3.0])
    assert [sub._suptitle.get_text() for sub in figure.subfigs] == ["β = 1", "β = 10"]
    titles = [ax.get_title() for ax in figure.subfigs[0].axes[:3]]
    assert titles == ["−3", "0", "+3"]
    assert [figure.subfigs[1].axes[i].get_ylabel() for i in (0, 3)] == list(strips)
    predicted = {"β = 10": {"z1 (2.0 nats)": [(7, 0.9), (7, 0.8), (1, 0.6)]}}
    labelled = vae_plots.traversal_panels({"β = 1": strips, "β = 10": strips}, [-3.0, 0.0, 3.0], predicted)
    assert [ax.get_xlabel() for ax in labelled.subfigs[1].axes[:3]] == ["7", "7", "1"]
    assert not any(ax.get_xlabel() for ax in labelled.subfigs[0].axes)
    # below each image, off the digit: no label is drawn on the pixels
    assert not any(ax.texts for sub in labelled.subfigs for ax in sub.axes)
    assert plots.smallest_text_points(labelled) >= 7


def test_long_runs_keep_their_epoch_tick_labels_apart():
    history = {
        split: [{"total": 100 - e / 2, "reconstruction": 80 - e / 2, "kl": 20 + e / 10} for e in range(40)]
        for split in ("train", "test")
    }
    for figure in (vae_plots.vae_loss_curves(history), vae_plots.beta_curves({0.0: history, 1.0: history})):
        assert not plots.overlapping_tick_labels(figure)

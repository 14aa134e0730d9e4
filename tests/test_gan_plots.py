"""Part 2 figures on made-up training logs."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from genmodels import gan_plots, plots


@pytest.mark.parametrize(
    "loss, expected", [("bce", (np.log(4), np.log(2))), ("hinge", (2.0,))]
)  # hinge: G's equilibrium value is not determined, no line
def test_gan_loss_curves_mark_the_equilibrium_of_their_loss(loss, expected):
    log = np.random.default_rng(0).uniform(-0.5, 2.0, size=(400, 4))
    figure = gan_plots.gan_training_curves(log, iterations_per_epoch=100, window=20, loss=loss)
    levels = {
        round(line.get_ydata()[0], 3)
        for line in figure.axes[0].get_lines()
        if len(set(line.get_ydata())) == 1
    }
    assert {round(v, 3) for v in expected} <= levels
    bands = [line for line in figure.axes[0].get_lines() if len(set(line.get_ydata())) > 1]
    for line in figure.axes[0].get_lines():  # every equilibrium line over the loss curves, not under
        if len(set(line.get_ydata())) == 1:
            assert line.get_zorder() > max(band.get_zorder() for band in bands)
    assert figure.axes[0].get_ylim()[0] < 0  # a hinge G loss can be negative: not cut off at 0
    # losses all below the equilibrium value: its line is still drawn inside the axis, not on its edge
    low = gan_plots.gan_training_curves(log * 0.5, iterations_per_epoch=100, window=20, loss=loss)
    assert max(expected) < low.axes[0].get_ylim()[1] / 1.05


def test_gan_curves_mark_every_change_of_the_learning_rate_schedule():
    log = np.random.default_rng(0).uniform(0.3, 2.0, size=(400, 4))
    events = {1: "LR starts decaying to 0", 3: "restart at LR 0.0001"}
    figure = gan_plots.gan_training_curves(log, iterations_per_epoch=100, window=20, schedule_events=events)
    for ax in figure.axes:  # all four panels
        vertical = [line.get_xdata()[0] for line in ax.get_lines() if len(set(line.get_xdata())) == 1]
        assert vertical in ([100, 300], [1.5, 3.5]), vertical
    legend = [text.get_text() for text in figure.legends[0].get_texts()]  # one legend below all panels
    assert "after epoch 3:\nrestart at LR 0.0001" in legend
    assert sum("restart" in e for e in legend) == 1  # named once, though every panel draws it
    repeated = {1: "restart", 2: "restart", 3: "restart"}  # the same change thrice: one legend entry
    grouped = gan_plots.gan_training_curves(log, 100, window=20, schedule_events=repeated)
    entries = [text.get_text() for text in grouped.legends[0].get_texts()]
    assert [e for e in entries if "restart" in e] == ["after epochs 1, 2 and 3:\nrestart"]
    assert entries[-1] == "after epochs 1, 2 and 3:\nrestart"  # the long entry in the last column
    assert not any(
        len(set(line.get_xdata())) == 1
        for ax in gan_plots.gan_training_curves(log, 100, 20).axes
        for line in ax.get_lines()
    )


def test_every_gan_plot_returns_a_figure_with_no_text_below_7_points():
    log = np.random.rand(300, 4)
    history = [{"d_loss": 1.3, "g_loss": 0.7, "d_real": 0.6, "d_fake": 0.4}] * 3
    figures = [
        gan_plots.gan_training_curves(log, 100, window=10, schedule_events={1: "restart at LR 0.0002"}),
        gan_plots.epoch_curves_against_equilibrium(
            history, 1.376, 0.799, 0.45, schedule_events={2: "restart"}
        ),
        gan_plots.class_histogram(np.arange(1, 11), [str(i) for i in range(10)], np.ones(10)),
        gan_plots.nearest_neighbour_grid(torch.rand(2, 3, 32, 32), torch.rand(2, 5, 3, 32, 32)),
    ]
    assert all(isinstance(figure, Figure) for figure in figures)
    assert min(plots.smallest_text_points(figure) for figure in figures) >= 7


def test_nearest_neighbour_grid_splits_its_rows_into_side_by_side_blocks():
    figure = gan_plots.nearest_neighbour_grid(torch.rand(8, 3, 32, 32), torch.rand(8, 5, 3, 32, 32), blocks=2)
    shown = figure.axes
    assert [ax.get_title() for ax in shown] == ["sample", "5 nearest training images"] * 2
    gap = shown[2].get_position().x0 - shown[1].get_position().x1
    assert gap > 2 * (shown[1].get_position().x0 - shown[0].get_position().x1)  # the blocks stand apart
    for ax in shown[::2]:  # each "sample" column holds four of the eight images
        rows, columns = ax.images[0].get_array().shape[:2]
        assert abs(rows / columns - (4 * 32 + 3) / 32) < 0.01
    one_block = gan_plots.nearest_neighbour_grid(
        torch.rand(4, 3, 32, 32), torch.rand(4, 5, 3, 32, 32), 1, 0.7
    )
    assert len(one_block.axes) == 2  # one block
    assert abs(one_block.get_figheight() - (4 * 0.7 + 0.35)) < 1e-9  # cell: inches


def test_d_outputs_draw_the_bce_level_only_since_the_hinge_equilibrium_fixes_none():
    log = np.random.default_rng(0).uniform(0.3, 0.7, size=(300, 4))
    levels = {
        loss: [
            line.get_ydata()[0]
            for line in gan_plots.gan_training_curves(log, 100, 10, loss=loss).axes[2].get_lines()
            if len(set(line.get_ydata())) == 1
        ]
        for loss in ("bce", "hinge")
    }
    assert levels == {"bce": [0.5], "hinge": []}
    assert not gan_plots.gan_training_curves(log, 100, 10, loss="hinge").axes[2].patches  # no band either


def test_epoch_curves_draw_each_equilibrium_value_and_shade_the_averaged_epochs():
    epochs = [{"d_loss": 0.5, "g_loss": 3.0, "d_real": 0.9, "d_fake": 0.05} for _ in range(20)]
    figure = gan_plots.epoch_curves_against_equilibrium(epochs, 1.376, 0.799, 0.45)
    left, right = figure.axes
    level = {
        round(line.get_ydata()[0], 3)
        for ax in (left, right)
        for line in ax.get_lines()
        if line.get_linestyle() == ":"
    }
    assert level == {1.376, 0.799, 0.45}
    shaded = left.patches[0]
    assert (shaded.get_x(), shaded.get_x() + shaded.get_width()) == (
        15.5,
        20.5,
    )  # the last quarter of 20 epochs
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["D loss", "G loss", "D(x)", "D(G(z))"]


def _long_run_figures() -> list:
    """The loss and D-output figures of a 240-epoch run, both losses: what crowds ticks and labels."""
    epochs = [{"d_loss": 0.4, "g_loss": 5.0, "d_real": 0.9, "d_fake": 0.01}] * 240
    log = np.random.default_rng(0).uniform(0.3, 2.0, size=(240 * 20, 4))
    restarts = dict.fromkeys((19, 30, 48, 58), "restart at LR 0.0002, LR starts decaying to 0")  # as shipped
    return [
        gan_plots.epoch_curves_against_equilibrium(epochs, 1.376, 0.799, 0.45),
        gan_plots.gan_training_curves(log, 20, window=50, schedule_events=restarts, loss="hinge"),
        gan_plots.gan_training_curves(log, 20, window=50, schedule_events=restarts, loss="bce"),
    ]


def test_long_runs_keep_their_tick_labels_apart():
    assert not any(plots.overlapping_tick_labels(figure) for figure in _long_run_figures())


def test_no_axis_label_runs_past_its_flat_panel():
    assert not [
        plots.labels_longer_than_axes(f) for f in _long_run_figures() if plots.labels_longer_than_axes(f)
    ]
    tall = Figure(figsize=(3, 1))
    tall.add_subplot().set_ylabel("a label far longer than the panel is tall")
    assert plots.labels_longer_than_axes(tall) == ["a label far longer than the panel is tall"]


def test_class_names_keep_a_gap_between_them():
    from genmodels.data import CIFAR10_CLASSES

    figure = gan_plots.class_histogram(np.ones(10), CIFAR10_CLASSES, np.ones(10))
    assert not plots.overlapping_tick_labels(figure, gap=5)  # "airplane" and "automobile" apart
    assert plots.overlapping_tick_labels(figure, gap=30)  # the gap check can fail
    skewed = gan_plots.class_histogram(np.arange(1, 11), CIFAR10_CLASSES, np.ones(10))  # Figure 16's shape
    assert not plots.labels_longer_than_axes(skewed) and not plots.overlapping_tick_labels(skewed)


def test_overlapping_tick_labels_finds_crowded_ticks():
    from matplotlib.ticker import MaxNLocator

    figure = gan_plots.epoch_curves_against_equilibrium(
        [{"d_loss": 0.4, "g_loss": 5.0, "d_real": 0.9, "d_fake": 0.01}] * 240, 1.376, 0.799, 0.45
    )
    figure.axes[0].xaxis.set_major_locator(MaxNLocator(nbins=40, integer=True))
    assert plots.overlapping_tick_labels(figure)


def test_curve_panels_are_tall_enough_to_read_and_bar_labels_stay_inside():
    from genmodels.data import CIFAR10_CLASSES

    skewed = gan_plots.class_histogram([500, 1410] + [1011.25] * 8, CIFAR10_CLASSES, np.ones(10))
    # Figures 13-16 at the report's sizes: every panel at least 0.85 inches tall (they were 0.6, flat)
    assert min(plots.flattest_panel_inches(f) for f in [*_long_run_figures(), skewed]) >= 0.85
    labels = [t.get_text() for t in skewed.axes[0].texts]
    assert labels[:2] == ["5.0", "14.1"] and len(labels) == 20  # each bar's share in per cent
    assert not plots.texts_outside_axes(skewed)
    skewed.axes[0].set_ylim(0, 0.141)  # no headroom: the tallest bar's label leaves the axes
    assert "14.1" in plots.texts_outside_axes(skewed)


def test_every_legend_fits_within_its_figure():
    for figure in _long_run_figures():
        renderer = plots.drawn(figure)
        for legend in figure.legends:
            box = legend.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= figure.bbox.width, [t.get_text() for t in legend.get_texts()]
    wide = gan_plots.gan_training_curves(
        np.random.rand(400, 4), 100, 20, {1: "x" * 120}
    )  # the check can fail
    box = wide.legends[0].get_window_extent(plots.drawn(wide))
    assert box.x1 > wide.bbox.width

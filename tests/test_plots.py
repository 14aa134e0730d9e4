import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from genmodels import plots

HISTORY = {split: [{"total": 100 - e, "reconstruction": 80 - e, "kl": 20 + e / 10} for e in range(4)]
           for split in ("train", "test")}


def test_image_grid_layout():
    figure = plots.image_grid(torch.rand(20, 3, 32, 32), columns=10)
    image = figure.axes[0].images[0].get_array()
    factor = image.shape[1] // (10 * 32 + 9)  # each pixel repeated: nearest-neighbour upscaling
    assert factor > 1 and image.shape == ((2 * 32 + 1) * factor, (10 * 32 + 9) * factor, 3)
    assert (image[:factor, :factor] == image[0, 0]).all()  # one source pixel -> a uniform block


def test_vae_loss_curves_draw_six_labelled_curves():
    figure = plots.vae_loss_curves(HISTORY)
    lines = [line for ax in figure.axes for line in ax.get_lines()]
    assert len(lines) == 6
    assert all(ax.get_xlabel() == "epoch" and ax.get_ylabel() for ax in figure.axes)
    assert all(ax.get_legend() is not None for ax in figure.axes)


# Under the hinge loss only D's equilibrium value (2) is determined, so G gets no line.
@pytest.mark.parametrize("loss, expected, absent", [("bce", (np.log(4), np.log(2)), ()), ("hinge", (2.0,), (0.0,))])
def test_gan_loss_curves_mark_the_equilibrium_of_their_loss(loss, expected, absent):
    log = np.random.default_rng(0).uniform(-0.5, 2.0, size=(400, 4))
    figure = plots.gan_loss_curves(log, iterations_per_epoch=100, window=20, loss=loss)
    levels = {round(line.get_ydata()[0], 3) for line in figure.axes[0].get_lines() if len(set(line.get_ydata())) == 1}
    assert {round(v, 3) for v in expected} <= levels
    assert not {round(v, 3) for v in absent} & levels
    assert figure.axes[0].get_ylim()[0] < 0  # a hinge G loss can be negative: not cut off at 0


def test_side_by_side_grids_share_one_row():
    figure = plots.image_grids_side_by_side({"a": torch.rand(8, 1, 28, 28), "b": torch.rand(8, 1, 28, 28)}, columns=4)
    left, right = (ax.get_position() for ax in figure.axes)
    assert len(figure.axes) == 2 and abs(left.y0 - right.y0) < 1e-6 and left.x1 <= right.x0
    assert [ax.get_title() for ax in figure.axes] == ["a", "b"]


def test_every_plot_returns_a_figure():
    labels = np.repeat(np.arange(10), 5)
    figures = [
        plots.beta_curves({0.0: HISTORY, 1.0: HISTORY}),
        plots.rate_distortion({0.0: 30.0, 1.0: 20.0}, {0.0: 60.0, 1.0: 70.0}),
        plots.kl_per_dimension({"1": np.abs(np.random.randn(8))}),
        plots.latent_scatter_grid({"a": np.random.randn(50, 2)}, labels, paths={"a": {"1→0": np.random.randn(5, 2)}}),
        plots.interpolation_strips({"1→0 lin": torch.rand(4, 1, 28, 28)}, {"1→0 lin": [(1, 0.9)] * 4}),
        plots.discriminator_outputs(np.random.rand(300, 4), window=10),
        plots.class_histogram(np.arange(1, 11), [str(i) for i in range(10)], np.ones(10)),
        plots.nearest_neighbour_grid(torch.rand(2, 3, 32, 32), torch.rand(2, 5, 3, 32, 32)),
    ]
    assert all(isinstance(figure, Figure) for figure in figures)


def test_gan_curves_mark_every_change_of_the_learning_rate_schedule():
    log = np.random.default_rng(0).uniform(0.3, 2.0, size=(400, 4))
    events = {1: "LR starts decaying to 0", 3: "restart at LR 0.0001"}
    losses = plots.gan_loss_curves(log, iterations_per_epoch=100, window=20, schedule_events=events)
    outputs = plots.discriminator_outputs(log, window=20, schedule_marks={100: "a", 300: "b"})
    for ax in (*losses.axes, *outputs.axes):
        vertical = [line.get_xdata()[0] for line in ax.get_lines() if len(set(line.get_xdata())) == 1]
        assert vertical in ([100, 300], [1.5, 3.5]), vertical
    legend = [text.get_text() for text in losses.legends[0].get_texts()]  # one legend below both panels
    assert "after epoch 3: restart at LR 0.0001" in legend
    assert not any(len(set(l.get_xdata())) == 1 for l in plots.gan_loss_curves(log, 100, 20).axes[0].get_lines())

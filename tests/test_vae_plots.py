"""Part 1 figures on made-up histories, maps and strips."""

import numpy as np
import torch
from matplotlib.figure import Figure

from genmodels import vae_plots

HISTORY = {
    split: [{"total": 100 - e, "reconstruction": 80 - e, "kl": 20 + e / 10} for e in range(4)]
    for split in ("train", "test")
}


def test_vae_loss_curves_draw_six_labelled_curves():
    figure = vae_plots.vae_loss_curves(HISTORY)
    lines = [line for ax in figure.axes for line in ax.get_lines()]
    assert len(lines) == 6
    assert all(ax.get_xlabel() == "epoch" and ax.get_ylabel() for ax in figure.axes)
    assert all(ax.get_legend() is not None for ax in figure.axes)


def test_every_vae_plot_returns_a_figure():
    labels = np.repeat(np.arange(10), 5)
    figures = [
        vae_plots.beta_curves({0.0: HISTORY, 1.0: HISTORY}),
        vae_plots.rate_distortion({0.0: 30.0, 1.0: 20.0}, {0.0: 60.0, 1.0: 70.0}),
        vae_plots.kl_per_dimension({"1": np.abs(np.random.randn(8))}),
        vae_plots.latent_scatter_grid(
            {"a": np.random.randn(50, 2)}, labels, paths={"a": {"1→0": np.random.randn(5, 2)}}
        ),
        vae_plots.interpolation_strips({"1→0 lin": torch.rand(4, 1, 28, 28)}, {"1→0 lin": [(1, 0.9)] * 4}),
        vae_plots.paths_on_map(np.random.randn(50, 2), labels, {"1→0": np.random.randn(5, 2)}),
    ]
    assert all(isinstance(figure, Figure) for figure in figures)

"""Sentences the report writes from measured data: pure functions, data in, text out.

Each sentence is chosen by comparing numbers, so it stays true when a model is retrained;
tests/test_prose.py checks each choice on made-up data.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd


def _digits(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def map_regions_sentence(purity: dict[int, float], clear: float = 0.85, worst: int = 3, k: int = 5) -> str:
    """Which digits have a region of their own in a t-SNE map and which are the most mixed
    (`purity`: the mean share of a digit's points' k map neighbours that share its digit). Both are
    read from the whole per cents a table prints, so a digit tied with a named one is named too."""
    percent = {d: round(100 * v) for d, v in purity.items()}
    ranked = sorted(percent, key=lambda d: (-percent[d], d))
    separate = [d for d in ranked if percent[d] >= round(100 * clear)]
    mixed = []
    if len(ranked) > worst:
        bar = sorted(percent.values())[worst - 1]
        mixed = sorted(d for d in ranked if percent[d] <= bar)
    lead = (
        f"digit{'s' if len(separate) > 1 else ''} {_digits(separate)} "
        f"{'have regions' if len(separate) > 1 else 'has a region'} "
        f"of {'their' if len(separate) > 1 else 'its'} own "
        f"(each of them has a map purity, the mean share of a point's {k} map neighbours that share its "
        f"digit, of at least {clear:.0%})"
        if separate
        else f"no digit has a region of its own (at most {percent[ranked[0]]}% same-digit map neighbours)"
    )
    if separate and len(separate) == len(ranked):
        lead = (
            f"every digit has a region of its own (each has a map purity, the mean share of a point's {k} "
            f"map neighbours that share its digit, of at least {percent[ranked[-1]]}%)"
        )
    if not mixed or len(mixed) == len(ranked):
        return lead
    low, high = min(percent[d] for d in mixed), max(percent[d] for d in mixed)
    if len(separate) == len(ranked):
        return lead + f", the most mixed being {_digits(mixed)} ({low}% to {high}%)"
    return lead + f", while {_digits(mixed)} are the most mixed ({low}% to {high}%)"


def _route(digits) -> str:
    return " → ".join(str(d) for d in digits)


def path_labels_sentence(summaries: list[tuple[str, list[int], float, int]]) -> str:
    """What the classifier reads along each interpolation path, and where it is least sure."""
    direct = [name for name, visited, _, _ in summaries if len(visited) == 2]
    routes: dict[str, list[str]] = {}  # paths through the same digits are named together
    for name, visited, _, _ in summaries:
        if len(visited) > 2:
            routes.setdefault(_route(visited), []).append(name)
    detour = [
        f"{names[0]} ({route})" if len(names) == 1 else f"{_digits(names)} (each {route})"
        for route, names in routes.items()
    ]
    passing = sum(map(len, routes.values()))
    parts = []
    if direct:
        which = (
            f"all {len(direct)}"
            if len(direct) == len(summaries)
            else f"{len(direct)} of the {len(summaries)}"
        )
        parts.append(
            f"{which} paths go straight from the start digit to the end digit"
            if len(direct) > 1
            else f"{direct[0]} goes straight from the start digit to the end digit"
        )
    if detour:
        parts.append(f"{_digits(detour)} pass{'es' if passing == 1 else ''} through other digits on the way")
    name, _, confidence, step = min(summaries, key=lambda s: s[2])
    return (
        f"By the classifier's labels, {'; '.join(parts)}. The least certain image is step {step} of "
        f"{name} ({confidence:.0%} confidence)."
    )


def random_pairs_sentence(random: dict, shown: dict[str, dict]) -> str:
    """How the shown paths between prototypical ends compare with paths between random test digits
    (`vae_latent.random_pair_paths`): per method, the share of paths through a third digit and the
    median of a path's lowest confidence, beside the shown paths' (`vae_latent.shown_path_stats`)."""
    from scipy.stats import binomtest

    methods = ("linear", "spherical")
    share = {m: shown[m]["detours"] / shown[m]["paths"] for m in methods}
    # the shown count is a plausible draw at the random paths' rate (two-sided binomial test at 5%)
    direct = all(
        binomtest(shown[m]["detours"], shown[m]["paths"], random[m]["detour"]).pvalue >= 0.05 for m in methods
    )
    cleaner = all(share[m] < random[m]["detour"] for m in methods) and not direct
    # surer: medians well above the random ones, and more shown paths above the random median than
    # chance would put there (one-sided sign test at 5% over both methods)
    above = sum(
        c > random[m]["lowest_confidence_median"] for m in methods for c in shown[m]["lowest_confidences"]
    )
    total = sum(shown[m]["paths"] for m in methods)
    higher = all(
        shown[m]["lowest_confidence_median"] - random[m]["lowest_confidence_median"] > 0.1 for m in methods
    )
    surer = higher and binomtest(above, total, 0.5, "greater").pvalue < 0.05
    count = shown["linear"]["paths"]
    as_far = f"so, as far as {count} paths per method can tell, the shown paths detour like typical ones"
    if direct and higher and not surer:
        verdict = (
            f"{as_far}. Their lowest confidences have the higher medians, but only {above} of the {total} "
            "exceed the random paths' median, too few to call the shown paths surer"
        )
    elif direct and not surer:
        verdict = f"so, as far as {count} paths per method can tell, the shown paths are typical ones"
    elif direct:
        verdict = f"{as_far}, but pass through surer images, as their prototypical ends would make them"
    elif cleaner:
        verdict = "so the shown paths, between prototypical ends, detour less than typical ones"
    else:
        verdict = "so the shown paths detour more than typical ones"
    lin, sph = random["linear"], random["spherical"]
    detours = (
        f"{shown['linear']['detours']} and {shown['spherical']['detours']} of {shown['linear']['paths']}"
    )
    lowest = " and ".join(f"{shown[m]['lowest_confidence_median']:.0%}" for m in methods)
    return (
        f"Between {random['pairs']} random pairs of test digits of different classes that reconstruct as "
        f"themselves, {lin['detour']:.0%} of the linear and {sph['detour']:.0%} of the spherical paths pass "
        f"through a third digit (of the paths shown: {detours}), and a path's lowest confidence has a "
        f"median of {lin['lowest_confidence_median']:.0%} and {sph['lowest_confidence_median']:.0%} (of the "
        f"paths shown: {lowest}), {verdict}."
    )


def aggregate_gap_sentence(gap: dict, reconstructions_unsure: float) -> str:
    """What `vae_latent.aggregate_posterior_gap` measured: the fitted Gaussian's distance from the
    prior, and whether the prior draws far from every test code are the unsure ones, against the
    share of unsure reconstructions."""
    if gap["kl"] < 0.5:
        moments = (
            f"A Gaussian fitted to $q(z)$ (mean and covariance of one code drawn per test digit) lies only "
            f"{gap['kl']:.1f} nats from $\\mathcal N(0,I)$ in KL: the prior matches $q(z)$ in its first two "
            f"moments, so any gap lies in the shape of $q(z)$."
        )
    else:
        moments = (
            f"A Gaussian fitted to $q(z)$ (mean and covariance of one code drawn per test digit) lies "
            f"{gap['kl']:.1f} nats from $\\mathcal N(0,I)$ in KL, so the two differ already in their first "
            f"two moments."
        )
    halves = (
        f"Of {gap['draws']:,} prior draws the classifier doubts {gap['prior_unsure']:.0%}: split at the "
        f"median distance from a draw to its nearest test code (in the active dimensions), "
        f"{gap['far_unsure']:.0%} of the farther and {gap['near_unsure']:.0%} of the nearer half, against "
        f"{reconstructions_unsure:.0%} of the reconstructions"
    )
    difference = gap["far_unsure"] - gap["near_unsure"]
    if difference >= 0.15:
        return f"{moments} {halves}: the blends are mostly the draws that land between the codes."
    if difference >= 0.03:
        return (
            f"{moments} {halves}: draws far from the codes are more often blends, but even the nearer half "
            f"holds many, so that distance explains only part of them."
        )
    return f"{moments} {halves}: distance from the codes does not explain the blends."


def prior_samples_sentence(doubt: dict) -> str:
    """Whether the prior samples hold more unrecognisable digits than the reconstructions do, by
    the share the MNIST classifier is unsure of (confidence below the threshold)."""
    share = doubt["unsure"] / doubt["samples"]
    reference = doubt["reconstructions_unsure"]
    measured = (
        f"the MNIST classifier is less than {doubt['threshold']:.0%} confident "
        f"of {doubt['unsure']} of the {doubt['samples']} ({share:.0%}), against "
        f"{reference:.0%} of the model's reconstructions of the {doubt['test_digits']:,} test digits"
    )
    if share >= 2 * reference:
        return (
            "include many recognisable digits, but also blurred, malformed or ambiguous ones that "
            f"mix the strokes of two digits: {measured}. The usual explanation is a gap between the "
            "prior and the aggregate posterior $q(z)=\\mathbb E_x\\,q(z\\mid x)$, the codes the decoder was "
            "trained on: $q(z)$ does not fill $\\mathcal N(0,I)$, and prior draws that land between the "
            "digits' codes decode to blends [@hoffman2016elbo]."
        )
    return f"are about as recognisable as the reconstructions: {measured}."


def paths_on_map_sentence(
    classifier_labels: dict[str, list[int]],
    map_regions: dict[str, list[int]],
    positions: dict[str, int],
    steps: int,
) -> str:
    """Compare, step by step, the digit region each step of a path lands in on the t-SNE map with
    the classifier's label of its decoded image (paths in order of agreement); where the two
    disagree on the digits a path visits, both routes are given. `positions`: how many separate map
    positions each path's `steps` steps land on."""

    def visited(digits):
        return [d for i, d in enumerate(digits) if i == 0 or d != digits[i - 1]]

    matches = {
        name: sum(r == c for r, c in zip(map_regions[name], classifier_labels[name])) for name in map_regions
    }
    parts = []
    for name in sorted(matches, key=lambda n: -matches[n]):
        if parts:
            part = f"{matches[name]} of {name}"
        else:
            part = (
                f"at all {steps} steps of {name}"
                if matches[name] == steps
                else (f"at {matches[name]} of the {steps} steps of {name}")
            )
        regions, read = visited(map_regions[name]), visited(classifier_labels[name])
        if regions != read:
            part += f" (regions {_route(regions)}, labels {_route(read)})"
        parts.append(part)
    text = (
        "On the map (a step's region being the majority digit of its 10 nearest map points), a step's "
        "region is the digit the classifier reads in it " + ", ".join(parts[:-1])
    )
    text += (" and " if len(parts) > 1 else "") + parts[-1] + "."
    if min(matches.values()) < steps:
        text += (
            " Where the two disagree, the map places a step among the test codes of a digit the "
            "classifier does not read in it: the map reads a step by its latent neighbours, the "
            "classifier by the decoded image, a blend of the endpoints."
        )
    low, high = min(positions.values()), max(positions.values())
    count = f"{low}" if low == high else f"{low} to {high}"
    return text + (
        f" The {steps} steps of a path land on only {count} separate map positions (numbered with their "
        f"steps in @fig-interpolation-tsne), since neighbouring steps share most of their nearest test "
        f"codes; so a drawn path jumps between those positions, and its segments and their lengths "
        f"are not latent distances."
    )


def signed(value: float, digits: int = 2) -> str:
    """`value` with its sign, a typographic minus for negatives: '+0.51', '−0.18'."""
    return f"{value:+.{digits}f}".replace("-", "−")


def scientific(value: float, digits: int = 1, trim: bool = True) -> str:
    """`value` as a power of ten for prose: 0.0002 -> '2 × 10⁻⁴', 6.93e-4 -> '6.9 × 10⁻⁴' (`trim`
    False keeps trailing zeros, '2.0 × 10⁻⁴', so a table column shows one precision)."""
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if trim else mantissa
    power = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa} × 10{power}"


def seed_tolerance(noise: dict[str, float], floor: float = 0.5) -> float:
    """The tolerance (nats) below which Part 1 reads two runs as level: `floor`, or the largest
    move of a result by the seed alone (`vae_results.seed_noise`), rounded up to 0.1 nats."""
    return max(floor, math.ceil(max(noise.values()) * 10 - 1e-9) / 10)


def seed_noise_sentence(
    noise: dict[str, float], tolerance: float, sweep_seeds: int = 1, sweep_test: dict | None = None
) -> str:
    """What another seed moves, and the tolerance that follows from it; with `sweep_seeds` > 1
    the sweeps were run from that many seeds each, `noise["sweep_range"]` is the widest range of a
    sweep setting's runs and `sweep_test` (`sweep_threshold`) the difference their means resolve."""
    sweeps = sweep_seeds > 1 and "sweep_range" in noise and sweep_test is not None
    validation = f" and {noise['validation_elbo']:.2f} (validation)" if "validation_elbo" in noise else ""
    text = (
        f"Another seed moves the 10-epoch MLP's test −ELBO by {noise['mlp_elbo']:.2f} and its NLL by "
        f"{noise['mlp_nll']:.2f} nats, and the −ELBO of the 6-epoch β = 1 run at the sweeps' centre by "
        f"{noise['study_elbo']:.2f} (test){validation}"
    )
    if not sweeps:
        return (
            f"Each comparison here is one run per setting. {text}. So runs within {tolerance:g} nats of each "
            f"other are read as level (a rough bound: one reseed each)."
        )
    return (
        f"Each comparison here is one run per setting, except the latent-size, learning-rate and batch-size "
        f"sweeps ({sweep_seeds} seeds each). {text}; a sweep setting's runs span up to "
        f"{noise['sweep_range']:.2f} nats. So single runs within {tolerance:g} nats of each other are read "
        f"as level, and the sweeps' means within "
        f"{sweep_test['threshold']:.2f} nats (two-sided t-test at 5%; pooled standard deviation "
        f"{sweep_test['pooled_sd']:.2f} nats, {sweep_test['dof']} degrees of freedom)."
    )


def comparison_sentence(
    better: str, worse: str, better_value: float, worse_value: float, unit: str, what: str
) -> str:
    """'X is better than Y by d unit' when the numbers say so, else that they are level."""
    difference = worse_value - better_value
    if abs(difference) < 1e-9:
        return f"{better} and {worse} reach the same {what} ({better_value:.1f} {unit})"
    if difference < 0:
        better, worse, better_value, worse_value = worse, better, worse_value, better_value
    return (
        f"{better} reaches a lower {what} than {worse} ({better_value:.1f} against "
        f"{worse_value:.1f} {unit}, {abs(difference):.1f} {unit} less)"
    )


def capacity_sentence(
    mlp: float,
    wide: float,
    conv: float,
    widths: tuple[int, int],
    tolerance: float = 0.5,
    nlls: tuple[float, float] | None = None,
) -> str:
    """Whether the conv VAE's lead over the MLP at equal epochs is its size or its architecture:
    test −ELBOs (nats, compared as the table prints them, to 0.1) of the MLP, the MLP widened from
    `widths[0]` to `widths[1]` units (about the conv model's parameter count) and the conv model;
    `nlls`, the two MLPs' test NLLs, are quoted beside their −ELBOs."""
    mlp, wide, conv = (round(v, 1) for v in (mlp, wide, conv))
    widened = f"The MLP widened from {widths[0]} to {widths[1]} units, about the convolutional model's size,"
    if conv >= mlp - tolerance:
        return (
            f"{widened} reaches {wide:.1f} nats; the convolutional model's extra parameters buy nothing here"
        )
    if wide <= conv + tolerance:
        return (
            f"{widened} reaches {wide:.1f} nats against the convolutional model's {conv:.1f}: width alone "
            f"closes the gap, so the gain is capacity, not convolution"
        )
    nll = f" (test NLL {nlls[1]:.1f} against {nlls[0]:.1f})" if nlls else ""
    if abs(mlp - wide) <= tolerance:  # the width's effect is not resolved: no share of the gap is its
        moved = "falls" if wide < mlp else "rises"
        within = (
            f"its −ELBO {moved} by {abs(mlp - wide):.1f}, within the {tolerance:g} nats of a single run's "
            f"noise (below)"
        )
        nll_change = round(nlls[1], 1) - round(nlls[0], 1) if nlls else 0.0  # as the table prints them
        if abs(nll_change) > tolerance:
            falls = nll_change < 0
            within += (
                f", but its test NLL {'falls' if falls else 'rises'} by {abs(nll_change):.1f}, beyond it: "
                f"width {'buys' if falls else 'costs'} some likelihood"
            )
        return (
            f"{widened} reaches a test −ELBO of {wide:.1f} nats against {mlp:.1f} at {widths[0]} units{nll}: "
            f"{within}. In −ELBO it stays {wide - conv:.1f} nats above the convolutional model, so most of "
            f"the {mlp - conv:.1f}-nat −ELBO gap belongs to the convolutional architecture, "
            f"not to its size"
        )
    share = (mlp - wide) / (mlp - conv)
    closes = f"width closes {share:.0%} of the {mlp - conv:.1f}-nat gap, and the rest belongs"
    if share <= 0:
        closes = f"width closes none of the {mlp - conv:.1f}-nat gap, which belongs"
    return (
        f"{widened} reaches a test −ELBO of {wide:.1f} nats against {mlp:.1f} at {widths[0]} units{nll}, "
        f"{wide - conv:.1f} nats above the convolutional model: {closes} to the convolutional architecture"
    )


def floor_sentence(kl_nats: float, floor_nats: float, tolerance: float = 0.15) -> str:
    """Whether a free-bits run's KL sits at its unpenalised floor (units 'active' only because free)."""
    if abs(kl_nats - floor_nats) <= tolerance * floor_nats:
        side = "just below" if kl_nats < floor_nats else "at or just above"
        return (
            f"a KL of {kl_nats:.1f} nats sits {side} that floor: the dimensions take about the "
            f"information that costs nothing, and no more."
        )
    if kl_nats > floor_nats:
        return (
            f"a KL of {kl_nats:.1f} nats is well above that floor: the dimensions carry information "
            f"beyond what free bits leaves unpenalised."
        )
    return f"a KL of {kl_nats:.1f} nats is below that floor: some dimensions stay unused even when free."


def _by_change(plain: float, changed: float, tolerance: float, same: str, worse: str, better: str) -> str:
    """The sentence for how a change moved a loss (test NLL or −ELBO, nats): `same` within
    `tolerance` nats, else `worse` (loss up) or `better` (loss down)."""
    if abs(changed - plain) <= tolerance:
        return same
    return worse if changed > plain else better


def dropout_sentence(rate: float, plain_nll: float, dropout_nll: float, tolerance: float = 0.5) -> str:
    """What the MLP's dropout run says about dropout, from the test NLL with and without it (nats)."""
    return _by_change(
        plain_nll,
        dropout_nll,
        tolerance,
        same=f"dropout {rate:g} leaves the MLP's test NLL where it was ({dropout_nll:.1f} against "
        f"{plain_nll:.1f} nats)",
        worse=f"dropout {rate:g} raises the MLP's test NLL from {plain_nll:.1f} to {dropout_nll:.1f} nats; "
        "it takes away capacity this MLP needs",
        better=f"dropout {rate:g} lowers the MLP's test NLL from {plain_nll:.1f} to {dropout_nll:.1f} nats",
    )


def conv_dropout_sentence(
    rate: float, plain_elbo: float, dropout_elbo: float, epochs: int, tolerance: float = 0.5
) -> str:
    """What the conv model's dropout run says, from the test −ELBO after `epochs` with and without
    dropout (nats, compared as the table prints them), and so whether the test set agrees with
    leaving it off the final model."""
    plain_elbo, dropout_elbo = round(plain_elbo, 1), round(dropout_elbo, 1)
    run = f"The convolutional model with dropout {rate:g} in its MLP layers"
    return _by_change(
        plain_elbo,
        dropout_elbo,
        tolerance,
        same=f"{run} ends {epochs} epochs at about the same test −ELBO ({dropout_elbo:.1f} against "
        f"{plain_elbo:.1f} nats): leaving it off costs nothing.",
        worse=f"{run} ends {epochs} epochs at a higher test −ELBO ({dropout_elbo:.1f} against "
        f"{plain_elbo:.1f} nats): the test set agrees with leaving it off.",
        better=f"{run} ends {epochs} epochs at a lower test −ELBO ({dropout_elbo:.1f} against "
        f"{plain_elbo:.1f} nats): the final model, trained without it, would gain from it.",
    )


def batchnorm_sentence(plain_nll: float, without_nll: float, tolerance: float = 0.5) -> str:
    """What the MLP run without BatchNorm says about it, from the test NLL with and without (nats)."""
    return _by_change(
        plain_nll,
        without_nll,
        tolerance,
        same=f"without BatchNorm the MLP reaches about the same test NLL ({without_nll:.1f} against "
        f"{plain_nll:.1f} nats), so at this budget BatchNorm does not help measurably",
        worse=f"without BatchNorm the MLP's test NLL is {without_nll:.1f} nats instead of {plain_nll:.1f} "
        f"after the same epochs, so BatchNorm helps",
        better=f"without BatchNorm the MLP's test NLL is {without_nll:.1f} nats instead of {plain_nll:.1f}, "
        f"so at this budget BatchNorm costs more than it gives",
    )


def conv_batchnorm_sentence(
    plain_elbo: float, without_elbo: float, epochs: int, tolerance: float = 0.5
) -> str:
    """What the conv run without BatchNorm says about it, from the test −ELBO after `epochs` with
    and without (nats, compared as the table prints them)."""
    plain_elbo, without_elbo = round(plain_elbo, 1), round(without_elbo, 1)
    run = f"The convolutional model without it (its convolutions with a bias instead) ends {epochs} epochs at"
    values = f"({without_elbo:.1f} against {plain_elbo:.1f} nats)"
    return _by_change(
        plain_elbo,
        without_elbo,
        tolerance,
        same=f"{run} about the same test −ELBO {values}, so there BatchNorm does not help measurably.",
        worse=f"{run} a higher test −ELBO {values}, so BatchNorm helps there.",
        better=f"{run} a lower test −ELBO {values}, so there BatchNorm costs more than it gives.",
    )


def collapse_sentence(active: int, latent_dim: int) -> str:
    """Whether the final VAE has collapsed dimensions, and what that means."""
    if active < latent_dim:
        return (
            "This is partial collapse: the KL term switches off the dimensions whose information the "
            "reconstruction does not pay for, and the active ones carry the code."
        )
    return "No dimension has collapsed."


def overfitting_sentence(history: dict, tolerance: float = 0.25) -> str:
    """What a VAE's per-epoch history says about overfitting: whether the test loss stays below the
    training average, whether it has risen above its minimum by more than `tolerance` nats, and
    whether the training average's lead over it narrows by more than that from a quarter of the
    epochs to the last (the model fitting its training images ever more closely)."""
    train = np.array([e["total"] for e in history["train"]])
    test = np.array([e["total"] for e in history["test"]])
    lead = train - test
    quarter = max(1, len(test) // 4)  # the epoch from which the lead is followed
    above = np.flatnonzero(test > train)
    relation = (
        "the test loss stays below the training average at every epoch"
        if len(above) == 0
        else f"the test loss is above the training average from epoch {above[0] + 1}"
    )
    best = int(test.argmin())
    rise = float(test[-1] - test[best])
    if best == len(test) - 1:
        trend = "is lowest at the last epoch"
    else:
        trend = f"ends {rise:.2f} nats above its minimum (epoch {best + 1} of {len(test)})"
    verdict = (
        "so there is no sign of overfitting" if rise <= tolerance else "so the model has begun to overfit"
    )
    if len(above) == 0 and rise <= tolerance and lead[quarter - 1] - lead[-1] > tolerance:
        return (
            f"{relation} and {trend}, but the training average's lead narrows from "
            f"{lead[quarter - 1]:.2f} nats at epoch {quarter} to {lead[-1]:.2f} at epoch {len(test)}, so the "
            "model does not overfit yet but fits its training images ever more closely"
        )
    return f"{relation} and {trend}, {verdict}"


def warmup_sentence(mitigation: dict, beta: float, warmup_epochs: int, epochs: int) -> str:
    """What KL warm-up does at `beta` against the plain and free-bits runs (`collapse_mitigation`):
    its active units, and whether it keeps the dimensions that the plain run loses."""
    plain, freed, warm = (mitigation[k]["active_units"] for k in ("plain", "free_bits", "warmup"))
    text = (
        f"KL warm-up instead (β = {beta:g}·e/{warmup_epochs} in epoch e ≤ {warmup_epochs}, then {beta:g}, "
        f"for {epochs} epochs) ends with {warm} active units against {plain} without it and {freed} with "
        f"free bits"
    )
    if warm <= plain + 1:
        return f"{text}: once β reaches {beta:g}, the dimensions collapse as without warm-up."
    if warm < freed:
        return (
            f"{text} (one run each): it keeps {warm - plain} of the dimensions that the plain run loses, "
            f"free bits {freed - plain}."
        )
    return f"{text}: it keeps as many dimensions as free bits."


def near_floor_sentence(near_floor: int, latent_dim: int) -> str:
    """How many of a free-bits run's dimensions sit at the free amount λ (the table's 'dims at ≈ λ')."""
    count = "all" if near_floor == latent_dim else ("none" if near_floor == 0 else f"{near_floor}")
    return f"Of its {latent_dim} dimensions, {count} carry between"


def stage_fid_sentence(fids: list[float], sampling: dict | None = None) -> str:
    """What the FID after each training stage shows about the warm restarts: `fids` in stage order;
    `sampling`, the spread of one generator's FID over independent sample sets
    (`mean_difference_threshold` of that one group, runs_per_mean=1), whose threshold for two single
    sample sets decides which restarts' changes are resolved."""
    digits = 1 if sampling is None else 2  # against a noise of hundredths, the changes are read to hundredths
    values = ", ".join(f"{f:.{digits}f}" for f in fids[:-1]) + f" and {fids[-1]:.{digits}f}"
    gains = [before - after for before, after in zip(fids, fids[1:])]
    if sampling is None:
        if all(g > 0 for g in gains):
            shrinking = all(later < earlier for earlier, later in zip(gains, gains[1:]))
            verdict = "each restart lowered it" + (
                ", by less each time" if shrinking and len(gains) > 1 else ""
            )
        elif all(g <= 0 for g in gains):
            verdict = "no restart lowered it"
        else:
            verdict = (
                "only "
                + " and ".join(f"restart {i + 1}" for i, g in enumerate(gains) if g > 0)
                + " lowered it"
            )
        return f"The FID after each stage was {values}: {verdict}."

    threshold = round(sampling["threshold"], 2)  # as printed
    parts = _restart_changes(fids, threshold, "this sampling noise")
    return (
        f"The FID after each stage was {values}. Over {sampling['dof'] + 1} sets of 10,000 samples the final "
        f"generator's FID has a standard deviation of {sampling['pooled_sd']:.2f}, so a difference between "
        f"two single sets is resolved beyond {threshold:.2f} (t-test at 5%, {sampling['dof']} degrees of "
        f"freedom): {'; '.join(parts)}."
    )


def _restart_changes(values: list[float], noise: float, noise_name: str, digits: int = 2) -> list[str]:
    """Which restarts (changes between consecutive stages' `values`) lowered or raised a metric by
    more than `noise`, and the changes within it, each a clause."""

    def restarts(indices):
        return f"restart{'s' if len(indices) > 1 else ''} {_digits([str(i + 1) for i in indices])}"

    gains = [before - after for before, after in zip(values, values[1:])]
    lowered = [i for i, g in enumerate(gains) if g > noise]
    raised = [i for i, g in enumerate(gains) if g < -noise]
    within = [i for i, g in enumerate(gains) if abs(g) <= noise]
    parts = []
    if lowered:
        shrinking = len(lowered) > 1 and all(gains[b] < gains[a] for a, b in zip(lowered, lowered[1:]))
        parts.append(
            f"{restarts(lowered)} lowered it by more than that" + (", by less each time" if shrinking else "")
        )
    if raised:
        parts.append(f"{restarts(raised)} raised it by more than that")
    if within:
        changes = _digits(signed(-gains[i], digits) if round(gains[i], digits) else "0" for i in within)
        verb = "are" if len(within) > 1 else "is"
        parts.append(
            f"the change{'s' if len(within) > 1 else ''} of {restarts(within)} ({changes}) "
            f"{verb} within {noise_name}"
        )
    return parts


def grid_probe_sentence(probe: dict, probe_section: str) -> str:
    """How many of the grid's images read as one class to the linear probe (of `probe_section`):
    those it gives one class at least the threshold probability, against the share of real test
    images it is so sure of (within 5 points: "about as many"), and how often it is right on those
    (`probe`: `gan_results.grid_probe_confidence`)."""
    grid, sure, real = probe["grid"], probe["grid_sure"], probe["test_sure_share"]
    relation = (
        "fewer than"
        if sure / grid < real - 0.05
        else "more than"
        if sure / grid > real + 0.05
        else "about as many as"
    )
    return (
        f"The linear probe of {probe_section} is at least {probe['threshold']:.0%} sure of one class for "
        f"{sure} of the {grid} images, {relation} for real test images: it is that sure of {real:.0%} of "
        f"them (and right on {probe['test_sure_accuracy']:.0%} of those)."
    )


def feature_precision_sentence(fids: dict, full_minutes: int) -> str:
    """How far Inception features in fp32 instead of bf16 move the FID of a small sample (`fids`:
    `gan_results.feature_precision_fid`), and that the 10,000-sample FID was not recomputed in fp32
    (`full_minutes` on the two cores). The small sample's FID itself is not quoted: below the
    features' 2,048 dimensions it lies far above the 10,000-sample one, which is not what is compared."""
    change = fids["fp32"] - fids["bf16"]
    count = f"{fids['samples']:,}"
    return (
        f"Features in fp32 instead of bf16 move the FID of {count} samples against {count} real images by "
        f"{signed(change)}; the 10,000-sample FID was not recomputed in fp32 ({full_minutes} min)."
    )


def ema_paired_sentence(table_pair: tuple[float, float], rerun: dict) -> str:
    """EMA's effect in two paired runs, each the baseline's G against its average on the same noise:
    `table_pair` (baseline FID, EMA FID) of the ablation table's runs, one noise set, and `rerun`
    (`gan_results.ema_paired_fid`: the FIDs of a second pair on several noise sets). Each change is
    read against the sampling noise (how far the noise set alone moves either FID of the rerun),
    then the two runs against each other."""
    printed = {key: [round(fid, 1) for fid in rerun[key]] for key in ("baseline", "ema")}  # as tables print
    changes = [ema - base for base, ema in zip(printed["baseline"], printed["ema"])]
    noise = max(max(fids) - min(fids) for fids in printed.values())
    first = round(table_pair[1], 1) - round(table_pair[0], 1)
    first_change = signed(first, 1)
    by = range_text((min(map(abs, changes)), max(map(abs, changes))), 1, collapse=True)
    against = f"the noise set alone moves either FID by at most {noise:.1f}"
    if all(c < -noise for c in changes) or all(c > noise for c in changes):
        direction = "lowered" if changes[0] < 0 else "raised"
    else:
        shown = range_text((min(changes), max(changes)), 1, collapse=True).replace("-", "−")
        return (
            f"EMA changed the FID of the table's run by {first_change}, and that of the second run by "
            f"{shown} over its noise sets, where {against}: the second run does not resolve EMA's effect."
        )
    verb = "lowered" if first < 0 else "raised"
    if abs(first) <= noise:
        return (
            f"EMA {direction} the FID of the second run by {by} on each noise set, where {against}; "
            f"in the table's run the change ({first_change}) is within that noise."
        )
    if verb == direction:
        return (
            f"EMA {verb} the FID in both runs, by {abs(first):.1f} in the table's and by {by} on each "
            f"noise set of the second, where {against}: an effect of EMA alone at this budget."
        )
    return (
        f"EMA {verb} the FID of the table's run by {abs(first):.1f} but {direction} that of the second "
        f"run by {by} on each noise set, where {against}: after two epochs, whether the average "
        "beats the last iterate depends on the run."
    )


def memorisation_sentence(check: dict) -> str:
    """The Inception-space copy check (`gan_results.memorisation_check`) in words: the samples' distances
    to their nearest training image against the test images'. Copies are suspected when more than twice
    the expected share of samples are closer than the closest `quantile` of the test images."""
    quantile, share = check["quantile"], check["share_closer"]
    opening = "In Inception features,"
    searched = f"(all {check['training_images']:,} searched)"
    medians = f"median {check['median_fake']:.1f} against {check['median_test']:.1f}"
    count = round(share * check["samples"])
    below = (
        f"{count:,} sample{'s' if count != 1 else ''} ({share:.2%}) lie closer than the closest "
        f"{quantile:.0%} of test images"
    )
    if share > 2 * quantile:
        return (
            f"{opening} {share:.1%} of the {check['samples']:,} samples are closer to a training image "
            f"{searched} than the closest {quantile:.0%} of real test images are ({medians}): "
            "candidates for copies."
        )
    if check["median_fake"] >= check["median_test"]:
        return (
            f"{opening} the {check['samples']:,} samples are no closer to a training image {searched} "
            f"than test images: {medians}, and {below}."
        )
    return (
        f"{opening} the {check['samples']:,} samples lie closer to their nearest training image {searched} "
        f"than real test images do ({medians}), yet no more of them are unusually close: {below}."
    )


def ablation_resolved_sentence(fids: dict[str, float], noise_floor: float) -> str:
    """Which ablation rows differ from the baseline (the first row) by more than the noise floor:
    `fids` {row label: FID} in table order."""
    (baseline, base_fid), *rest = fids.items()

    def listed(rows):
        return _digits(f"{label.removeprefix('baseline + ')} ({fid:.1f})" for label, fid in rows)

    worse = [(label, fid) for label, fid in rest if fid - base_fid > noise_floor]
    better = [(label, fid) for label, fid in rest if base_fid - fid > noise_floor]
    if not worse and not better:
        return f"No row differs from the baseline's {base_fid:.1f} by more than that."
    parts = []
    if worse:
        parts.append(f"worse than the baseline's {base_fid:.1f} by more than that: {listed(worse)}")
    if better:
        parts.append(f"better by more than that: {listed(better)}")
    return "Resolved at this budget are only these rows, " + "; ".join(parts) + "."


def family_sentence(fids: dict[str, float], single: dict, family: dict, level: float = 0.05) -> str:
    """The threshold for reading the screen's rows at a family-wise error of `level`: `family`, the
    `mean_difference_threshold` of the repeated runs at `level` over the number of rows after the
    baseline (`fids` {row label: FID}, the baseline first; Bonferroni), and the rows that pass only
    `single`, the same test at `level` alone."""
    (_, base), *rest = fids.items()
    single, family = single["threshold"], family["threshold"]
    count = NUMBER_WORDS.get(len(rest), str(len(rest)))
    text = (
        f"Were the {count} tests independent, one would pass by chance with a probability of "
        f"{1 - (1 - level) ** len(rest):.0%}, so the rows are read at {level:.0%} for all {count} at once "
        f"(Bonferroni, {level / len(rest):.2%} each), beyond {family:.1f}"
    )
    only = [(label, fid) for label, fid in rest if single < abs(fid - base) <= family]
    if not only:
        return f"{text}."
    listed = _digits(f"{label.removeprefix('baseline + ')} ({fid:.1f})" for label, fid in only)
    return f"{text}; {listed} pass{'es' if len(only) == 1 else ''} only the single test."


def screening_sentence(fids: dict[str, float], noise_floor: float, kept: list[str]) -> str:
    """What the two-epoch screening (`fids` {row label: FID}, the baseline first) said about the
    rows whose features the final model `kept`, beyond the `noise_floor`."""
    base = next(iter(fids.values()))

    def listed(labels):
        return _digits(f"{label.removeprefix('baseline + ')} ({fids[label]:.1f})" for label in labels)

    worse = [label for label in kept if fids[label] - base > noise_floor]
    better = [label for label in kept if base - fids[label] > noise_floor]
    if worse and not better:
        return (
            f"and they spoke against the final model's features: after two epochs {listed(worse)} came "
            f"out worse than the baseline's {base:.1f}"
        )
    if better and not worse:
        return (
            f"and of the final model's features they favour {listed(better)} over the baseline's {base:.1f}"
        )
    if worse:
        return (
            f"and they are mixed for the final model's features: {listed(better)} better and "
            f"{listed(worse)} worse than the baseline's {base:.1f}"
        )
    return f"and none of the final model's features differs from the baseline's {base:.1f} by more than that"


def long_runs_sentence(
    first: tuple[int, float], baseline: list[tuple[int, float]], final: tuple[int, float]
) -> str:
    """How the long runs compare the final model's first stage (`first`: epochs, FID) with the
    DCGAN runs (`baseline`: (epochs since initialisation, FID) of each, in training order) and the
    final model (`final`) with the best DCGAN run; FIDs to two decimals, as the runs' table prints them."""
    epochs, fid = first
    best = min(baseline, key=lambda run: run[1])
    reached = [run for run in baseline if run[1] <= fid]
    if not reached:
        where = f"below every DCGAN run's, the best {best[1]:.2f} after {best[0]} epochs"
    elif len(reached) == len(baseline):
        where = f"above every DCGAN run's (the first, {baseline[0][1]:.2f} after {baseline[0][0]} epochs)"
    else:
        level = reached[0]
        before = [run for run in baseline if run[0] < level[0] and run[1] > fid]
        below = f"first measured below it after {level[0]} epochs ({level[1]:.2f})"  # at stage ends only
        where = (
            f"where the DCGAN had {before[-1][1]:.2f} after {before[-1][0]} epochs and was {below}"
            if before
            else f"where the DCGAN was {below}"
        )
    # favoured only when a DCGAN run with at least as many epochs did worse
    verdict = (
        "so training went on from the SNGAN by warm restarts"
        if any(run[0] >= epochs and run[1] > fid for run in baseline)
        else "so this comparison alone does not favour the SNGAN"
    )
    return (
        f"after {epochs} epochs the first SNGAN stage reached an FID of {fid:.2f}, {where}; {verdict}, which "
        f"reached {final[1]:.2f} in {final[0]} epochs against the best DCGAN's {best[1]:.2f} in {best[0]}."
    )


def architecture_control_sentence(epochs: int, sngan: dict, control: dict, elsewhere: str = "") -> str:
    """What the control run says of the architecture: DCGAN's CNN trained with everything else of
    the first SNGAN stage (`epochs`; `sngan`, `control`: each run's "fid" and "recall"), `sngan` on the
    control's machine; `elsewhere`: words for that stage's run on another machine, if any."""
    other, machine = (f" ({elsewhere})", ", on one machine") if elsewhere else ("", "")
    text = (
        f"Trained afterwards with the first stage's recipe for {epochs} epochs (both from seed 0{machine}), "
        f"DCGAN's CNN reached an FID of {control['fid']:.1f} against the SNGAN CNN's "
        f"{sngan['fid']:.1f}{other} and a recall of {control['recall']:.2f} against {sngan['recall']:.2f}"
    )
    if control["fid"] <= sngan["fid"]:
        return f"{text}: at this budget the SNGAN CNN did not lower the FID."
    if control["recall"] < sngan["recall"] / 2:
        text += (
            ": its samples reached few of the real images' neighbourhoods, the mark of severe mode dropping"
        )
    return f"{text}."


def mean_difference_threshold(groups, level: float = 0.05, runs_per_mean: int | None = None) -> dict:
    """The noise of repeated runs and the change of a mean it resolves: `groups` holds the results
    of each setting's runs (one per seed, as many in each). The seed-to-seed standard deviation is
    pooled over every setting; a difference of two settings' means is resolved beyond the
    two-sided t-test's threshold at `level` for two means of `runs_per_mean` runs each (default:
    as many as each group holds; 1 compares two single runs)."""
    from scipy import stats

    groups = [np.asarray(values, dtype=float) for values in groups]
    dof = sum(len(values) - 1 for values in groups)
    pooled = math.sqrt(sum(((values - values.mean()) ** 2).sum() for values in groups) / dof)
    runs_per_mean = len(groups[0]) if runs_per_mean is None else runs_per_mean
    threshold = float(stats.t.ppf(1 - level / 2, dof)) * pooled * math.sqrt(2 / runs_per_mean)
    return {"pooled_sd": pooled, "dof": dof, "threshold": threshold}


def screen_noise_sentence(
    seed_fids: dict[int, float], reruns: list[float], test: dict, cite: str = ""
) -> str:
    """How the two-epoch screen's noise floor was measured: `seed_fids`, {seed: the baseline's FID},
    the table's run first; `reruns`, how far training the baseline and EMA runs again from their seed
    on another thread count moved their FIDs; `test`, the `mean_difference_threshold` of all these
    repeats for two single runs (`cite`: where the reruns are)."""
    (first, fid), *others = seed_fids.items()
    where = f" ({cite})" if cite else ""
    return (
        f"The baseline trained again from seeds {_digits(seed for seed, _ in others)} reached "
        f"{_digits(f'{value:.1f}' for _, value in others)} (seed {first}: {fid:.1f}), and training the "
        f"baseline and EMA runs again from seed {first} on another thread count moved their FIDs by "
        f"{_digits(f'{abs(move):.1f}' for move in reruns)}{where}. Pooled over the baseline's "
        f"{len(seed_fids) + 1} runs and the EMA run's 2, each set about its own mean, the runs of one "
        f"setting differ by a standard deviation of {test['pooled_sd']:.1f}, so a difference between two "
        f"single runs is "
        f"read as resolved only beyond {test['threshold']:.1f} (two-sided t-test at 5%, {test['dof']} "
        "degrees of freedom)."
    )


def leave_one_out_test(fids: dict[str, list[float]], level: float = 0.05) -> dict:
    """The noise of the leave-one-out runs and the change each must exceed
    (`mean_difference_threshold`, at `level` for all changes together: Bonferroni): `fids` {change
    label: FID of each seed}, the control first; "changes" holds each mean against the control's."""
    control = next(iter(fids.values()))
    changes = {label: float(np.mean(v) - np.mean(control)) for label, v in list(fids.items())[1:]}
    return mean_difference_threshold(fids.values(), level / len(changes)) | {"changes": changes}


def leave_one_out_sentence(fids: dict[str, list[float]], start: float, epochs: int = 1) -> str:
    """What the leave-one-out runs resolve (`leave_one_out_test`): `fids` {change label: FID of
    each seed}, the control (every feature) first; `start` the FID all runs begin from, `epochs`
    how long they continue."""
    test = leave_one_out_test(fids)
    control = next(iter(fids.values()))
    threshold, changes = test["threshold"], test["changes"]
    count = NUMBER_WORDS.get(len(changes), str(len(changes)))
    span = "one epoch" if epochs == 1 else f"{epochs} epochs"

    def listed(labels):
        return _digits(f"{label} ({signed(changes[label])})" for label in labels)

    parts = [
        f"With every feature, {span} more gives an FID of {np.mean(control):.2f} (mean of "
        f"{len(control)} seeds) against {start:.2f} at the start. Pooled over all runs, the seeds of a "
        f"run differ by a standard deviation of {test['pooled_sd']:.2f}, so a change of the mean is "
        f"resolved beyond {threshold:.2f} (two-sided t-test at 5% for all {count} changes at once, "
        f"Bonferroni; {test['dof']} degrees of freedom)."
    ]
    worse = [label for label, change in changes.items() if change > threshold]
    better = [label for label, change in changes.items() if change < -threshold]
    unresolved = [label for label in changes if label not in worse + better]
    if worse:
        parts.append(f"Resolved as worse than the control: {listed(worse)}.")
    if better:
        parts.append(f"Resolved as better than the control: {listed(better)}.")
    if unresolved and not worse and not better:
        parts.append(
            f"No change is resolved ({listed(unresolved)}): within {span} of the trained model no single "
            "feature's removal moves the FID beyond the run-to-run noise, and what each contributed over "
            "the whole training is not measured by this."
        )
    elif unresolved:
        parts.append(f"Not resolved: {listed(unresolved)}.")
    return " ".join(parts)


def _span(values: list[float]) -> str:
    """'0.11 to 0.25', or one value when all round alike."""
    return range_text((min(values), max(values)), 2, collapse=True)


def _stage_directions(
    trends: list[dict], name: str, tolerance: float = 0.02, words: tuple[str, str] = ("falls", "rises")
) -> str:
    """How one loss moves within the stages, stages of the same direction grouped: 'falls in every
    stage (by 0.11 to 0.25)', 'falls in stages 1 and 2 (by ...) and rises in stage 3 (by ...)'."""
    groups: dict[str, list[tuple[int, float]]] = {}
    for row in trends:
        first, last = row[f"{name}_first"], row[f"{name}_last"]
        level = abs(last - first) <= tolerance * max(abs(first), 1e-9)
        direction = "stays level" if level else (words[0] if last < first else words[1])
        groups.setdefault(direction, []).append((row["stage"], abs(last - first)))
    parts = []
    for direction, items in groups.items():
        stages = [str(stage) for stage, _ in items]
        if len(items) == len(trends) > 1:
            where = "in every stage"
        else:
            where = f"in stage{'s' if len(items) > 1 else ''} {_digits(stages)}"
        amount = _span([size for _, size in items])
        parts.append(f"{direction} {where}" + ("" if direction == "stays level" else f" (by {amount})"))
    return _digits(parts)


def output_gaps(row: dict) -> dict:
    """`gap_first` and `gap_last`: D's mean output on real minus on fake batches in each half of a stage
    (a `gan_results.stage_trends` row)."""
    return {f"gap_{half}": row[f"d_real_{half}"] - row[f"d_fake_{half}"] for half in ("first", "last")}


def stage_trends_sentence(trends: list[dict], jump_window: int | None = None) -> str:
    """How the D and G losses move within the stages (stages of the same direction grouped), how D's
    loss jumps at the restarts (`jump_window`: the iterations averaged on either side, if named), and
    any transient peak of G's loss."""
    gaps = [row | output_gaps(row) for row in trends if "d_real_first" in row]
    text = (
        f"Comparing the first with the second half of each stage, D's loss "
        f"{_stage_directions(trends, 'd_loss')}; G's {_stage_directions(trends, 'g_loss')}"
    )
    if gaps:
        text += "; the gap between $\\sigma(D(x))$ and $\\sigma(D(G(z)))$ " + _stage_directions(
            gaps, "gap", words=("is narrower", "is wider")
        )
        d_falls = all(row["d_loss_last"] < row["d_loss_first"] for row in trends)
        if d_falls and all(row["gap_last"] > row["gap_first"] for row in gaps):
            text += ": D is further ahead of G in the second half of every stage"
    text += "."
    jumps = [row["d_loss_jump"] for row in trends if "d_loss_jump" in row]
    loss = "D's loss"
    if jump_window:
        loss += f" (mean of the {jump_window} iterations after against the {jump_window} before)"
    if jumps and (all(j > 0 for j in jumps) or all(j < 0 for j in jumps)):
        direction = "up" if jumps[0] > 0 else "down"
        amount = _span([abs(j) for j in jumps])
        restarts = "the restart" if len(jumps) == 1 else f"each of the {len(jumps)} restarts"
        text += f" At {restarts} {loss} jumps {direction} by {amount}."
    elif jumps:
        listed = _digits(f"{'up' if j > 0 else 'down'} by {abs(j):.2f}" for j in jumps)
        text += f" At the restarts {loss} jumps {listed}."
    peaks = [
        f"in stage {row['stage']} G's per-epoch mean loss has a transient peak of {row['g_peak']:.2f} "
        f"(epoch {row['g_peak_epoch']})"
        for row in trends
        if row.get("g_peak", 0) > 1.15 * max(row["g_loss_first"], row["g_loss_last"])
    ]
    if peaks:
        text += f" {'; '.join(peaks)[0].upper()}{'; '.join(peaks)[1:]}."
    return text


def hinge_equilibrium_sentence(late: dict, held_out: dict | None = None, cite: str = "") -> str:
    """The late-training hinge losses against what the hinge game predicts at p_G = p_data, and
    the total variation D's loss implies (every D has loss >= 2 - 2 TV); with `held_out`
    (`gan_results.held_out_discriminator`; `cite`: the table that shows it) the bound is also read
    on images D never trained on, with the shares on the correct side of D's decision (real above 0,
    generated below), which sum to 100% at the equilibrium."""
    from genmodels.gan import hinge_total_variation_bound
    from genmodels.metrics import ONE_SIDED_95

    gap = late["d_real"] - late["d_fake"]
    ahead = (
        f"Over that quarter D still separates real from fake training batches on average "
        f"($\\sigma(D(x)) - \\sigma(D(G(z))) = {gap:.2f}$)"
        if gap > 0.05
        else f"Over that quarter D barely separates real from fake training batches "
        f"($\\sigma(D(x)) - \\sigma(D(G(z))) = {gap:.2f}$)"
    )
    d_loss = round(late["d_loss"], 3)  # the bounds follow from the losses as printed
    if d_loss < 2:
        bound = hinge_total_variation_bound(d_loss)
        no_better = "Since no D does better than $2 - 2\\,\\mathrm{TV}$"
        if held_out is None:
            reading = (
                f"below the value 2 of the equilibrium. {no_better}, this D would show "
                f"$\\mathrm{{TV}}(p_{{\\text{{data}}}}, p_G) \\ge {lower_bound_text(bound, 3)}$, taken at "
                "face value: the means are over training batches, which D may fit better than fresh "
                "images, and of the raw G rather than its average"
            )
        else:
            fresh = round(held_out["test_hinge"] + held_out["fake_hinge"], 3)
            tv = lower_bound_text(hinge_total_variation_bound(fresh), 3)
            where = f" ({cite})" if cite else ""
            error, confident = "", ""
            if "held_out_hinge_se" in held_out:  # the sampling error of the loss, as printed
                se = round(held_out["held_out_hinge_se"], 3)
                error = f" (standard error {se:.3f})"
                at_95 = lower_bound_text(hinge_total_variation_bound(fresh + ONE_SIDED_95 * se), 3)
                confident = f", and $\\ge {at_95}$ with 95% confidence,"
            reading = (
                f"below the value 2 of the equilibrium. On images it never trained on{where}, "
                f"{held_out['samples']:,} test images and {held_out['samples']:,} fresh samples of the "
                f"shipped (EMA) G, the final D's loss is {fresh:.3f}{error}; "
                f"{no_better[0].lower()}{no_better[1:]}, "
                f"$\\mathrm{{TV}}(p_{{\\text{{data}}}}, p_G) \\ge {tv}${confident} for the shipped generator"
            )
        verdict = "the networks have not reached the equilibrium"
    else:
        reading = "at or above the value 2 of the equilibrium, so it implies no distance between the two"
        verdict = "D's loss is consistent with the equilibrium"
    if held_out is not None:
        test, fake = (round(100 * held_out[k], 1) for k in ("test_right", "fake_right"))  # as printed
        seen = (
            f" ({held_out['train_right']:.1%} of the training images it saw)"
            if "train_right" in held_out
            else ""
        )
        ahead += (
            f"; of the held-out images it puts {test:.1f}% of the test images{seen} and {fake:.1f}% of the "
            f"samples on the correct side of 0: these two shares sum to {test + fake:.1f}%, where at the "
            "equilibrium, with the two sets alike to every D, they sum to 100%"
        )
    return (
        f"Over the last quarter of training D's loss averages {d_loss:.3f}, {reading}. "
        f"{ahead[0].upper() + ahead[1:]}, so {verdict}."
    )


def lower_bound_text(value: float, digits: int = 2) -> str:
    """A lower bound printed with `digits` decimals, rounded down so the printed bound still holds."""
    return f"{math.floor(value * 10**digits + 1e-9) / 10**digits:.{digits}f}"


def bce_reading_sentence(reading: dict, cite: str = "") -> str:
    """The shipped D read as a BCE discriminator (`gan_results.held_out_bce_reading`) against the
    BCE game's prediction at p_G = p_data: D = 1/2 on every image and D's loss log 4 (`cite`: the table
    row that shows the mean probabilities, which the sentence then leaves to it)."""
    log4 = math.log(4)
    means = (
        f"D gives the other half's test images {reading['real_d']:.2f} and its samples "
        f"{reading['fake_d']:.2f} on average (1/2 each at the BCE game's equilibrium), "
        if not cite
        else f"D ({cite}) has on the other half "
    )
    text = (
        f"Mapped to a probability of being real by a logistic regression $\\sigma(aD+b)$ fitted on half of "
        f"the held-out images, {means}a BCE loss (real plus fake term) of {reading['loss']:.3f} against "
        f"$\\log 4 = {log4:.3f}$"
    )
    from genmodels.metrics import ONE_SIDED_95, bce_jsd_bound

    loss = round(reading["loss"], 3)  # the bounds follow from the loss as printed
    jsd_bound = bce_jsd_bound(loss)
    if jsd_bound < 0.005:
        return text + ": as far as this D can tell, G's images are distributed like the real ones."
    confident = ""
    if "loss_se" in reading:
        se = round(reading["loss_se"], 3)
        at_95 = lower_bound_text(bce_jsd_bound(loss + ONE_SIDED_95 * se), 3)
        confident = f"; with 95% confidence $\\ge {at_95}$ (standard error of the loss {se:.3f})"
    return (
        text + f", so $\\mathrm{{JSD}}(p_{{\\text{{data}}}}, p_G) \\ge "
        f"{lower_bound_text(jsd_bound, 3)}$ nats (at most $\\log 2$){confident}."
    )


def bce_equilibrium_sentence(
    name: str, late: dict, real_label: float = 1.0, cite: str = "", epochs: int | None = None
) -> str:
    """A BCE-trained run's late-training losses and outputs against the equilibrium of its loss:
    D = 1/2, log 4 and log 2, or, with one-sided smoothing (real target r < 1), D = r / 2 and the
    losses there (`cite`, e.g. a figure of the run, in brackets after its name; `epochs`, all its
    epochs, of which `late` averages the last quarter, shaded in that figure)."""
    from genmodels.gan import equilibrium_losses, equilibrium_output

    d_star, g_star = equilibrium_losses("bce", real_label)
    output = equilibrium_output(real_label)
    if late["d_loss"] < d_star and late["g_loss"] > g_star:
        verdict = "D is ahead of G, so that run has not reached the equilibrium"
    elif late["d_loss"] > d_star and late["g_loss"] < g_star:
        verdict = "G is ahead of D there"
    else:
        verdict = "its losses lie on either side of the equilibrium values"
    name = f"`{name}`" + (f" ({cite})" if cite else "")
    quarter = f"the last quarter of its {epochs} epochs (shaded)" if epochs else "its last quarter"
    if real_label == 1.0:
        predicted = f"$\\log 4 \\approx {d_star:.3f}$", f"$\\log 2 \\approx {g_star:.3f}$", "1/2"
        intro = f"The BCE-trained DCGAN {name} tests the BCE predictions"
    else:
        predicted = f"{d_star:.3f}", f"{g_star:.3f}", f"{output:.2f}"
        intro = (
            f"The BCE-trained DCGAN {name} tests the BCE predictions under its one-sided label smoothing "
            f"(real target $r = {real_label:g}$: at $p_G = p_{{\\text{{data}}}}$ the optimal D is "
            f"$r/2 = {output:.2f}$, D's loss {d_star:.3f} and G's {g_star:.3f})"
        )
    return (
        f"{intro}. Over {quarter} D's loss is {late['d_loss']:.2f} against {predicted[0]}, "
        f"G's {late['g_loss']:.2f} against {predicted[1]}, $D(x) = {late['d_real']:.2f}$ and "
        f"$D(G(z)) = {late['d_fake']:.2f}$ against {predicted[2]}: {verdict}."
    )


def islands_sentence(islands: dict[int, list[int]], totals: dict[int, int]) -> str:
    """Which digits a map splits into separate islands, with each island's size (`islands`: per
    digit, the sizes of its islands; `totals`: per digit, its number of points)."""
    split = [d for d, sizes in sorted(islands.items()) if len(sizes) > 1]
    if not split:
        return "every digit forms a single island"
    parts = [
        f"{d} into {len(islands[d])} ({_digits([str(n) for n in islands[d]])} of its {totals[d]} points)"
        for d in split
    ]
    return f"the map splits digit{'s' if len(split) > 1 else ''} {_digits(parts)} separate islands"


def unassigned_range(islands: dict[int, list[int]], totals: dict[int, int]) -> str:
    """The range over the digits of the share of a digit's points that lie in none of its islands."""
    shares = [1 - sum(islands[d]) / totals[d] for d in totals]
    return range_text((min(shares), max(shares)), 0, percent=True)


def ink_sentence(ink: dict[str, dict], faint: float = 0.7, blurred: float = 0.8) -> str:
    """Whether the paths' strokes fade or blur between their endpoints, from `vae_latent.path_ink`:
    a path fades if an image inside it keeps less than `faint` of the fainter endpoint's ink, and
    blurs if an image's share of ink in solid strokes falls below `blurred` of the endpoints'."""
    fading = [
        f"{name} (down to {row['ink']:.0%} of the fainter endpoint's ink)"
        for name, row in ink.items()
        if row["ink"] < faint and 0 < row["where"] < 1
    ]
    if fading:
        return (
            f"On {_digits(fading)} the strokes fade before the end digit forms: the images midway are "
            f"faint, partial shapes rather than digits, and a confident classifier label there reads a "
            f"fragment."
        )
    least = min(ink, key=lambda name: ink[name]["ink"])
    if ink[least]["ink"] >= 0.995:
        kept = "no decoded image has less ink (mean pixel value) than its path's fainter endpoint"
    else:
        kept = (
            f"every decoded image keeps at least {ink[least]['ink']:.0%} of the ink (mean pixel value) of "
            f"its path's fainter endpoint (least on {least})"
        )
    blur = min(ink, key=lambda name: ink[name]["solid"])
    solid = (
        f"the share of the ink in solid strokes (pixels of at least 0.5) falls no lower than "
        f"{ink[blur]['solid']:.0%} of its lower endpoint's (on {blur})"
    )
    if ink[blur]["solid"] >= blurred:
        return (
            f"No path loses much ink between its endpoints: {kept}, and {solid}: the strokes move from one "
            f"digit to the other rather than fading out."
        )
    return (
        f"No path loses much ink between its endpoints: {kept}; but it blurs: {solid}, where the strokes "
        f"turn grey."
    )


def training_length_separation(final: float, study: float, final_epochs: int, study_epochs: int) -> str:
    """The 5-NN accuracy of the final model's codes against the shorter study model's, as a clause."""
    if abs(final - study) < 0.005:
        return f"about the same after {final_epochs} epochs as in the {study_epochs}-epoch run"
    if final < study:
        return (
            f"lower after {final_epochs} epochs than in the {study_epochs}-epoch run (one seed each, so "
            f"the {100 * (study - final):.1f}-point drop may be the seed's): the ELBO rewards codes that "
            f"reconstruct each image, not codes that separate the digits, so longer training need not "
            f"separate them more"
        )
    return f"higher after {final_epochs} epochs than in the {study_epochs}-epoch run"


def path_methods_sentence(
    mean_pixel_difference: float,
    label_routes: dict[str, str],
    end_steps: dict[str, int] | None = None,
    dip: tuple[float, float] | None = None,
    arc_between: bool = False,
) -> str:
    """Linear against spherical paths: pixel difference and whether their classifier labels agree,
    in the digits visited (`label_routes`) and in the first step with the end label (`end_steps`);
    `dip`: the range of the chord's lowest norm relative to its endpoints' (`vae_latent.chord_dip`);
    `arc_between`: whether every spherical path's norm stays between its endpoints' norms."""

    def differing(values):
        return [
            name.replace(" lin", "")
            for name in values
            if name.endswith(" lin") and values[name] != values.get(name.replace(" lin", " sph"))
        ]

    routes = differing(label_routes)
    steps = [name for name in differing(end_steps or {}) if name not in routes]
    if not routes and not steps:
        agreement = "and the classifier reads the same digits along both"
    else:
        parts = [f"the digits visited differ on {_digits(routes)}"] if routes else []
        if steps:
            parts.append(f"the end digit's label comes at a different step on {_digits(steps)}")
        agreement = "although " + " and ".join(parts)
    text = (
        f"Linear and spherical paths decode to similar images (mean absolute pixel difference "
        f"{mean_pixel_difference:.3f}), {agreement}"
    )
    if dip is None:
        return text + "."
    arc = ", while the spherical path's stays between its endpoints' norms" if arc_between else ""
    return text + (
        f". The two differ in norm, though: the linear path's norm dips to "
        f"{range_text(dip, 0, collapse=True, percent=True)} of its endpoints' mean{arc}; since the "
        f"images still agree, a dip of that size changes the decoded images little along these paths."
    )


# --- Part 1: the VAE ------------------------------------------------------------------------------

HYPERPARAMETER_REASONS = {
    "latent_dim": "room for MNIST's factors of variation; dimensions the data do not need stay inactive "
    "(@fig-kl-dims)",
    "hidden_dim": "Kingma and Welling's MNIST width (500)",
    "conv_channels": "the pair set before the sweep, channels doubling as the side halves (28 → 14 → 7)",
    "dropout": "off: the sampling noise and the KL term already regularise",
    "batch_norm": "after every hidden layer, for activations at a stable scale",
    "beta": "β = 1 optimises the ELBO itself, so the NLL bound is meaningful; other β in the β study",
    "epochs": "what two CPU cores afford",
    "batch_size": "stable BatchNorm statistics, about 470 Adam steps per epoch",
    "learning_rate": "Adam's usual 10⁻³, stable with BatchNorm",
    "seed": "fixed, so every run and every figure is reproducible",
}
ARCHITECTURE_REASON = (
    "convolutions share weights across positions, so one filter finds a stroke wherever it is"
)
# A latent size counts as roomy when the KL leaves at least this share of its dimensions unused.
ROOMY_SHARE = 0.25


def epochs_reason(history: dict | None, last: int = 10) -> str:
    """Why the run stops where it does: the compute, and how much the test loss still moved over its
    last `last` epochs (from the run's history)."""
    reason = HYPERPARAMETER_REASONS["epochs"]
    if history is None or len(history["test"]) <= last:
        return reason
    test = [e["total"] for e in history["test"]]
    change = test[-1] - test[-1 - last]
    if change < 0:
        return (
            f"{reason}; the final run's test loss, reported after the fact, fell by {-change:.1f} nats "
            f"({-change / test[-1 - last]:.1%}) over its last {last}, so more epochs would buy little"
        )
    return f"{reason}; the test loss stopped falling over the last {last}"


def _runs(value) -> tuple:
    """A sweep setting's measurement as one value per run: a number is one run, a sequence
    holds one per seed."""
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _mean(value) -> float:
    return float(np.mean(_runs(value)))


def _shown(value) -> str:
    """'96.3' for one run; '96.3 ± 0.2' for several: their mean and standard deviation (nats)."""
    values = _runs(value)
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{np.mean(values):.1f} ± {np.std(values, ddof=1):.1f}"


def _count(value) -> str:
    """'17' for one run or runs that agree; '16–18' for runs that do not."""
    values = _runs(value)
    return str(values[0]) if min(values) == max(values) else f"{min(values)}–{max(values)}"


def _with_active(result: dict) -> str:
    """A latent size's −ELBO and active units: '96.3 (17 active)', or over several seeds
    '96.3 ± 0.2 (16–18 active)'."""
    return f"{_shown(result['elbo'])} ({_count(result['active_units'])} active)"


def sweep_threshold(sweeps: dict[str, dict], level: float = 0.05) -> dict:
    """`mean_difference_threshold` over the distinct settings of `sweeps` ({field: {value: −ELBO of
    each seed's run}}); the centre, which every sweep shares, counts once."""
    settings = dict.fromkeys(tuple(values) for sweep in sweeps.values() for values in sweep.values())
    return mean_difference_threshold(list(settings), level)


def _level(elbo: dict, tolerance: float) -> list:
    """The values whose mean −ELBO is within `tolerance` nats of the best mean."""
    means = {v: _mean(e) for v, e in elbo.items()}
    best = min(means, key=means.get)
    return sorted(v for v in means if means[v] - means[best] <= tolerance)


def _sweep_verdict(elbo: dict, chosen, tolerance: float, show, noun: str = "") -> str:
    """Whether `chosen` is level with the best of a sweep (within `tolerance` nats of mean −ELBO),
    the best alone, or not the best; `show` writes a value, `noun` follows a list of values."""
    means = {v: _mean(e) for v, e in elbo.items()}
    best = min(means, key=means.get)
    level = _level(elbo, tolerance)
    worse = sorted(set(elbo) - set(level))
    if chosen in level and len(level) > 1:
        verdict = (
            f"{_digits([show(v) for v in level])}{noun} are level (within {tolerance:g} nats of the best)"
        )
        if worse:
            verdict += f", {_digits([show(v) for v in worse])} {'is' if len(worse) == 1 else 'are'} worse"
        return verdict
    if chosen == best:
        return "the lowest −ELBO of the values tried"
    return f"not the best value tried ({show(best)} is {means[chosen] - means[best]:.1f} nats lower)"


def latent_size_reason(study: dict[int, dict], chosen: int, tolerance: float = 0.5) -> str:
    """Why `chosen` latent dimensions, from the latent-size study (per size: −ELBO in nats and active
    units after the same short budget, which the table's caption names; each a number, or a
    sequence with one per seed, compared by their mean): level with the best size (within
    `tolerance` nats), the best alone, or not the best. Among level sizes the rule is the smallest
    roomy one, whose KL leaves at least ROOMY_SHARE of its dimensions unused (on average over the
    runs), so the size does not cap the model; the text says whether `chosen` is that size."""
    elbo = {d: v["elbo"] for d, v in study.items()}
    active = {d: _mean(v["active_units"]) for d, v in study.items()}
    averaged = " on average" if any(len(_runs(v["active_units"])) > 1 for v in study.values()) else ""
    verdict = _sweep_verdict(elbo, chosen, tolerance, str, " dimensions")
    sizes = ", ".join(f"{d}: {_with_active(v)}" for d, v in sorted(study.items()))
    text = f"{verdict}: {sizes}"
    level = _level(elbo, tolerance)
    if " are level " not in verdict:
        return text
    roomy = [d for d in level if active[d] <= (1 - ROOMY_SHARE) * d]
    tight = [d for d in level if d < chosen and d not in roomy]
    if roomy and roomy[0] == chosen:
        roomier = _count(study[chosen]["active_units"])

        def capped(d: int) -> str:  # the chosen size's runs all use more than d: d is full
            used = f"its runs use {_count(study[d]['active_units'])} of its {d} dimensions"
            if min(_runs(study[chosen]["active_units"])) > d:
                return f"; {d} is full: {used} and, given room, more ({roomier} at {chosen})"
            return f"; {d} may be full: {used}"

        rule = (
            f"{chosen} is the smallest level size with room to spare (at least a quarter of its "
            f"dimensions idle{averaged})"
        )
        return f"{text}{''.join(map(capped, tight))}; {rule}"
    rule = roomy[0] if roomy else "none"
    return f"{text}; kept although the smallest level size with at least a quarter idle is {rule}"


def _value(value) -> str:
    """A swept value as the table writes it: '0.001', '128', or '16/32' for a channel pair."""
    return "/".join(map(str, value)) if isinstance(value, tuple) else f"{value:g}"


def sweep_reason(elbo: dict, chosen, tolerance: float = 0.5, field: str = "") -> str:
    """Why `chosen` (a learning rate, batch size, width or channel pair), from the −ELBO (nats; a
    number, or a sequence with one per seed) of runs that differ from the chosen one only in it;
    when the sweep cannot separate the values, the field's prior reason decides."""
    verdict = _sweep_verdict(elbo, chosen, tolerance, _value)
    text = f"{verdict}: " + ", ".join(f"{_value(v)}: {_shown(e)}" for v, e in sorted(elbo.items()))
    if " are level " in verdict and field in HYPERPARAMETER_REASONS:
        return f"{text}; the prior reason decides: {HYPERPARAMETER_REASONS[field]}"
    return text


def selection_reasons(selection: pd.DataFrame, tolerance: float = 0.5) -> dict:
    """The architecture, dropout and BatchNorm rows of the hyperparameter table from the
    model-selection runs (`vae_results.selection_study`: −ELBO after equal epochs)."""
    elbo = selection["−ELBO"]

    def change(base: str, variant: str) -> tuple[str, str]:
        """(verb, how much) of the variant's −ELBO against the base's."""
        difference = round(elbo[variant], 1) - round(elbo[base], 1)  # as the row prints them
        values = f"({elbo[variant]:.1f} against {elbo[base]:.1f})"
        if abs(difference) <= tolerance:
            return "leaves the −ELBO level", values
        return (
            f"{'raises' if difference > 0 else 'lowers'} the −ELBO",
            f"by {abs(difference):.1f} nats {values}",
        )

    def effect(base: str, variant: str) -> str:
        return " ".join(change(base, variant))

    def in_both(conv: str, mlp: str) -> str:
        """A change's effect in the conv model and in the MLP, the verb once if it is the same."""
        (verb, conv_size), (mlp_verb, mlp_size) = change("conv", conv), change("MLP", mlp)
        second = mlp_size if mlp_verb == verb and "level" not in verb else f"{mlp_verb} {mlp_size}"
        return f"{verb} {conv_size} in the conv model and {second} in the MLP"

    dropout = next(name for name in elbo.index if name.startswith("conv, dropout"))
    mlp_dropout = next(name for name in elbo.index if name.startswith("MLP, dropout"))
    rate = dropout.removeprefix("conv, dropout ")
    return {
        "architecture": f"{ARCHITECTURE_REASON}; the MLP {effect('conv', 'MLP')}",
        "dropout": f"{HYPERPARAMETER_REASONS['dropout']}; dropout {rate} {in_both(dropout, mlp_dropout)}",
        "batch_norm": f"{HYPERPARAMETER_REASONS['batch_norm']}; removing it "
        f"{in_both('conv, no BatchNorm', 'MLP, no BatchNorm')}",
    }


def budget_check_sentence(
    checks: dict[str, float], chosen: float, epochs: int, tolerance: float = 0.5
) -> str:
    """Whether the 6-epoch choices hold at the final budget: the test −ELBO (nats, compared as
    printed, to 0.1) of the final model (`chosen`) and of its copies trained for the same `epochs`
    with one changed value each (`checks`, {what changed, e.g. 'learning rate 0.0003': −ELBO})."""
    chosen = round(chosen, 1)
    checks = {label: round(elbo, 1) for label, elbo in checks.items()}
    better = [label for label, elbo in checks.items() if chosen - elbo > tolerance]
    level = [label for label, elbo in checks.items() if abs(chosen - elbo) <= tolerance]
    text = (
        f"Trained for the final {epochs} epochs, the values a longer budget could favour, {_digits(checks)}, "
        f"reach a test −ELBO of {_digits([f'{elbo:.1f}' for elbo in checks.values()])} nats against the "
        f"final model's {chosen:.1f}"
    )
    if better:
        return f"{text}: at the full budget {_digits(better)} would have been the better choice."
    if len(level) == len(checks):
        return f"{text}: level, so the 6-epoch choice costs nothing measurable."
    if level:
        ends = "ends" if len(level) == 1 else "end"
        return (
            f"{text}: {_digits(level)} {ends} level with it, so the 6-epoch choice costs nothing measurable."
        )
    return f"{text}: the 6-epoch choices also win at {epochs} epochs."


def split_agreement_sentence(
    validation: dict[str, dict],
    test: dict[str, dict],
    chosen: dict,
    tolerance: float = 0.5,
    validation_tolerance: float | None = None,
    cite: str = "",
    details: bool = True,
) -> str:
    """Whether the sweeps ({field: {value: −ELBO, a number or one per seed}}) measured on the test
    set would have kept the `chosen` values ({field: value}) that the validation split chose: the
    values level with the best on each split, within `tolerance` nats on the test set and
    `validation_tolerance` (default: the same) on the validation split (`cite`: where the test values
    are shown; without `details` the values level on each split are left to it)."""
    names = {"latent_dim": "latent-size", "learning_rate": "learning-rate", "batch_size": "batch-size"}
    show = lambda values: _digits([f"{v:g}" for v in values])  # noqa: E731
    on_validation = tolerance if validation_tolerance is None else validation_tolerance
    level = {
        field: (_level(validation[field], on_validation), _level(test[field], tolerance))
        for field in validation
    }
    lost = [field for field, (_, on_test) in level.items() if chosen[field] not in on_test]
    where = f" ({cite})" if cite else ""
    if lost:
        which = "; ".join(
            f"the {names.get(f, f)} sweep would pick {show(level[f][1])} instead of {chosen[f]:g}"
            for f in lost
        )
        return f"Measured on the test set instead{where}, {which}."
    differ = [field for field, (on_validation, on_test) in level.items() if on_validation != on_test]
    swept = _digits([names.get(f, f) for f in validation])
    if differ and not details:
        return (
            f"Measured on the test set (one run each{f', {cite}' if cite else ''}), the {swept} sweeps would "
            "keep their chosen values among the best."
        )
    if not differ:
        return f"Measured on the test set{where}, the same sweeps single out the same values."
    details = "; ".join(
        f"the {names.get(f, f)} sweep finds {show(level[f][1])} level on the test set, "
        f"{show(level[f][0])} on the validation split"
        for f in differ
    )
    return (
        f"Measured on the test set (one run each{f', {cite}' if cite else ''}), the {swept} sweeps would "
        f"keep their chosen values among the best: {details}."
    )


def hyperparameter_table(
    config,
    history: dict | None = None,
    latent_study: dict | None = None,
    sweeps: dict[str, dict] | None = None,
    tolerance: float = 0.5,
    selection: pd.DataFrame | None = None,
    sweep_tolerance: float | None = None,
    widths: dict[str, dict] | None = None,
    test_sweeps: dict[str, dict] | None = None,
) -> str:
    """The config's hyperparameters with a one-line justification each, as a pipe table; with the
    run's `history` the epochs row says how much the test loss still moved at the end, with the
    `latent_study` (see `latent_size_reason`) the latent-size row gives its measurements, and
    `sweeps` ({field: {value: −ELBO, a number or one per seed}}) do the same for other fields, `selection`
    (`selection_reasons`) for the architecture, dropout and BatchNorm, `widths` (like `sweeps`, one
    run per value) for the MLP width and conv channels; values within `tolerance`
    nats of the best are level (within `sweep_tolerance`, default the same, in the latent-size and
    `sweeps` rows); `test_sweeps` (like `sweeps`) add the same values measured on the test set after
    "test:". The caption names the split and budget of the measurements."""
    swept = tolerance if sweep_tolerance is None else sweep_tolerance
    measured = {}
    if history is not None:
        measured["epochs"] = epochs_reason(history)
    if latent_study is not None:
        measured["latent_dim"] = latent_size_reason(latent_study, config.latent_dim, swept)
    for field, elbo in (sweeps or {}).items():
        measured[field] = sweep_reason(elbo, getattr(config, field), swept, field)
    for field, elbo in (widths or {}).items():
        measured[field] = sweep_reason(elbo, getattr(config, field), tolerance, field)
    if selection is not None:
        measured |= selection_reasons(selection, tolerance)
    for field, elbo in (test_sweeps or {}).items():
        shown_test = ", ".join(f"{_value(v)}: {_shown(e)}" for v, e in sorted(elbo.items()))
        measured[field] = f"{measured[field]}; test: {shown_test}"
    shown = {"learning_rate": f"{config.learning_rate:g} (Adam)"}  # the optimiser is no config field
    reasons = {"architecture": ARCHITECTURE_REASON, **HYPERPARAMETER_REASONS}
    rows = [
        {
            "hyperparameter": key,
            "value": shown.get(key, str(getattr(config, key))),
            "why": _unbroken(measured.get(key, reason)),
        }
        for key, reason in reasons.items()
    ]
    return pd.DataFrame(rows).to_markdown(index=False)


def _unbroken(text: str) -> str:
    """`text` with no line break inside a mean ± sd, between a swept value and its result ('8: 103.7')
    or inside a '(16–18 active)' (non-breaking spaces, and a word joiner after a range's dash)."""
    text = re.sub(r"(\d): (\d)", "\\1:\u00a0\\2", text.replace(" ± ", "\u00a0±\u00a0"))
    text = re.sub(r"(\d)–(\d)", "\\1–\u2060\\2", text)
    return re.sub(r"(\d) active\)", "\\1\u00a0active)", text)


def free_bits_sentence(mitigation: dict) -> str:
    """How active units, KL and reconstruction move from the plain run to the free-bits run."""
    plain, freed = mitigation["plain"], mitigation["free_bits"]
    plain_final, freed_final = mitigation["plain_final"], mitigation["free_bits_final"]
    return (
        f"the active units go from {plain['active_units']} to {freed['active_units']}, the test KL from "
        f"{plain_final['test_kl']:.1f} to {freed_final['test_kl']:.1f} nats and the reconstruction term "
        f"from {plain_final['test_reconstruction']:.1f} to {freed_final['test_reconstruction']:.1f} nats."
    )


def tsne_robustness_sentence(
    stability: dict[str, dict], sensitivity: dict[str, dict], seeds: tuple[int, ...], cite: str
) -> str:
    """What the seed, the initialisation and the optimiser's settings change in the map, from
    `vae_latent.seed_stability` and `vae_latent.optimiser_sensitivity` (whose "default" entry is the
    map shown): the largest Procrustes disparity, and how far trustworthiness and map 5-NN accuracy
    stray from the default map's (`cite`: the table that lists them)."""
    pca, rnd, default = stability["pca"], stability["random"], sensitivity["default"]
    varied = {name: v for name, v in sensitivity.items() if name != "default"}
    names = _digits(seeds)
    first = (
        f"With the PCA initialisation used here, seeds {names} give the same map"
        if pca["disparity"] < 1e-6
        else f"With the PCA initialisation used here, seeds {names} give maps within a Procrustes "
        f"disparity of {pca['disparity']:.2f}"
    )
    moved = max(rnd["disparity"], *(v["disparity"] for v in varied.values()))
    measures = {}
    for key in ("trustworthiness", "knn_accuracy_embedding"):
        values = [*rnd[key], *(v[key] for v in varied.values())]
        measures[key] = max(abs(value - default[key]) for value in values)
    text = (
        f"{first}; with random initialisation, or with one optimiser setting changed, the map moves by a "
        f"Procrustes disparity of up to {moved:.2f}"
    )
    if measures["trustworthiness"] > 0.01 or measures["knn_accuracy_embedding"] > 0.02:
        return f"{text}, and its neighbourhood measures move with it ({cite})."
    return (
        f"{text}, {'and' if moved < 0.05 else 'but'} its neighbourhoods hold: trustworthiness and map 5-NN "
        f"accuracy stay within {measures['trustworthiness']:.3f} and "
        f"{100 * measures['knn_accuracy_embedding']:.1f} points of the default map's ({cite})."
    )


def agreement_text(difference: float, claim: str, unit: str) -> str:
    """'<claim> exactly' for a zero difference, else '<claim> to within <difference> <unit>'."""
    return f"{claim} exactly" if difference == 0 else f"{claim} to within {scientific(difference)} {unit}"


def range_text(
    bounds: tuple[float, float],
    digits: int = 3,
    separator: str = " to ",
    collapse: bool = False,
    percent: bool = False,
) -> str:
    """'low to high' with fixed decimals, e.g. the trustworthiness of the t-SNE maps (`collapse`:
    one value when both bounds print alike; `percent`: shares printed as percentages)."""
    low, high = (f"{bound:.{digits}{'%' if percent else 'f'}}" for bound in bounds)
    return low if collapse and low == high else f"{low}{separator}{high}"


def high_beta_map_sentence(
    beta: float, active: int, trust: dict, map_accuracy: dict, mapped: tuple[int, int, float] | None = None
) -> str:
    """How the map of the largest-beta model (`beta`, with `active` active dimensions) reads beside
    the others: `trust` and `map_accuracy` {beta: the map's trustworthiness, its 5-NN accuracy};
    `mapped`, the pair of digits its map confuses most (digit, digit, share), says where to look."""
    others = [b for b in trust if b != beta]
    lower = map_accuracy[beta] < min(map_accuracy[b] for b in others)
    accuracy = (
        f"its own 5-NN accuracy is {map_accuracy[beta]:.1%}, against "
        + range_text(sorted(map_accuracy[b] for b in others), 1, percent=True, collapse=True)
        + " for the others"
    )
    most = f", most of all between {mapped[0]} and {mapped[1]}" if mapped else ""
    if not lower:
        return f"The map of β = {beta:g} does not show this drop: {accuracy}."
    if trust[beta] > max(trust[b] for b in others):
        return (
            f"The map of β = {beta:g} in @fig-tsne-beta shows this drop, and faithfully: with only {active} "
            f"active dimensions its code is easier to lay out in two, so it is the most faithful map "
            f"(trustworthiness {trust[beta]:.3f} against "
            f"{range_text(sorted(trust[b] for b in others), 3, collapse=True)}), and what it shows is more "
            f"overlap between digits{most}: {accuracy}."
        )
    return f"The map of β = {beta:g} in @fig-tsne-beta shows this drop{most}: {accuracy}."


def outliers_sentence(count: int, total: int, misclassified: float, k: int = 5) -> str:
    """The map's outliers (no same-digit point among their k map neighbours) and whether the latent
    space agrees: `misclassified` is the share of them that the latent k-NN classifier gets wrong."""
    if count == 0:
        return f"No point of the map is without a same-digit point among its {k} map neighbours."
    reading = (
        "so most are digits whose neighbours in latent space are of another class too, not artefacts "
        "of the map"
        if misclassified >= 0.5
        else "so most sit among their own digit in latent space and are misplaced by the map"
    )
    return (
        f"The outliers, the {count} of {total:,} test digits none of whose {k} map neighbours shares their "
        f"digit, are ringed in black in the perplexity-30 panel of @fig-tsne-perplexity. A latent 5-NN "
        f"classifier also mislabels {misclassified:.0%} of them, {reading}."
    )


def confused_pairs_text(pairs: list[tuple[int, int, float]], shares: bool = False) -> str:
    """The confused digit pairs as 'a with b, c with d and e with f' (`shares`: each with the share
    of the two digits' codes taken for the other)."""
    listed = [f"{a} with {b}" + (f" ({share:.1%})" if shares else "") for a, b, share in pairs]
    return ", ".join(listed[:-1]) + " and " + listed[-1]


def confused_in_both_text(latent: list[tuple[int, int, float]], mapped: list[tuple[int, int, float]]) -> str:
    """The digit pairs confused most in latent space and on a map (each as `confused_pairs_text`
    takes them), the pairs named once when both rank the same pairs alike."""
    codes = "of the two digits' codes"
    if [pair[:2] for pair in latent] != [pair[:2] for pair in mapped]:
        both = (confused_pairs_text(latent, True), confused_pairs_text(mapped, True))
        return f"{both[0]} {codes}, and on its map {both[1]}"

    def shares(pairs):
        return _digits(f"{share:.1%}" for _, _, share in pairs)

    return f"{confused_pairs_text(latent)} ({shares(latent)} {codes}; on its map {shares(mapped)})"


def model_description(config) -> str:
    """Architecture and loss in words, e.g. 'DCGAN, BCE' or 'SNGAN CNN, hinge + SN'."""
    loss = "hinge" if config.loss == "hinge" else "BCE"
    return f"{'DCGAN' if config.architecture == 'dcgan' else 'SNGAN CNN'}, {loss}" + (
        " + SN" if config.spectral_norm else ""
    )


def stage_schedule(config) -> str:
    """The learning-rate schedule of `config`'s own stage, by epoch since random initialisation,
    e.g. '2e-4 to epoch 40, → 0 at 130' or, for a warm restart, 'restart 1e-4 to 145, → 0 at 240'."""
    start, end = config.total_epochs - config.epochs, config.total_epochs
    rate = f"{config.learning_rate_generator:.0e}".replace("e-0", "e-")
    decay = start + config.lr_decay_start_epoch if config.linear_lr_decay else end
    if config.init_from is None:
        text = f"{rate} to epoch {decay}" if decay > start else rate
    else:
        text = f"restart {rate}" + (f" to {decay}" if decay > start else "")
    if config.linear_lr_decay:
        text += f", → 0 at {end}" if decay > start else f" → 0 at {end}"
    return text


def training_hours_text(hours: dict[str, float]) -> str:
    """Training hours by device, e.g. '0.11 H100 + 0.05 H200 + 1.25 CPU' (CPU alone: one decimal)."""
    return " + ".join(
        f"{h:.2f} {device}" if device != "CPU" or len(hours) > 1 else f"{h:.1f} {device}"
        for device, h in hours.items()
    )


def gan_quality_sentence(evaluation: dict) -> str:
    """The generator's FID against the real-image floor, with precision and recall."""
    return (
        f"Measured on 10,000 samples, the generator's FID is {evaluation['fid']:.1f} against a floor of "
        f"{evaluation['fid_train_vs_test']:.1f} between real training and test images of the same copy, "
        f"with precision {evaluation['precision']:.2f} and recall {evaluation['recall']:.2f}."
    )


def class_coverage_sentence(evaluation: dict, class_names, samples: int, reference: int) -> str:
    """How `samples` generated images spread over the classes, by a linear probe on Inception
    features fitted to `reference` real training images."""
    counts = np.asarray(evaluation["class_counts"])
    share = counts / counts.sum()
    names = class_names
    return (
        "a linear probe (logistic regression on standardised Inception features, "
        f"fitted to the FID reference's {reference:,} real training images; "
        f"{evaluation['classifier_test_accuracy']:.1%} accurate on real test images) assigns the {samples:,} "
        "samples to all ten classes, from "
        f"{share.min():.1%} ({names[int(share.argmin())]}) to "
        f"{share.max():.1%} ({names[int(share.argmax())]}); "
        f"their entropy is {evaluation['label_entropy_nats']:.3f} nats against "
        f"log 10 = {math.log(10):.3f} if uniform"
    )


def snapshot_motion_sentence(motion: dict, shown: str) -> str:
    """How much the fixed-noise samples (those `shown` in a figure) change in each stage, against
    the distance between two different samples (`gan_results.snapshot_motion`)."""
    moves = [move for _, _, move in motion["stages"]]
    spans = ", ".join(f"{first}–{last}" for first, last, _ in motion["stages"])
    share = moves[-1] / motion["spread_last"]
    if len(moves) == 1:
        trend = ""
    elif all(b < a for a, b in zip(moves, moves[1:])):
        trend = "each stage changes them less than the one before, and "
    elif moves[-1] < moves[0]:
        trend = "the changes shrink from the first stage to the last, though not at every stage, and "
    else:
        trend = "the changes do not shrink, and "
    return (
        f"Over the {len(moves)} stages (epochs {spans}) the images of the first {motion['vectors']} "
        f"fixed vectors ({shown}) move by a median L2 distance of "
        f"{_digits([f'{m:.1f}' for m in moves])} "
        f"([0, 1] pixels), against a median of {motion['spread_last']:.1f} between the images of two of "
        f"these vectors at the end: {trend}the last stage still moves them by {share:.0%} of that distance."
    )


NUMBER_WORDS = dict(enumerate("one two three four five six seven eight nine ten".split(), start=1))


def share_text(share: float) -> str:
    """A class share as a percentage: one decimal below 10%, none above ("0.6%", "40%")."""
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


def class_skew_sentence(
    dropping: dict[str, list[int]],
    others: dict[str, list[int]],
    class_names,
    probe: str = "The probe",
    named=str,
) -> str:
    """Whether the `probe`'s class counts single out the runs that drop modes: `dropping` and
    `others` map a run to its samples' class counts (`named`: a run's name in words). They agree
    when each dropping run's largest class takes more of its samples than any class of any other
    run does."""
    shares = {name: np.asarray(c) / np.sum(c) for name, c in {**dropping, **others}.items()}
    tops = [shares[name].max() for name in dropping]
    lows = [shares[name].min() for name in dropping]
    other_top = max(shares[name].max() for name in others)
    other_low = min(shares[name].min() for name in others)
    their = "their" if len(dropping) > 1 else "its"

    def classes(pick) -> str:
        return " and ".join(dict.fromkeys(class_names[int(pick(shares[name]))] for name in dropping))

    count = NUMBER_WORDS.get(len(others), str(len(others)))
    others_range = (
        f"where the other {count} runs ({_digits(map(named, others))}) put {share_text(other_low)} to "
        f"{share_text(other_top)} of "
        f"their samples in each class ({share_text(1 / len(class_names))} each in CIFAR-10)"
    )
    top = _digits([share_text(t) for t in tops])
    if min(tops) <= other_top:
        return (
            f"{probe} does not single them out: {their} largest class takes {top} of {their} samples, "
            f"{others_range}."
        )
    low = ""
    if max(lows) < other_low:
        low = f" and {_digits([share_text(x) for x in lows])} in another ({classes(np.argmin)})"
    return (
        f"{probe} agrees: it puts {top} of {their} samples in one class ({classes(np.argmax)}){low}, "
        f"{others_range}."
    )


def severe_dropping(runs: dict[str, dict], sngan: dict) -> list[str]:
    """The runs (`runs`: {name: its `gan_evaluation`}, in table order) that drop modes severely: a
    recall below half the first SNGAN stage's (`sngan`)."""
    return [name for name, e in runs.items() if e["recall"] < sngan["recall"] / 2]


def repeat_sentence(first: dict[str, dict], second: dict[str, dict], sngan: dict, cite: str = "") -> str:
    """Whether the contrast of two runs from scratch survives another seed: `first` and `second`
    ({"hinge + SN", "hinge + BN": its `gan_evaluation`}) from seeds 0 and 1, severe mode dropping
    read as in `cnn_pair_sentence` against the first SNGAN stage (`sngan`)."""
    sn, bn = "hinge + SN", "hinge + BN"
    where = f" ({cite})" if cite else ""
    text = (
        f"From seed 1{where} the two hinge runs reached recalls of {second[sn]['recall']:.2f} with spectral "
        f"normalisation and {second[bn]['recall']:.2f} with BatchNorm"
    )
    before, after = set(severe_dropping(first, sngan)), set(severe_dropping(second, sngan))
    if after == before == {sn}:
        verdict = "so the contrast holds: again only the run with spectral normalisation drops modes severely"
    elif after == before:
        verdict = "so the seed changes neither run's verdict"
    elif after == {sn, bn}:
        verdict = "so this time both drop modes severely, and spectral normalisation is not the only cause"
    elif not after:
        verdict = (
            "so this time neither drops modes severely: the seed-0 contrast is not reliably spectral "
            "normalisation's"
        )
    else:
        verdict = "so the contrast reverses with the seed: it is not spectral normalisation's"
    spread = " and ".join(f"{abs(second[k]['fid'] - first[k]['fid']):.1f}" for k in (sn, bn))
    return f"{text}, {verdict}; their FIDs moved by {spread} with the seed."


def spectral_norm_drops_modes(runs: dict[str, dict], sngan: dict, repeats: dict | None = None) -> bool:
    """Whether spectral normalisation brings the severe mode dropping on DCGAN's CNN: both runs of
    the 2 x 2 with it drop modes, neither without it, and the `repeats` from another seed agree
    (`runs` {"hinge + SN", "hinge + BN", "BCE + SN", "BCE + BN": its `gan_evaluation`}, `repeats`
    {"hinge + SN", "hinge + BN": ...} from another seed; `sngan`: the SNGAN stage on their machine)."""
    dropping = set(severe_dropping(runs, sngan))
    harmful = {"hinge + SN", "BCE + SN"} <= dropping and not dropping & {"hinge + BN", "BCE + BN"}
    if repeats is not None:
        harmful = harmful and set(severe_dropping(repeats, sngan)) == {"hinge + SN"}
    return harmful


def seed_pairs(first: dict[str, dict], second: dict[str, dict], metric: str = "fid") -> list[list[float]]:
    """The `metric` (FID, or another key of `gan_evaluation`) of each run from two seeds: `first` and
    `second` the same runs ({label: its `gan_evaluation`}), as `repeat_sentence` reads them; their
    spread is a seed's noise."""
    return [[first[key][metric], second[key][metric]] for key in second]


def scratch_pairs(
    runs: dict[str, dict],
    repeats: dict[str, dict],
    sngan: dict,
    rerun: dict | None = None,
    metric: str = "fid",
):
    """The pairs of 19-epoch runs from scratch that differ only by chance, as `metric` values (FIDs by
    default): each of `runs` with its repeat from another seed (`seed_pairs`) and, given `rerun`, the first
    SNGAN stage (`sngan`) with its rerun on another machine from the same seed; their spread
    (`mean_difference_threshold`) sets the threshold two single runs must differ by."""
    pairs = seed_pairs({key: runs[key] for key in repeats}, repeats, metric)
    return pairs + ([[sngan[metric], rerun[metric]]] if rerun is not None else [])


def without_sn_change(with_sn: dict, without: dict, noise: float) -> str:
    """How the SNGAN CNN from scratch fared with BatchNorm in D in place of spectral norm (`with_sn`,
    `without`: each run's "fid" and "recall"): "dropping" when its recall falls below half the
    other's (severe mode dropping, as `severe_dropping` reads it), else "worse" or "better" when its
    FID moved by more than `noise` (the threshold for two single runs), else "unresolved"."""
    if severe_dropping({"without": without}, with_sn):
        return "dropping"
    change = round(without["fid"], 1) - round(with_sn["fid"], 1)  # as the FIDs are printed
    return "worse" if change > noise else "better" if change < -noise else "unresolved"


def spectral_norm_evidence_sentence(
    late_change: float,
    threshold: float,
    scratch_test: dict,
    drops_modes: bool,
    sngan: dict,
    own: dict,
    cite: str = "",
    devices: tuple[str, str] = ("", ""),
    d_losses: tuple[float, float] | None = None,
    rerun: dict | None = None,
) -> str:
    """What this project's runs say for keeping spectral normalisation in D: `own`, the SNGAN CNN
    trained from scratch like its first stage (`sngan`) with BatchNorm in D instead, read against the
    two-run threshold of the scratch pairs (`scratch_test`: `mean_difference_threshold` of `scratch_pairs`,
    runs_per_mean=1; `without_sn_change`; `cite`: where both are); `late_change`, the leave-one-out
    change of FID without it (resolved beyond `threshold`); and `drops_modes`, whether the 2 x 2 of
    DCGAN's CNN from scratch blames spectral normalisation for severe mode dropping
    (`spectral_norm_drops_modes`, against the same partner as `own`).
    `devices`: where `own` and the first stage trained (`reporting.device_name`), named beside a rerun;
    `rerun`: the first stage trained again from its seed where `own` trained, then the partner `own`
    is read against (its change from the first stage joins the pairs of `scratch_test`); `d_losses`:
    D's hinge loss in the last epoch of `own` and of its partner."""
    noise = scratch_test["threshold"]
    partner = sngan if rerun is None else rerun
    scratch = without_sn_change(partner, own, noise)
    change = round(own["fid"], 1) - round(partner["fid"], 1)  # as the two FIDs are printed
    where = f" ({cite})" if cite else ""
    first_on = "the CPU" if devices[1] == "CPU" else f"the {devices[1]} GPU"  # named beside a rerun
    spread = (
        f"the seed{' and machine' if rerun is not None else ''} pairs' spread sets the threshold for two "
        f"single runs at {noise:.1f} (t-test at 5%, {scratch_test['dof']} degrees of freedom)"
    )
    read = {
        "dropping": "it dropped modes severely without spectral normalisation",
        "worse": f"a rise of {change:.1f}, resolved: {spread}",
        "better": f"a fall of {-change:.1f}, resolved: {spread}",
        "unresolved": f"a change of {signed(change, 1)}, not resolved: {spread}",
    }[scratch]
    text = f"The SNGAN CNN with BatchNorm in D instead, trained from scratch for as long{where}, reached "
    if rerun is None:
        text += (
            f"an FID of {own['fid']:.1f} against {sngan['fid']:.1f} and a recall of {own['recall']:.2f} "
            f"against {sngan['recall']:.2f}: {read}"
        )
    else:
        text += (
            f"an FID of {own['fid']:.1f} and a recall of {own['recall']:.2f}, against {rerun['fid']:.1f} and "
            f"{rerun['recall']:.2f} for the first stage trained again there from the same seed "
            f"({sngan['fid']:.1f} and {sngan['recall']:.2f} on {first_on}): {read}"
        )
    if d_losses is not None:
        without, with_sn = d_losses
        losses = f"D's last-epoch hinge loss {without:.2f} against {with_sn:.2f}, 2 at the equilibrium"
        if without < with_sn / 2:
            text += f"; without it D pulled far ahead of G ({losses})"
        else:
            text += f" ({losses})"
    text += "."
    late = "worse" if late_change > threshold else "better" if late_change < -threshold else "unresolved"
    late_words = {
        "worse": f"taken out late it raised the FID by {late_change:.2f}, beyond the noise",
        "better": f"taken out late it lowered the FID by {-late_change:.2f}, beyond the noise",
        "unresolved": "taken out late it made no resolved difference",
    }[late]
    dcgan = (
        "on DCGAN's CNN it brought severe mode dropping"
        if drops_modes
        else "on DCGAN's CNN it did not bring severe mode dropping by itself"
    )
    if scratch in ("dropping", "worse"):
        though = "though " if late == "better" else ""
        depends = ": its effect depends on the CNN" if drops_modes else ""
        support = (
            "So this one pair of runs favours spectral normalisation for the SNGAN CNN from the start"
            if scratch == "worse"
            else "So the runs support spectral normalisation for the SNGAN CNN from the start"
        )
        verdict = f"{support}; {though}{late_words}, and {dcgan}{depends}."
    elif scratch == "better" and late == "worse":
        verdict = (
            f"So the runs are divided on spectral normalisation: {late_words}, but the SNGAN CNN did better "
            f"without it from the start, and {dcgan}."
        )
    elif scratch == "better":
        verdict = (
            "So these runs speak against spectral normalisation: the SNGAN CNN did better without it from "
            f"the start, {late_words}, and {dcgan}. It stays because every later stage continued "
            "from the first."
        )
    elif late == "worse":
        verdict = (
            f"So the runs support keeping spectral normalisation only weakly: {late_words}, but from the "
            f"start it made no resolved difference to the SNGAN CNN, and {dcgan}."
        )
    else:
        verdict = (
            f"So these runs give no evidence for keeping spectral normalisation: from the start it made no "
            f"resolved difference to the SNGAN CNN, {late_words}, and {dcgan}. It stays because every later "
            "stage continued from the first."
        )
    return f"{text} {verdict}"


def cnn_pair_sentence(
    runs: dict[str, dict],
    sngan: dict,
    cite: str = "",
    class_names=None,
    probe: str = "The probe",
    fid_threshold: float | None = None,
) -> str:
    """Which of the hinge loss and spectral normalisation fails on DCGAN's CNN, from the 2 x 2 of
    runs from scratch with the first SNGAN stage's recipe and epochs: `runs` {"hinge + SN",
    "hinge + BN", "BCE + SN", "BCE + BN": its `gan_evaluation` ("fid", "recall", and with
    `class_names` "class_counts")}, `sngan` that stage's. A run drops modes when its recall is below
    half the SNGAN stage's, as `architecture_control_sentence` reads it; given `class_names`, the
    probe's class counts are read against that verdict; the FIDs are then ranked against that stage's,
    and, given the `fid_threshold` two single runs must differ by (`mean_difference_threshold`), said to be
    unresolved when no FID difference quoted exceeds it."""

    def words(key: str) -> str:  # "hinge + BN" -> "hinge loss with BatchNorm"
        loss, norm = key.split(" + ")
        loss = "hinge loss" if loss == "hinge" else loss
        return f"{loss} with {'spectral norm' if norm == 'SN' else 'BatchNorm'}"

    where = f"; {cite}" if cite else ""
    recalls = _digits([f"{runs[key]['recall']:.2f}" for key in ("hinge + BN", "BCE + SN", "BCE + BN")])
    text = (
        f"Without spectral normalisation (BatchNorm in D instead{where}), without the hinge loss (BCE "
        f"instead) and without both, DCGAN's CNN reached recalls of {recalls}."
    )
    dropping = severe_dropping(runs, sngan)
    named, named_and = ", ".join(map(words, dropping)), " and ".join(map(words, dropping))
    threshold = f"(a recall below {sngan['recall'] / 2:.2f}, half the SNGAN stage's)"
    if not dropping:
        verdict = f"So none of the four drops modes severely {threshold} at this budget."
    elif dropping == ["hinge + SN"]:
        verdict = f"So only the pair drops modes severely {threshold}: taking out either one avoids it."
    elif set(dropping) == {"hinge + SN", "BCE + SN"}:
        verdict = (
            "So spectral normalisation, not the hinge loss, brings the severe mode dropping on DCGAN's CNN: "
            f"of these four runs the two with it drop modes severely {threshold}, the two without it do not."
        )
    elif set(dropping) == {"hinge + SN", "hinge + BN"}:
        verdict = (
            "So the hinge loss, not spectral normalisation, brings the severe mode dropping on DCGAN's CNN: "
            f"of these four runs the two with it drop modes severely {threshold}, the two without it do not."
        )
    elif len(dropping) == len(runs):
        verdict = (
            f"So all four drop modes severely {threshold}: at this budget DCGAN's CNN does, whatever its "
            "loss and D."
        )
    elif "hinge + SN" not in dropping:
        verdict = f"So the pair does not drop modes severely at this budget, but {named_and} do {threshold}."
    else:
        verdict = f"So neither feature alone accounts for it: {named} drop modes severely {threshold}."
    classes = ""
    if class_names is not None and dropping:
        kept = {name: e["class_counts"] for name, e in runs.items() if name not in dropping}
        classes = " " + class_skew_sentence(
            {name: runs[name]["class_counts"] for name in dropping},
            {**kept, "SNGAN": sngan["class_counts"]},
            class_names,
            probe,
            lambda name: "the SNGAN stage" if name == "SNGAN" else words(name),
        )
    better = [name for name, e in runs.items() if round(e["fid"], 1) < round(sngan["fid"], 1)]
    quoted = []  # the FID differences the sentence quotes
    if better:
        fids = " and ".join(f"{words(name)} ({runs[name]['fid']:.1f})" for name in better)
        verb = "beats" if len(better) == 1 else "beat"
        ranking = f"{fids} {verb} the SNGAN stage's FID of {sngan['fid']:.1f}"
    else:
        closest = min(runs, key=lambda name: round(runs[name]["fid"], 1))
        nearest = round(round(runs[closest]["fid"], 1) - round(sngan["fid"], 1), 1)
        quoted.append(nearest)
        ranking = (
            f"none of the four reached the SNGAN stage's FID of {sngan['fid']:.1f} "
            f"(the nearest, {words(closest)}, by {nearest:.1f})"
        )
    costs = {
        norm: runs[f"hinge + {key}"]["fid"] - runs[f"BCE + {key}"]["fid"]
        for key, norm in (("BN", "BatchNorm"), ("SN", "spectral norm"))
    }
    if all(c > 0 for c in costs.values()) or all(c < 0 for c in costs.values()):
        moved = "raised" if next(iter(costs.values())) > 0 else "lowered"
        by = " and ".join(f"{abs(c):.1f} with {norm}" for norm, c in costs.items())
        loss = f"In seed 0 the hinge loss {moved} the FID with either D (by {by})"
    else:
        by = " and ".join(f"{signed(c, 1)} with {norm}" for norm, c in costs.items())
        loss = f"In seed 0 the hinge loss moved the FID by {by}"
    unresolved = ""
    quoted += costs.values()
    if fid_threshold is not None:  # read as printed, to 0.1
        printed, threshold = [round(abs(g), 1) for g in quoted], round(fid_threshold, 1)
        against = f"the {threshold:.1f} by which two single runs can differ by chance (t-test, below)"
        beyond = [f"{g:.1f}" for g in printed if g > threshold]
        if beyond:
            unresolved = (
                f"; of these differences, {_digits(beyond)} {'exceeds' if len(beyond) == 1 else 'exceed'} "
                f"{against}"
            )
        else:
            at = ", which the largest equals" if threshold in printed else ""
            count = NUMBER_WORDS.get(len(printed), str(len(printed)))
            unresolved = f"; none of these {count} differences exceeds {against}{at}"
        worse = [
            name
            for name, e in runs.items()
            if round(round(e["fid"], 1) - round(sngan["fid"], 1), 1) > threshold
        ]
        if not worse:
            unresolved += ", so the SNGAN CNN's FID is resolved lower than none of the four"
        elif len(worse) < len(runs):
            spectral = set(worse) == {"hinge + SN", "BCE + SN"}
            than = "DCGAN's CNN with spectral norm" if spectral else _digits(map(words, worse))
            unresolved += f", so the SNGAN CNN's FID is resolved lower only than {than}"
            if "BCE + BN" not in worse:  # not than DCGAN's own recipe: the CNN was chosen by the long runs
                unresolved += "; its choice rests on the long runs, which changed loss and schedule with it"
    return f"{text} {verdict}{classes} {loss}, and {ranking}{unresolved}."


def remedies_sentence(
    control: dict,
    first: dict,
    final: dict,
    dcgan: dict,
    epochs: int,
    cites: tuple[str, str] = ("", ""),
    own: dict | None = None,
    blamed: str = "",
    recall_threshold: float | None = None,
    continued: tuple[dict, str] | None = None,
) -> str:
    """What combated mode dropping, from the recall of the evaluations: `control`,
    DCGAN's CNN trained with the first SNGAN stage's recipe (hinge loss, spectral norm, EMA) for
    the same `epochs`; `own`, DCGAN's CNN with its own BCE and BatchNorm and that recipe's EMA and
    schedule; `first`, that first stage on their machine; `final`, the shipped model after its warm
    restarts; `dcgan`, the best DCGAN run (`cites`: where the controlled runs and the long runs are);
    `blamed`, where the text shows that only the runs with spectral normalisation dropped modes, if
    it does; `recall_threshold`, how far two single runs' recalls differ by chance, if known;
    `continued`, the first stage the restarts continued and where it trained, when not `first`."""

    control_cite, runs_cite = (f", {cites[0]}" if cites[0] else "", f" ({cites[1]})" if cites[1] else "")
    text = (
        f"Of what was done, the shipped model's hinge loss, spectral normalisation and EMA did not by "
        f"themselves keep G from dropping modes: on DCGAN's CNN they reached a recall of only "
        f"{control['recall']:.2f} after {epochs} epochs"
    )
    if own is not None:
        below = round(control["recall"], 2) < round(own["recall"], 2)
        text += f", {'below' if below else 'not below'} DCGAN's own BCE and BatchNorm ({own['recall']:.2f})"
    if blamed:
        text += f", and there only the runs with spectral normalisation dropped modes ({blamed})"
    if round(first["recall"], 2) <= round(control["recall"], 2):
        did = f"the SNGAN CNN did no better (both from seed 0{control_cite})"
        return f"{text}, and {did}: {first['recall']:.2f}."
    text += f". With them the deeper SNGAN CNN reached {first['recall']:.2f} (both from seed 0{control_cite})"
    named = False  # whether the sentence has quoted the recall threshold yet
    if own is not None and round(first["recall"], 2) <= round(own["recall"], 2):
        text += f", no more than DCGAN's own BCE and BatchNorm ({own['recall']:.2f})"
    elif own is not None and recall_threshold is not None:
        ahead, limit = (
            round(round(first["recall"], 2) - round(own["recall"], 2), 2),
            round(recall_threshold, 2),
        )
        if ahead <= limit:
            pairs = f"recall threshold {limit:.2f}"
            text += f", level with DCGAN's own BCE and BatchNorm ({own['recall']:.2f}; {pairs})"
            named = True
    lead = round(round(final["recall"], 2) - round(dcgan["recall"], 2), 2)  # as printed
    beat = "above" if lead > 0 else "not above"
    unresolved = ""
    if lead > 0 and recall_threshold is not None and lead <= round(recall_threshold, 2):
        threshold = "that threshold" if named else f"the recall threshold of {recall_threshold:.2f}"
        beat = f"{lead:.2f} above"
        unresolved = f", a lead within {threshold} and so not resolved"
    start, where = continued if continued is not None else (first, "")
    if round(final["recall"], 2) > round(start["recall"], 2):
        restarts = "the warm-restarted stages, with their added epochs,"
        raised = f"the stage they continued ({start['recall']:.2f} on the {where})" if continued else "it"
        text += f", and {restarts} raised {raised} to {final['recall']:.2f}, {beat}"
    else:
        text += f"; the shipped model's recall is {beat}"
    return f"{text} the best DCGAN run's {dcgan['recall']:.2f}{runs_cite}{unresolved}."


def remedy_trial_sentence(
    trial: dict, control: dict, repeat: dict, sngan: dict, epochs: int, remedy: str, cite: str = ""
) -> str:
    """What one remedy did to the severest mode dropping: `trial`, DCGAN's CNN with the hinge loss and
    spectral norm (`control`, from seed 0; `repeat`, from seed 1) trained again from seed 0 for as many
    `epochs` with the `remedy` (its words, with any citation) added; each a `gan_evaluation`. It works
    when its recall is no longer below half the first SNGAN stage's (`sngan`), as `severe_dropping`
    reads it; short of that, it helped only if its recall is above both runs' without it."""
    mark = sngan["recall"] / 2
    where = f" ({cite})" if cite else ""
    text = (
        f"Tried where G dropped modes most, on DCGAN's CNN with hinge loss and spectral "
        f"normalisation: {remedy}. In {epochs} epochs from seed 0 it reached a recall of "
        f"{trial['recall']:.2f} and an FID of {trial['fid']:.1f}, against {control['recall']:.2f} and "
        f"{control['fid']:.1f} without it{where}"
    )
    half = f"half the first SNGAN stage's recall ({mark:.2f})"
    if not severe_dropping({"trial": trial}, sngan):
        return f"{text}: no longer below {half}, so in this run it kept G from dropping modes severely."
    if round(trial["recall"], 2) > max(round(control["recall"], 2), round(repeat["recall"], 2)):
        return f"{text}: above both runs without it, but still below {half}: G still dropped modes severely."
    return f"{text}: no higher, so it did not keep G from dropping modes."


def recipe_trial_sentence(
    trial: dict,
    rerun: dict,
    thresholds: dict[str, float],
    remedy: str,
    cite: str = "",
    same_machine: bool = True,
) -> str:
    """What the same remedy did on the first SNGAN stage's recipe, whose model ships: `trial` that stage
    trained with the `remedy` (its short name), `rerun` without it from the same seed (on the same
    machine when `same_machine`), each a `gan_evaluation`; `thresholds`, {"fid", "recall"}: how far two
    single runs differ by chance (`mean_difference_threshold`). A change counts only beyond its
    threshold, as printed."""
    where = f", {cite}" if cite else ""
    machine = " and machine" if same_machine else ""
    text = (
        f"On the shipped model's first-stage recipe {remedy} moved recall from {rerun['recall']:.2f} to "
        f"{trial['recall']:.2f} and FID from {rerun['fid']:.1f} to {trial['fid']:.1f} "
        f"(same seed{machine}{where})"
    )
    recall = round(round(trial["recall"], 2) - round(rerun["recall"], 2), 2)  # as printed
    fid = round(round(trial["fid"], 1) - round(rerun["fid"], 1), 1)
    thresholds = {"fid": round(thresholds["fid"], 1), "recall": round(thresholds["recall"], 2)}
    limits = f"{thresholds['fid']:.1f} in FID, {thresholds['recall']:.2f} in recall"
    moved = []
    if abs(recall) > thresholds["recall"]:
        moved.append(f"recall {'rose' if recall > 0 else 'fell'} by {abs(recall):.2f}")
    if abs(fid) > thresholds["fid"]:
        moved.append(f"FID {'rose (worse)' if fid > 0 else 'fell (better)'} by {abs(fid):.1f}")
    if not moved:
        return f"{text}: within the two-run thresholds ({limits}), so not resolved."
    if recall <= thresholds["recall"]:
        verdict = "so it did not widen what G covers"
    elif fid > thresholds["fid"]:
        verdict = "so it widened what G covers, but moved the samples further from the data by FID"
    else:
        verdict = "so there it widened what G covers"
    return f"{text}: {_digits(moved)}, beyond the two-run thresholds ({limits}), {verdict}."


def mode_collapse_verdict(
    evaluation: dict, real_recall: float, class_names, dropped: float = 2 / 3, short: float = 0.8
) -> str:
    """Whether class entropy, recall and the probe's class counts show mode collapse, partial mode
    dropping (a class below `dropped` times the probe's share of it among real test images, or
    recall below `short` times that of real images) or neither."""
    entropy_ratio = evaluation["label_entropy_nats"] / math.log(10)
    if entropy_ratio > 0.9 and evaluation["recall"] > 0.2 and min(evaluation["class_counts"]) > 0:
        generated = np.asarray(evaluation["class_counts"]) / sum(evaluation["class_counts"])
        real = np.asarray(evaluation["test_class_counts"]) / sum(evaluation["test_class_counts"])
        rarest = int(np.argmin(generated / real))
        text = (
            f"Together these show no collapse onto a few modes: the probe assigns all ten classes and the "
            f"class entropy is {entropy_ratio:.0%} of its maximum."
        )
        under = generated[rarest] < dropped * real[rarest]
        if not under and evaluation["recall"] >= short * real_recall:
            return text + " Nor do they show a dropped mode: every class is near its real share."
        parts = []
        if under:
            # The probe's own errors move a class's share of the real test images (1,000 each) this
            # far from 10%; a sample class further from its real share than that is G's or the probe's.
            tolerance = np.abs(real - 1 / len(real)).max()

            def classes(sign):  # the furthest first, with its shares; the rest by name
                order = np.argsort(sign * (generated - real), kind="stable")
                named = [i for i in order if sign * (real[i] - generated[i]) > tolerance]
                if not named:
                    return ""
                first = f"{class_names[named[0]]} ({generated[named[0]]:.1%} against {real[named[0]]:.1%})"
                return _digits([first, *(class_names[i] for i in named[1:])])

            over = classes(-1)
            parts.append(
                f"against the probe's shares of real test images ({real.min():.1%} to {real.max():.1%}, "
                f"where the truth is 10% each), G makes too few {classes(1)}"
                + (f", and too many {over}" if over else "")
                + f"; part of this skew may be the probe's ({evaluation['classifier_test_accuracy']:.0%} "
                "accurate on real images), which may favour some classes for samples of no clear object"
            )
        if evaluation["recall"] < short * real_recall:
            parts.append(
                "recall and coverage fall short of real images', so G covers less of the data's variety "
                "than real images do"
            )
        return text + " They do show some modes under-represented: " + "; ".join(parts) + "."
    missing = sum(count == 0 for count in evaluation["class_counts"])
    return (
        f"These numbers show partial mode collapse: the class entropy is only {entropy_ratio:.0%} of its "
        f"maximum, recall is {evaluation['recall']:.2f}"
        + (f" and the probe assigns no sample to {missing} of the classes." if missing else ".")
    )


def traversal_sentence(readings: dict[str, dict[str, list[int]]], moves: dict[str, dict[str, float]]) -> str:
    """What single-coordinate traversals show, per model (`readings`: {model: {coordinate: the
    classifier's label at each step}}, `moves`: {model: {coordinate: the largest pixel change along
    it}}; each model's coordinates by KL, the least informative last): which coordinates change the
    digit, which only reshape it, and whether the least informative one does anything."""

    def path(labels):
        steps = [labels[0]] + [b for a, b in zip(labels, labels[1:]) if b != a]
        return " → ".join(map(str, steps)) if len(steps) > 1 else f"{steps[0]} throughout"

    def name(coordinate):
        return coordinate.split(" ")[0]

    parts, identity_counts, reshaped = [], {}, False
    for model, rows in readings.items():
        informative = list(rows)[:-1]
        parts.append(f"{_digits(f'{path(rows[c])} ({name(c)})' for c in informative)} for the {model}")
        identity_counts[model] = sum(len(set(rows[c])) > 1 for c in informative)
        reshaped |= any(len(set(rows[c])) == 1 and moves[model][c] > 0.2 for c in informative)
    text = (
        f"Along the {len(informative)} most informative coordinates the classifier reads {'; '.join(parts)}."
    )
    if all(count >= 2 for count in identity_counts.values()):
        text += " In each model the digit's identity changes along several coordinates" + (
            ", and the others keep the digit but reshape it: no coordinate is one factor of variation, "
            "and the larger β has not separated identity from shape at this budget."
            if reshaped
            else ": no coordinate is one factor of variation."
        )
    elif any(count >= 2 for count in identity_counts.values()):
        entangled = [m for m, count in identity_counts.items() if count >= 2]
        text += f" The digit's identity changes along several coordinates only for the {_digits(entangled)}."
    else:
        text += " No more than one coordinate changes the digit's identity in either model."
    least = {model: moves[model][list(rows)[-1]] for model, rows in readings.items()}
    text += (
        f" Along the least informative coordinate no pixel moves by more than {max(least.values()):.2f}: "
        "it has collapsed to the prior and carries nothing."
        if max(least.values()) < 0.1
        else f" Even the least informative coordinate moves pixels by up to {max(least.values()):.2f}."
    )
    return text


def _beta_order_change(base: dict[float, dict], other: dict[float, dict]) -> tuple[float, dict]:
    """How `other` ({β: a run's final test terms}) differs from `base`: the largest move of a β's
    term as a share of its distance (in `base`) to the nearest other β in that term, and, per term,
    the βs whose place in that term's order changed."""
    betas = sorted(base)
    share, swapped = 0.0, {}
    for term in ("reconstruction", "kl"):
        value = {b: base[b][f"test_{term}"] for b in betas}
        for b in betas:
            nearest = min(abs(value[b] - value[c]) for c in betas if c != b)
            share = max(share, abs(other[b][f"test_{term}"] - value[b]) / nearest)
        orders = [sorted(betas, key=lambda b, run=run: run[b][f"test_{term}"]) for run in (base, other)]
        swapped[term] = [b for b, c in zip(*orders) if b != c]
    return share, swapped


def beta_order_sentence(
    base: dict[float, dict], variants: dict[str, dict[float, dict]], cite: str = ""
) -> str:
    """Whether the β study's order survives the same study trained otherwise (`base`: {β: the
    run's final test terms}; `variants`: {how the runs differ, e.g. "trained for 12 epochs": their
    final terms}): the βs' order in each term, and the largest move of a β's term as a share of
    its distance (in `base`) to the nearest other β in that term (`cite`: where the terms are)."""
    changes = {how: _beta_order_change(base, other) for how, other in variants.items()}
    where = f" ({cite})" if cite else ""
    kept, nearest = (
        "the βs keep their order in both terms: each β's term moves by at most",
        "of the gap to the nearest other β's value in that term",
    )

    def percent(share: float) -> str:
        return f"{math.ceil(round(100 * share, 6))}%"

    if not any(any(swapped.values()) for _, swapped in changes.values()):
        if len(changes) == 1:
            shares = percent(next(iter(changes.values()))[0])
        else:  # each share named by its run, e.g. "41% (for 12 epochs) or 14% (from seed 1)"
            shares = " or ".join(
                f"{percent(share)} ({how.removeprefix('trained ')})" for how, (share, _) in changes.items()
            )
        text = f"{' or '.join(changes)}, {kept} {shares} {nearest}{where}."
        return text[0].upper() + text[1:]
    clauses = []
    for how, (share, swapped) in changes.items():
        if not any(swapped.values()):
            clauses.append(f"{how}, {kept} {percent(share)} {nearest}")
            continue
        which = "; ".join(
            f"β = {', '.join(f'{b:g}' for b in sorted(found))} change places in the "
            f"{'KL' if term == 'kl' else 'reconstruction term'}"
            for term, found in swapped.items()
            if found
        )
        clauses.append(f"{how}, {which}, and a term moves by up to {percent(share)} {nearest}")
    text = "; ".join(clauses) + f"{where}."
    return text[0].upper() + text[1:]


def still_falling_sentence(further: dict, epochs: int, budget: int, cite: str = "") -> str:
    """Whether a study's runs had converged after `budget` epochs: `further` ({β: fall}), how much
    lower each run's copy trained to `epochs` epochs ends than the run itself after `budget`
    epochs (nats; negative if higher; `cite`: the table of both); the copies whose loss is not
    lower are named."""
    copies = f"the copies trained for {epochs} epochs{f' ({cite})' if cite else ''}"
    down = [f for f in further.values() if f > 0]
    if not down:
        return (
            f"The βs are compared near convergence: in {copies}, no minimised test loss is lower than "
            f"after {budget} epochs."
        )
    who = "all" if len(down) == len(further) else f"{len(down)} of the {len(further)}"
    rest = "".join(
        f", and that of β = {b:g} " + (f"is {-f:.2f} higher" if f < 0 else "is level")
        for b, f in further.items()
        if f <= 0
    )
    fell = range_text((min(down), max(down)), 2, collapse=True)
    return (
        f"The study compares the βs at one budget, not at convergence: in {copies}, {who} minimised test "
        f"losses are a further {fell} nats lower than after {budget} epochs{rest}."
    )


def standing_statistics_sentence(result: dict, reference: str = "the real subset") -> str:
    """What the EMA generator's copied BatchNorm statistics cost: `result` from
    `gan_results.ema_batchnorm_fid` (FIDs against `reference` with the copied and with its own
    statistics, one per noise set, the same noise through both). A change is read as real only
    when every noise set moves the same way."""
    changes = [s - c for c, s in zip(result["copied"], result["standing"])]
    pairs = _digits([f"{c:.1f} to {s:.1f}" for c, s in zip(result["copied"], result["standing"])])
    count = NUMBER_WORDS.get(len(changes), str(len(changes)))
    sets = f"{count} noise set{'s' if len(changes) > 1 else ''}"
    text = (
        f"Recomputed in training mode over {result['noise_vectors']:,} noise vectors, the EMA G's own "
        f"statistics move the FID of {result['samples']:,} samples (same noise, {reference}) from "
        f"{pairs} ({sets})"
    )
    if all(c < 0 for c in changes):
        cost = f"the copied ones cost {abs(sum(changes)) / len(changes):.1f} on average"
        return f"{text}: {cost}, and every FID here is measured with them."
    if all(c > 0 for c in changes):
        return f"{text}: the copied ones cost nothing."
    return f"{text}: in opposite directions, so the copied ones cost nothing measurable."

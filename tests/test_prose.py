"""The report's sentence-choosing functions choose right on made-up data."""

import math

import numpy as np
import pytest

from genmodels import prose


def test_map_regions_names_clear_and_mixed_digits():
    purity = {0: 0.9, 1: 0.95, 2: 0.8, 3: 0.6, 4: 0.7, 5: 0.65}
    text = prose.map_regions_sentence(purity)
    assert text.startswith(
        "digits 1 and 0 have regions of their own (each of them has a map purity, the mean"
    )
    assert "that share its digit, of at least 85%)" in text
    assert "3, 4 and 5 are the most mixed (60% to 70%)" in text


def test_map_regions_reads_the_rounded_per_cents_and_names_ties():
    purity = {0: 0.9, 1: 0.846, 2: 0.8, 3: 0.6, 4: 0.7, 5: 0.65, 6: 0.7}
    text = prose.map_regions_sentence(purity)
    assert text.startswith("digits 0 and 1 have regions")  # 84.6% prints as 85%, so 1 is named
    assert "3, 4, 5 and 6 are the most mixed (60% to 70%)" in text  # 4 and 6 tie at the third-worst


def test_map_regions_when_every_digit_is_clear():
    text = prose.map_regions_sentence({0: 0.97, 1: 0.96, 2: 0.93, 3: 0.9, 4: 0.95, 5: 0.89})
    assert text == (
        "every digit has a region of its own (each has a map purity, the mean share of a point's 5 map "
        "neighbours that share its digit, of at least 89%), the most mixed being 2, 3 and 5 (89% to 93%)"
    )


def test_map_regions_without_a_clear_digit():
    text = prose.map_regions_sentence({0: 0.5, 1: 0.6, 2: 0.55, 3: 0.52})
    assert text.startswith("no digit has a region of its own (at most 60%")


def test_path_labels_direct_and_detour():
    text = prose.path_labels_sentence([("1→0 lin", [1, 0], 0.9, 5), ("3→8 lin", [3, 5, 8], 0.4, 7)])
    assert text.startswith(
        "By the classifier's labels, 1→0 lin goes straight from the start digit to the end digit;"
    )
    two = prose.path_labels_sentence([("a", [1, 0], 0.9, 5), ("b", [4, 9], 0.8, 2), ("c", [3, 5, 8], 0.4, 7)])
    assert two.startswith(
        "By the classifier's labels, 2 of the 3 paths go straight from the start digit to the end"
    )
    every = prose.path_labels_sentence([("a", [1, 0], 0.9, 5), ("b", [4, 9], 0.8, 2)])
    assert every.startswith("By the classifier's labels, all 2 paths go straight") and "pass" not in every
    assert "3→8 lin (3 → 5 → 8) passes through other digits" in text
    same = prose.path_labels_sentence([("1→0 lin", [1, 2, 0], 0.9, 5), ("1→0 sph", [1, 2, 0], 0.8, 6)])
    assert "1→0 lin and 1→0 sph (each 1 → 2 → 0) pass through other digits on the way" in same
    assert "step 7 of 3→8 lin (40% confidence)" in text


def test_paths_on_map_agreement_and_disagreement():
    read = {"a": [1, 1, 0, 0], "b": [4, 4, 9, 9], "c": [4, 4, 4, 9]}
    regions = {"a": [1, 1, 0, 0], "b": [4, 7, 7, 9], "c": [4, 4, 9, 9]}
    text = prose.paths_on_map_sentence(read, regions, {"a": 3, "b": 2, "c": 5}, 4)
    assert "reads in it at all 4 steps of a, 3 of c and 2 of b (regions 4 → 7 → 9, labels 4 → 9)." in text
    assert "c (" not in text  # same digits in the same order, one step earlier: no routes
    assert "Where the two disagree" in text
    assert "The 4 steps of a path land on only 2 to 5 separate map positions" in text
    alike = prose.paths_on_map_sentence({"a": [1, 0]}, {"a": [1, 0]}, {"a": 2}, 2)
    assert "at all 2 steps of a." in alike and "disagree" not in alike and "only 2 separate" in alike
    one_off = prose.paths_on_map_sentence({"a": [1, 0]}, {"a": [0, 0]}, {"a": 2}, 2)
    assert "at 1 of the 2 steps of a (regions 0, labels 1 → 0)." in one_off


def test_comparison_picks_the_lower_value():
    assert prose.comparison_sentence("A", "B", 94.0, 98.2, "nats", "test −ELBO").startswith(
        "A reaches a lower test −ELBO than B (94.0 against 98.2 nats, 4.2 nats less)"
    )
    assert prose.comparison_sentence("A", "B", 99.0, 98.0, "nats", "x").startswith(
        "B reaches a lower x than A"
    )
    assert "the same x" in prose.comparison_sentence("A", "B", 1.0, 1.0, "nats", "x")


def test_free_bits_floor():
    assert "sits just below that floor: the dimensions take about" in prose.floor_sentence(15.6, 16.0)
    assert "sits at or just above that floor" in prose.floor_sentence(16.5, 16.0)
    assert "well above" in prose.floor_sentence(30.0, 16.0)
    assert "below that floor" in prose.floor_sentence(5.0, 16.0)


def _robustness(pca_disparity, random_trust, varied_disparity, varied_knn):
    def entry(disparity, trust, knn):
        return {"disparity": disparity, "trustworthiness": trust, "knn_accuracy_embedding": knn}

    stability = {
        "pca": entry(pca_disparity, (0.97, 0.97), (0.89, 0.89)),
        "random": entry(0.09, random_trust, (0.886, 0.894)),
    }
    sensitivity = {
        "default": entry(0.0, 0.97, 0.89),
        "learning rate × 4": entry(varied_disparity, 0.968, varied_knn),
    }
    sensitivity["early exaggeration 4"] = entry(0.02, 0.971, 0.89)
    return stability, sensitivity


def test_tsne_robustness_sentence_reads_layout_and_neighbourhoods():
    text = prose.tsne_robustness_sentence(*_robustness(0.0, (0.969, 0.970), 0.13, 0.9), (0, 1, 2), "@tbl-x")
    assert text == (
        "With the PCA initialisation used here, seeds 0, 1 and 2 give the same map; with random "
        "initialisation, or with one optimiser setting changed, the map moves by a Procrustes disparity of "
        "up to 0.13, but its neighbourhoods hold: trustworthiness and map 5-NN accuracy stay within 0.002 "
        "and 1.0 points of the default map's (@tbl-x)."
    )
    shifted = prose.tsne_robustness_sentence(*_robustness(0.2, (0.969, 0.970), 0.13, 0.9), (0, 1), "@tbl-x")
    assert shifted.startswith(
        "With the PCA initialisation used here, seeds 0 and 1 give maps within a Procrustes disparity "
        "of 0.20;"
    )
    still = prose.tsne_robustness_sentence(*_robustness(0.0, (0.969, 0.970), 0.03, 0.9), (0, 1), "@tbl-x")
    assert "up to 0.09" in still  # the random initialisation's disparity is the largest here
    steady = _robustness(0.0, (0.969, 0.970), 0.03, 0.9)
    steady[0]["random"]["disparity"] = 0.01
    assert "and its neighbourhoods hold" in prose.tsne_robustness_sentence(*steady, (0, 1), "@tbl-x")
    moved = prose.tsne_robustness_sentence(*_robustness(0.0, (0.90, 0.97), 0.13, 0.9), (0, 1), "@tbl-x")
    assert moved.endswith("and its neighbourhood measures move with it (@tbl-x).")
    assert prose.tsne_robustness_sentence(
        *_robustness(0.0, (0.969, 0.97), 0.13, 0.8), (0, 1), "@tbl-x"
    ).endswith("move with it (@tbl-x).")


def test_dropout_sentence_follows_the_measured_nll():
    assert "raises the MLP's test NLL from 93.0 to 98.8" in prose.dropout_sentence(0.2, 93.0, 98.8)
    assert "lowers the MLP's test NLL from 98.8 to 93.0" in prose.dropout_sentence(0.2, 98.8, 93.0)
    assert "leaves the MLP's test NLL where it was" in prose.dropout_sentence(0.2, 93.0, 93.2)


def test_conv_dropout_sentence_decides_for_the_final_model():
    worse = prose.conv_dropout_sentence(0.2, 94.01, 95.3, 10)
    assert worse.endswith(
        "ends 10 epochs at a higher test −ELBO (95.3 against 94.0 nats): the test set agrees with leaving "
        "it off."
    )
    assert "leaving it off costs nothing" in prose.conv_dropout_sentence(0.2, 94.0, 94.3, 10)
    assert "would gain from it" in prose.conv_dropout_sentence(0.2, 94.0, 93.0, 10)


def test_batchnorm_sentence_follows_the_measured_nll():
    assert prose.batchnorm_sentence(92.8, 95.0).endswith(
        "instead of 92.8 after the same epochs, so BatchNorm helps"
    )
    assert "does not help measurably" in prose.batchnorm_sentence(92.8, 93.1)
    assert "costs more than it gives" in prose.batchnorm_sentence(95.0, 92.8)


def test_conv_batchnorm_sentence_compares_the_printed_elbos():
    assert prose.conv_batchnorm_sentence(98.04, 99.1, 10).endswith(
        "ends 10 epochs at a higher test −ELBO (99.1 against 98.0 nats), so BatchNorm helps there."
    )
    assert "does not help measurably" in prose.conv_batchnorm_sentence(98.0, 98.44, 10)
    assert "costs more than it gives" in prose.conv_batchnorm_sentence(99.1, 98.0, 10)


def test_collapse_sentence_only_claims_collapse_below_the_latent_size():
    assert "partial collapse" in prose.collapse_sentence(12, 32)
    assert prose.collapse_sentence(32, 32) == "No dimension has collapsed."


def test_overfitting_sentence_reads_the_test_curve():
    def history(train, test):
        return {"train": [{"total": v} for v in train], "test": [{"total": v} for v in test]}

    flat = prose.overfitting_sentence(history([101, 100, 95, 95], [100, 96, 93.9, 94.0]))
    assert flat == (
        "the test loss stays below the training average at every epoch and ends 0.10 nats above its "
        "minimum (epoch 3 of 4), so there is no sign of overfitting"
    )
    # the training average's lead: 2.0 at epoch 2 (a quarter of 8 epochs), 0.5 at the last
    narrowing = prose.overfitting_sentence(
        history([110, 98, 96, 95, 94.5, 94.2, 94.0, 93.9], [100, 96, 95, 94, 93.8, 93.6, 93.5, 93.4])
    )
    assert narrowing.endswith(
        "is lowest at the last epoch, but the training average's lead narrows from 2.00 nats at epoch 2 to "
        "0.50 at epoch 8, so the model does not overfit yet but fits its training images ever more closely"
    )
    falling = prose.overfitting_sentence(history([101, 100, 95], [100, 96, 93]))
    assert "is lowest at the last epoch, so there is no sign of overfitting" in falling
    rising = prose.overfitting_sentence(history([110, 100, 90, 85], [100, 95, 96, 97]))
    assert rising.startswith("the test loss is above the training average from epoch 3")
    assert rising.endswith(
        "ends 2.00 nats above its minimum (epoch 2 of 4), so the model has begun to overfit"
    )


def test_outliers_sentence_says_whether_the_latent_space_agrees():
    latent = prose.outliers_sentence(40, 3000, 0.8)
    assert latent.startswith("The outliers, the 40 of 3,000 test digits none of whose 5 map neighbours")
    assert (
        "mislabels 80% of them, so most are digits whose neighbours in latent space are of another class"
        in latent
    )
    assert "misplaced by the map" in prose.outliers_sentence(40, 3000, 0.3)
    assert prose.outliers_sentence(0, 3000, 0.0).startswith("No point")


def test_near_floor_sentence_counts_dimensions_at_lambda():
    assert prose.near_floor_sentence(32, 32) == "Of its 32 dimensions, all carry between"
    assert prose.near_floor_sentence(20, 32) == "Of its 32 dimensions, 20 carry between"
    assert prose.near_floor_sentence(0, 32) == "Of its 32 dimensions, none carry between"


def test_stage_trends_directions_and_jumps():
    text = prose.stage_trends_sentence(
        [
            {"stage": 1, "d_loss_first": 1.8, "d_loss_last": 1.4, "g_loss_first": 0.5, "g_loss_last": 0.5},
            {
                "stage": 2,
                "d_loss_first": 1.7,
                "d_loss_last": 1.2,
                "g_loss_first": 0.5,
                "g_loss_last": 0.7,
                "d_loss_jump": 0.3,
            },
        ]
    )
    assert text == (
        "Comparing the first with the second half of each stage, D's loss falls in every stage (by 0.40 to "
        "0.50); G's stays level in stage 1 and rises in stage 2 (by 0.20). "
        "At the restart D's loss jumps up by 0.30."
    )


def test_stage_trends_group_stages_that_move_alike():
    def row(stage, d, g, jump=None):
        values = {
            "stage": stage,
            "d_loss_first": d[0],
            "d_loss_last": d[1],
            "g_loss_first": g[0],
            "g_loss_last": g[1],
        }
        return values | ({"d_loss_jump": jump} if jump is not None else {})

    rows = [
        row(1, (1.5, 1.4), (0.7, 0.6)),
        row(2, (1.6, 1.4), (0.5, 0.6), 0.7),
        row(3, (1.5, 1.3), (0.5, 0.6), 0.5),
    ]
    text = prose.stage_trends_sentence(rows)
    assert "D's loss falls in every stage (by 0.10 to 0.20);" in text
    assert "G's falls in stage 1 (by 0.10) and rises in stages 2 and 3 (by 0.10)." in text
    assert "At each of the 2 restarts D's loss jumps up by 0.50 to 0.70." in text
    windowed = prose.stage_trends_sentence(rows, jump_window=200)
    assert (
        "At each of the 2 restarts D's loss (mean of the 200 iterations after against the 200 before) jumps "
        "up by 0.50 to 0.70." in windowed
    )
    outputs = {"d_real_first": 0.55, "d_real_last": 0.57, "d_fake_first": 0.41, "d_fake_last": 0.35}
    ahead = prose.stage_trends_sentence([r | outputs for r in rows])
    assert "the gap between $\\sigma(D(x))$ and $\\sigma(D(G(z)))$ is wider in every stage (by 0.08)" in ahead
    assert ": D is further ahead of G in the second half of every stage." in ahead
    closing = prose.stage_trends_sentence([r | outputs | {"d_fake_last": 0.45} for r in rows])
    assert "is narrower in every stage" in closing and "further ahead" not in closing
    mixed = prose.stage_trends_sentence(
        [rows[0], row(2, (1.6, 1.4), (0.5, 0.6), 0.7), row(3, (1.5, 1.3), (0.5, 0.6), -0.2)]
    )
    assert "At the restarts D's loss jumps up by 0.70 and down by 0.20." in mixed


def test_hinge_equilibrium_sentence_reads_the_gap():
    ahead = prose.hinge_equilibrium_sentence({"d_loss": 1.2838, "g_loss": 0.6, "d_real": 0.6, "d_fake": 0.4})
    assert "averages 1.284, below the value 2" in ahead and "still separates" in ahead
    assert (  # (2 - 1.2838) / 2 = 0.3581: three decimals, so the reader's (2 - 1.284) / 2 agrees
        "\\mathrm{TV}(p_{\\text{data}}, p_G) \\ge 0.358$" in ahead and "not reached the equilibrium" in ahead
    )
    assert "taken at face value" in ahead
    held_out = {
        "test_hinge": 0.8,
        "train_hinge": 0.75,
        "fake_hinge": 0.3,
        "samples": 10000,
        "fake_right": 0.975,
        "test_right": 0.565,
    }
    fresh = prose.hinge_equilibrium_sentence(
        {"d_loss": 1.3, "g_loss": 0.6, "d_real": 0.6, "d_fake": 0.4}, held_out
    )
    assert (
        "the final D's loss is 1.100; since no D does better" in fresh
        and "\\ge 0.450$ for the shipped" in fresh
    )
    assert "taken at face value" not in fresh
    assert (
        "it puts 56.5% of the test images and 97.5% of the samples on the correct side of 0: these two "
        "shares sum to 154.0%, where at the equilibrium, with the two sets alike to every D, they sum to "
        "100%, so the networks have not reached" in fresh
    )
    seen = prose.hinge_equilibrium_sentence(
        {"d_loss": 1.3, "g_loss": 0.6, "d_real": 0.6, "d_fake": 0.4},
        {**held_out, "train_right": 0.6149},
        "@tbl-x",
    )
    assert "On images it never trained on (@tbl-x), 10,000 test images" in seen
    assert "56.5% of the test images (61.5% of the training images it saw) and 97.5%" in seen
    # with the loss's standard error: 1 - (1.100 + 1.645 * 0.010) / 2 = 0.4418, rounded down
    sampled = prose.hinge_equilibrium_sentence(
        {"d_loss": 1.3, "g_loss": 0.6, "d_real": 0.6, "d_fake": 0.4},
        {**held_out, "held_out_hinge_se": 0.0104},
    )
    assert "the final D's loss is 1.100 (standard error 0.010); since" in sampled
    assert "\\ge 0.450$, and $\\ge 0.441$ with 95% confidence, for the shipped generator" in sampled
    level = prose.hinge_equilibrium_sentence({"d_loss": 2.0, "g_loss": 0.0, "d_real": 0.5, "d_fake": 0.49})
    assert "at or above" in level and "barely separates" in level
    assert "TV" not in level and "consistent with the equilibrium" in level


def test_stage_trends_mentions_a_transient_peak_only_when_it_stands_out():
    row = {"stage": 1, "d_loss_first": 1.5, "d_loss_last": 1.4, "g_loss_first": 0.7, "g_loss_last": 0.6}
    assert "transient" in prose.stage_trends_sentence([{**row, "g_peak": 0.9, "g_peak_epoch": 4}])
    assert "transient" not in prose.stage_trends_sentence([{**row, "g_peak": 0.75, "g_peak_epoch": 4}])


def test_islands_sentence():
    totals = {0: 100, 5: 300, 6: 200}
    assert (
        prose.islands_sentence({0: [90], 5: [160, 50], 6: [100, 40, 30]}, totals)
        == "the map splits digits 5 into 2 (160 and 50 of its 300 points) and 6 into 3 "
        "(100, 40 and 30 of its 200 points) separate islands"
    )
    assert prose.islands_sentence({0: [90], 1: [80]}, {0: 100, 1: 90}) == "every digit forms a single island"
    assert prose.unassigned_range({0: [90], 5: [160, 50]}, {0: 100, 5: 300}) == "10% to 30%"


def test_ink_sentence_names_fading_paths_only():
    def row(ink, where=0.5, solid=1.0):
        return {"ink": ink, "where": where, "solid": solid}

    text = prose.ink_sentence({"7→2 lin": row(0.4), "4→9 lin": row(0.95), "1→0 lin": row(0.5, 0.0)})
    assert "7→2 lin (down to 40%" in text and "4→9" not in text and "1→0" not in text
    solid = prose.ink_sentence({"a": row(0.9), "b": row(0.85, solid=0.95)})
    assert solid == (
        "No path loses much ink between its endpoints: every decoded image keeps at least 85% of the ink "
        "(mean pixel value) of its path's fainter endpoint (least on b), and the share of the ink in solid "
        "strokes (pixels of at least 0.5) falls no lower than 95% of its lower endpoint's (on b): "
        "the strokes move "
        "from one digit to the other rather than fading out."
    )
    kept = prose.ink_sentence({"a": row(1.0, where=0.0), "b": row(1.2, solid=0.84)})
    assert kept.startswith(
        "No path loses much ink between its endpoints: no decoded image has less ink (mean pixel value) than "
        "its path's fainter endpoint, and"
    )
    blurred = prose.ink_sentence({"a": row(0.9, solid=0.5), "b": row(0.85, solid=0.7), "c": row(1.0)})
    assert blurred.endswith(
        "; but it blurs: the share of the ink in solid strokes (pixels of at least 0.5) falls no lower than "
        "50% of its lower endpoint's (on a), where the strokes turn grey."
    )


def test_path_methods_sentence_notices_label_differences():
    same = prose.path_methods_sentence(0.01, {"1→0 lin": "1 → 0", "1→0 sph": "1 → 0"})
    assert "reads the same digits" in same
    differ = prose.path_methods_sentence(0.01, {"1→0 lin": "1 → 8 → 0", "1→0 sph": "1 → 0"})
    assert "the digits visited differ on 1→0" in differ
    routes = {"1→0 lin": "1 → 8 → 0", "1→0 sph": "1 → 0", "3→8 lin": "3 → 8", "3→8 sph": "3 → 8"}
    steps = {"1→0 lin": 9, "1→0 sph": 8, "3→8 lin": 7, "3→8 sph": 8}
    both = prose.path_methods_sentence(0.01, routes, steps)
    assert both.endswith("differ on 1→0 and the end digit's label comes at a different step on 3→8.")
    assert "reads the same digits" in prose.path_methods_sentence(0.01, routes | {"1→0 lin": "1 → 0"}, {})
    normed = prose.path_methods_sentence(0.01, routes, steps, (0.654, 0.9), arc_between=True)
    assert "spherical path's" not in prose.path_methods_sentence(
        0.01, routes, steps, (0.654, 0.9), arc_between=False
    )
    assert (
        "the linear path's norm dips to 65% to 90% of its endpoints' mean, while the spherical path's stays "
        "between its endpoints' norms; since the images still agree" in normed
    )


def test_hyperparameter_table_gives_a_reason_for_every_row():
    from genmodels.config import VAEConfig

    table = prose.hyperparameter_table(VAEConfig(name="t", latent_dim=7))
    rows = table.split("\n")[2:]
    assert len(rows) == len(prose.HYPERPARAMETER_REASONS) + 1
    assert rows[0].split("|")[1].strip() == "architecture" and "convolutions" in rows[0]
    assert any("batch_norm" in row and "| True " in row for row in rows)
    assert any("latent_dim" in row and "| 7 " in row for row in rows)
    assert any("learning_rate" in row and "| 0.001 (Adam)" in row for row in rows)


def _latent_study(*rows: tuple[int, float, int]) -> dict[int, dict]:
    """A made-up latent-size study: (size, −ELBO, active units) per row."""
    return {size: {"elbo": elbo, "active_units": active} for size, elbo, active in rows}


def test_latent_size_reason_says_whether_the_chosen_size_is_the_best():
    study = _latent_study((8, 104.0, 8), (32, 96.3, 17), (64, 96.1, 26))
    level = prose.latent_size_reason(study, 32)
    assert level == (
        "32 and 64 dimensions are level (within 0.5 nats of the best), 8 is worse: 8: 104.0 (8 active), "
        "32: 96.3 (17 active), 64: 96.1 (26 active); 32 is the smallest level size with room to spare "
        "(at least a quarter of its dimensions idle)"
    )
    apart = {**study, 32: {**study[32], "elbo": 97.0}}
    assert prose.latent_size_reason(apart, 64).startswith("the lowest −ELBO of the values tried")
    assert prose.latent_size_reason(apart, 32).startswith("not the best value tried (64 is 0.9 nats lower)")
    from genmodels.config import VAEConfig

    table = prose.hyperparameter_table(VAEConfig(name="t", latent_dim=32), latent_study=study)
    assert "32 and 64 dimensions are level" in table and "(17\u00a0active)" in table  # never split
    assert prose._unbroken("(16–18 active), 8: 103.7") == "(16–\u206018\u00a0active), 8:\u00a0103.7"


def test_sweep_reason_reads_a_learning_rate_sweep():
    elbo = {3e-4: 98.2, 1e-3: 96.3, 3e-3: 96.6}
    assert prose.sweep_reason(elbo, 1e-3) == (
        "0.001 and 0.003 are level (within 0.5 nats of the best), 0.0003 is worse: 0.0003: 98.2, "
        "0.001: 96.3, 0.003: 96.6"
    )
    assert prose.sweep_reason(elbo, 1e-3, field="learning_rate").endswith(
        "0.003: 96.6; the prior reason decides: Adam's usual 10⁻³, stable with BatchNorm"
    )
    assert prose.sweep_reason({**elbo, 3e-3: 97.0}, 1e-3).startswith("the lowest −ELBO of the values tried")
    assert prose.sweep_reason(elbo, 3e-4).startswith("not the best value tried (0.001 is 1.9 nats lower)")
    from genmodels.config import VAEConfig

    table = prose.hyperparameter_table(VAEConfig(name="t"), sweeps={"learning_rate": elbo})
    assert "0.001 and 0.003 are level" in table
    tested = prose.hyperparameter_table(
        VAEConfig(name="t"),
        sweeps={"learning_rate": elbo},
        test_sweeps={"learning_rate": {1e-3: (95.21,), 3e-4: 96.0}},
    )
    assert (
        "0.003:\u00a096.6; the prior reason decides" in tested
        and "; test: 0.0003:\u00a096.0, 0.001:\u00a095.2" in tested
    )


def test_latent_size_reason_prefers_the_smallest_level_size_with_room():
    study = _latent_study((16, 96.4, 15), (32, 96.3, 17), (64, 96.5, 26))
    chosen = prose.latent_size_reason(study, 32)
    assert chosen.endswith(
        "; 16 is full: its runs use 15 of its 16 dimensions and, given room, more (17 at 32); 32 is "
        "the smallest level size with room to spare (at least a quarter of its dimensions idle)"
    )
    fewer = {**study, 32: {**study[32], "active_units": (16, 20)}}  # one run at 32 uses no more than 16
    assert "; 16 may be full: its runs use 15 of its 16 dimensions; 32 is" in prose.latent_size_reason(
        fewer, 32
    )
    roomy16 = {**study, 16: {**study[16], "active_units": 10}}
    assert prose.latent_size_reason(roomy16, 32).endswith(
        "kept although the smallest level size with at least a quarter idle is 16"
    )
    full = {d: {**v, "active_units": d} for d, v in study.items()}
    assert prose.latent_size_reason(full, 32).endswith("with at least a quarter idle is none")


def test_sweeps_from_several_seeds_are_read_by_their_means_and_show_their_spread():
    """A setting measured from several seeds is compared by its mean, and prints it with the
    seeds' standard deviation."""
    elbo = {3e-4: (98.0, 98.4, 98.2), 1e-3: (96.1, 96.9, 96.5), 3e-3: (96.0, 96.2, 96.1)}
    assert prose.sweep_reason(elbo, 1e-3) == (
        "0.001 and 0.003 are level (within 0.5 nats of the best), 0.0003 is worse: 0.0003: 98.2 ± 0.2, "
        "0.001: 96.5 ± 0.4, 0.003: 96.1 ± 0.1"
    )
    # 96.1 from one seed would be level with 96.0 from another; the means are 0.6 apart
    apart = {**elbo, 1e-3: (96.1, 96.9, 97.1)}
    assert prose.sweep_reason(apart, 1e-3).startswith("not the best value tried (0.003 is 0.6 nats lower)")
    study = {
        16: {"elbo": (96.4, 96.6), "active_units": (11, 12)},
        32: {"elbo": (96.3, 96.5), "active_units": (17, 17)},
        8: {"elbo": (104.0, 104.2), "active_units": (8, 8)},
    }
    assert prose.latent_size_reason(study, 32) == (
        "16 and 32 dimensions are level (within 0.5 nats of the best), 8 is worse: 8: 104.1 ± 0.1 "
        "(8 active), 16: 96.5 ± 0.1 (11–12 active), 32: 96.4 ± 0.1 (17 active); kept although the smallest "
        "level size with at least a quarter idle is 16"
    )
    # a size is roomy if its seeds leave a quarter of it idle on average
    tight16 = {
        **study,
        16: {**study[16], "active_units": (12, 14)},
        32: {**study[32], "active_units": (17, 26)},
    }
    assert prose.latent_size_reason(tight16, 32).endswith(
        "32: 96.4 ± 0.1 (17–26 active); 16 is full: its runs use 12–14 of its 16 dimensions and, given room, "
        "more (17–26 at 32); 32 is the smallest level size with room to spare (at least a "
        "quarter of its dimensions idle on average)"
    )


def test_sweep_threshold_pools_the_distinct_settings_once():
    centre = (97.5, 96.84, 97.45)
    sweeps = {
        "latent_dim": {16: (97.57, 97.41, 97.2), 32: centre},
        "batch_size": {128: centre, 64: (98, 97.7, 98)},
    }
    test = prose.sweep_threshold(sweeps)
    assert test["dof"] == 6  # three settings of three seeds, the shared centre once
    spread = [np.asarray(v) - np.mean(v) for v in ((97.57, 97.41, 97.2), centre, (98, 97.7, 98))]
    pooled = np.sqrt(sum((d**2).sum() for d in spread) / 6)
    assert test["pooled_sd"] == pytest.approx(pooled)
    assert test["threshold"] == pytest.approx(2.4469 * pooled * np.sqrt(2 / 3), rel=1e-4)  # t(6) at 97.5%
    from genmodels.config import VAEConfig

    table = prose.hyperparameter_table(
        VAEConfig(name="t"), sweeps={"batch_size": sweeps["batch_size"]}, tolerance=1.1, sweep_tolerance=0.3
    )
    assert (
        "128 is the lowest" not in table
        and "the lowest −ELBO of the values tried: 64:\u00a097.9\u00a0±\u00a00.2" in table  # kept on one line
    )


def test_selection_reasons_read_the_validation_runs():
    import pandas as pd

    selection = pd.DataFrame(
        {"−ELBO": [96.3, 98.0, 97.5, 98.8, 100.2, 101.0]},
        index=[
            "conv",
            "conv, dropout 0.2",
            "conv, no BatchNorm",
            "MLP",
            "MLP, dropout 0.2",
            "MLP, no BatchNorm",
        ],
    )
    reasons = prose.selection_reasons(selection)
    assert reasons["architecture"].endswith("; the MLP raises the −ELBO by 2.5 nats (98.8 against 96.3)")
    assert reasons["dropout"].endswith(
        "; dropout 0.2 raises the −ELBO by 1.7 nats (98.0 against 96.3) in the conv model and by 1.4 nats "
        "(100.2 against 98.8) in the MLP"
    )
    assert reasons["batch_norm"].endswith(
        "removing it raises the −ELBO by 1.2 nats (97.5 against 96.3) in the conv model and by 2.2 nats "
        "(101.0 against 98.8) in the MLP"
    )
    worse = selection.assign(**{"−ELBO": [96.3, 96.5, 96.4, 98.8, 98.0, 98.9]})
    flipped = prose.selection_reasons(worse)
    assert "dropout 0.2 leaves the −ELBO level (96.5 against 96.3) in the conv model" in flipped["dropout"]
    assert "lowers the −ELBO by 0.8 nats (98.0 against 98.8) in the MLP" in flipped["dropout"]
    assert "removing it leaves the −ELBO level (96.4 against 96.3) in the conv model" in flipped["batch_norm"]
    from genmodels.config import VAEConfig

    table = prose.hyperparameter_table(VAEConfig(name="t"), selection=selection)
    assert "by 2.5 nats (98.8 against 96.3)" in table and "by 2.2 nats (101.0 against 98.8)" in table


def test_split_agreement_sentence_compares_the_level_sets():
    validation = {
        "latent_dim": {16: 96.4, 32: 96.3, 8: 104.0},
        "batch_size": {64: 96.5, 128: 96.3, 256: 97.4},
    }
    chosen = {"latent_dim": 32, "batch_size": 128}
    assert prose.split_agreement_sentence(validation, validation, chosen) == (
        "Measured on the test set, the same sweeps single out the same values."
    )
    test = {**validation, "batch_size": {64: 96.5, 128: 96.3, 256: 96.6}}
    assert prose.split_agreement_sentence(validation, test, chosen) == (
        "Measured on the test set (one run each), the latent-size and batch-size sweeps would keep their "
        "chosen values among the best: the batch-size "
        "sweep finds 64, 128 and 256 level on the test set, 64 and 128 on the validation split."
    )
    assert prose.split_agreement_sentence(validation, test, chosen, 0.5, validation_tolerance=0.15) == (
        "Measured on the test set (one run each), the latent-size and batch-size sweeps would keep their "
        "chosen values among the best: the batch-size "
        "sweep finds 64, 128 and 256 level on the test set, 128 on the validation split."
    )
    moved = {"latent_dim": {16: 95.0, 32: 96.3, 8: 104.0}, "batch_size": {64: 95.5, 128: 96.3, 256: 96.6}}
    assert prose.split_agreement_sentence(validation, test, chosen, cite="@tbl-x").startswith(
        "Measured on the test set (one run each, @tbl-x), the latent-size"
    )
    assert prose.split_agreement_sentence(validation, test, chosen, cite="@tbl-x", details=False) == (
        "Measured on the test set (one run each, @tbl-x), the latent-size and batch-size sweeps would keep "
        "their chosen values among the best."
    )
    assert prose.split_agreement_sentence(validation, validation, chosen, cite="@tbl-x").startswith(
        "Measured on the test set (@tbl-x), the same sweeps"
    )
    assert prose.split_agreement_sentence(validation, moved, chosen, cite="@tbl-x").startswith(
        "Measured on the test set instead (@tbl-x), the latent-size sweep would pick 16"
    )
    assert prose.split_agreement_sentence(validation, moved, chosen) == (
        "Measured on the test set instead, the latent-size sweep would pick 16 instead of 32; the batch-size "
        "sweep would pick 64 instead of 128."
    )


def test_epochs_reason_reads_the_end_of_the_test_curve():
    falling = {"test": [{"total": 100 - e / 10} for e in range(21)]}  # 100 → 98 nats
    assert prose.epochs_reason(falling).endswith(
        "reported after the fact, fell by 1.0 nats (1.0%) over its last 10, so more epochs would buy little"
    )
    flat = {"test": [{"total": 100 + e / 10} for e in range(21)]}
    assert prose.epochs_reason(flat).endswith("stopped falling over the last 10")
    assert prose.epochs_reason(None) == prose.HYPERPARAMETER_REASONS["epochs"]
    table = prose.hyperparameter_table(__import__("genmodels.config").config.VAEConfig(name="t"), falling)
    assert "more epochs would buy little" in table


def test_free_bits_sentence_reads_both_runs():
    text = prose.free_bits_sentence(
        {
            "plain": {"active_units": 3},
            "free_bits": {"active_units": 30},
            "plain_final": {"test_kl": 9.04, "test_reconstruction": 120.0},
            "free_bits_final": {"test_kl": 16.2, "test_reconstruction": 101.26},
        }
    )
    assert text == (
        "the active units go from 3 to 30, the test KL from 9.0 to 16.2 nats and the reconstruction "
        "term from 120.0 to 101.3 nats."
    )


def test_warmup_sentence_compares_the_active_units_of_the_three_runs():
    runs = {"plain": {"active_units": 3}, "free_bits": {"active_units": 30}, "warmup": {"active_units": 4}}
    text = prose.warmup_sentence(runs, 10.0, 3, 6)
    assert text == (
        "KL warm-up instead (β = 10·e/3 in epoch e ≤ 3, then 10, for 6 epochs) ends with 4 active units "
        "against 3 without it and 30 with free bits: once β reaches 10, the dimensions collapse as without "
        "warm-up."
    )
    some = prose.warmup_sentence(runs | {"warmup": {"active_units": 12}}, 10.0, 3, 6)
    assert some.endswith(
        " (one run each): it keeps 9 of the dimensions that the plain run loses, free bits 27."
    )
    assert prose.warmup_sentence(runs | {"warmup": {"active_units": 30}}, 10.0, 3, 6).endswith(
        "it keeps as many dimensions as free bits."
    )


def test_range_text():
    assert prose.range_text((0.91234, 0.98)) == "0.912 to 0.980"
    assert prose.range_text((1, 2), digits=1) == "1.0 to 2.0"
    assert prose.range_text((0.654, 0.9), 0, percent=True) == "65% to 90%"
    assert prose.range_text((0.651, 0.654), 0, collapse=True, percent=True) == "65%"


def test_confused_pairs_texts():
    pairs = [(4, 9, 0.123), (3, 5, 0.05), (7, 9, 0.01)]
    assert prose.confused_pairs_text(pairs) == "4 with 9, 3 with 5 and 7 with 9"
    assert prose.confused_pairs_text(pairs[:2], shares=True) == "4 with 9 (12.3%) and 3 with 5 (5.0%)"


def test_model_and_schedule_descriptions():
    import dataclasses

    from genmodels.config import GANConfig

    dcgan = GANConfig(name="a", epochs=2)
    assert prose.model_description(dcgan) == "DCGAN, BCE"
    sngan = dataclasses.replace(dcgan, architecture="sngan", loss="hinge", spectral_norm=True)
    assert prose.model_description(sngan) == "SNGAN CNN, hinge + SN"
    assert prose.stage_schedule(dataclasses.replace(dcgan, linear_lr_decay=True)) == "2e-4 → 0 at 2"


def test_training_hours_text_keeps_two_decimals_unless_cpu_alone():
    assert prose.training_hours_text({"H100": 0.1, "CPU": 1.55}) == "0.10 H100 + 1.55 CPU"
    assert prose.training_hours_text({"H100": 0.1}) == "0.10 H100"
    assert prose.training_hours_text({"CPU": 0.1}) == "0.1 CPU"


EVALUATION = {
    "fid": 25.51,
    "fid_train_vs_test": 5.19,
    "precision": 0.73,
    "recall": 0.5,
    "class_counts": [1000] * 9 + [500],
    "test_class_counts": [1000] * 10,
    "label_entropy_nats": 2.27,
    "classifier_test_accuracy": 0.85,
}


def test_gan_quality_sentence_quotes_fid_and_floor():
    text = prose.gan_quality_sentence(EVALUATION)
    assert "FID is 25.5 against a floor of 5.2" in text and "precision 0.73 and recall 0.50" in text


def test_class_coverage_names_the_rarest_and_commonest_class():
    names = [f"class{i}" for i in range(10)]
    text = prose.class_coverage_sentence(EVALUATION, names, samples=9_500, reference=4_000)
    assert "from 5.3% (class9) to 10.5% (class0)" in text and "85.0% accurate on real test images" in text
    assert "fitted to the FID reference's 4,000 real training images" in text
    assert "assigns the 9,500 samples" in text and text.endswith("log 10 = 2.303 if uniform")


def test_mode_collapse_verdict_thresholds():
    names = [f"c{i}" for i in range(10)]
    dropping = prose.mode_collapse_verdict(EVALUATION, 0.77, names)
    assert dropping.startswith(
        "Together these show no collapse onto a few modes: the probe assigns all ten classes"
    )
    assert "G makes too few c9 (5.3% against 10.0%), and too many c0 (10.5% against 10.0%), c1, " in dropping
    assert "part of this skew may be the probe's (85% accurate on real images)" in dropping
    skewed = {**EVALUATION, "class_counts": [1000] * 8 + [1200, 500], "test_class_counts": [980] * 9 + [1180]}
    # real shares 9.8% to 11.8%: the probe's errors reach 1.8 points, so c0 to c7 (10.3%, +0.5) are not named
    assert "too few c9 (5.2% against 11.8%), and too many c8 (12.4% against 9.8%);" in (
        prose.mode_collapse_verdict(skewed, 0.77, names)
    )
    assert "recall and coverage fall short" in dropping  # 0.5 < 0.8 × 0.77
    level = {**EVALUATION, "class_counts": [1000] * 10}
    assert prose.mode_collapse_verdict(level, 0.6, names).endswith("every class is near its real share.")
    assert "fall short" in prose.mode_collapse_verdict(level, 0.77, names) and "puts only" not in (
        prose.mode_collapse_verdict(level, 0.77, names)
    )
    collapsed = prose.mode_collapse_verdict({**EVALUATION, "label_entropy_nats": 1.0}, 0.77, names)
    assert collapsed.startswith("These numbers show partial mode collapse") and "43%" in collapsed
    assert "partial mode collapse" in prose.mode_collapse_verdict({**EVALUATION, "recall": 0.1}, 0.77, names)
    # A missing class is collapse even when the entropy of the other nine stays high (log 9 > 0.9 log 10).
    nine = prose.mode_collapse_verdict(
        {**EVALUATION, "class_counts": [1000] * 9 + [0], "label_entropy_nats": 2.197}, 0.77, names
    )
    assert nine.endswith("and the probe assigns no sample to 1 of the classes.")


def test_stage_fid_sentence_says_whether_each_restart_helped():
    assert prose.stage_fid_sentence([44.2, 32.7, 25.5]) == (
        "The FID after each stage was 44.2, 32.7 and 25.5: each restart lowered it, by less each time."
    )
    assert prose.stage_fid_sentence([44.0, 40.0, 30.0]).endswith(": each restart lowered it.")
    assert prose.stage_fid_sentence([30.0, 31.0]).endswith(": no restart lowered it.")
    assert prose.stage_fid_sentence([30.0, 25.0, 27.0]).endswith(": only restart 1 lowered it.")


def test_stage_fid_sentence_names_the_restarts_within_the_sampling_noise():
    # one generator's FID over four sample sets: sd 0.122, 3 degrees of freedom, so two single sets
    # differ by chance by up to t(0.975, 3) × 0.122 × √2 = 0.55
    sampling = prose.mean_difference_threshold([[24.34, 24.54, 24.40, 24.25]], runs_per_mean=1)
    resolved = prose.stage_fid_sentence([44.2, 32.7, 25.5], sampling)
    assert resolved == (
        "The FID after each stage was 44.20, 32.70 and 25.50. Over 4 sets of 10,000 samples the final "
        "generator's FID has a standard deviation of 0.12, so a difference between two single sets is "
        "resolved beyond 0.55 (t-test at 5%, 3 degrees of freedom): restarts 1 and 2 lowered it by more than "
        "that, by less each time."
    )
    last = prose.stage_fid_sentence([44.2, 32.7, 25.5, 24.5, 24.3], sampling)
    assert last.endswith(
        "restarts 1, 2 and 3 lowered it by more than that, by less each time; "
        "the change of restart 4 (−0.20) is within this sampling noise."
    )
    mixed = prose.stage_fid_sentence([30.0, 29.8, 30.6], sampling)
    assert mixed.endswith(
        "restart 2 raised it by more than that; the change of restart 1 (−0.20) is within this sampling "
        "noise."
    )


def test_ablation_resolved_sentence_names_rows_beyond_the_noise_floor():
    fids = {
        "DCGAN baseline": 200.0,
        "baseline + EMA": 190.0,
        "baseline + decay": 260.0,
        "baseline + bf16": 160.0,
    }
    assert prose.ablation_resolved_sentence(fids, noise_floor=35.0) == (
        "Resolved at this budget are only these rows, worse than the baseline's 200.0 by more than "
        "that: decay (260.0); better by more than that: bf16 (160.0)."
    )
    assert prose.ablation_resolved_sentence(fids, noise_floor=70.0) == (
        "No row differs from the baseline's 200.0 by more than that."
    )
    only_worse = prose.ablation_resolved_sentence({"b": 200.0, "x": 300.0, "y": 250.0}, noise_floor=40.0)
    assert only_worse.endswith("worse than the baseline's 200.0 by more than that: x (300.0) and y (250.0).")


def test_training_length_separation_compares_both_ways():
    assert prose.training_length_separation(0.891, 0.914, 40, 6).startswith(
        "lower after 40 epochs than in the 6-epoch run (one seed each, so the 2.3-point drop may be the "
        "seed's):"
    )
    assert (
        prose.training_length_separation(0.93, 0.914, 40, 6)
        == "higher after 40 epochs than in the 6-epoch run"
    )
    assert prose.training_length_separation(0.912, 0.914, 40, 6).startswith("about the same")


def test_bce_equilibrium_sentence_says_who_is_ahead():
    ahead = {"d_loss": 0.9, "g_loss": 2.5, "d_real": 0.7, "d_fake": 0.3}
    text = prose.bce_equilibrium_sentence("run", ahead)
    assert "D's loss is 0.90 against $\\log 4 \\approx 1.386$" in text
    assert "G's 2.50 against $\\log 2 \\approx 0.693$" in text
    assert text.endswith("D is ahead of G, so that run has not reached the equilibrium.")
    behind = prose.bce_equilibrium_sentence("run", ahead | {"d_loss": 1.5, "g_loss": 0.5})
    assert behind.endswith("G is ahead of D there.")
    mixed = prose.bce_equilibrium_sentence("run", ahead | {"d_loss": 1.5})
    assert mixed.endswith("lie on either side of the equilibrium values.")
    smoothed = prose.bce_equilibrium_sentence("run", ahead, real_label=0.9)
    assert (
        "(real target $r = 0.9$: at $p_G = p_{\\text{data}}$ the optimal D is $r/2 = 0.45$, D's loss 1.376 "
        "and G's 0.799)" in smoothed
    )
    assert "D's loss is 0.90 against 1.376, G's 2.50 against 0.799" in smoothed
    assert "$D(G(z)) = 0.30$ against 0.45: D is ahead" in smoothed and "`run`" in smoothed
    cited = prose.bce_equilibrium_sentence("run", ahead, cite="@fig-x")
    assert cited.startswith("The BCE-trained DCGAN `run` (@fig-x) tests")
    assert "Over its last quarter D's loss" in cited
    counted = prose.bce_equilibrium_sentence("run", ahead, cite="@fig-x", epochs=240)  # parent's epochs too
    assert "Over the last quarter of its 240 epochs (shaded) D's loss is 0.90" in counted


def test_agreement_text_says_exactly_for_a_zero_difference():
    assert prose.agreement_text(0.0, "they match", "per pixel") == "they match exactly"
    assert prose.agreement_text(2e-7, "they match", "per pixel") == "they match to within 2 × 10⁻⁷ per pixel"


def test_ema_paired_sentence_reads_each_run_against_the_sampling_noise_and_the_runs_together():
    lowered = {"baseline": [210.8, 212.0, 211.0], "ema": [198.4, 199.0, 200.5]}
    raised = {"baseline": [212.0, 211.0, 213.9], "ema": [219.9, 220.9, 225.5]}
    assert prose.ema_paired_sentence((210.8, 198.4), raised) == (
        "EMA lowered the FID of the table's run by 12.4 but raised that of the second run by 7.9 "
        "to 11.6 on each noise set, where the noise set alone moves either FID by at most 5.6: after "
        "two epochs, whether the average beats the last iterate depends on the run."
    )
    assert prose.ema_paired_sentence((210.8, 198.4), lowered) == (
        "EMA lowered the FID in both runs, by 12.4 in the table's and by 10.5 to 13.0 on each noise "
        "set of the second, where the noise set alone moves either FID by at most 2.1: an effect of "
        "EMA alone at this budget."
    )
    # Differences are those of the values as the tables print them (one decimal).
    unrounded = {"baseline": [211.959, 210.994, 213.865], "ema": [219.918, 220.945, 225.501]}
    assert (
        "raised that of the second run by 7.9 to 11.6 on each noise set, where the noise set alone moves "
        "either FID by at most 5.6" in prose.ema_paired_sentence((210.8, 198.4), unrounded)
    )
    # A table-run change within the noise is not read as a direction.
    assert prose.ema_paired_sentence((210.8, 209.8), lowered).endswith(
        "in the table's run the change (−1.0) is within that noise."
    )
    # A second run whose noise sets disagree (or whose change is within the noise) resolves nothing.
    mixed = {"baseline": [100.0, 104.0], "ema": [98.0, 90.0]}
    assert prose.ema_paired_sentence((210.8, 198.4), mixed) == (
        "EMA changed the FID of the table's run by −12.4, and that of the second run by −14.0 to "
        "−2.0 over its noise sets, where the noise set alone moves either FID by at most 8.0: the "
        "second run does not resolve EMA's effect."
    )


def test_memorisation_sentence_suspects_copies_only_beyond_twice_the_expected_share():
    check = {
        "median_fake": 14.24,
        "median_test": 13.91,
        "quantile": 0.01,
        "samples": 10_000,
        "training_images": 50_000,
    }
    assert prose.memorisation_sentence({**check, "share_closer": 0.008}) == (
        "In Inception features, the 10,000 samples are no "
        "closer to a training image (all 50,000 searched) than test images: median "
        "14.2 against 13.9, and 80 samples (0.80%) lie closer than the closest 1% of test images."
    )
    closer = prose.memorisation_sentence({**check, "median_fake": 12.0, "share_closer": 0.012})
    assert "samples lie closer to their nearest training image (all 50,000 searched) than real test" in closer
    assert closer.endswith(
        "yet no more of them are unusually close: 120 samples (1.20%) lie closer than the closest 1% of "
        "test images."
    )
    assert prose.memorisation_sentence({**check, "share_closer": 0.05}) == (
        "In Inception features, 5.0% of the 10,000 samples "
        "are closer to a training image (all 50,000 searched) than the closest 1% of real test images "
        "are (median 14.2 against 13.9): candidates for copies."
    )


def test_prior_samples_sentence_compares_with_the_reconstructions():
    doubt = {
        "threshold": 0.9,
        "unsure": 89,
        "samples": 256,
        "reconstructions_unsure": 0.06,
        "test_digits": 10000,
    }
    text = prose.prior_samples_sentence(doubt)
    assert text.startswith("include many recognisable digits, but also blurred")
    assert "89 of the 256 (35%), against 6% of the model's reconstructions of the 10,000 test digits" in text
    alike = prose.prior_samples_sentence({**doubt, "unsure": 20})  # 8% against 6%
    assert alike.startswith("are about as recognisable as the reconstructions")


def test_capacity_sentence_splits_the_gap_between_width_and_architecture():
    widths = (512, 1024)
    partial = prose.capacity_sentence(98.12, 96.14, 94.01, widths)  # as printed: 98.1, 96.1, 94.0
    assert "reaches a test −ELBO of 96.1 nats against 98.1 at 512 units, 2.1 nats above" in partial
    assert partial.endswith(
        "width closes 49% of the 4.1-nat gap, and the rest belongs to the convolutional architecture"
    )
    assert "capacity, not convolution" in prose.capacity_sentence(98.1, 94.3, 94.0, widths)
    assert prose.capacity_sentence(98.1, 97.3, 94.0, widths, 1.1, nlls=(92.74, 91.46)).endswith(
        "reaches a test −ELBO of 97.3 nats against 98.1 at 512 units (test NLL 91.5 against 92.7): its −ELBO "
        "falls by 0.8, within the 1.1 nats of a single run's noise (below), but its test NLL falls by 1.2, "
        "beyond it: width buys some likelihood. In −ELBO it stays 3.3 nats above the convolutional model, so "
        "most of the 4.1-nat −ELBO gap belongs to the convolutional architecture, not to its size"
    )
    assert "but its test NLL" not in prose.capacity_sentence(
        98.1, 97.3, 94.0, widths, 1.1, nlls=(92.74, 91.86)
    )
    assert "width closes 20% of the 4.1-nat gap" in prose.capacity_sentence(98.1, 97.3, 94.0, widths, 0.5)
    # a wider MLP that does worse closes none of the gap
    assert prose.capacity_sentence(98.1, 98.8, 94.0, widths).endswith(
        "width closes none of the 4.1-nat gap, which belongs to the convolutional architecture"
    )
    assert "buy nothing here" in prose.capacity_sentence(98.1, 97.0, 97.9, widths)


def test_snapshot_motion_sentence_reads_the_trend_and_the_last_stage():
    motion = {"stages": [(1, 19, 15.9), (19, 30, 11.2), (30, 48, 9.2)], "spread_last": 20.0, "vectors": 10}
    text = prose.snapshot_motion_sentence(motion, "@fig-gan-snapshots")
    assert text.startswith(
        "Over the 3 stages (epochs 1–19, 19–30, 30–48) the images of the first 10 fixed vectors "
        "(@fig-gan-snapshots) move"
    )
    assert "15.9, 11.2 and 9.2 ([0, 1] pixels), against a median of 20.0 between the images of two" in text
    assert text.endswith(
        "each stage changes them less than the one before, and the last stage still moves them by 46% of "
        "that distance."
    )
    bumpy = prose.snapshot_motion_sentence(
        {**motion, "stages": [(1, 19, 15.9), (19, 30, 5.0), (30, 48, 7.0)]}, "x"
    )
    assert "though not at every stage" in bumpy
    rising = prose.snapshot_motion_sentence({**motion, "stages": [(1, 19, 5.0), (19, 30, 7.0)]}, "x")
    assert "the changes do not shrink" in rising


def test_leave_one_out_test_pools_the_seed_spread_into_a_t_threshold():
    fids = {"control": [24.0, 24.2], "a": [25.0, 25.2], "b": [24.1, 24.3]}
    test = prose.leave_one_out_test(fids)
    assert test["dof"] == 3 and abs(test["pooled_sd"] - math.sqrt(0.02)) < 1e-9  # each pair: 0.1² × 2
    # t(1 − 0.05 / 4, 3) = 4.177 (5% over the two changes, Bonferroni); the difference of two 2-seed
    # means has standard error sd × √(2/2).
    assert abs(test["threshold"] - 4.1765 * math.sqrt(0.02)) < 1e-3
    assert test["changes"] == pytest.approx({"a": 1.0, "b": 0.1})


def test_single_run_threshold_scales_the_seed_spread_by_root_two():
    """Two single runs differ with standard error sd × √2; one seed group of three gives 2 dof."""
    test = prose.mean_difference_threshold([[200.0, 210.0, 220.0]], runs_per_mean=1)
    assert test["dof"] == 2 and test["pooled_sd"] == pytest.approx(10.0)
    assert test["threshold"] == pytest.approx(4.3027 * 10.0 * math.sqrt(2), abs=1e-2)  # t(0.975, 2) = 4.303


def test_screen_noise_sentence_names_each_seed_the_reruns_and_the_threshold():
    fids = {0: 210.0, 1: 200.0, 2: 220.0}
    test = prose.mean_difference_threshold([list(fids.values())], runs_per_mean=1)
    text = prose.screen_noise_sentence(fids, [1.2, -21.5], test, "@tbl-x")
    assert text.startswith(
        "The baseline trained again from seeds 1 and 2 reached 200.0 and 220.0 (seed 0: 210.0),"
    )
    assert (
        "again from seed 0 on another thread count moved their FIDs by 1.2 and 21.5 (@tbl-x). Pooled over "
        "the baseline's 4 runs and the EMA run's 2, each set about its own mean, the runs of one setting"
        in text
    )
    assert "a standard deviation of 10.0, so a difference between two single runs is read as resolved" in text
    assert text.endswith("only beyond 60.8 (two-sided t-test at 5%, 2 degrees of freedom).")


def test_family_sentence_gives_the_bonferroni_threshold_and_the_rows_only_the_single_test_passes():
    fids = {"base": 200.0, "baseline + a": 270.0, "baseline + b": 400.0, "c": 100.0}

    def tests(rows):  # the single test and the test at 5% over `rows` rows, from one group of three
        runs_ = [[200.0, 210.0, 220.0]]
        return (
            prose.mean_difference_threshold(runs_, runs_per_mean=1),
            prose.mean_difference_threshold(runs_, 0.05 / rows, runs_per_mean=1),
        )

    text = prose.family_sentence(fids, *tests(3))
    # single test: t(0.975, 2) × 10 × √2 = 60.8; t(1 − 0.05 / 6, 2) = 7.649 at 5% / 3 = 1.67% each: 108.2
    assert text == (
        "Were the three tests independent, one would pass by chance with a probability of 14%, so the rows "
        "are read at 5% for all three at once (Bonferroni, 1.67% each), beyond 108.2; a (270.0) and c "
        "(100.0) pass only the single test."
    )
    one = prose.family_sentence({**fids, "c": 190.0}, *tests(3))
    assert one.endswith("beyond 108.2; a (270.0) passes only the single test.")
    quiet = prose.family_sentence({"base": 200.0, "a": 230.0, "b": 250.0}, *tests(2))
    assert quiet.endswith("(Bonferroni, 2.50% each), beyond 87.8.")  # t(1 − 0.05 / 4, 2) = 6.205


def test_leave_one_out_sentence_reads_the_t_test():
    fids = {
        "all features (control)": [24.0, 24.2],
        "without EMA of G": [25.0, 25.2],  # +1.0: beyond the threshold, t(1 − 0.05 / 6, 4) × 0.141 = 0.56
        "without linear LR decay": [24.1, 24.3],  # +0.1: within it
        "BCE in place of the hinge loss": [23.0, 23.2],  # −1.0
    }
    text = prose.leave_one_out_sentence(fids, start=24.9)
    assert text.startswith(
        "With every feature, one epoch more gives an FID of 24.10 (mean of 2 seeds) against 24.90"
    )
    assert "a standard deviation of 0.14, so a change of the mean is resolved beyond 0.56" in text
    assert "(two-sided t-test at 5% for all three changes at once, Bonferroni; 4 degrees of freedom)" in text
    assert "Resolved as worse than the control: without EMA of G (+1.00)." in text
    assert "Resolved as better than the control: BCE in place of the hinge loss (−1.00)." in text
    assert text.endswith("Not resolved: without linear LR decay (+0.10).")
    none = prose.leave_one_out_sentence({"control": [24.0, 24.6], "a": [24.3, 24.9]}, 24.0, epochs=3)
    assert (
        none.startswith("With every feature, 3 epochs more") and "No change is resolved (a (+0.30))" in none
    )
    assert "within 3 epochs of the trained model" in none


def test_seed_tolerance_is_the_floor_or_the_largest_seed_move_rounded_up():
    assert prose.seed_tolerance({"mlp_elbo": 0.12, "mlp_nll": 0.3, "study_elbo": 0.05}) == 0.5
    assert prose.seed_tolerance({"mlp_elbo": 0.12, "mlp_nll": 0.71, "study_elbo": 0.05}) == 0.8
    assert prose.seed_tolerance({"mlp_elbo": 0.7, "mlp_nll": 0.1, "study_elbo": 0.0}) == 0.7
    noise = {"mlp_elbo": 0.12, "mlp_nll": 0.31, "study_elbo": 0.05}
    text = prose.seed_noise_sentence(noise, 0.5)
    assert text == (
        "Each comparison here is one run per setting. Another seed moves the 10-epoch MLP's test −ELBO by "
        "0.12 and its NLL by 0.31 nats, and the −ELBO of the 6-epoch β = 1 run at the sweeps' centre by 0.05 "
        "(test). So runs within 0.5 nats of each other are read as level (a rough bound: one reseed each)."
    )
    test = {"threshold": 0.553, "pooled_sd": 0.316, "dof": 16}
    swept = prose.seed_noise_sentence({**noise, "validation_elbo": 0.21, "sweep_range": 1.06}, 1.1, 3, test)
    assert swept == (
        "Each comparison here is one run per setting, except the latent-size, learning-rate and batch-size "
        "sweeps (3 seeds each). "
        "Another seed moves the 10-epoch MLP's test −ELBO by 0.12 and its NLL by 0.31 nats, and the −ELBO of "
        "the 6-epoch β = 1 run at the sweeps' centre by 0.05 (test) and 0.21 (validation); a sweep setting's "
        "runs span up to 1.06 nats. So single runs within 1.1 nats of each other are read as level, and the "
        "sweeps' means within 0.55 nats (two-sided t-test at 5%; pooled standard deviation 0.32 nats, 16 "
        "degrees of freedom)."
    )


def test_a_larger_tolerance_makes_the_sweeps_level():
    elbo = {1e-3: 96.3, 3e-4: 97.5, 3e-3: 97.7}
    assert "3e-3 is worse" not in prose.sweep_reason(elbo, 1e-3, tolerance=1.5)
    assert "are level (within 1.5 nats of the best)" in prose.sweep_reason(elbo, 1e-3, tolerance=1.5)
    assert prose.sweep_reason(elbo, 1e-3).startswith("the lowest −ELBO")


def test_screening_sentence_reads_the_kept_rows_against_the_noise_floor():
    fids = {"DCGAN baseline": 210.8, "baseline + hinge": 365.5, "baseline + EMA": 198.4, "final": 374.4}
    assert prose.screening_sentence(fids, 35.8, ["baseline + hinge", "final"]) == (
        "and they spoke against the final model's features: after two epochs hinge (365.5) and final "
        "(374.4) came out worse than the baseline's 210.8"
    )
    assert prose.screening_sentence(fids, 35.8, ["baseline + EMA"]).startswith("and none of")
    assert "favour EMA (150.0)" in prose.screening_sentence(
        {**fids, "baseline + EMA": 150.0}, 35.8, ["baseline + EMA"]
    )
    mixed = prose.screening_sentence({**fids, "baseline + EMA": 150.0}, 35.8, ["baseline + EMA", "final"])
    assert mixed.startswith("and they are mixed")


def test_high_beta_map_sentence_reconciles_a_faithful_map_with_lower_accuracy():
    trust, accuracy = {0.0: 0.975, 1.0: 0.977, 10.0: 0.998}, {0.0: 0.903, 1.0: 0.895, 10.0: 0.761}
    text = prose.high_beta_map_sentence(10.0, 4, trust, accuracy)
    assert "only 4 active dimensions" in text and "(trustworthiness 0.998 against 0.975 to 0.977)" in text
    assert text.endswith("its own 5-NN accuracy is 76.1%, against 89.5% to 90.3% for the others.")
    plain = prose.high_beta_map_sentence(10.0, 4, {**trust, 10.0: 0.96}, accuracy)
    assert plain.startswith("The map of β = 10 in @fig-tsne-beta shows this drop: its own")
    level = prose.high_beta_map_sentence(10.0, 4, trust, {**accuracy, 10.0: 0.95})
    assert level.startswith("The map of β = 10 does not show this drop")
    pointed = prose.high_beta_map_sentence(10.0, 4, trust, accuracy, (4, 9, 0.234))
    assert "more overlap between digits, most of all between 4 and 9: its own" in pointed


def test_traversal_sentence_reads_identity_changes_and_the_collapsed_coordinate():
    readings = {
        "final model": {
            "z2 (2.5 nats)": [1, 7, 7],
            "z9 (2.3 nats)": [7, 7, 7],
            "z21 (2.1 nats)": [7, 0, 0],
            "z19 (0.00 nats)": [7, 7, 7],
        },
        "β = 10 model": {
            "z16 (1.1 nats)": [7, 9, 0],
            "z31 (0.9 nats)": [7, 1, 1],
            "z11 (0.4 nats)": [7, 7, 7],
            "z27 (0.00 nats)": [7, 7, 7],
        },
    }
    moves = {
        "final model": {
            "z2 (2.5 nats)": 1.0,
            "z9 (2.3 nats)": 0.9,
            "z21 (2.1 nats)": 1.0,
            "z19 (0.00 nats)": 0.04,
        },
        "β = 10 model": {
            "z16 (1.1 nats)": 1.0,
            "z31 (0.9 nats)": 1.0,
            "z11 (0.4 nats)": 0.05,
            "z27 (0.00 nats)": 0.06,
        },
    }
    text = prose.traversal_sentence(readings, moves)
    assert text.startswith(
        "Along the 3 most informative coordinates the classifier reads 1 → 7 (z2), 7 throughout (z9) and "
        "7 → 0 (z21) for the final model; 7 → 9 → 0 (z16), 7 → 1 (z31) and 7 throughout (z11) for the "
        "β = 10 model."
    )
    assert "changes along several coordinates, and the others keep the digit but reshape it:" in text
    assert text.endswith(
        "no pixel moves by more than 0.06: it has collapsed to the prior and carries nothing."
    )
    one = {**readings, "β = 10 model": {**readings["β = 10 model"], "z31 (0.9 nats)": [7, 7, 7]}}
    assert "several coordinates only for the final model." in prose.traversal_sentence(one, moves)
    moved = {**moves, "final model": {**moves["final model"], "z19 (0.00 nats)": 0.3}}
    assert prose.traversal_sentence(readings, moved).endswith("moves pixels by up to 0.30.")


def test_still_falling_sentence_reads_convergence_from_the_longer_copies():
    assert prose.still_falling_sentence({0: 0.3, 1: 2.5}, 12, 6, "@tbl-x") == (
        "The study compares the βs at one budget, not at convergence: in the copies trained for 12 epochs "
        "(@tbl-x), all minimised test losses are a further 0.30 to 2.50 nats lower than after 6 epochs."
    )
    assert prose.still_falling_sentence({0.5: 0.3, 1000: -0.2}, 12, 6).endswith(
        "1 of the 2 minimised test losses are a further 0.30 nats lower than after 6 epochs, and that of "
        "β = 1000 is 0.20 higher."
    )
    assert prose.still_falling_sentence({1: -0.3, 2: 0.0}, 12, 6) == (
        "The βs are compared near convergence: in the copies trained for 12 epochs, no minimised test loss "
        "is lower than after 6 epochs."
    )


def test_budget_check_sentence_says_whether_the_short_budgets_choice_holds():
    worse = prose.budget_check_sentence({"learning rate 0.0003": 92.0, "batch size 256": 91.9}, 90.4, 40, 1.1)
    assert worse == (
        "Trained for the final 40 epochs, the values a longer budget could favour, learning rate 0.0003 and "
        "batch size 256, reach a test −ELBO of 92.0 and 91.9 nats against the final model's 90.4: the "
        "6-epoch choices also win at 40 epochs."
    )
    level = prose.budget_check_sentence({"learning rate 0.0003": 91.5, "batch size 256": 92.0}, 90.4, 40, 1.1)
    assert level.endswith(
        "90.4: learning rate 0.0003 ends level with it, so the 6-epoch choice costs nothing measurable."
    )
    both = prose.budget_check_sentence({"learning rate 0.0003": 91.1, "batch size 256": 90.3}, 90.4, 40, 1.1)
    assert both.endswith(
        "91.1 and 90.3 nats against the final model's 90.4: level, so the 6-epoch choice costs nothing "
        "measurable."
    )
    better = prose.budget_check_sentence(
        {"learning rate 0.0003": 89.2, "batch size 256": 92.0}, 90.4, 40, 1.1
    )
    assert better.endswith(": at the full budget learning rate 0.0003 would have been the better choice.")


def test_width_rows_read_their_one_run_sweeps_and_print_channel_pairs():
    from genmodels.config import VAEConfig

    widths = {
        "hidden_dim": {256: 98.1, 512: 97.5, 1024: 97.3},
        "conv_channels": {(16, 32): 99.0, (32, 64): 97.5},
    }
    table = prose.hyperparameter_table(VAEConfig(name="t"), widths=widths, tolerance=1.1)
    assert "256, 512 and 1024 are level (within 1.1 nats of the best)" in table
    assert "16/32:\u00a099.0, 32/64:\u00a097.5" in table
    assert "the lowest −ELBO of the values tried" in table  # the channels: 32/64 alone is best


def test_scientific_writes_powers_of_ten_for_prose():
    assert prose.scientific(0.0002) == "2 × 10⁻⁴"
    assert prose.scientific(6.934e-4) == "6.9 × 10⁻⁴"
    assert prose.scientific(12345.0, 2) == "1.23 × 10⁴"


def test_bce_reading_sentence_reads_the_jsd_bound():
    apart = {"real_d": 0.61, "fake_d": 0.32, "loss": 1.102, "jsd_bound": 0.142}
    text = prose.bce_reading_sentence(apart)
    assert (
        "D gives the other half's test images 0.61 and its samples 0.32 on average (1/2 each at the BCE "
        "game's equilibrium), a BCE loss (real plus fake term) of 1.102 against $\\log 4 = 1.386$" in text
    )
    assert text.endswith("\\ge 0.142$ nats (at most $\\log 2$).")
    # (log 4 - 1.102 - 1.645 * 0.004) / 2 = 0.1387, rounded down
    cited = prose.bce_reading_sentence(apart, "@tbl-x, last row")
    assert (
        "half of the held-out images, D (@tbl-x, last row) has on the other half a BCE loss (real plus fake"
        in cited
    )
    assert "0.61" not in cited
    sampled = prose.bce_reading_sentence({**apart, "loss_se": 0.0041})
    assert sampled.endswith(
        "\\ge 0.142$ nats (at most $\\log 2$); with 95% confidence $\\ge 0.138$ "
        "(standard error of the loss 0.004)."
    )
    level = prose.bce_reading_sentence(
        {**apart, "real_d": 0.5, "fake_d": 0.5, "loss": 1.385, "jsd_bound": 0.0005}
    )
    assert level.endswith("G's images are distributed like the real ones.")


def test_aggregate_gap_sentence_reads_the_moments_and_the_distance_halves():
    gap = {"kl": 0.12, "near_unsure": 0.2, "far_unsure": 0.48, "prior_unsure": 0.34, "draws": 10000}
    text = prose.aggregate_gap_sentence(gap, 0.05)
    assert "lies only 0.1 nats from" in text and "so any gap lies in the shape of $q(z)$." in text
    assert "Of 10,000 prior draws the classifier doubts 34%: split at the median distance" in text
    assert "48% of the farther and 20% of the nearer half, against 5% of the" in text
    assert text.endswith("the blends are mostly the draws that land between the codes.")
    some = prose.aggregate_gap_sentence({**gap, "far_unsure": 0.26}, 0.05)
    assert some.endswith("even the nearer half holds many, so that distance explains only part of them.")
    apart = prose.aggregate_gap_sentence({**gap, "kl": 3.2, "far_unsure": 0.21}, 0.05)
    assert "lies 3.2 nats from" in apart and "differ already in their first two moments" in apart
    assert apart.endswith("distance from the codes does not explain the blends.")


def test_random_pairs_sentence_says_whether_the_shown_paths_are_typical():
    random = {
        "pairs": 500,
        "linear": {"detour": 0.42, "lowest_confidence_median": 0.61},
        "spherical": {"detour": 0.40, "lowest_confidence_median": 0.63},
    }

    def shown(detours, lowest, paths=4, lowests=None):
        return {
            m: {
                "detours": detours,
                "paths": paths,
                "lowest_confidence_median": lowest,
                "lowest_confidences": lowests or [lowest] * paths,
            }
            for m in ("linear", "spherical")
        }

    text = prose.random_pairs_sentence(random, shown(2, 0.65))
    assert text.startswith("Between 500 random pairs of test digits of different classes")
    assert (
        "42% of the linear and 40% of the spherical paths pass through a third digit (of the paths shown: "
        "2 and 2 of 4)" in text
    )
    assert text.endswith(
        "median of 61% and 63% (of the paths shown: 65% and 65%), so, as far as 4 paths per method can "
        "tell, the shown paths are typical ones."
    )
    assert "detour like typical ones, but pass through surer images" in prose.random_pairs_sentence(
        random, shown(1, 0.85)
    )
    # medians far apart, but only half the shown paths above the random median: not surer
    assert prose.random_pairs_sentence(random, shown(1, 0.85, lowests=[0.9, 0.95, 0.5, 0.55])).endswith(
        "so, as far as 4 paths per method can tell, the shown paths detour like typical ones. Their "
        "lowest confidences have the higher medians, but only 4 of the 8 exceed the random paths' median, "
        "too few to call the shown paths surer."
    )
    assert "like typical ones" in prose.random_pairs_sentence(random, shown(0, 0.85))  # 0 of 4: plausible
    assert "detour less than typical ones" in prose.random_pairs_sentence(random, shown(0, 0.85, paths=12))
    assert "detour more than typical ones" in prose.random_pairs_sentence(random, shown(4, 0.6))


def test_beta_order_sentence_reports_the_largest_move_and_any_change_of_order():
    def run(*terms):
        return {b: {"test_reconstruction": r, "test_kl": k} for b, (r, k) in zip((0.0, 1.0, 10.0), terms)}

    seed0 = run((60.0, 40.0), (70.0, 20.0), (90.0, 5.0))
    same = run((60.5, 40.2), (71.2, 19.9), (89.9, 5.3))  # largest share: β = 1's 1.2 of 10 nats
    assert prose.beta_order_sentence(seed0, {"from seed 1": same}) == (
        "From seed 1, the βs keep their order in both terms: each β's term moves by at most 12% of the "
        "gap to the nearest other β's value in that term."
    )
    longer = run((57.0, 40.5), (66.0, 20.5), (85.0, 5.5))  # largest share: β = 1's 4 of 10 nats
    assert prose.beta_order_sentence(
        seed0, {"trained for 12 epochs": longer, "from seed 1": same}, "@tbl-beta"
    ) == (
        "Trained for 12 epochs or from seed 1, the βs keep their order in both terms: each β's term moves by "
        "at most 40% (for 12 epochs) or 12% (from seed 1) of the gap to the nearest other β's value in that "
        "term (@tbl-beta)."
    )
    crossed = run((60.5, 40.2), (71.2, 4.0), (89.9, 5.3))  # β = 1's KL moves 16 of 15 nats
    assert prose.beta_order_sentence(seed0, {"from seed 1": crossed}) == (
        "From seed 1, β = 1, 10 change places in the KL, and a term moves by up to 107% of the gap to the "
        "nearest other β's value in that term."
    )
    assert prose.beta_order_sentence(seed0, {"trained for 12 epochs": longer, "from seed 1": crossed}) == (
        "Trained for 12 epochs, the βs keep their order in both terms: each β's term moves by at most 40% of "
        "the gap to the nearest other β's value in that term; from seed 1, β = 1, 10 change places in the "
        "KL, and a term moves by up to 107% of the gap to the nearest other β's value in that term."
    )


def test_architecture_control_sentence_credits_the_deeper_cnn_only_when_the_control_did_worse():
    sngan = {"fid": 44.2, "recall": 0.30}
    worse = prose.architecture_control_sentence(19, sngan, {"fid": 52.8, "recall": 0.25})
    assert worse == (
        "Trained afterwards with the first stage's recipe for 19 epochs (both from seed 0), DCGAN's CNN "
        "reached an FID of 52.8 against the SNGAN CNN's 44.2 and a recall of 0.25 against 0.30."
    )
    # the stage trained again on the control's machine, its first run's elsewhere
    elsewhere = prose.architecture_control_sentence(
        19, sngan, {"fid": 52.8, "recall": 0.25}, "41.0 on the H100"
    )
    assert "(both from seed 0, on one machine), DCGAN's CNN" in elsewhere
    assert "against the SNGAN CNN's 44.2 (41.0 on the H100) and a recall" in elsewhere
    collapsed = prose.architecture_control_sentence(19, sngan, {"fid": 106.9, "recall": 0.02})
    assert collapsed.endswith(
        "0.02 against 0.30: its samples reached few of the real images' neighbourhoods, the mark of severe "
        "mode dropping."
    )
    better = prose.architecture_control_sentence(19, sngan, {"fid": 43.0, "recall": 0.02})
    assert better.endswith(": at this budget the SNGAN CNN did not lower the FID.")


def test_long_runs_sentence_places_the_first_sngan_stage_among_the_dcgan_runs():
    dcgan = [(30, 55.35), (85, 43.35), (130, 37.1), (240, 35.42)]  # as Table 15 prints them
    assert prose.long_runs_sentence((19, 44.17), dcgan, (74, 24.34)) == (
        "after 19 epochs the first SNGAN stage reached an FID of 44.17, where the DCGAN had 55.35 after 30 "
        "epochs and was first measured below it after 85 epochs (43.35); so training went on from the SNGAN "
        "by warm restarts, which reached 24.34 in 74 epochs against the best DCGAN's 35.42 in 240."
    )
    assert "below every DCGAN run's, the best 35.42 after 240 epochs; so training went on" in (
        prose.long_runs_sentence((19, 30.0), dcgan, (74, 24.3))
    )
    assert (
        "above every DCGAN run's (the first, 55.35 after 30 epochs); so this comparison alone does not"
        in (prose.long_runs_sentence((19, 60.0), dcgan, (74, 24.3)))
    )
    assert (
        "had 55.35 after 30 epochs and was first measured below it after 85 epochs (43.35); so training"
        in (prose.long_runs_sentence((30, 50.0), dcgan, (74, 24.3)))
    )
    for sooner in ((40, 50.0), (100, 50.0)):  # no DCGAN run as long or longer did worse
        assert "(43.35); so this comparison alone does not favour the SNGAN" in (
            prose.long_runs_sentence(sooner, dcgan, (74, 24.3))
        )
    assert "where the DCGAN was first measured below it after 30 epochs (40.00); so training" in (
        prose.long_runs_sentence((19, 45.0), [(30, 40.0), (85, 50.0)], (74, 24.3))
    )


def test_lower_bounds_are_rounded_down():
    assert prose.lower_bound_text(0.3055) == "0.30" and prose.lower_bound_text(0.425) == "0.42"
    assert prose.lower_bound_text(0.43) == "0.43" and prose.lower_bound_text(0.0) == "0.00"


def test_feature_precision_sentence_gives_the_change_and_what_was_not_recomputed():
    fids = {"bf16": 97.314, "fp32": 97.25, "samples": 2000}
    assert prose.feature_precision_sentence(fids, 40) == (
        "Features in fp32 instead of bf16 move the FID of 2,000 samples against 2,000 real images by −0.06; "
        "the 10,000-sample FID was not recomputed in fp32 (40 min)."
    )
    assert "by +0.70;" in prose.feature_precision_sentence({**fids, "fp32": 98.014}, 40)


def test_remedies_sentence_credits_only_the_change_that_raised_recall():
    def run(recall, coverage):
        return {"recall": recall, "coverage": coverage}

    text = prose.remedies_sentence(
        run(0.02, 0.19), run(0.30, 0.43), run(0.53, 0.66), run(0.42, 0.56), 19, ("@a", "@b"), run(0.26, 0.43)
    )
    assert text.startswith(
        "Of what was done, the shipped model's hinge loss, spectral normalisation and EMA did not by "
        "themselves keep G from dropping modes: on DCGAN's CNN"
    )
    assert (
        "on DCGAN's CNN they reached a recall of only 0.02 after 19 epochs, below DCGAN's own BCE and "
        "BatchNorm (0.26). With them the deeper SNGAN CNN reached 0.30 (both from seed 0, @a), and the "
        "warm-restarted stages, with their added epochs, raised it to 0.53, above the best DCGAN run's "
        "0.42 (@b)." in text
    )
    blamed = prose.remedies_sentence(
        run(0.02, 0.19),
        run(0.30, 0.43),
        run(0.53, 0.66),
        run(0.42, 0.56),
        19,
        ("@a", "@b"),
        run(0.26, 0.43),
        "@c",
    )
    assert (
        "BCE and BatchNorm (0.26), and there only the runs with spectral normalisation dropped modes (@c). "
        "With them" in blamed
    )
    level = prose.remedies_sentence(
        run(0.02, 0.19), run(0.26, 0.43), run(0.53, 0.66), run(0.42, 0.56), 19, own=run(0.26, 0.43)
    )
    assert (
        "(both from seed 0), no more than DCGAN's own BCE and BatchNorm (0.26), and the warm-restarted stages"
        in level
    )

    def first_stage(recall):  # its recall against DCGAN's own BCE and BatchNorm's 0.26, the threshold 0.12
        return prose.remedies_sentence(
            run(0.02, 0.19),
            run(recall, 0.41),
            run(0.53, 0.66),
            run(0.42, 0.56),
            19,
            own=run(0.26, 0.43),
            recall_threshold=0.123,
        )

    within, beyond = first_stage(0.27), first_stage(0.39)
    elsewhere = prose.remedies_sentence(
        run(0.02, 0.19),
        run(0.27, 0.41),
        run(0.53, 0.66),
        run(0.42, 0.56),
        19,
        continued=(run(0.30, 0.43), "H100"),
    )
    assert (
        "raised the stage they continued (0.30 on the H100) to 0.53, above the best DCGAN run's 0.42."
        in elsewhere
    )
    assert (
        "reached 0.27 (both from seed 0), level with DCGAN's own BCE and BatchNorm (0.26; recall "
        "threshold 0.12), and" in within
    )
    assert "reached 0.39 (both from seed 0), and the warm-restarted" in beyond  # 0.13 beyond 0.12
    # the shipped model's 0.53 leads the best DCGAN run's 0.42 by 0.11, within the threshold of 0.12
    assert within.endswith(
        "raised it to 0.53, 0.11 above the best DCGAN run's 0.42, a lead within that threshold and so not "
        "resolved."
    )
    wider = prose.remedies_sentence(
        run(0.02, 0.19),
        run(0.27, 0.41),
        run(0.60, 0.66),
        run(0.42, 0.56),
        19,
        own=run(0.26, 0.43),
        recall_threshold=0.123,
    )
    assert wider.endswith("raised it to 0.60, above the best DCGAN run's 0.42.")  # 0.18 beyond 0.12
    # the first stage resolved beyond the threshold, so the sentence has not named it yet
    assert beyond.endswith(
        "raised it to 0.53, 0.11 above the best DCGAN run's 0.42, a lead within the recall threshold of 0.12 "
        "and so not resolved."
    )
    equal = prose.remedies_sentence(
        run(0.26, 0.19), run(0.30, 0.43), run(0.53, 0.66), run(0.42, 0.56), 19, own=run(0.26, 0.4)
    )
    assert "after 19 epochs, not below DCGAN's own BCE and BatchNorm (0.26). With them" in equal
    same = prose.remedies_sentence(run(0.30, 0.19), run(0.30, 0.43), run(0.53, 0.66), run(0.42, 0.56), 19)
    assert same.endswith("and the SNGAN CNN did no better (both from seed 0): 0.30.")
    flat = prose.remedies_sentence(run(0.02, 0.19), run(0.30, 0.43), run(0.30, 0.5), run(0.42, 0.56), 19)
    assert "warm restarts" not in flat and "recall is not above" in flat and "own BCE" not in flat


def test_cnn_pair_sentence_names_the_feature_whose_removal_avoids_the_mode_dropping():
    sngan = {"fid": 44.2, "recall": 0.30}

    def runs(*recalls):
        keys = ("hinge + SN", "hinge + BN", "BCE + SN", "BCE + BN")
        return {k: {"fid": 50.0 + i, "recall": r} for i, (k, r) in enumerate(zip(keys, recalls))}

    text = prose.cnn_pair_sentence(runs(0.02, 0.35, 0.03, 0.25), sngan, "@tbl-x")
    assert text.startswith(
        "Without spectral normalisation (BatchNorm in D instead; @tbl-x), without the hinge loss (BCE "
        "instead) and without both, DCGAN's CNN reached recalls of 0.35, 0.03 and 0.25. So spectral "
        "normalisation, not the hinge loss, brings the severe mode dropping on DCGAN's CNN"
    )
    assert text.endswith(
        "(a recall below 0.15, half the SNGAN stage's), the two without it do not. In seed 0 the hinge loss "
        "lowered the FID with either D (by 2.0 with BatchNorm and 2.0 with spectral norm), and none of the "
        "four reached the SNGAN stage's FID of 44.2 (the nearest, hinge loss with spectral norm, by 5.8)."
    )
    sngan_behind = {"fid": 52.0, "recall": 0.30}  # 50.0 and 51.0 are below it, 52.0 ties it
    assert prose.cnn_pair_sentence(runs(0.02, 0.35, 0.03, 0.25), sngan_behind).endswith(
        "hinge loss with spectral norm (50.0) and hinge loss with BatchNorm (51.0) beat the SNGAN stage's "
        "FID of 52.0."
    )

    mixed = {**runs(0.02, 0.35, 0.03, 0.25), "BCE + SN": {"fid": 49.0, "recall": 0.03}}
    assert (
        "In seed 0 the hinge loss moved the FID by −2.0 with BatchNorm and +1.0 with spectral norm, and"
        in (prose.cnn_pair_sentence(mixed, sngan))
    )

    def verdict(*recalls):
        text = prose.cnn_pair_sentence(runs(*recalls), sngan)
        text = text.split(" So ")[1].split(" In seed 0 the hinge loss")[0]
        return text.replace(" (a recall below 0.15, half the SNGAN stage's)", "").removesuffix(".")

    assert verdict(0.02, 0.03, 0.35, 0.25).startswith("the hinge loss, not spectral normalisation,")
    assert verdict(0.02, 0.2, 0.2, 0.2).startswith("only the pair drops modes severely")
    assert verdict(0.02, 0.1, 0.1, 0.1).startswith("all four drop modes severely")
    assert verdict(0.2, 0.2, 0.2, 0.2).startswith("none of the four")
    assert verdict(0.2, 0.1, 0.2, 0.1).endswith("but hinge loss with BatchNorm and BCE with BatchNorm do")
    assert verdict(0.02, 0.1, 0.2, 0.1).endswith(
        "for it: hinge loss with spectral norm, hinge loss with BatchNorm, BCE with BatchNorm drop modes "
        "severely"
    )
    # spectral norm is named only when the BatchNorm runs both keep their modes
    assert verdict(0.02, 0.2, 0.1, 0.1).startswith("neither feature alone")


def test_confused_in_both_text_names_shared_pairs_once():
    latent, mapped = [(4, 9, 0.209), (5, 8, 0.088)], [(4, 9, 0.231), (5, 8, 0.107)]
    assert prose.confused_in_both_text(latent, mapped) == (
        "4 with 9 and 5 with 8 (20.9% and 8.8% of the two digits' codes; on its map 23.1% and 10.7%)"
    )
    assert prose.confused_in_both_text(latent, mapped[::-1]) == (
        "4 with 9 (20.9%) and 5 with 8 (8.8%) of the two digits' codes, and on its map 5 with 8 (10.7%) and "
        "4 with 9 (23.1%)"
    )


def test_repeat_sentence_says_whether_the_contrast_survives_the_seed():
    sngan = {"recall": 0.30}

    def pair(sn_recall, bn_recall, fids=(105.4, 60.0)):
        return {
            "hinge + SN": {"fid": fids[0], "recall": sn_recall},
            "hinge + BN": {"fid": fids[1], "recall": bn_recall},
        }

    seed0 = pair(0.02, 0.21)
    assert prose.repeat_sentence(seed0, pair(0.04, 0.25, (98.1, 57.5)), sngan, "@tbl-x") == (
        "From seed 1 (@tbl-x) the two hinge runs reached recalls of 0.04 with spectral normalisation and "
        "0.25 with BatchNorm, so the contrast holds: again only the run with spectral normalisation drops "
        "modes severely; their FIDs moved by 7.3 and 2.5 with the seed."
    )
    assert "both drop modes severely" in prose.repeat_sentence(seed0, pair(0.04, 0.1), sngan)
    assert "neither drops modes severely" in prose.repeat_sentence(seed0, pair(0.2, 0.25), sngan)
    assert "the contrast reverses" in prose.repeat_sentence(seed0, pair(0.2, 0.1), sngan)
    assert "changes neither run's verdict" in prose.repeat_sentence(pair(0.2, 0.25), pair(0.2, 0.25), sngan)


def test_seed_pairs_are_each_repeated_runs_fids():
    first = {"a": {"fid": 105.4}, "b": {"fid": 60.0}, "c": {"fid": 1.0}}
    assert prose.seed_pairs(first, {"a": {"fid": 105.1}, "b": {"fid": 52.3}}) == [
        [105.4, 105.1],
        [60.0, 52.3],
    ]


def test_scratch_pairs_add_the_machine_pair_only_given_the_rerun():
    runs = {"a": {"fid": 105.4}, "b": {"fid": 60.0}}
    repeats = {"a": {"fid": 105.1}}
    sngan, rerun = {"fid": 44.2}, {"fid": 47.3}
    assert prose.scratch_pairs(runs, repeats, sngan) == [[105.4, 105.1]]
    assert prose.scratch_pairs(runs, repeats, sngan, rerun) == [[105.4, 105.1], [44.2, 47.3]]


def test_without_sn_change_reads_recall_first_then_fid_against_the_seed_noise():
    with_sn = {"fid": 44.2, "recall": 0.30}
    assert prose.without_sn_change(with_sn, {"fid": 40.0, "recall": 0.14}, 7.7) == "dropping"
    assert prose.without_sn_change(with_sn, {"fid": 52.0, "recall": 0.30}, 7.7) == "worse"
    assert prose.without_sn_change(with_sn, {"fid": 36.4, "recall": 0.30}, 7.7) == "better"
    assert prose.without_sn_change(with_sn, {"fid": 51.8, "recall": 0.16}, 7.7) == "unresolved"


def test_spectral_norm_evidence_sentence_weighs_the_scratch_late_and_dcgan_runs():
    sngan = {"fid": 44.2, "recall": 0.30}

    def runs(*recalls):
        keys = ("hinge + SN", "hinge + BN", "BCE + SN", "BCE + BN")
        return {k: {"fid": f, "recall": r} for k, f, r in zip(keys, (105.4, 60.0, 90.1, 49.9), recalls)}

    harmful, harmless = runs(0.02, 0.21, 0.03, 0.26), runs(0.2, 0.21, 0.3, 0.26)
    # seed pairs 105.4 / 105.1 and 60.0 / 52.3: pooled sd 3.85, 2 degrees of freedom, so two single runs
    # differ beyond t(0.975, 2) × 3.85 × √2 = 23.4
    agreeing = {"hinge + SN": {"fid": 105.1, "recall": 0.02}, "hinge + BN": {"fid": 52.3, "recall": 0.27}}
    same = {"fid": 54.1, "recall": 0.21}  # +9.9: within the threshold

    def evidence(late, pair, repeats, own, cite="", devices=("", ""), d_losses=None, rerun=None):
        test = prose.mean_difference_threshold(
            prose.scratch_pairs(pair, repeats, sngan, rerun), runs_per_mean=1
        )
        drops = prose.spectral_norm_drops_modes(pair, sngan if rerun is None else rerun, repeats)
        return prose.spectral_norm_evidence_sentence(
            late, 0.16, test, drops, sngan, own, cite, devices, d_losses, rerun
        )

    def sentence(late, scratch, pair=harmful, devices=("CPU", "H100")):
        return evidence(late, pair, agreeing, scratch, "@tbl-x", devices)

    assert sentence(0.03, same) == (
        "The SNGAN CNN with BatchNorm in D instead, trained from scratch for as long (@tbl-x), reached an "
        "FID of 54.1 against 44.2 and a recall of 0.21 against 0.30: a change of +9.9, not resolved: the "
        "seed pairs' spread sets the threshold for two single runs at 23.4 (t-test at 5%, 2 degrees of "
        "freedom). So these runs give no evidence for keeping spectral normalisation: from the start it "
        "made no resolved difference to the SNGAN CNN, taken out late it made no resolved difference, and "
        "on DCGAN's CNN it brought severe mode dropping. It stays because every later stage continued from "
        "the first."
    )
    ahead = evidence(0.03, harmful, agreeing, same, d_losses=(0.2, 1.28))
    assert (
        "degrees of freedom); without it D pulled far ahead of G (D's last-epoch hinge loss 0.20 against "
        "1.28, 2 at the equilibrium)." in ahead
    )
    level = evidence(0.03, harmful, agreeing, same, d_losses=(0.9, 1.28))
    assert "freedom) (D's last-epoch hinge loss 0.90 against 1.28, 2 at the equilibrium). So" in level
    dropping = sentence(0.03, {"fid": 70.0, "recall": 0.05})
    assert "it dropped modes severely without spectral normalisation." in dropping
    assert dropping.endswith(
        "So the runs support spectral normalisation for the SNGAN CNN from the start; taken out late it made "
        "no resolved difference, and on DCGAN's CNN it brought severe mode dropping: its effect depends on "
        "the CNN."
    )
    worse = sentence(-0.3, {"fid": 70.0, "recall": 0.25}, harmless)
    assert "a rise of 25.8, resolved: the seed pairs' spread sets the threshold for two single runs" in worse
    assert worse.endswith(
        "So this one pair of runs favours spectral normalisation for the SNGAN CNN from the start; though "
        "taken out late it lowered the FID by 0.30, beyond the noise, and on DCGAN's CNN it did not bring "
        "severe mode dropping by itself."
    )
    better = {"fid": 20.0, "recall": 0.35}
    assert "a fall of 24.2, resolved" in sentence(0.03, better)
    assert "So these runs speak against spectral normalisation" in sentence(0.03, better)
    assert "So the runs are divided on spectral normalisation: taken out late it raised the FID by 0.50" in (
        sentence(0.5, better)
    )
    assert "So the runs support keeping spectral normalisation only weakly" in sentence(0.5, same)
    # the first stage trained again beside the run without spectral norm: read against that rerun, whose
    # change from the first stage (the machine's) joins the seed pairs: pooled sd 3.46, 3 degrees of freedom
    rerun = {"fid": 47.3, "recall": 0.28}
    paired = evidence(0.03, harmful, agreeing, same, "@tbl-x", ("CPU", "H100"), (0.01, 1.1), rerun)
    assert paired.startswith(
        "The SNGAN CNN with BatchNorm in D instead, trained from scratch for as long (@tbl-x), reached an "
        "FID of 54.1 and a recall of 0.21, against 47.3 and 0.28 for the first stage trained again there "
        "from the same seed (44.2 and 0.30 on the H100 GPU): a change of +6.8, not resolved: the seed and "
        "machine pairs' spread sets the threshold for two single runs at 15.3 (t-test at 5%, 3 degrees of "
        "freedom); without it D pulled far ahead of G (D's last-epoch hinge loss 0.01 against 1.10, 2 at the "
        "equilibrium). So these runs give no"
    )
    far = evidence(0.03, harmful, agreeing, {"fid": 75.0, "recall": 0.25}, "", ("CPU", "H100"), None, rerun)
    assert "a rise of 27.7, resolved: the seed and machine pairs' spread" in far
    # the DCGAN 2 x 2 blames spectral norm only when the other seed agrees
    both = {"hinge + SN": {"fid": 105.1, "recall": 0.04}, "hinge + BN": {"fid": 52.3, "recall": 0.05}}
    text = evidence(0.03, harmful, both, same)
    assert "did not bring severe mode dropping by itself" in text
    # one BatchNorm run dropping modes too: spectral norm alone is not blamed
    assert "did not bring severe mode dropping by itself" in sentence(0.03, same, runs(0.02, 0.1, 0.03, 0.26))
    # the threshold and the verdict on DCGAN's CNN are the caller's, not recomputed
    given = prose.spectral_norm_evidence_sentence(
        0.03, 0.16, {"threshold": 5.0, "dof": 7}, False, sngan, same
    )
    assert (
        "a rise of 9.9, resolved: the seed pairs' spread sets the threshold for two single runs at 5.0 "
        in given
    )
    assert "(t-test at 5%, 7 degrees of freedom)" in given
    assert "on DCGAN's CNN it did not bring severe mode dropping by itself" in given


def test_cnn_pair_sentence_says_when_no_quoted_fid_difference_is_resolved():
    sngan = {"fid": 44.2, "recall": 0.30}
    keys = ("hinge + SN", "hinge + BN", "BCE + SN", "BCE + BN")
    runs = {
        k: {"fid": f, "recall": r}
        for k, f, r in zip(keys, (105.4, 60.0, 90.1, 49.9), (0.02, 0.21, 0.03, 0.26))
    }
    # quoted: the hinge loss's +10.1 and +15.3, and the nearest FID's 5.7 above the SNGAN stage's
    chance = "by which two single runs can differ by chance (t-test, below)"
    rests = "; its choice rests on the long runs, which changed loss and schedule with it."
    three = "hinge loss with spectral norm, hinge loss with BatchNorm and BCE with spectral norm"
    assert prose.cnn_pair_sentence(runs, sngan, fid_threshold=23.5).endswith(
        f"(the nearest, BCE with BatchNorm, by 5.7); none of these three differences exceeds the 23.5 "
        f"{chance}, so "
        f"the SNGAN CNN's FID is resolved lower only than DCGAN's CNN with spectral norm{rests}"
    )
    assert prose.cnn_pair_sentence(runs, sngan, fid_threshold=12.0).endswith(
        f"(the nearest, BCE with BatchNorm, by 5.7); of these differences, 15.3 exceeds the 12.0 {chance}, "
        f"so the SNGAN CNN's FID is resolved lower only than {three}{rests}"
    )
    assert prose.cnn_pair_sentence(runs, sngan, fid_threshold=8.0).endswith(
        f"; of these differences, 10.1 and 15.3 exceed the 8.0 {chance}, so the SNGAN CNN's FID is "
        f"resolved lower only than {three}{rests}"
    )
    assert prose.cnn_pair_sentence(runs, sngan, fid_threshold=5.0).endswith(
        f"; of these differences, 5.7, 10.1 and 15.3 exceed the 5.0 {chance}."  # all four behind it
    )
    assert prose.cnn_pair_sentence(runs, sngan, fid_threshold=70.0).endswith(
        f"{chance}, so the SNGAN CNN's FID is resolved lower than none of the four."
    )
    # a difference equal to the threshold as both are printed is not beyond it, but is said to equal it
    assert prose.cnn_pair_sentence(runs, sngan, fid_threshold=15.27).endswith(
        f"; none of these three differences exceeds the 15.3 {chance}, which the largest equals, "
        "so the SNGAN "
        f"CNN's FID is resolved lower only than {three}{rests}"
    )
    # the runs beside the SNGAN stage on one machine: 2.5 from it; only the two with spectral norm resolved
    beside = prose.cnn_pair_sentence(runs, {"fid": 47.4, "recall": 0.27}, fid_threshold=15.3)
    assert beside.endswith(
        f"(the nearest, BCE with BatchNorm, by 2.5); none of these three differences exceeds the 15.3 "
        f"{chance}, "
        f"which the largest equals, so the SNGAN CNN's FID is resolved lower only than DCGAN's CNN with "
        f"spectral norm{rests}"
    )
    assert prose.cnn_pair_sentence(runs, sngan).endswith("(the nearest, BCE with BatchNorm, by 5.7).")
    # a run that beats the SNGAN stage: its gap is not quoted, only the hinge loss's changes are read
    beats = {**runs, "BCE + BN": {"fid": 40.0, "recall": 0.26}}
    # (its gap, 4.2, is not quoted; the hinge loss's +20.0 with BatchNorm now decides)
    assert "of these differences, 20.0 exceeds" in prose.cnn_pair_sentence(beats, sngan, fid_threshold=18.0)
    assert "none of these" in prose.cnn_pair_sentence(beats, sngan, fid_threshold=21.0)


def test_cnn_pair_sentence_reads_the_probes_classes_against_its_verdict():
    sngan = {"fid": 44.2, "recall": 0.30, "class_counts": [10] * 10}
    even, skewed = [10] * 10, [40, 1] + [59 / 8] * 8
    runs = {
        "hinge + SN": {"fid": 100.0, "recall": 0.02, "class_counts": skewed},
        "hinge + BN": {"fid": 60.0, "recall": 0.21, "class_counts": even},
        "BCE + SN": {"fid": 90.0, "recall": 0.03, "class_counts": [30, 2] + [68 / 8] * 8},
        "BCE + BN": {"fid": 50.0, "recall": 0.26, "class_counts": [9] * 5 + [11] * 5},
    }
    names = [f"c{i}" for i in range(10)]
    text = prose.cnn_pair_sentence(runs, sngan, class_names=names, probe="The probe of @sec-x")
    assert (
        "the two without it do not. The probe of @sec-x agrees: it puts 40% and 30% of their samples in one "
        "class (c0) and 1.0% and 2.0% in another (c1), where the other three runs (hinge loss with "
        "BatchNorm, BCE with BatchNorm and the SNGAN stage) put 9.0% to 11% of their samples in each "
        "class (10% each in CIFAR-10). In seed 0 the hinge loss raised" in text
    )
    assert "probe" not in prose.cnn_pair_sentence(runs, sngan)  # no class names: no probe sentence


def test_class_skew_sentence_says_when_the_classes_do_not_single_the_runs_out():
    names = [f"c{i}" for i in range(10)]
    even, peaked = [10] * 10, [19] + [9] * 9
    assert prose.class_skew_sentence({"a": [15] + [85 / 9] * 9}, {"b": peaked, "c": even}, names) == (
        "The probe does not single them out: its largest class takes 15% of its samples, where the other "
        "two runs (b and c) put 9.0% to 19% of their samples in each class (10% each in CIFAR-10)."
    )
    # a dropping run peaked in one class but with no class rarer than the others' rarest
    text = prose.class_skew_sentence(
        {"a": [30] + [70 / 9] * 9, "b": [25] + [75 / 9] * 9}, {"c": [8] + [92 / 9] * 9}, names
    )
    assert text.startswith("The probe agrees: it puts 30% and 25% of their samples in one class (c0), where")
    mixed = prose.class_skew_sentence(
        {"a": [30] + [70 / 9] * 9, "b": [5, 25] + [70 / 8] * 8}, {"c": even}, names
    )
    assert "in one class (c0 and c1)" in mixed


def test_standing_statistics_sentence_reads_a_change_only_when_every_noise_set_agrees():
    result = {"copied": [30.0, 31.0], "standing": [29.0, 30.5], "samples": 2000, "noise_vectors": 50000}
    assert prose.standing_statistics_sentence(result, "@tbl-x") == (
        "Recomputed in training mode over 50,000 noise vectors, the EMA G's own statistics move the FID of "
        "2,000 samples (same noise, @tbl-x) from 30.0 to 29.0 and 31.0 to 30.5 (two noise sets): the "
        "copied ones cost 0.8 on average, and every FID here is measured with them."
    )
    worse = prose.standing_statistics_sentence({**result, "standing": [31.0, 32.0]})
    assert worse.endswith("(two noise sets): the copied ones cost nothing.")
    mixed = prose.standing_statistics_sentence({**result, "standing": [29.5, 31.5]})
    assert mixed.endswith(": in opposite directions, so the copied ones cost nothing measurable.")


def test_grid_probe_sentence_compares_the_grid_with_real_images():
    probe = {
        "threshold": 0.9,
        "grid": 100,
        "grid_sure": 59,
        "test_sure_share": 0.83,
        "test_sure_accuracy": 0.834,
    }
    assert prose.grid_probe_sentence(probe, "@sec-mode-collapse") == (
        "The linear probe of @sec-mode-collapse is at least 90% sure of one class for 59 of the 100 images, "
        "fewer than for real test images: it is that sure of 83% of them (and right on 83% of those)."
    )
    assert "80 of the 100 images, about as many as for real" in prose.grid_probe_sentence(
        {**probe, "grid_sure": 80}, "x"
    )
    assert "90 of the 100 images, more than for real" in prose.grid_probe_sentence(
        {**probe, "grid_sure": 90}, "x"
    )


def test_remedy_trial_sentence_reads_the_trials_recall_against_severe_dropping():
    sngan = {"fid": 44.2, "recall": 0.30}
    control, repeat = {"fid": 105.4, "recall": 0.02}, {"fid": 105.1, "recall": 0.04}

    def sentence(recall):
        trial = {"fid": 80.0, "recall": recall}
        return prose.remedy_trial_sentence(trial, control, repeat, sngan, 19, "a channel [@k]", "@tbl-x")

    assert sentence(0.2) == (
        "Tried where G dropped modes most, on DCGAN's CNN with hinge loss and spectral "
        "normalisation: a channel [@k]. In 19 epochs from seed 0 it reached a recall of 0.20 and an FID "
        "of 80.0, against 0.02 and 105.4 without it (@tbl-x): no longer below half the first SNGAN "
        "stage's recall (0.15), so in this run it kept G from dropping modes severely."
    )
    assert sentence(0.15).endswith("kept G from dropping modes severely.")  # the mark itself is not below
    assert sentence(0.1).endswith(
        ": above both runs without it, but still below half the first SNGAN stage's recall (0.15): G still "
        "dropped modes severely."
    )
    assert sentence(0.04).endswith(": no higher, so it did not keep G from dropping modes.")


def test_scratch_pairs_reads_any_metric():
    runs = {"a": {"fid": 1.0, "recall": 0.1}, "b": {"fid": 2.0, "recall": 0.2}}
    repeats = {"a": {"fid": 3.0, "recall": 0.3}}
    sngan, rerun = {"fid": 5.0, "recall": 0.5}, {"fid": 6.0, "recall": 0.6}
    assert prose.scratch_pairs(runs, repeats, sngan, rerun) == [[1.0, 3.0], [5.0, 6.0]]
    assert prose.scratch_pairs(runs, repeats, sngan, rerun, "recall") == [[0.1, 0.3], [0.5, 0.6]]
    assert prose.scratch_pairs(runs, repeats, sngan) == [[1.0, 3.0]]


def test_recipe_trial_sentence_counts_a_change_only_beyond_its_two_run_threshold():
    rerun = {"fid": 47.4, "recall": 0.27}
    limits = {"fid": 15.31, "recall": 0.123}  # compared as printed: 15.3 and 0.12

    def sentence(fid, recall):
        return prose.recipe_trial_sentence(
            {"fid": fid, "recall": recall}, rerun, limits, "the channel", "@tbl-x"
        )

    assert sentence(50.0, 0.30) == (
        "On the shipped model's first-stage recipe the channel moved recall from 0.27 to 0.30 and FID from "
        "47.4 to 50.0 (same seed and machine, @tbl-x): within the two-run thresholds "
        "(15.3 in FID, 0.12 in recall), so not resolved."
    )
    assert sentence(47.4, 0.39).endswith(
        ": within the two-run thresholds (15.3 in FID, 0.12 in recall), so not resolved."
    )  # 0.12: not beyond
    beyond = "beyond the two-run thresholds (15.3 in FID, 0.12 in recall), so"
    for (fid, recall), moved, verdict in [
        ((40.0, 0.40), "recall rose by 0.13", "there it widened what G covers."),
        (
            (70.0, 0.45),
            "recall rose by 0.18 and FID rose (worse) by 22.6",
            "it widened what G covers, but moved the samples further from the data by FID.",
        ),
        ((70.0, 0.10), "recall fell by 0.17 and FID rose (worse) by 22.6", "it did not widen what G covers."),
        ((30.0, 0.30), "FID fell (better) by 17.4", "it did not widen what G covers."),
    ]:
        assert sentence(fid, recall).endswith(f": {moved}, {beyond} {verdict}")


def test_recipe_trial_sentence_names_the_machine_only_when_shared():
    rerun, limits = {"fid": 47.4, "recall": 0.27}, {"fid": 15.3, "recall": 0.12}
    text = prose.recipe_trial_sentence({"fid": 47.0, "recall": 0.27}, rerun, limits, "it", same_machine=False)
    assert "(same seed): within" in text

"""The training command line: `python -m genmodels train {vae,gan,ablation,all} [--retrain] [--only NAME]`
(or `make train-vae ARGS="--retrain --only NAME"`) trains what the report uses through the
weight cache. Which runs each target trains is in runs.py.
"""

from __future__ import annotations

import argparse
import os
import sys

import torch

from genmodels import weights
from genmodels.errors import UserError
from genmodels.runs import TARGETS, target_configs


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m genmodels train", description="Train the report's models through the weight cache."
    )
    parser.add_argument("what", choices=[*TARGETS, "all"])
    parser.add_argument(
        "--retrain",
        action="store_true",
        help="ignore cached weights and checkpoints (with --only: of that model alone)",
    )
    parser.add_argument("--only", help="train only the config with this name")
    return parser


def selected(args) -> list:
    """The configs the parsed command line trains; an --only name not among them is an error."""
    todo = target_configs(args.what)
    if args.only is None:
        return todo
    chosen = [c for c in todo if c.name == args.only]
    if not chosen:
        elsewhere = [what for what in TARGETS if args.only in [c.name for c in target_configs(what)]]
        fix = (
            f'run `make train-{elsewhere[0]} ARGS="--only {args.only}"`'
            if elsewhere
            else f"use one of {', '.join(c.name for c in todo)}"
        )
        raise UserError(f"--only {args.only} is not a model of `{args.what}`: {fix}.")
    return chosen


def main(argv=None) -> None:
    args = parser().parse_args(argv)
    try:
        if os.environ.get("TORCH_THREADS"):
            if not os.environ["TORCH_THREADS"].isdigit():
                raise UserError(
                    f"TORCH_THREADS={os.environ['TORCH_THREADS']} is not a number of threads: "
                    f"run `export TORCH_THREADS=2` or `unset TORCH_THREADS`."
                )
            torch.set_num_threads(int(os.environ["TORCH_THREADS"]))
        keep_kept = not (args.retrain or args.only or weights.retrain_requested())
        for config in selected(args):
            entry = weights.load_entry(config) if keep_kept else None
            if entry is not None and weights.is_metrics_only(entry):  # trained; only its file was pruned
                print(
                    f"[train] {config.name}: trained before, metrics kept "
                    f"(`--only {config.name}` trains it again)"
                )
                continue
            # --only retrains that stage alone: the stages it continues from come from the cache.
            trained = weights.load_or_train(config, retrain=args.retrain, retrain_parents=args.only is None)
            print(f"[train] {config.name}: ready ({trained.entry.get('train_seconds', 0):.0f} s of training)")
    except UserError as error:  # one line, no traceback: it says what to run
        sys.exit(f"error: {error}")

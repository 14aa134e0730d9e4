"""Command-line entry: `python -m genmodels train|export|prune|bench ...`."""

from __future__ import annotations

import sys

USAGE = "usage: python -m genmodels {train,export,prune,bench} [options]  (train --help for its options)"


def export() -> None:
    """Write the submission's three TorchScript files from the cached final models."""
    from genmodels import export as export_module
    from genmodels import gan_results, runs, vae_results

    gan = gan_results.gan(runs.FINAL_GAN)
    paths = export_module.export_models(
        vae_results.vae(runs.FINAL_VAE), gan["generator"], gan["discriminator"]
    )
    for path in paths.values():
        print(path)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command == "train":
        from genmodels import cli

        cli.main(rest)
    elif command == "export":
        export()
    elif command == "prune":
        from genmodels import prune

        prune.main()
    elif command == "bench":
        from genmodels import bench

        bench.main()
    else:
        sys.exit(f"error: unknown command {command!r}. {USAGE}")


if __name__ == "__main__":
    main()

"""Datasets as in-memory uint8 tensors, and the transforms each model sees.

The data root is `$DATA_DIR` when set, else `../shared/data` beside the project when it
exists, else `data/` (where torchvision may download). CIFAR-10 is read from torchvision's
pickled batches when present and otherwise from JPEG class folders
(`CIFAR10/{train,test}/<class>/*.jpg`); decoded arrays are cached under `.cache/data/` (a bad
entry is decoded again, with a warning). A missing dataset raises `DataNotFoundError`, whose
one line names a folder that holds it when there is one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import torch

from genmodels.errors import UserError
from genmodels.paths import PROJECT_ROOT, read_cache, torch_bytes, write_cache

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
CACHE_DIR = PROJECT_ROOT / ".cache" / "data"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


class DataNotFoundError(UserError):
    pass


def data_root() -> Path:
    """Where the datasets live (see the module docstring for the order)."""
    if os.environ.get("DATA_DIR"):
        return Path(os.environ["DATA_DIR"]).expanduser().resolve()
    return SHARED_DATA if SHARED_DATA.exists() else PROJECT_ROOT / "data"


def _has(dataset: str, root: Path) -> bool:
    if dataset == "MNIST":
        return (root / "MNIST" / "raw" / "train-images-idx3-ubyte").exists()
    return (root / "cifar-10-batches-py").exists() or (root / "CIFAR10" / "train").is_dir()


def _missing(dataset: str, layout: str) -> DataNotFoundError:
    """The error for a dataset that is not under the data root; its hint names a folder that
    holds the dataset when there is one, so the command works as written."""
    root = data_root()
    where = f"DATA_DIR={root}" if os.environ.get("DATA_DIR") else str(root)
    others = [c for c in (SHARED_DATA, PROJECT_ROOT / "data") if c.resolve() != root and _has(dataset, c)]
    if others:
        fix = f"run `export DATA_DIR={others[0].resolve()}` and try again"
    else:
        fix = "put the dataset there or run `export DATA_DIR=/path/to/data` naming the folder that holds it"
    return DataNotFoundError(f"{dataset} not found in {where} (expected {layout}): {fix}.")


# --- MNIST ---------------------------------------------------------------------------------


def mnist(train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as (uint8 images [N, 28, 28], int64 labels [N])."""
    from torchvision.datasets import MNIST

    root = data_root()
    try:  # download=True downloads nothing when the raw files are present
        dataset = MNIST(root=str(root), train=train, download=True)
    except Exception:  # no files and no network
        raise _missing("MNIST", "MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte") from None
    return dataset.data.clone(), dataset.targets.clone()


# Printed in the report's appendix (export.transform_sources), whose pages fit 88 columns.
# fmt: off
def to_unit_interval(images_uint8: torch.Tensor) -> torch.Tensor:
    """VAE input transform: uint8 [N, 28, 28] -> float [N, 1, 28, 28] in [0, 1]."""
    return images_uint8.float().div(255.0).unsqueeze(1)


def pixel_shares(images_uint8: torch.Tensor, margin: float = 0.1) -> dict[str, float]:
    """How nearly binary grey-level images are: the share of pixels that are exactly 0 and the share
    within `margin` of either end of [0, 255]."""
    pixels = images_uint8.flatten().float() / 255
    return {
        "zero": float((pixels == 0).float().mean()),
        "near_ends": float(((pixels <= margin) | (pixels >= 1 - margin)).float().mean()),
        "margin": margin,
    }


def binarise_dynamic(
    images: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Dynamic binarisation: each pixel ~ Bernoulli(intensity), redrawn at every use."""
    return torch.bernoulli(images, generator=generator)


def binarised_mnist_test(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed binarisation of the MNIST test set used for every evaluation."""
    images, labels = mnist(train=False)
    generator = torch.Generator().manual_seed(seed)
    return binarise_dynamic(to_unit_interval(images), generator), labels


def vae_output_to_image(bernoulli_means: torch.Tensor) -> torch.Tensor:
    """VAE de-normalisation: the decoder's Bernoulli means are already grey levels in [0, 1]."""
    return bernoulli_means.clamp(0, 1)
# fmt: on


VALIDATION_SIZE = 10_000  # the last training images, held out for model selection


def mnist_train_and_evaluation(validation: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(training images in [0, 1], fixed binarised evaluation images): all 60,000 training
    images and the test set, or, with `validation`, the first 50,000 training images and the
    last 10,000, binarised with the test set's seed."""
    if not validation:
        return to_unit_interval(mnist(train=True)[0]), binarised_mnist_test()[0]
    images = to_unit_interval(mnist(train=True)[0])
    held_out = images[-VALIDATION_SIZE:]
    generator = torch.Generator().manual_seed(0)
    return images[:-VALIDATION_SIZE], binarise_dynamic(held_out, generator)


# --- CIFAR-10 ------------------------------------------------------------------------------


def _cifar_from_batches(root: Path, train: bool):
    from torchvision.datasets import CIFAR10

    dataset = CIFAR10(root=str(root), train=train, download=False)
    images = torch.from_numpy(dataset.data).permute(0, 3, 1, 2).contiguous()
    return images, torch.tensor(dataset.targets, dtype=torch.int64)


def _cifar_from_jpeg_folders(folder: Path):
    from PIL import Image

    images, labels = [], []
    for label, name in enumerate(CIFAR10_CLASSES):
        for path in sorted((folder / name).glob("*.jpg")):
            with Image.open(path) as image:
                images.append(np.asarray(image.convert("RGB")))
            labels.append(label)
    array = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).contiguous()
    return array, torch.tensor(labels, dtype=torch.int64)


def cifar10(train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """CIFAR-10 as (uint8 images [N, 3, 32, 32], int64 labels [N])."""
    root = data_root()
    split = "train" if train else "test"
    if (root / "cifar-10-batches-py").exists():
        return _cifar_from_batches(root, train)
    folder = root / "CIFAR10" / split
    if not folder.exists():
        try:
            from torchvision.datasets import CIFAR10

            CIFAR10(root=str(root), train=train, download=True)
            return _cifar_from_batches(root, train)
        except Exception:  # no files and no network
            raise _missing("CIFAR-10", "cifar-10-batches-py/ or CIFAR10/{train,test}/<class>/*.jpg") from None
    # The cache is keyed on the folder's path and file list, so another copy is never reused.
    listing = sorted(str(p.relative_to(folder)) for p in folder.glob("*/*.jpg"))
    if not listing:
        raise _missing("CIFAR-10", f"JPEG files in {folder}/<class>/")
    key = hashlib.sha256((str(folder) + "\n" + "\n".join(listing)).encode()).hexdigest()[:12]
    cache = CACHE_DIR / f"cifar10_{split}_{key}.pt"
    saved = read_cache(cache, lambda p: torch.load(p, weights_only=True), lambda s: _decoded(s, len(listing)))
    if saved is not None:
        return saved["images"], saved["labels"]
    images, labels = _cifar_from_jpeg_folders(folder)
    write_cache(
        cache, torch_bytes({"images": images, "labels": labels})
    )  # two processes may build it at once
    return images, labels


def _decoded(saved, count: int) -> bool:
    """Whether a cache entry holds `count` decoded CIFAR-10 images and labels."""
    images, labels = saved["images"], saved["labels"]
    return (
        images.dtype == torch.uint8
        and tuple(images.shape) == (count, 3, 32, 32)
        and labels.dtype == torch.int64
        and tuple(labels.shape) == (count,)
    )


# Printed in the report's appendix (export.transform_sources), whose pages fit 88 columns.
# fmt: off
def to_minus_one_one(images_uint8: torch.Tensor) -> torch.Tensor:
    """GAN input transform: uint8 [N, 3, 32, 32] -> float in [-1, 1] (Normalize(0.5, 0.5))."""
    return images_uint8.float().div(127.5).sub(1.0)


def gan_output_to_image(images: torch.Tensor) -> torch.Tensor:
    """GAN de-normalisation: generator output in [-1, 1] -> [0, 1] for display."""
    return images.add(1.0).div(2.0).clamp(0, 1)
# fmt: on


def batches(num_items: int, batch_size: int, generator: torch.Generator, drop_last: bool = True):
    """Shuffled index batches for one epoch, reproducible from `generator`."""
    order = torch.randperm(num_items, generator=generator)
    stop = num_items - num_items % batch_size if drop_last else num_items
    for start in range(0, stop, batch_size):
        yield order[start : start + batch_size]

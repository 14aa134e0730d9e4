"""Datasets as in-memory uint8 tensors, and the transforms each model sees.

The data root is `$DATA_DIR` when set, else `../shared/data` beside the project when it
exists, else `data/` (where torchvision may download). CIFAR-10 is read from torchvision's
pickled batches when present and otherwise from JPEG class folders
(`CIFAR10/{train,test}/<class>/*.jpg`); decoded arrays are cached under `.cache/data/`.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import torch

from genmodels import PROJECT_ROOT

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")
CACHE_DIR = PROJECT_ROOT / ".cache" / "data"


class DataNotFoundError(RuntimeError):
    pass


def data_root() -> Path:
    """Where the datasets live (see the module docstring for the order)."""
    if os.environ.get("DATA_DIR"):
        return Path(os.environ["DATA_DIR"]).expanduser().resolve()
    shared = PROJECT_ROOT.parent / "shared" / "data"
    return shared if shared.exists() else PROJECT_ROOT / "data"


def _missing(dataset: str, layout: str, error: Exception | None = None) -> DataNotFoundError:
    first_line = str(error).strip().splitlines()[0] if error and str(error).strip() else ""
    cause = f" ({type(error).__name__}: {first_line})" if error else ""
    return DataNotFoundError(
        f"{dataset} not found under DATA_DIR={data_root()}: expected {layout}; "
        f"set DATA_DIR to the folder that holds it{cause}")


# --- MNIST ---------------------------------------------------------------------------------

def mnist(train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as (uint8 images [N, 28, 28], int64 labels [N])."""
    from torchvision.datasets import MNIST
    root = data_root()
    try:  # download=True downloads nothing when the raw files are present
        dataset = MNIST(root=str(root), train=train, download=True)
    except Exception as error:  # no files and no network
        raise _missing("MNIST", "MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte", error) from None
    return dataset.data.clone(), dataset.targets.clone()


def to_unit_interval(images_uint8: torch.Tensor) -> torch.Tensor:
    """VAE input transform: uint8 [N, 28, 28] -> float [N, 1, 28, 28] in [0, 1]."""
    return images_uint8.float().div(255.0).unsqueeze(1)


def binarise_dynamic(images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Dynamic binarisation: each pixel ~ Bernoulli(intensity), redrawn every time it is seen."""
    return torch.bernoulli(images, generator=generator)


def binarised_mnist_test(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed binarisation of the MNIST test set used for every evaluation."""
    images, labels = mnist(train=False)
    generator = torch.Generator().manual_seed(seed)
    return binarise_dynamic(to_unit_interval(images), generator), labels


def vae_output_to_image(bernoulli_means: torch.Tensor) -> torch.Tensor:
    """VAE de-normalisation: the decoder's Bernoulli means are already grey levels in [0, 1]."""
    return bernoulli_means.clamp(0, 1)


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
        except Exception as error:
            raise _missing("CIFAR-10", "cifar-10-batches-py/ or CIFAR10/{train,test}/<class>/*.jpg",
                           error) from None
    # The cache is keyed on the folder's path and file list, so another copy is never reused.
    listing = sorted(str(p.relative_to(folder)) for p in folder.glob("*/*.jpg"))
    key = hashlib.sha256((str(folder) + "\n" + "\n".join(listing)).encode()).hexdigest()[:12]
    cache = CACHE_DIR / f"cifar10_{split}_{key}.pt"
    if cache.exists():
        saved = torch.load(cache, weights_only=True)
        return saved["images"], saved["labels"]
    if not listing:
        raise _missing("CIFAR-10", f"JPEG files in {folder}/<class>/")
    images, labels = _cifar_from_jpeg_folders(folder)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(f".{os.getpid()}.tmp")  # two processes may build it at once
    torch.save({"images": images, "labels": labels}, temporary)
    os.replace(temporary, cache)
    return images, labels


def to_minus_one_one(images_uint8: torch.Tensor) -> torch.Tensor:
    """GAN input transform: uint8 [N, 3, 32, 32] -> float in [-1, 1] (Normalize(0.5, 0.5))."""
    return images_uint8.float().div(127.5).sub(1.0)


def gan_output_to_image(images: torch.Tensor) -> torch.Tensor:
    """GAN de-normalisation: generator output in [-1, 1] -> [0, 1] for display."""
    return images.add(1.0).div(2.0).clamp(0, 1)


def batches(num_items: int, batch_size: int, generator: torch.Generator, drop_last: bool = True):
    """Shuffled index batches for one epoch, reproducible from `generator`."""
    order = torch.randperm(num_items, generator=generator)
    stop = num_items - num_items % batch_size if drop_last else num_items
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]

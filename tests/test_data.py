import pytest
import torch

from genmodels import data


def test_mnist_shapes_dtypes_and_original_order():
    images, labels = data.mnist(train=True)
    assert images.shape == (60000, 28, 28) and images.dtype == torch.uint8
    assert labels.dtype == torch.int64
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    test_images, _ = data.mnist(train=False)
    assert test_images.shape == (10000, 28, 28)


def test_vae_transforms_ranges_and_fixed_test_binarisation():
    images, _ = data.mnist(train=False)
    unit = data.to_unit_interval(images[:100])
    assert unit.shape == (100, 1, 28, 28) and unit.min() >= 0 and unit.max() <= 1
    first, _ = data.binarised_mnist_test()
    second, _ = data.binarised_mnist_test()
    assert torch.equal(first, second)
    assert set(first[:50].unique().tolist()) == {0.0, 1.0}
    # dynamic binarisation keeps the mean intensity
    draws = torch.stack([data.binarise_dynamic(unit) for _ in range(20)]).mean(0)
    assert (draws.mean() - unit.mean()).abs() < 0.01


def test_validation_split_is_the_last_training_images_binarised_once():
    images, _ = data.mnist(train=True)
    train, held_out = data.mnist_train_and_evaluation(validation=True)
    assert len(train) == 60000 - data.VALIDATION_SIZE and len(held_out) == data.VALIDATION_SIZE
    assert torch.equal(train, data.to_unit_interval(images[: -data.VALIDATION_SIZE]))
    assert set(held_out.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(held_out, data.mnist_train_and_evaluation(validation=True)[1])  # fixed draw
    # each binarised pixel is 1 only where the image has ink: drawn from the held-out images
    assert not (held_out.bool() & (data.to_unit_interval(images[-data.VALIDATION_SIZE :]) == 0)).any()
    full, test = data.mnist_train_and_evaluation()
    assert len(full) == 60000 and torch.equal(test, data.binarised_mnist_test()[0])


def test_cifar10_shapes_label_order_and_ranges():
    images, labels = data.cifar10(train=False)
    assert images.shape == (10000, 3, 32, 32) and images.dtype == torch.uint8
    assert torch.bincount(labels).tolist() == [1000] * 10
    assert labels[0] == 0 and labels[-1] == 9  # airplane ... truck, CIFAR-10's order
    scaled = data.to_minus_one_one(images[:64])
    assert scaled.min() >= -1 and scaled.max() <= 1
    assert torch.allclose(data.gan_output_to_image(scaled) * 255, images[:64].float(), atol=1e-3)


def test_cifar10_cache_reused(monkeypatch):
    data.cifar10(train=False)  # builds the cache if missing
    monkeypatch.setattr(data, "_cifar_from_jpeg_folders", lambda folder: pytest.fail("decoded JPEGs again"))
    images, _ = data.cifar10(train=False)
    assert images.shape[0] == 10000


def test_missing_data_message_is_one_line_naming_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    offline = RuntimeError(
        "Error downloading train-images-idx3-ubyte.gz:\nTried https://..., got: no network"
    )
    monkeypatch.setattr("torchvision.datasets.MNIST.download", lambda self: (_ for _ in ()).throw(offline))
    with pytest.raises(data.DataNotFoundError, match="DATA_DIR") as caught:
        data.mnist(train=False)
    assert "\n" not in str(caught.value) and "MNIST/raw" in str(caught.value)


def test_pixel_shares_count_zeros_and_near_binary_pixels():
    images = torch.tensor([[0, 0, 10, 128], [250, 255, 0, 40]], dtype=torch.uint8)
    shares = data.pixel_shares(images)
    assert shares["zero"] == 3 / 8 and shares["near_ends"] == 6 / 8  # 0,0,10,250,255,0 of 8

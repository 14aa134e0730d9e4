import pytest
import torch

from genmodels.data import DataNotFoundError

pytest_plugins = ["pytester"]  # test_failures runs a suite without data


@pytest.fixture(autouse=True)
def _seed_and_threads():
    torch.manual_seed(0)
    torch.set_num_threads(2)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Without the datasets, the first test that needs them fails with the one-line fix and the
    run stops there, rather than every such test failing with its own traceback."""
    report = (yield).get_result()
    if call.excinfo is not None and call.excinfo.errisinstance(DataNotFoundError):
        report.longrepr = str(call.excinfo.value)
        item.session.shouldstop = "stopped at the first test that needs the missing dataset"

"""pytest plugin of `python -m mtv2.compat pytest`: every process of the run imports mtv2 as `torch`.

The controller installs the shim before pytest starts (mtv2/compat/__main__.py) and loads this plugin with
`-p`, so it is loaded before any conftest or test module can import torch. pytest-xdist workers are fresh
interpreters: before a worker runs pytest at all, pytest_configure_node installs the shim in it through the
worker's own gateway, so a conftest the worker loads finds mtv2 too. (xdist also hands the worker the
controller's `-p` arguments, which loads this module there again: installing twice is a no-op.)
"""
import pytest

from . import install_torch_shim, is_installed

INSTALL_IN_WORKER = "import mtv2.compat; mtv2.compat.install_torch_shim()"


def pytest_configure(config):
    if not is_installed():
        install_torch_shim()


def pytest_report_header(config):
    return "torch: mtv2 through the torch shim (mtv2.compat)"


@pytest.hookimpl(optionalhook=True)    # a hook of pytest-xdist: absent without it
def pytest_configure_node(node):
    """xdist's hook, called on the controller just before the worker's pytest code is sent to it."""
    node.gateway.remote_exec(INSTALL_IN_WORKER).waitclose()

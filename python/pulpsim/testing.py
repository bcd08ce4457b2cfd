"""pytest support: the `machine` fixture and the `pulpsim_root` helper.

Installed with the package as a pytest plugin (entry point `pulpsim`), so tests can use
the fixtures without a conftest.py:

    def test_hello(machine, firmware):
        machine.load(firmware("pulp-cluster", "hello-cluster"))
        assert machine.run() == "exit" and machine.exit_code == 0

`machine` is a pulp-cluster Machine with 8 harts and a limit of 10^8 instructions, closed
after the test. A test marked `@pytest.mark.pulpsim(platform="spike", harts=1, ...)` gets
one made with those arguments (any option of Machine). `firmware(platform, name)` is the
path of firmware/build/<platform>/<name>.elf in the repository (found from $PULPSIM_ROOT,
or the directory above the library's .build); the test fails if it has not been built.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import Machine, find_library

DEFAULTS = {"platform": "pulp-cluster", "harts": 8, "max_instructions": 100_000_000}


def pulpsim_root() -> Path:
    """The pulpsim repository: $PULPSIM_ROOT, or the folder holding the library's .build."""
    root = os.environ.get("PULPSIM_ROOT")
    if root:
        return Path(root)
    library = Path(find_library()).resolve()
    for parent in library.parents:
        if parent.name == ".build":
            return parent.parent
    return Path.cwd()


def pytest_configure(config):
    config.addinivalue_line("markers", "pulpsim(**kwargs): arguments of the `machine` fixture's Machine")


@pytest.fixture
def machine(request):
    """A fresh Machine (pulp-cluster, 8 harts, at most 10^8 instructions unless marked)."""
    arguments = dict(DEFAULTS)
    marker = request.node.get_closest_marker("pulpsim")
    if marker is not None:
        arguments.update(marker.kwargs)
    m = Machine(**arguments)
    yield m
    m.close()


@pytest.fixture
def firmware():
    """firmware(platform, name) -> path of firmware/build/<platform>/<name>.elf (must exist)."""
    root = pulpsim_root()

    def path(platform: str, name: str) -> str:
        elf = root / "firmware" / "build" / platform / f"{name}.elf"
        if not elf.is_file():
            pytest.fail(f"missing {elf}: build the firmware first (make firmware)")
        return str(elf)

    return path

# The fixtures `machine` and `firmware` come from pulpsim.testing, the pytest plugin installed
# with the package. Without the package installed (`python3 -m pytest python/tests` in a
# checkout), the package is taken from python/ and its plugin registered here.
import sys
from pathlib import Path

try:
    import pulpsim  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("pulpsim") and not config.pluginmanager.has_plugin("pulpsim.testing"):
        config.pluginmanager.import_plugin("pulpsim.testing")

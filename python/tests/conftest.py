# The fixtures `machine` and `firmware` come from pulpsim.testing, a pytest plugin installed
# with the package; nothing else is needed here.

"""A whole firmware run: hello-cluster on 8 and on 2 cores."""

import pytest

from pulpsim import Machine


def test_hello_cluster(machine, firmware):
    machine.load(firmware("pulp-cluster", "hello-cluster"))
    assert machine.run() == "exit"
    assert machine.exit_code == 0
    assert machine.exit_status == 0
    lines = machine.output.splitlines()
    for core in range(8):
        assert f"Hello from core {core} of cluster 0 (8 cores)" in lines
    result = machine.result
    assert result["reason"] == "exit"
    assert result["exit_mechanism"] == "corestatus"
    assert len(result["harts"]) == 8
    assert result["instructions"] == sum(machine.instructions(h) for h in range(8))
    assert result["cycles"] == max(machine.cycles(h) for h in range(8)) > 0


@pytest.mark.pulpsim(harts=2, tcdm_contention=False)
def test_marker_options(machine, firmware):
    machine.load(firmware("pulp-cluster", "hello-cluster"))
    machine.run(check=True)
    assert machine.harts == 2
    assert "Hello from core 1 of cluster 0 (2 cores)" in machine.output
    assert "tcdm" not in machine.result


def test_run_is_final(firmware):
    with Machine("pulp-cluster", harts=8, elf=firmware("pulp-cluster", "hello-cluster")) as m:
        assert m.run() == "exit"
        output = m.output
        assert m.run() == "exit"  # nothing more happens
        assert m.output == output


def test_instruction_limit(firmware):
    m = Machine(max_instructions=1000)
    m.load(firmware("pulp-cluster", "hello-cluster"))
    assert m.run() == "instruction-limit"
    assert m.exit_status == 123
    assert m.result["instructions"] == 1000


@pytest.mark.pulpsim(platform="pulp")
def test_pulp_chip_fabric_controller(machine, firmware):
    """On `pulp` the fabric controller is the last hart, after the 8 cluster cores."""
    machine.load(firmware("pulp", "hello"))
    assert machine.harts == 9
    assert machine.csr(8, 0xF14) == 0x3E0  # the fabric controller's mhartid
    machine.run(check=True)
    assert machine.instructions(8) > 0
    assert machine.result["harts"][8]["mhartid"] == 0x3E0


@pytest.mark.parametrize("platform,elf", [("spike", "spike/hello"), ("redmule-tb", "redmule-tb/redmule-tb-mmio-imc")])
def test_other_platforms(firmware, platform, elf):
    directory, name = elf.split("/")
    with Machine(platform, elf=firmware(directory, name)) as m:
        m.run(check=True)
        assert m.harts == 1
        assert m.result["exit_mechanism"] in ("htif", "testbench")


def test_l2_latency_option(firmware):
    """The firmware times L2 accesses of a cluster core against 14 extra cycles (exit 0); with
    another figure its first check fails (exit 1)."""
    elf = firmware("pulp-cluster", "l2-latency")
    with Machine("pulp-cluster", elf=elf) as m:
        assert m.run() == "exit" and m.exit_code == 0
    with Machine("pulp-cluster", elf=elf, l2_latency=0) as m:
        assert m.run() == "exit" and m.exit_code == 1

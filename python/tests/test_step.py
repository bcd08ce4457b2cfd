"""Stepping, stopping at symbols, registers, and code patched from the host."""

import pytest

from pulpsim import PulpsimError


@pytest.fixture
def hello(machine, firmware):
    machine.load(firmware("pulp-cluster", "hello"))
    return machine


@pytest.mark.pulpsim(harts=1)
def test_step_instructions(hello):
    entry = hello.pc(0)
    assert entry == hello.symbol("_start")
    assert hello.instructions(0) == 0
    assert hello.run(instructions=5) == "stopped"
    assert hello.instructions(0) == 5
    assert hello.cycles(0) >= 5
    assert hello.pc(0) != entry
    hello.step(3)
    assert hello.instructions(0) == 8


@pytest.mark.pulpsim(harts=1)
def test_run_until_symbol_then_end(hello):
    assert hello.run(until="main") == "stopped"
    assert hello.pc(0) == hello.symbol("main")
    assert hello.result["reason"] == "stopped"
    sp = hello.reg(0, 2)
    assert 0x1000_0000 <= sp < 0x1C10_0000  # a stack in TCDM or L2
    assert hello.run() == "exit"
    assert hello.exit_code == 0
    assert "Hello from hart 0 of pulpsim!" in hello.output


@pytest.mark.pulpsim(harts=1)
def test_run_until_pc(hello):
    main = hello.symbol("main")
    assert hello.run(until=main) == "stopped"
    assert hello.pc(0) == main


@pytest.mark.pulpsim(harts=1)
def test_registers(hello):
    hello.set_reg(0, 10, 0x1234_5678)
    assert hello.reg(0, 10) == 0x1234_5678
    hello.set_reg(0, 11, -1)
    assert hello.reg(0, 11) == 0xFFFF_FFFF
    hello.set_reg(0, 0, 5)
    assert hello.reg(0, 0) == 0
    hello.set_freg(0, 3, 0x3F80_0000)  # 1.0f
    assert hello.freg(0, 3) == 0x3F80_0000
    assert hello.csr(0, 0xF14) == 0  # mhartid
    with pytest.raises(PulpsimError, match="no register x32"):
        hello.reg(0, 32)
    with pytest.raises(PulpsimError, match="no hart 1"):
        hello.pc(1)
    with pytest.raises(PulpsimError, match="no hart -1"):
        hello.cycles(-1)


@pytest.mark.pulpsim(harts=1)
def test_patched_code_runs(hello):
    """A host write over code the hart has already executed replaces the decoded instruction."""
    entry = hello.pc(0)
    hello.step(1)  # decodes (and caches) the instruction at the entry
    hello.set_pc(0, entry)
    addi_a0_42 = (42 << 20) | (0 << 15) | (0 << 12) | (10 << 7) | 0x13  # addi a0, zero, 42
    hello.write_u32(entry, addi_a0_42)
    hello.step(1)
    assert hello.reg(0, 10) == 42
    assert hello.pc(0) == entry + 4


def test_eight_harts_step(machine, firmware):
    machine.load(firmware("pulp-cluster", "hello-cluster"))
    machine.run(instructions=800)
    assert sum(machine.instructions(h) for h in range(8)) == 800
    assert {machine.csr(h, 0xF14) & 0x1F for h in range(8)} == set(range(8))


@pytest.mark.pulpsim(harts=1)
def test_illegal_instruction_reaches_the_trap_handler(hello):
    """An illegal instruction written over main: crt0's default handler reports it and exits 127."""
    hello.write_u32("main", 0)
    assert hello.run() == "exit"
    assert hello.exit_code == 127
    assert "mcause" in hello.output


@pytest.mark.pulpsim(harts=1)
def test_trace(hello, tmp_path):
    """A trace of the first instructions, in the pulpsim format, then the run without it."""
    path = tmp_path / "trace.txt"
    hello.trace(path)
    hello.run(instructions=20)
    hello.trace(None)
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]  # (# events)
    assert len(lines) == 20
    assert "<_start> auipc" in lines[0]
    size = path.stat().st_size
    hello.run(check=True)
    assert path.stat().st_size == size
    with pytest.raises(PulpsimError, match="unknown trace format 'vcd'"):
        hello.trace(tmp_path / "t", format="vcd")


def test_run_for_cycles(machine, firmware):
    """run(cycles=N): every running hart reaches N cycles after the earliest one, then stops;
    running again goes on from there to the end."""
    machine.load(firmware("pulp-cluster", "hello-cluster"))
    assert machine.run(cycles=500) == "stopped"
    cycles = [machine.cycles(h) for h in range(8)]
    assert min(cycles) >= 500, cycles
    assert max(cycles) < 500 + 64, cycles  # no hart ran far past it (a turn ends at the target)
    assert machine.run(cycles=400) == "stopped"
    assert min(machine.cycles(h) for h in range(8)) >= 900
    assert machine.run() == "exit"
    assert machine.exit_code == 0

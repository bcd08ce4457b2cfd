"""Errors come back as PulpsimError with the simulator's message, never as a crash."""

import pytest

from pulpsim import Machine, PulpsimError


def test_missing_elf():
    m = Machine()
    with pytest.raises(PulpsimError, match="no-such-firmware.elf"):
        m.load("no-such-firmware.elf")


def test_not_an_elf(tmp_path):
    path = tmp_path / "text.elf"
    path.write_text("not an ELF file\n")
    with pytest.raises(PulpsimError):
        Machine().load(path)


def test_elf_for_another_platform(firmware):
    with pytest.raises(PulpsimError, match="outside the memory map"):
        Machine("pulp-cluster").load(firmware("spike", "hello"))


def test_bad_platform_and_harts():
    with pytest.raises(PulpsimError, match="unknown platform 'pulp-gpu'"):
        Machine("pulp-gpu")
    with pytest.raises(PulpsimError, match="between 1 and 8"):
        Machine("pulp-cluster", harts=9)
    with pytest.raises(PulpsimError, match="exactly one hart"):
        Machine("redmule-tb", harts=2)


def test_bad_options():
    with pytest.raises(PulpsimError, match="unknown option 'warp_speed'"):
        Machine(warp_speed=9)
    with pytest.raises(PulpsimError, match="redmule_errors"):
        Machine(redmule_errors="ignore")
    with pytest.raises(PulpsimError, match="quantum"):
        Machine(quantum="fast")
    with pytest.raises(PulpsimError, match="l2_latency"):
        Machine(l2_latency=1001)


def test_state_errors(firmware):
    m = Machine(harts=1)
    with pytest.raises(PulpsimError, match="no ELF loaded"):
        m.run()
    with pytest.raises(PulpsimError, match="no run yet"):
        m.exit_status
    assert m.result == {}
    m.load(firmware("pulp-cluster", "hello"))
    with pytest.raises(PulpsimError, match="before the ELF is loaded"):
        m.set_option("quantum", 16)
    with pytest.raises(PulpsimError, match="already loaded"):
        m.load(firmware("pulp-cluster", "hello"))
    with pytest.raises(PulpsimError, match="no symbol named 'nowhere'"):
        m.run(until="nowhere")
    with pytest.raises(PulpsimError, match="at least 1"):
        m.run(instructions=0)
    m.close()
    with pytest.raises(PulpsimError, match="closed"):
        m.pc(0)
    m.close()  # twice is fine


def test_check_raises_on_failure(firmware):
    m = Machine(max_instructions=100)
    m.load(firmware("pulp-cluster", "hello-cluster"))
    with pytest.raises(PulpsimError, match="instruction-limit"):
        m.run(check=True)


def test_null_handles_in_the_c_api():
    """The C functions take NULL for every pointer without crashing."""
    import ctypes

    from pulpsim import library

    lib = library()
    assert lib.pulpsim_run(None) == -1
    assert lib.pulpsim_harts(None) == -1
    assert lib.pulpsim_load_elf(None, None, None, 0) == -1
    assert lib.pulpsim_result_json(None) is None
    assert lib.pulpsim_output(None) is None
    assert lib.pulpsim_last_error(None) is None
    lib.pulpsim_destroy(None)
    assert lib.pulpsim_create(b"nope", 1, None, 0) is None
    m = Machine(harts=1)
    h = m.handle
    assert lib.pulpsim_get_pc(h, 0, None) == -1
    assert lib.pulpsim_read_memory(h, 0x1000_0000, None, 4) == -1
    assert lib.pulpsim_write_memory(h, 0x1000_0000, None, 4) == -1
    assert lib.pulpsim_read_memory(h, 0x1000_0000, None, 0) == 0
    assert lib.pulpsim_set_option(h, None, b"1") == -1
    assert lib.pulpsim_run_until_symbol(h, None) == -1
    assert lib.pulpsim_symbol(h, None, None, None) == -1
    assert lib.pulpsim_symbol_address(h, b"main", None) == -1
    assert lib.pulpsim_symbol_address(h, b"main", ctypes.byref(ctypes.c_uint32())) == -1  # no ELF yet
    buffer = ctypes.create_string_buffer(8)
    assert lib.pulpsim_read_memory(h, 0x1000_0000, buffer, ctypes.c_size_t(-1).value) == -3


def test_files_that_are_not_rv32_elfs(tmp_path):
    with pytest.raises(PulpsimError):
        Machine().load(tmp_path)  # a directory
    with pytest.raises(PulpsimError, match="RV32|32-bit|RISC-V"):
        Machine().load("/bin/sh")  # an ELF for the host
    garbage = tmp_path / "garbage.elf"
    garbage.write_bytes(b"\x7fELF" + bytes(range(256)) * 4)
    with pytest.raises(PulpsimError):
        Machine().load(garbage)


def test_huge_and_negative_instruction_counts(firmware):
    m = Machine(harts=1, elf=firmware("pulp-cluster", "hello"))
    with pytest.raises(PulpsimError, match="at least 1"):
        m.run(instructions=-1)
    assert m.run(instructions=2**64 - 1) == "exit"  # no wrap-around: runs to the end
    assert m.exit_code == 0

"""Host reads and writes of memory, as bytes and as numpy arrays."""

import ctypes

import numpy as np
import pytest

from pulpsim import PulpsimError, library

TCDM = 0x1000_0000
L2 = 0x1C00_0000


@pytest.fixture
def loaded(machine, firmware):
    machine.load(firmware("pulp-cluster", "hello-cluster"))
    return machine


def test_bytes_round_trip(loaded):
    data = bytes(range(256)) * 4
    for address in (TCDM + 0x8000, L2 + 0x8_0000 + 3):
        loaded.write(address, data)
        assert loaded.read(address, len(data)) == data
    assert loaded.read(TCDM, 0) == b""
    loaded.write_u32(TCDM + 0x9000, 0xDEADBEEF)
    assert loaded.read(TCDM + 0x9000, 4) == bytes([0xEF, 0xBE, 0xAD, 0xDE])
    assert loaded.read_u32(TCDM + 0x9000) == 0xDEADBEEF


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.uint32, np.float32, np.float16, np.float64])
def test_array_round_trip(loaded, dtype):
    rng = np.random.default_rng(1)
    a = (rng.standard_normal((7, 5)) * 100).astype(dtype)
    loaded.write_array(TCDM + 0xA000, a)
    b = loaded.read_array(TCDM + 0xA000, a.shape, dtype)
    assert b.dtype == a.dtype and b.shape == a.shape
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["fp8", "fp8alt"])
def test_fp8_round_trip(loaded, name):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    dtype = ml_dtypes.float8_e5m2 if name == "fp8" else ml_dtypes.float8_e4m3
    a = np.array([0.5, -1.0, 2.0, 0.125, 3.0, -0.25], dtype=np.float32)
    loaded.write_array(TCDM + 0xB000, a, dtype=name)
    raw = loaded.read(TCDM + 0xB000, a.size)
    assert raw == a.astype(dtype).tobytes()
    np.testing.assert_array_equal(loaded.read_array(TCDM + 0xB000, a.size, name).astype(np.float32), a)


def test_symbols(loaded):
    main = loaded.symbol("main")
    assert L2 <= main < L2 + 0x10_0000
    assert loaded.symbol_size("main") > 0
    address = ctypes.c_uint32()
    assert library().pulpsim_symbol_address(loaded.handle, b"main", ctypes.byref(address)) == 0
    assert address.value == main
    with pytest.raises(PulpsimError, match="no symbol named 'no_such_symbol'"):
        loaded.symbol("no_such_symbol")


def test_bad_addresses(loaded):
    with pytest.raises(PulpsimError, match="cannot read"):
        loaded.read(0x3000_0000, 4)  # nothing there
    with pytest.raises(PulpsimError, match="cannot write"):
        loaded.write(0x3000_0000, b"abcd")
    with pytest.raises(PulpsimError, match="cannot read"):
        loaded.read(0x1020_1000, 4)  # RedMulE's registers: not memory
    with pytest.raises(PulpsimError, match="cannot read"):
        loaded.read(TCDM + 0x3_FFFE, 4)  # runs past the end of the TCDM
    with pytest.raises(PulpsimError, match="address space"):
        loaded.read(0xFFFF_FFFE, 4)
    with pytest.raises(PulpsimError):
        loaded.read(-4, 4)
    with pytest.raises(PulpsimError):
        loaded.read(1 << 40, 4)

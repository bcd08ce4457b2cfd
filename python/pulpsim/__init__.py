"""Drive the pulpsim simulator from Python (ctypes over libPulpSimC.so).

    from pulpsim import Machine

    m = Machine("pulp-cluster", harts=8, max_instructions=10**8)
    m.load("firmware/build/pulp-cluster/hello-cluster.elf")
    m.run()
    assert m.result["reason"] == "exit" and m.exit_code == 0
    print(m.output)

The library is found through the environment variable PULPSIM_LIB (the path of
libPulpSimC.so), or else by looking in .build/release and .build/debug of the current
directory and each of its parents, the newer of the two if both have one (build it with
`swift build --product PulpSimC`).
The C API it wraps is documented in Sources/PulpSimC/include/pulpsim.h; this module in
docs/python.md.
"""

from __future__ import annotations

import ctypes
import json
import os
from pathlib import Path
from typing import Any, Optional, Union

__all__ = ["Machine", "PulpsimError", "EndReason", "find_library", "library"]

LIBRARY_NAME = "libPulpSimC.so"


class PulpsimError(Exception):
    """An error reported by the simulator (the message is the simulator's)."""

    def __init__(self, message: str, code: int = -1):
        super().__init__(message)
        self.message = message
        self.code = code


class EndReason:
    """How a run ended (PULPSIM_END_* of pulpsim.h; the JSON result's "reason")."""

    EXIT = 0
    STOPPED = 1
    TRAP = 2
    DEADLOCK = 3
    INSTRUCTION_LIMIT = 4
    CYCLE_LIMIT = 5
    TIMEOUT = 6
    INTERRUPTED = 7
    REDMULE_ERROR = 8
    DMA_ERROR = 9
    SIMULATOR_ERROR = 10

    NAMES = {0: "exit", 1: "stopped", 2: "trap", 3: "deadlock", 4: "instruction-limit", 5: "cycle-limit",
             6: "timeout", 7: "interrupted", 8: "redmule-error", 9: "dma-error", 10: "simulator-error"}


def find_library() -> str:
    """The path of libPulpSimC.so: $PULPSIM_LIB, else .build/release/ or .build/debug/ (the
    newer if both have one) of the current directory or of the nearest parent that has one.
    Raises PulpsimError if there is none."""
    override = os.environ.get("PULPSIM_LIB")
    if override:
        if not Path(override).is_file():
            raise PulpsimError(f"PULPSIM_LIB={override}: no such file")
        return override
    here = Path.cwd().resolve()
    for directory in [here, *here.parents]:
        found = [directory / ".build" / config / LIBRARY_NAME for config in ("release", "debug")]
        found = [candidate for candidate in found if candidate.is_file()]
        if found:  # both built: the newer one
            return str(max(found, key=lambda candidate: candidate.stat().st_mtime))
    raise PulpsimError(f"{LIBRARY_NAME} not found: set PULPSIM_LIB, or build it in the pulpsim repository "
                       f"(swift build --product PulpSimC) and run from inside it (looked in .build/release "
                       f"and .build/debug of {here} and its parents)")


_lib: Optional[ctypes.CDLL] = None


def library() -> ctypes.CDLL:
    """The loaded C library (loaded on first use), with the function signatures declared."""
    global _lib
    if _lib is not None:
        return _lib
    lib = ctypes.CDLL(find_library())
    P, I, U32, U64, S = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_size_t
    CS = ctypes.c_char_p
    pU32, pU64 = ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint64)
    signatures = {
        "pulpsim_version": (CS, []),
        "pulpsim_create": (P, [CS, I, ctypes.c_char_p, S]),
        "pulpsim_destroy": (None, [P]),
        "pulpsim_set_option": (I, [P, CS, CS]),
        "pulpsim_load_elf": (I, [P, CS, ctypes.c_char_p, S]),
        "pulpsim_harts": (I, [P]),
        "pulpsim_last_error": (CS, [P]),
        "pulpsim_run": (I, [P]),
        "pulpsim_run_instructions": (I, [P, U64]),
        "pulpsim_run_until_pc": (I, [P, U32]),
        "pulpsim_run_until_symbol": (I, [P, CS]),
        "pulpsim_run_until_completion": (I, [P, CS]),
        "pulpsim_run_cycles": (I, [P, U64]),
        "pulpsim_result_json": (CS, [P]),
        "pulpsim_exit_status": (I, [P]),
        "pulpsim_output": (CS, [P]),
        "pulpsim_get_pc": (I, [P, I, pU32]),
        "pulpsim_set_pc": (I, [P, I, U32]),
        "pulpsim_get_reg": (I, [P, I, I, pU32]),
        "pulpsim_set_reg": (I, [P, I, I, U32]),
        "pulpsim_get_freg": (I, [P, I, I, pU32]),
        "pulpsim_set_freg": (I, [P, I, I, U32]),
        "pulpsim_get_csr": (I, [P, I, U32, pU32]),
        "pulpsim_cycles": (I, [P, I, pU64]),
        "pulpsim_instructions": (I, [P, I, pU64]),
        "pulpsim_read_memory": (I, [P, U32, P, S]),
        "pulpsim_write_memory": (I, [P, U32, P, S]),
        "pulpsim_symbol": (I, [P, CS, pU32, pU32]),
        "pulpsim_symbol_address": (I, [P, CS, pU32]),
        "pulpsim_trace": (I, [P, CS, CS]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    _lib = lib
    return lib


def _bytes(text: str) -> bytes:
    return text.encode("utf-8")


# FP8 names: RedMulE's Float8 is E5M2 (ml_dtypes.float8_e5m2); its Float8Alt is E4M3 with
# infinities (inf 0x78, NaN 0x7C, max 240), ml_dtypes.float8_e4m3. float8_e4m3fn (no
# infinities, max 448) encodes the values below 240 the same way.
_FP8_NAMES = {"fp8": "float8_e5m2", "float8": "float8_e5m2", "e5m2": "float8_e5m2", "float8_e5m2": "float8_e5m2",
              "fp8alt": "float8_e4m3", "e4m3": "float8_e4m3", "float8_e4m3": "float8_e4m3",
              "e4m3fn": "float8_e4m3fn", "float8_e4m3fn": "float8_e4m3fn"}


def _dtype(dtype: Any):
    """A numpy dtype; also the strings "fp16", "fp8" (E5M2, RedMulE's Float8), "fp8alt" (E4M3
    with infinities, RedMulE's Float8Alt) and the ml_dtypes names (FP8 needs ml_dtypes)."""
    import numpy as np

    if isinstance(dtype, str):
        name = dtype.lower()
        if name in ("fp16", "float16", "half"):
            return np.dtype(np.float16)
        if name in _FP8_NAMES:
            try:
                import ml_dtypes
            except ImportError as error:  # pragma: no cover - depends on the environment
                raise PulpsimError(f"dtype {dtype!r} needs the ml_dtypes package (pip install ml-dtypes)") from error
            if not hasattr(ml_dtypes, _FP8_NAMES[name]):
                raise PulpsimError(f"dtype {dtype!r} needs ml_dtypes.{_FP8_NAMES[name]} (a newer ml-dtypes)")
            return np.dtype(getattr(ml_dtypes, _FP8_NAMES[name]))
    return np.dtype(dtype)


def _little(dt):
    """dt in little-endian byte order (one-byte types as they are)."""
    return dt.newbyteorder("<") if dt.itemsize > 1 and dt.byteorder not in ("<", "|") else dt


Address = Union[int, str]


class Machine:
    """One simulated platform.

    Machine(platform="pulp-cluster", harts=8, **options): options as in pulpsim.h's
    pulpsim_set_option (quantum, max_instructions, max_cycles, timeout, tcdm_contention,
    count_stalls, energy, check_races, echo_output, redmule_errors, dma_errors, dma, tcdm_kib, l2_kib, ram_mib, ...);
    Python booleans and numbers are fine. Use as a context manager or call close() to free the
    machine at once (otherwise it is freed when garbage-collected).
    """

    def __init__(self, platform: str = "pulp-cluster", harts: Optional[int] = None, elf: Optional[str] = None,
                 **options: Any):
        self._lib = library()
        error = ctypes.create_string_buffer(1024)
        handle = self._lib.pulpsim_create(_bytes(platform), harts if harts is not None else 0, error, len(error))
        if not handle:
            raise PulpsimError(error.value.decode("utf-8", "replace"))
        self._handle = ctypes.c_void_p(handle)
        self.platform = platform
        self.elf: Optional[str] = None
        self.end: Optional[int] = None
        try:
            for name, value in options.items():
                self.set_option(name, value)
            if elf is not None:
                self.load(elf)
        except Exception:
            self.close()
            raise

    # ---------------------------------------------------------------- lifetime

    def close(self) -> None:
        """Frees the simulated machine (further calls raise PulpsimError)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._lib.pulpsim_destroy(handle)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self) -> "Machine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def handle(self) -> ctypes.c_void_p:
        if not self._handle:
            raise PulpsimError("the machine is closed")
        return self._handle

    def _error(self, code: int) -> PulpsimError:
        text = self._lib.pulpsim_last_error(self.handle) if self._handle else None
        return PulpsimError(text.decode("utf-8", "replace") if text else f"pulpsim error {code}", code)

    def _check(self, code: int) -> int:
        if code < 0:
            raise self._error(code)
        return code

    # ---------------------------------------------------------------- setting up

    def set_option(self, name: str, value: Any) -> None:
        """Sets an option (before load)."""
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif value is None:
            text = "0"
        else:
            text = str(int(value)) if isinstance(value, float) and value.is_integer() and abs(value) < 2**63 else str(value)
        self._check(self._lib.pulpsim_set_option(self.handle, _bytes(name), _bytes(text)))

    def load(self, path: Union[str, os.PathLike]) -> "Machine":
        """Loads a firmware ELF (once per machine); raises PulpsimError if it cannot be."""
        path = os.fspath(path)
        error = ctypes.create_string_buffer(1024)
        code = self._lib.pulpsim_load_elf(self.handle, _bytes(path), error, len(error))
        if code < 0:
            raise PulpsimError(error.value.decode("utf-8", "replace"), code)
        self.elf = path
        return self

    @property
    def harts(self) -> int:
        """The number of harts (cluster cores, then the fabric controller on `pulp`)."""
        return self._check(self._lib.pulpsim_harts(self.handle))

    # ---------------------------------------------------------------- running

    def run(self, until: Optional[Address] = None, instructions: Optional[int] = None,
            check: bool = False, completion: Optional[str] = None, cycles: Optional[int] = None) -> str:
        """Runs until the firmware ends the run (no arguments), until a symbol or pc (`until`:
        a name or an address), for `instructions` more instructions (over all harts), or until
        a device completes work (`completion`: "redmule" for a RedMulE job, "dma" for a DMA
        transfer, "any"), or for `cycles` more cycles of simulated time.
        Returns the end reason as named in the JSON result ("exit", "stopped", "trap",
        "deadlock", "instruction-limit", ...); the details are in `result`. With check=True,
        an end other than "exit" with code 0 (or "stopped" at the target) raises PulpsimError."""
        if sum(x is not None for x in (until, instructions, completion, cycles)) > 1:
            raise PulpsimError("run(): give one of `until`, `instructions`, `completion` and `cycles`")
        if cycles is not None:
            if not 1 <= int(cycles) < 2**63:
                raise PulpsimError(f"run(): the cycle count must be at least 1 (got {cycles})")
            code = self._lib.pulpsim_run_cycles(self.handle, int(cycles))
        elif completion is not None:
            code = self._lib.pulpsim_run_until_completion(self.handle, _bytes(completion))
        elif instructions is not None:
            if not 1 <= int(instructions) < 2**64:
                raise PulpsimError(f"run(): the instruction count must be at least 1 (got {instructions})")
            code = self._lib.pulpsim_run_instructions(self.handle, int(instructions))
        elif isinstance(until, str):
            code = self._lib.pulpsim_run_until_symbol(self.handle, _bytes(until))
        elif until is not None:
            code = self._lib.pulpsim_run_until_pc(self.handle, int(until) & 0xFFFF_FFFF)
        else:
            code = self._lib.pulpsim_run(self.handle)
        self.end = self._check(code)
        reason = EndReason.NAMES.get(self.end, str(self.end))
        if check:
            fine = reason == "stopped" if (until is not None or instructions is not None or completion is not None
                                           or cycles is not None) else (
                reason == "exit" and self.exit_code == 0)
            if not fine:
                result = self.result
                detail = result.get("message") or ""
                raise PulpsimError(f"run ended with {reason} (exit status {result.get('exit_status')})"
                                   + (f": {detail}" if detail else ""))
        return reason

    def run_until(self, target: Address) -> str:
        """Same as run(until=target)."""
        return self.run(until=target)

    def step(self, instructions: int = 1) -> str:
        """Same as run(instructions=n)."""
        return self.run(instructions=instructions)

    @property
    def result(self) -> dict:
        """The last run's result, the JSON of `pulpsim run --json` as a dict ({} before any run)."""
        text = self._lib.pulpsim_result_json(self.handle)
        return json.loads(text.decode("utf-8")) if text else {}

    @property
    def exit_code(self) -> Optional[int]:
        """The firmware's exit code after it exited (None otherwise)."""
        return self.result.get("exit_code")

    @property
    def exit_status(self) -> int:
        """The last run's exit status as `pulpsim run` would exit (README.md, "Exit codes")."""
        return self._check(self._lib.pulpsim_exit_status(self.handle))

    @property
    def output(self) -> str:
        """Everything the firmware printed so far."""
        text = self._lib.pulpsim_output(self.handle)
        return text.decode("utf-8", "replace") if text else ""

    # ---------------------------------------------------------------- registers and counters

    def pc(self, hart: int = 0) -> int:
        out = ctypes.c_uint32()
        self._check(self._lib.pulpsim_get_pc(self.handle, hart, ctypes.byref(out)))
        return out.value

    def set_pc(self, hart: int, value: int) -> None:
        self._check(self._lib.pulpsim_set_pc(self.handle, hart, value & 0xFFFF_FFFF))

    def reg(self, hart: int, n: int) -> int:
        """x register n (0-31) of a hart, unsigned."""
        out = ctypes.c_uint32()
        self._check(self._lib.pulpsim_get_reg(self.handle, hart, n, ctypes.byref(out)))
        return out.value

    def set_reg(self, hart: int, n: int, value: int) -> None:
        """Sets x register n (negative values are two's complement; x0 stays 0)."""
        self._check(self._lib.pulpsim_set_reg(self.handle, hart, n, value & 0xFFFF_FFFF))

    def freg(self, hart: int, n: int) -> int:
        """f register n of a hart (raw 32 bits; struct.unpack('<f', ...) gives the float)."""
        out = ctypes.c_uint32()
        self._check(self._lib.pulpsim_get_freg(self.handle, hart, n, ctypes.byref(out)))
        return out.value

    def set_freg(self, hart: int, n: int, value: int) -> None:
        self._check(self._lib.pulpsim_set_freg(self.handle, hart, n, value & 0xFFFF_FFFF))

    def csr(self, hart: int, number: int) -> int:
        out = ctypes.c_uint32()
        self._check(self._lib.pulpsim_get_csr(self.handle, hart, number, ctypes.byref(out)))
        return out.value

    def cycles(self, hart: int = 0) -> int:
        """The hart's cycle count."""
        out = ctypes.c_uint64()
        self._check(self._lib.pulpsim_cycles(self.handle, hart, ctypes.byref(out)))
        return out.value

    def instructions(self, hart: int = 0) -> int:
        """The hart's retired instructions."""
        out = ctypes.c_uint64()
        self._check(self._lib.pulpsim_instructions(self.handle, hart, ctypes.byref(out)))
        return out.value

    # ---------------------------------------------------------------- memory and symbols

    def symbol(self, name: str) -> int:
        """The address of an ELF symbol; PulpsimError if there is none."""
        address = ctypes.c_uint32()
        self._check(self._lib.pulpsim_symbol(self.handle, _bytes(name), ctypes.byref(address), None))
        return address.value

    def symbol_size(self, name: str) -> int:
        """The size in bytes the ELF gives a symbol (0 if it gives none)."""
        size = ctypes.c_uint32()
        self._check(self._lib.pulpsim_symbol(self.handle, _bytes(name), None, ctypes.byref(size)))
        return size.value

    def _address(self, address: Address) -> int:
        return self.symbol(address) if isinstance(address, str) else int(address)

    def read(self, address: Address, count: int) -> bytes:
        """count bytes of memory at an address or symbol."""
        if count < 0:
            raise PulpsimError(f"read(): negative count {count}")
        buffer = ctypes.create_string_buffer(max(count, 1))
        address = self._address(address)
        if address < 0 or address > 0xFFFF_FFFF:
            raise PulpsimError(f"address 0x{address:x} is not a 32-bit address")
        self._check(self._lib.pulpsim_read_memory(self.handle, address, buffer, count))
        return buffer.raw[:count]

    def write(self, address: Address, data: Union[bytes, bytearray, memoryview]) -> None:
        """Writes bytes at an address or symbol (decoded instructions there are invalidated)."""
        data = bytes(data)
        address = self._address(address)
        if address < 0 or address > 0xFFFF_FFFF:
            raise PulpsimError(f"address 0x{address:x} is not a 32-bit address")
        self._check(self._lib.pulpsim_write_memory(self.handle, address, data, len(data)))

    def read_u32(self, address: Address) -> int:
        return int.from_bytes(self.read(address, 4), "little")

    def write_u32(self, address: Address, value: int) -> None:
        self.write(address, (value & 0xFFFF_FFFF).to_bytes(4, "little"))

    def read_array(self, address: Address, count: Union[int, tuple], dtype: Any = "float16"):
        """A numpy array of `count` elements (an int, or a shape tuple) of dtype (numpy dtypes,
        "fp16", "fp8" (E5M2) or "fp8alt" (E4M3 with infinities), the FP8 ones with ml_dtypes),
        read little-endian from an address or symbol."""
        import numpy as np

        dt = _little(_dtype(dtype))
        shape = (count,) if isinstance(count, int) else tuple(count)
        n = int(np.prod(shape)) if shape else 1
        data = self.read(address, n * dt.itemsize)
        return np.frombuffer(data, dtype=dt).reshape(shape).copy()

    def write_array(self, address: Address, array: Any, dtype: Any = None) -> None:
        """Writes a numpy array (C order, little-endian; converted to dtype first if given)."""
        import numpy as np

        a = np.asarray(array)
        if dtype is not None:
            a = a.astype(_dtype(dtype))
        a = np.ascontiguousarray(a, dtype=_little(a.dtype))
        self.write(address, a.tobytes())

    # ---------------------------------------------------------------- tracing

    def trace(self, path: Optional[Union[str, os.PathLike]], format: str = "pulpsim") -> None:
        """Traces every instruction from now on into a file (after load), in format "pulpsim"
        (cycle, symbol, disassembly), "spike", "jsonl" or "binary"; trace(None) stops and
        completes the file (as do another trace() and close())."""
        if path is None:
            self._check(self._lib.pulpsim_trace(self.handle, None, None))
        else:
            self._check(self._lib.pulpsim_trace(self.handle, _bytes(os.fspath(path)), _bytes(format)))

    def __repr__(self) -> str:
        return f"<pulpsim.Machine {self.platform}{' ' + self.elf if self.elf else ''}>"

"""RedMulE from Python: random FP16 operands written into firmware redmule-host-gemm's
arrays, one job, Z read back and compared with numpy.

The firmware (firmware/redmule/host-gemm.c) reads the shape from gemm_m, gemm_n, gemm_k and
gemm_op and runs Z = X * W + Y (X: M x N, W: N x K, Y/Z: M x K, row-major FP16) on RedMulE,
with Z written over Y in gemm_y.
"""

import numpy as np
import pytest

GEMM, MATMUL = 1, 0
FLOAT8, FLOAT16, FLOAT8ALT = 0, 1, 2


def fp16_bound(x, w, y, n):
    """A bound on the error of an FP16 multiply-accumulate chain of n steps per element: each
    step rounds once (half an ulp, 2^-11 relative) and the partial sums are at most the sum of
    the magnitudes."""
    magnitude = np.abs(x.astype(np.float32)) @ np.abs(w.astype(np.float32)) + np.abs(y.astype(np.float32))
    return (n + 1) * 2.0**-11 * magnitude + 2.0**-24


def load_gemm(machine, firmware, m, n, k, op=GEMM, seed=0):
    """Loads redmule-host-gemm with random FP16 operands of an M x N x K job; returns them."""
    machine.load(firmware("pulp-cluster", "redmule-host-gemm"))
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (m, n)).astype(np.float16)
    w = rng.uniform(-2, 2, (n, k)).astype(np.float16)
    y = rng.uniform(-4, 4, (m, k)).astype(np.float16)
    for name, value in (("gemm_m", m), ("gemm_n", n), ("gemm_k", k), ("gemm_op", op)):
        machine.write_array(name, np.array([value], dtype=np.uint32))
    machine.write_array("gemm_x", x)
    machine.write_array("gemm_w", w)
    machine.write_array("gemm_y", y)
    return x, w, y


def run_gemm(machine, firmware, m, n, k, op=GEMM, seed=0):
    x, w, y = load_gemm(machine, firmware, m, n, k, op, seed)
    machine.run(check=True)
    z = machine.read_array("gemm_y", (m, k), np.float16)
    return x, w, y, z


@pytest.mark.parametrize("m,n,k", [(12, 16, 16), (24, 32, 20), (48, 64, 64), (36, 20, 40)])
def test_gemm_fp16(machine, firmware, m, n, k):
    x, w, y, z = run_gemm(machine, firmware, m, n, k, seed=m * n * k)
    expected = x.astype(np.float32) @ w.astype(np.float32) + y.astype(np.float32)
    error = np.abs(z.astype(np.float32) - expected)
    assert np.all(np.isfinite(z))
    assert np.all(error <= fp16_bound(x, w, y, n)), f"largest error {error.max()}"
    assert f"host-gemm {m}x{n}x{k} GEMM Float16: job 0" in machine.output
    redmule = machine.result["redmule"]
    assert redmule["jobs"] == 1
    assert redmule["fmas"] >= m * n * k
    assert redmule["errors"] == 0


def test_matmul_ignores_y(machine, firmware):
    x, w, y, z = run_gemm(machine, firmware, 12, 16, 8, op=MATMUL, seed=7)
    expected = x.astype(np.float32) @ w.astype(np.float32)
    zero = np.zeros_like(y)
    assert np.all(np.abs(z.astype(np.float32) - expected) <= fp16_bound(x, w, zero, 16))


def test_shape_out_of_range(machine, firmware):
    machine.load(firmware("pulp-cluster", "redmule-host-gemm"))
    machine.write_u32("gemm_m", 60)
    assert machine.run() == "exit"
    assert machine.exit_code == 1
    assert "out of range" in machine.output


def test_redmule_error_is_reported(machine, firmware):
    """A job the RTL cannot run (N <= 4 with two output column tiles: M = 12, N = 4, K = 32)
    stops the run with a redmule-error and the simulator's diagnostic."""
    machine.load(firmware("pulp-cluster", "redmule-host-gemm"))
    machine.write_u32("gemm_n", 4)
    machine.write_u32("gemm_k", 32)
    assert machine.run() == "redmule-error"
    assert machine.exit_status == 122
    result = machine.result
    assert result["redmule"]["errors"] == 1
    assert "deadlocks the RTL" in result["message"]


@pytest.mark.pulpsim(redmule_errors="warn")
def test_redmule_error_as_warning(machine, firmware):
    """With redmule_errors="warn" the same job is computed as intended."""
    x, w, y, z = run_gemm(machine, firmware, 12, 4, 32, seed=3)
    expected = x.astype(np.float32) @ w.astype(np.float32) + y.astype(np.float32)
    assert np.all(np.abs(z.astype(np.float32) - expected) <= fp16_bound(x, w, y, 4))
    redmule = machine.result["redmule"]
    assert redmule["jobs"] == 1 and redmule["errors"] == 1
    assert "computed as intended" in redmule["diagnostics"][0]


def fp8_to_redmule(a):
    """An FP8 matrix in RedMulE's layout: rows of 2*cols bytes, element c at byte
    32*(c//16) + c%16 (the other bytes 0)."""
    rows, cols = a.shape
    out = np.zeros((rows, 2 * cols), np.uint8)
    c = np.arange(cols)
    out[:, 32 * (c // 16) + c % 16] = a.view(np.uint8)
    return out


def fp8_from_redmule(raw, cols, dtype):
    c = np.arange(cols)
    return np.ascontiguousarray(raw[:, 32 * (c // 16) + c % 16]).view(dtype)


@pytest.mark.parametrize("fmt", [FLOAT8, FLOAT8ALT])
def test_gemm_fp8(machine, firmware, fmt):
    """FP8 operands (ml_dtypes) in RedMulE's FP8 layout; RedMulE computes in FP16 and rounds Z
    to FP8 once at the end."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    dtype = ml_dtypes.float8_e5m2 if fmt == FLOAT8 else ml_dtypes.float8_e4m3
    mantissa = 2 if fmt == FLOAT8 else 3
    m, n, k = 24, 32, 20
    machine.load(firmware("pulp-cluster", "redmule-host-gemm"))
    rng = np.random.default_rng(10 + fmt)
    x = rng.uniform(-2, 2, (m, n)).astype(dtype)
    w = rng.uniform(-2, 2, (n, k)).astype(dtype)
    y = rng.uniform(-4, 4, (m, k)).astype(dtype)
    for name, value in (("gemm_m", m), ("gemm_n", n), ("gemm_k", k), ("gemm_fmt", fmt)):
        machine.write_u32(name, value)
    machine.write_array("gemm_x", fp8_to_redmule(x))
    machine.write_array("gemm_w", fp8_to_redmule(w))
    machine.write_array("gemm_y", fp8_to_redmule(y))
    machine.run(check=True)
    assert "Float8" in machine.output
    raw = machine.read_array("gemm_y", (m, 2 * k), np.uint8)
    z = fp8_from_redmule(raw, k, dtype).astype(np.float32)
    expected = x.astype(np.float32) @ w.astype(np.float32) + y.astype(np.float32)
    bound = fp16_bound(x, w, y, n) + 2.0 ** -(mantissa + 1) * np.abs(expected) + 2.0**-16
    assert np.all(np.isfinite(z))
    assert np.all(np.abs(z - expected) <= bound)
    # The bytes between the elements of each 32-byte chunk stay 0.
    c = np.arange(k)
    unused = np.ones(2 * k, bool)
    unused[32 * (c // 16) + c % 16] = False
    assert not raw[:, unused].any()


def test_run_until_the_job_completes(machine, firmware):
    """run(completion="redmule") stops at the cycle of the job's completion event, with Z
    already in memory, before the firmware goes on; the run then continues to its end."""
    m, n, k = 24, 32, 20
    x, w, y = load_gemm(machine, firmware, m, n, k, seed=7)
    assert machine.run(completion="redmule", check=True) == "stopped"
    assert machine.result["redmule"]["jobs"] == 1
    z = machine.read_array("gemm_y", (m, k), np.float16)
    expected = x.astype(np.float32) @ w.astype(np.float32) + y.astype(np.float32)
    assert np.all(np.abs(z.astype(np.float32) - expected) <= fp16_bound(x, w, y, n))
    # No more jobs come: the next such run ends with the firmware.
    assert machine.run(completion="redmule") == "exit"
    assert machine.exit_code == 0


def test_run_until_completion_rejects_other_kinds(machine, firmware):
    from pulpsim import PulpsimError
    machine.load(firmware("pulp-cluster", "redmule-host-gemm"))
    with pytest.raises(PulpsimError, match="redmule"):
        machine.run(completion="fpu")


def test_energy_report(firmware):
    """The energy option: the job's utilisation, GFLOPS and GFLOPS/W in the result, computed by
    hand from its cycles (docs/energy.md)."""
    import pulpsim
    machine = pulpsim.Machine(energy=True)
    m = n = k = 48
    load_gemm(machine, firmware, m, n, k, seed=7)
    machine.run(check=True)
    points = machine.result["energy"]["operating_points"]
    assert [p["megahertz"] for p in points] == [470, 613]
    job = points[1]["redmule_jobs"][0]
    assert (job["m"], job["n"], job["k"], job["operation"], job["format"]) == (48, 48, 48, "GEMM", "Float16")
    assert job["fmas"] == m * n * k
    assert job["utilisation"] == pytest.approx(m * n * k / (48 * job["cycles"]), abs=1e-6)
    assert job["gflops"] == pytest.approx(2 * m * n * k / (job["cycles"] / 613e6) / 1e9, rel=1e-3)
    assert 500 < points[0]["redmule_jobs"][0]["gflops_per_watt"] < 755
    assert all("activity" in h for h in machine.result["harts"])

# FP operations that raise a flag and write x1, f0, f1 or another register: Spike lists the
# effects of a line by (number << 4 | kind), so x1 (0x10), f0 (0x01) and f1 (0x11) come before
# c1_fflags (0x14) and every other register after it; the first FP write makes the FP state dirty
# (c768_mstatus); fcsr writes show as fflags and frm (Tests/PulpSimTests/Trace/TraceTests.swift).
    .section .text.init, "ax"
    .globl _start
_start:
    la t0, data
    li t1, 0x2000
    csrs mstatus, t1            # FS = initial
    flw fa0, 0(t0)              # 1.0
    flw fa1, 4(t0)              # 3.0
    fdiv.s ft0, fa0, fa1        # f0, NX
    fdiv.s ft1, fa0, fa1        # f1, NX
    fdiv.s ft2, fa0, fa1        # f2, NX
    fcvt.w.s ra, ft0            # x1 = 0, NX
    fcvt.w.s a3, ft0            # x13 = 0, NX
    li a4, 0x85
    csrrw a5, fcsr, a4          # Spike logs fcsr as fflags (5) and frm (4); x15 = old fcsr (1)
    csrrw ra, fflags, zero      # x1 = 5 before fflags = 0
    li a2, 1
    la t2, tohost
    sw a2, 0(t2)                # exit 0 via HTIF (tohost size 4)
1:  j 1b
    .data
    .align 4
data:
    .float 1.0, 3.0
    .align 3
    .globl tohost
tohost: .word 0
    .size tohost, 4

/*
 * zicsr: csrrw/csrrs/csrrc and csrrwi/csrrsi/csrrci on mscratch (old value returned,
 * rd = rs1, x0 forms that must not write), fcsr/frm/fflags aliasing and field widths,
 * mcycle/minstret (and the cycle/instret/time shadows) counting up, misa (RV32 with I, M,
 * F, C), mhartid = 0, the other machine CSRs readable/writable, mepc[0] always zero,
 * and illegal-instruction traps for an unknown CSR and for writes to read-only CSRs
 * (rd not written).
 *
 * Built with -DQEMU_DEVIATIONS (only for validating this program on QEMU 7.2, see
 * toolchain-notes/README.md), two checks accept QEMU's behaviour: mepc keeping bit 0, and
 * the `time` CSR trapping in M-mode.
 */
#include "test_macros.h"

/* A 32-bit csrrs a0, <csr>, x0 for a CSR number the assembler may not know. */
#define CSRR_A0(csr) (0x00002573 | ((csr) << 20))
#define UNKNOWN_CSR 0x5ff

    .option norvc
    .option norelax
TEST_BEGIN zicsr

    /* csrrw */
    TEST_CASE 1
    li      a1, 0x12345678
    csrw    mscratch, a1
    csrr    a0, mscratch
    CHECK_EQ a0, 0x12345678
    TEST_CASE 2
    li      a1, 0xffffffff
    csrrw   a0, mscratch, a1
    CHECK_EQ a0, 0x12345678
    csrr    a0, mscratch
    CHECK_EQ a0, 0xffffffff
    TEST_CASE 3                         /* rd = rs1: swap */
    li      a0, 0x80000000
    csrrw   a0, mscratch, a0
    CHECK_EQ a0, 0xffffffff
    csrr    a0, mscratch
    CHECK_EQ a0, 0x80000000
    /* csrrs / csrrc */
    TEST_CASE 4
    li      a1, 0x0000f00f
    csrrs   a0, mscratch, a1
    CHECK_EQ a0, 0x80000000
    csrr    a0, mscratch
    CHECK_EQ a0, 0x8000f00f
    TEST_CASE 5
    li      a1, 0x80000003
    csrrc   a0, mscratch, a1
    CHECK_EQ a0, 0x8000f00f
    csrr    a0, mscratch
    CHECK_EQ a0, 0x0000f00c
    TEST_CASE 6                         /* rs1 = x0: read only */
    csrrs   a0, mscratch, x0
    csrrc   a0, mscratch, x0
    CHECK_EQ a0, 0x0000f00c
    csrr    a0, mscratch
    CHECK_EQ a0, 0x0000f00c
    TEST_CASE 7                         /* rd = x0: write only */
    li      a1, 0x0a0a0a0a
    csrrw   x0, mscratch, a1
    csrrs   x0, mscratch, x0
    csrr    a0, mscratch
    CHECK_EQ a0, 0x0a0a0a0a
    /* immediate forms: 5-bit zero-extended uimm */
    TEST_CASE 8
    csrrwi  a0, mscratch, 31
    CHECK_EQ a0, 0x0a0a0a0a
    csrr    a0, mscratch
    CHECK_EQ a0, 31
    TEST_CASE 9
    csrrci  a0, mscratch, 0x15
    CHECK_EQ a0, 31
    csrr    a0, mscratch
    CHECK_EQ a0, 0x0a
    TEST_CASE 10
    csrrsi  a0, mscratch, 0x10
    CHECK_EQ a0, 0x0a
    csrrsi  a0, mscratch, 0             /* uimm = 0: no write */
    CHECK_EQ a0, 0x1a
    csrrci  a0, mscratch, 0
    CHECK_EQ a0, 0x1a
    csrwi   mscratch, 0
    csrr    a0, mscratch
    CHECK_EQ a0, 0

    /* fcsr = frm[7:5] | fflags[4:0]; the three names alias one register */
    TEST_CASE 20
    li      a1, 0xffffffff
    csrw    fcsr, a1
    csrr    a0, fcsr
    CHECK_EQ a0, 0xff
    csrr    a0, frm
    CHECK_EQ a0, 7
    csrr    a0, fflags
    CHECK_EQ a0, 0x1f
    TEST_CASE 21
    csrwi   fflags, 0
    csrr    a0, fcsr
    CHECK_EQ a0, 0xe0
    csrwi   frm, 3
    csrr    a0, fcsr
    CHECK_EQ a0, 0x60
    TEST_CASE 22
    li      a1, 0xff
    csrw    fflags, a1                  /* only 5 bits */
    csrr    a0, fflags
    CHECK_EQ a0, 0x1f
    csrr    a0, fcsr
    CHECK_EQ a0, 0x7f
    li      a1, 0xfa
    csrw    frm, a1                     /* only 3 bits */
    csrr    a0, frm
    CHECK_EQ a0, 2
    csrr    a0, fcsr
    CHECK_EQ a0, 0x5f
    TEST_CASE 23
    li      a1, 0x81
    csrrw   a0, fcsr, a1
    CHECK_EQ a0, 0x5f
    csrr    a0, frm
    CHECK_EQ a0, 4
    csrr    a0, fflags
    CHECK_EQ a0, 1
    TEST_CASE 24                        /* set/clear forms on fflags and frm */
    csrsi   fflags, 0x12
    csrr    a0, fcsr
    CHECK_EQ a0, 0x93
    csrci   fflags, 0x03
    csrci   frm, 4
    csrr    a0, fcsr
    CHECK_EQ a0, 0x10
    TEST_CASE 25                        /* the assembler pseudo-instructions */
    li      a1, 0x05
    fsflags a0, a1
    CHECK_EQ a0, 0x10
    li      a1, 0x01
    fsrm    a0, a1
    CHECK_EQ a0, 0
    frcsr   a0
    CHECK_EQ a0, 0x25
    fscsr   a0, x0
    CHECK_EQ a0, 0x25
    frcsr   a0
    CHECK_EQ a0, 0
    TEST_CASE 26                        /* an FP operation's flags land in fcsr */
    li      a1, 0x3f800000
    fmv.w.x fa1, a1
    fmv.w.x fa2, x0
    fdiv.s  fa0, fa1, fa2
    frflags a0
    CHECK_EQ a0, FDZ
    frcsr   a0
    CHECK_EQ a0, FDZ
    csrw    fcsr, x0

    /* Counters: mcycle and minstret count up (a loop of 3000 instructions) */
    TEST_CASE 30
    csrr    s0, mcycle
    csrr    s1, minstret
    li      a1, 1000
1:  addi    a1, a1, -1
    nop
    bnez    a1, 1b
    csrr    s2, mcycle
    csrr    s3, minstret
    sub     a0, s2, s0
    li      a1, 1000
    bltu    a0, a1, .Lz_fail
    TEST_CASE 31
    sub     a0, s3, s1
    li      a1, 1000
    bltu    a0, a1, .Lz_fail
    TEST_CASE 32                        /* 64-bit reads: high halves are consistent */
2:  csrr    a1, mcycleh
    csrr    a0, mcycle
    csrr    a2, mcycleh
    bne     a1, a2, 2b
3:  csrr    a1, minstreth
    csrr    a0, minstret
    csrr    a2, minstreth
    bne     a1, a2, 3b
    TEST_CASE 33                        /* the read-only shadows follow the machine counters */
    csrr    a0, mcycle
    rdcycle a1
    sub     a2, a1, a0
    li      a3, 1000000
    bgeu    a2, a3, .Lz_fail
    csrr    a0, minstret
    rdinstret a1
    sub     a2, a1, a0
    bgeu    a2, a3, .Lz_fail
    rdcycleh a0
    rdinstreth a0
    TEST_CASE 34                        /* time / timeh are readable and do not go back */
#ifdef QEMU_DEVIATIONS
    EXPECT_TRAP .Lz_time_done           /* QEMU's spike machine has no time CSR */
#endif
    rdtime  a0
    rdtime  a1
    bltu    a1, a0, .Lz_fail
    rdtimeh a0
.Lz_time_done:
    NO_TRAPS

    /* misa: MXL = 1 (RV32), extensions I, M, F and C present, E absent */
    TEST_CASE 40
    csrr    a0, misa
    srli    a1, a0, 30
    CHECK_EQ a1, 1
    TEST_CASE 41
    li      a1, (1 << 8) | (1 << 12) | (1 << 5) | (1 << 2) | (1 << 4)
    and     a2, a0, a1
    CHECK_EQ a2, (1 << 8) | (1 << 12) | (1 << 5) | (1 << 2)
    /* mhartid of the hart running main */
    TEST_CASE 42
    csrr    a0, mhartid
    CHECK_EQ a0, 0
    /* the other machine CSRs can be accessed */
    TEST_CASE 43
    csrr    a0, mvendorid
    csrr    a0, marchid
    csrr    a0, mimpid
    csrr    a0, mstatus
    csrr    a0, mie
    csrr    a0, mip
    csrr    a0, mcause
    csrr    a0, mtval
    CHECK_NO_TRAP
    TEST_CASE 44                        /* mtvec reads back (4-byte-aligned base, direct) */
    csrr    s0, mtvec
    la      a1, test_trap_handler
    CHECK_EQR s0, a1
    TEST_CASE 45                        /* mtval and mepc hold any (even) address */
    csrr    s1, mtval
    li      a1, 0xdeadbeef
    csrw    mtval, a1
    csrr    a0, mtval
    CHECK_EQ a0, 0xdeadbeef
    li      a1, 0x12345676
    csrw    mepc, a1
    csrr    a0, mepc
    CHECK_EQ a0, 0x12345676
    TEST_CASE 46                        /* mepc[0] is always zero */
    li      a1, 0x80000001
    csrw    mepc, a1
    csrr    a0, mepc
#ifdef QEMU_DEVIATIONS
    andi    a0, a0, -2                  /* QEMU 7.2 keeps bit 0 */
#endif
    CHECK_EQ a0, 0x80000000

    /* An unknown CSR: illegal instruction, rd unchanged */
    TEST_CASE 50
    li      a0, 0x600d
    EXPECT_TRAP
.Lz_unknown:
    .word   CSRR_A0(UNKNOWN_CSR)
    CHECK_EQ a0, 0x600d
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lz_unknown
    CHECK_TRAP_TVAL_ZERO_OR CSRR_A0(UNKNOWN_CSR)
    TEST_CASE 51                        /* the same for a write */
    li      a1, 5
    EXPECT_TRAP
.Lz_unknown_w:
    csrw    UNKNOWN_CSR, a1
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lz_unknown_w

    /* Writes to read-only CSRs are illegal; reads with rs1 = x0 / uimm = 0 are not */
    TEST_CASE 52
    li      a0, 0x600d
    li      a1, 1
    EXPECT_TRAP
.Lz_ro1:
    csrrw   a0, mhartid, a1
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lz_ro1
    CHECK_EQ a0, 0x600d
    TEST_CASE 53
    EXPECT_TRAP
.Lz_ro2:
    csrrs   a0, mvendorid, a1
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lz_ro2
    TEST_CASE 54
    EXPECT_TRAP
.Lz_ro3:
    csrrwi  x0, cycle, 0                /* csrrw always writes, even with uimm 0 */
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lz_ro3
    TEST_CASE 55
    EXPECT_TRAP
.Lz_ro4:
    csrrci  a0, instret, 1
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lz_ro4
    TEST_CASE 56
    NO_TRAPS
    csrrs   a0, mhartid, x0
    csrrc   a0, mhartid, x0
    csrrsi  a0, mvendorid, 0
    csrrci  a0, cycle, 0
    CHECK_NO_TRAP

    csrw    mtval, s1
    j       test_pass

.Lz_fail:
    j       test_fail
TEST_END

/*
 * traps: synchronous exceptions and mret.
 *   ecall (mcause 11), ebreak (3), illegal instructions (2: a reserved 32-bit opcode and the
 *   all-zero 16-bit encoding), load/store access faults (5/7) on an unmapped address with
 *   the destination register left unchanged: mcause, mepc (also for an instruction at
 *   pc = 2 mod 4), mtval (0 where required, else 0 or the instruction bits / address as
 *   the privileged spec allows), mstatus.MIE/MPIE/MPP on entry and after mret, mret going
 *   to mepc, direct and vectored mtvec (exceptions go to the base in both modes), and
 *   jalr to an odd address clearing bit 0 instead of trapping (with C, a misaligned
 *   instruction address cannot be produced, so that trap is not tested).
 * The unmapped address 0x4000_0000 is outside the memory maps of both the spike and the
 * pulp-cluster platforms.
 */
#include "test_macros.h"

#define UNMAPPED        0x50000000
#define ILLEGAL_32      0x5a5a506b      /* opcode 1101011: reserved in the base opcode map */
#define MSTATUS_MIE     0x00000008
#define MSTATUS_MPIE    0x00000080
#define MSTATUS_MPP     0x00001800

    .option norvc
    .option norelax
TEST_BEGIN traps

    /* ecall: mcause 11, mepc = the ecall, mtval 0, execution continues after it */
    TEST_CASE 1
    li      a0, 0x1111
    li      s0, 0x2222
    EXPECT_TRAP
.Lt_ecall:
    ecall
    CHECK_TRAP CAUSE_ECALL_M, .Lt_ecall
    CHECK_TRAP_TVAL 0
    TEST_CASE 2                         /* registers survive the trap */
    CHECK_EQ a0, 0x1111
    CHECK_EQ s0, 0x2222
    TEST_CASE 3                         /* mcause has no interrupt bit; MPP = M */
    csrr    a0, mcause
    CHECK_EQ a0, CAUSE_ECALL_M
    CHECK_TRAP_MSTATUS MSTATUS_MPP, MSTATUS_MPP

    /* ebreak (32-bit): mcause 3, mtval 0 or the pc; resumes 4 bytes later */
    TEST_CASE 4
    EXPECT_TRAP
.Lt_ebreak:
    ebreak
    CHECK_TRAP CAUSE_BREAKPOINT, .Lt_ebreak
    lw      t5, test_trap_rec + TR_TVAL
    beqz    t5, 1f
    CHECK_ADDR t5, .Lt_ebreak
1:

    /* Illegal instructions */
    TEST_CASE 5
    li      a0, 0x600d
    EXPECT_TRAP
.Lt_ill32:
    .word   ILLEGAL_32
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lt_ill32
    CHECK_TRAP_TVAL_ZERO_OR ILLEGAL_32
    CHECK_EQ a0, 0x600d
    TEST_CASE 6                         /* 0x0000 is a 16-bit encoding, always illegal */
    EXPECT_TRAP .Lt_ill16_done
.Lt_ill16:
    .word   0x00000000
.Lt_ill16_done:
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lt_ill16
    CHECK_TRAP_TVAL 0

    /* An ecall at pc = 2 mod 4: mepc is exact, the handler resumes 4 bytes later */
    TEST_CASE 7
    li      a0, 0
    .balign 4
    .option push
    .option rvc
    c.nop
    .option pop
.Lt_ecall2:
    EXPECT_TRAP .Lt_ecall2_ret          /* (la/sw/li: all 32-bit, stays 2 mod 4) */
.Lt_ecall2_insn:
    ecall
    li      a0, 1                       /* skipped: resume is at .Lt_ecall2_ret */
.Lt_ecall2_ret:
    CHECK_EQ a0, 0
    CHECK_TRAP CAUSE_ECALL_M, .Lt_ecall2_insn
    la      a1, .Lt_ecall2_insn
    andi    a1, a1, 3
    CHECK_EQ a1, 2

    /* Access faults: unmapped address; the destination register is not written */
    TEST_CASE 10
    li      a1, UNMAPPED
    li      a0, 0x600d
    EXPECT_TRAP
.Lt_lw:
    lw      a0, 0(a1)
    CHECK_TRAP CAUSE_LOAD_ACCESS, .Lt_lw
    CHECK_TRAP_TVAL_ZERO_OR UNMAPPED
    CHECK_EQ a0, 0x600d
    TEST_CASE 11
    EXPECT_TRAP
.Lt_lbu:
    lbu     a0, 3(a1)
    CHECK_TRAP CAUSE_LOAD_ACCESS, .Lt_lbu
    CHECK_TRAP_TVAL_ZERO_OR UNMAPPED + 3
    CHECK_EQ a0, 0x600d
    TEST_CASE 12
    EXPECT_TRAP
.Lt_sw:
    sw      a0, 8(a1)
    CHECK_TRAP CAUSE_STORE_ACCESS, .Lt_sw
    CHECK_TRAP_TVAL_ZERO_OR UNMAPPED + 8
    TEST_CASE 13
    EXPECT_TRAP
.Lt_sh:
    sh      a0, -2(a1)                  /* 0x3fff_fffe: unmapped as well */
    CHECK_TRAP CAUSE_STORE_ACCESS, .Lt_sh
    CHECK_TRAP_TVAL_ZERO_OR UNMAPPED - 2
    TEST_CASE 14
    fmv.w.x fa0, a0
    EXPECT_TRAP
.Lt_flw:
    flw     fa0, 0(a1)
    CHECK_TRAP CAUSE_LOAD_ACCESS, .Lt_flw
    CHECK_FBITS fa0, 0x600d
    TEST_CASE 15
    EXPECT_TRAP
.Lt_fsw:
    fsw     fa0, 4(a1)
    CHECK_TRAP CAUSE_STORE_ACCESS, .Lt_fsw

    /* mstatus on trap entry and after mret */
    TEST_CASE 20                        /* MIE = 1 before: MIE = 0, MPIE = 1 in the handler */
    csrci   mstatus, MSTATUS_MIE        /* (mie = 0: no interrupt can be taken) */
    csrw    mie, zero
    csrsi   mstatus, MSTATUS_MIE
    EXPECT_TRAP
    ecall
    CHECK_TRAP_MSTATUS MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP
    TEST_CASE 21                        /* and after mret: MIE = MPIE = 1 */
    csrr    a0, mstatus
    andi    a0, a0, MSTATUS_MIE | MSTATUS_MPIE
    CHECK_EQ a0, MSTATUS_MIE | MSTATUS_MPIE
    csrci   mstatus, MSTATUS_MIE
    TEST_CASE 22                        /* MIE = 0 before: MPIE = 0 in the handler */
    EXPECT_TRAP
    ecall
    CHECK_TRAP_MSTATUS MSTATUS_MIE | MSTATUS_MPIE, 0
    TEST_CASE 23                        /* and after mret: MIE = 0, MPIE = 1 */
    csrr    a0, mstatus
    andi    a0, a0, MSTATUS_MIE | MSTATUS_MPIE
    CHECK_EQ a0, MSTATUS_MPIE

    /* mret jumps to mepc (MPP = M so that the hart stays in machine mode) */
    TEST_CASE 24
    NO_TRAPS
    li      a0, MSTATUS_MPP
    csrs    mstatus, a0
    la      a0, 2f
    csrw    mepc, a0
    mret
    j       test_fail
2:  csrr    a0, mstatus                 /* MIE = MPIE (1), MPIE = 1 */
    andi    a0, a0, MSTATUS_MIE | MSTATUS_MPIE
    CHECK_EQ a0, MSTATUS_MIE | MSTATUS_MPIE
    csrci   mstatus, MSTATUS_MIE
    CHECK_NO_TRAP

    /* Vectored mtvec: exceptions still go to the base */
    TEST_CASE 30
    la      a0, test_trap_handler
    ori     a0, a0, 1
    csrw    mtvec, a0
    csrr    a1, mtvec
    CHECK_EQR a1, a0
    TEST_CASE 31
    EXPECT_TRAP
.Lt_vec_ecall:
    ecall
    CHECK_TRAP CAUSE_ECALL_M, .Lt_vec_ecall
    TEST_CASE 32
    EXPECT_TRAP
.Lt_vec_ill:
    .word   ILLEGAL_32
    CHECK_TRAP CAUSE_ILLEGAL_INSN, .Lt_vec_ill
    TEST_CASE 33                        /* back to direct mode */
    la      a0, test_trap_handler
    csrw    mtvec, a0
    csrr    a1, mtvec
    CHECK_EQR a1, a0
    EXPECT_TRAP
.Lt_dir_ecall:
    ecall
    CHECK_TRAP CAUSE_ECALL_M, .Lt_dir_ecall

    /* jalr to an odd address: bit 0 is cleared, no instruction-address-misaligned trap */
    TEST_CASE 40
    NO_TRAPS
    la      a1, 3f
    addi    a1, a1, 1
    jalr    ra, 0(a1)
    j       test_fail
3:  CHECK_NO_TRAP

    /* Two traps in a row: both reach the handler (re-armed without resetting the count) */
    TEST_CASE 41
    EXPECT_TRAP
    ecall
    la      t6, test_trap_rec
    li      t5, 1
    sw      t5, TR_EXPECT(t6)
.Lt_second:
    ebreak
    lw      t5, test_trap_rec + TR_COUNT
    CHECK_EQ t5, 2
    lw      t5, test_trap_rec + TR_CAUSE
    CHECK_EQ t5, CAUSE_BREAKPOINT
    lw      t5, test_trap_rec + TR_EPC
    CHECK_ADDR t5, .Lt_second

    j       test_pass
TEST_END

/*
 * perf-counters: the performance counters of docs/platform.md §13, against counts worked out by
 * hand from the timing model (§1): CV32E40P's mhpmevent/mhpmcounter/mcountinhibit and RI5CY's
 * PCER/PCMR/PCCR, over the same instruction sequences (one asm block each, so that the compiler
 * adds nothing), plus inhibit bits, counter writes, 64-bit halves, saturation, PCCR31, and the
 * CSR numbers that must still trap. Exit code: 0, or the number of the first failing check
 * (details printed). Runs on hart 0 (pulp-cluster) or the only hart (spike).
 */
#include "platform.h"
#include "printf.h"

#ifdef PLATFORM_PULP
__asm__(".globl __main_harts\n.set __main_harts, 1");
#endif

#define CSR_READ(csr) ({ unsigned v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define CSR_WRITE(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"((unsigned)(v)))

/* CV32E40P events (mhpmevent bits) */
enum { CYCLES, INSTR, LD_STALL, JMP_STALL, IMISS, LD, ST, JUMP, BRANCH, BRANCH_TAKEN, COMP_INSTR, PIPE_STALL,
       APU_TYPE, APU_CONT, APU_DEP, APU_WB };

static int failed;
static void check(int number, const char *what, unsigned actual, unsigned expected)
{
    if (actual != expected && !failed) {
        printf("check %d failed: %s = %u, expected %u\n", number, what, actual, expected);
        failed = number;
    }
}

/*
 * The measured sequence, counted by hand (norvc except the two compressed instructions):
 *   li t0, 10                          1 instruction
 *   10 x (lw; sw; addi; bnez)          40 instructions: 10 loads, 10 stores, 10 branches, 9 taken (+2 each),
 *                                      the sw stores the loaded t1: a load stall (+1) each
 *   j 2f                               1 jump (+1; its target is compressed: no alignment cycle)
 *   c.addi; c.lw                       2 compressed, 1 of them a load (a4, not used next)
 *   lw 1(a5); sw 9(a5)                 misaligned load and store (+1 each), the sw stores the
 *                                      loaded t2 (load stall +1)
 * and the CSR write that stops counting (1 instruction, counted: writes take effect after the
 * writing instruction; the one that starts counting is not counted). The counts assume the
 * loop's first lw is word-aligned, as it is in both builds (objdump): a taken bnez to a 32-bit
 * instruction that is not would cost one more cycle (docs/platform.md §1).
 * Totals: 47 instructions, 12 loads (legacy: 13 transfers), 11 stores (12), 10 branches, 9 taken,
 * 1 jump, 2 compressed, load stall 11, jump stall 1, pipeline stall 9 x 2 + 2 = 20,
 * cycles 47 + 11 + 1 + 20 = 79.
 */
#define BODY                         \
    "   li   t0, 10\n"               \
    "1: lw   t1, 0(a5)\n"            \
    "   sw   t1, 4(a5)\n"            \
    "   addi t0, t0, -1\n"           \
    "   bnez t0, 1b\n"               \
    "   j    2f\n"                   \
    "2:\n"                           \
    "   .option rvc\n"               \
    "   c.addi t1, 1\n"              \
    "   c.lw a4, 8(a5)\n"            \
    "   .option norvc\n"             \
    "   lw   t2, 1(a5)\n"            \
    "   sw   t2, 9(a5)\n"

static unsigned l2_buffer[8];         /* L2 on pulp-cluster: outside the TCDM */
L1_BSS static unsigned l1_buffer[8];  /* TCDM on pulp-cluster */

static void hpm_window(volatile unsigned *buffer, unsigned start, unsigned stop)
{
    __asm__ volatile(".option push\n.option norvc\n"
                     "mv   a5, %[buffer]\n"
                     "csrw mcountinhibit, %[start]\n" BODY "csrw mcountinhibit, %[stop]\n"
                     ".option pop\n"
                     :
                     : [buffer] "r"(buffer), [start] "r"(start), [stop] "r"(stop)
                     : "t0", "t1", "t2", "a4", "a5", "memory");
}

static void legacy_window(volatile unsigned *buffer, unsigned events)
{
    __asm__ volatile(".option push\n.option norvc\n"
                     "mv   a5, %[buffer]\n"
                     "csrwi 0xCC1, 0\n"      /* PCMR: stopped */
                     "csrw 0x79F, zero\n"    /* every PCCR = 0 */
                     "csrw 0xCC0, %[events]\n"
                     "csrwi 0xCC1, 1\n"      /* counting, no saturation */
                     BODY "csrwi 0xCC1, 0\n"
                     ".option pop\n"
                     :
                     : [buffer] "r"(buffer), [events] "r"(events)
                     : "t0", "t1", "t2", "a4", "a5", "memory");
}

/* Trap handler for the checks that trap: skips the (4-byte) instruction and leaves mcause in
 * mscratch; 7 instructions, mret included. */
__asm__(".section .text\n"
        ".align 2\n"
        "perf_trap_handler:\n"
        "   .option push\n .option norvc\n"
        "   csrrw t6, mscratch, t6\n"
        "   csrr  t6, mepc\n"
        "   addi  t6, t6, 4\n"
        "   csrw  mepc, t6\n"
        "   csrr  t6, mcause\n"
        "   csrrw t6, mscratch, t6\n"
        "   mret\n"
        "   .option pop\n");
extern char perf_trap_handler[];

static unsigned hpm(int i)
{
    switch (i) {
    case 3: return CSR_READ(mhpmcounter3);
    case 4: return CSR_READ(mhpmcounter4);
    case 5: return CSR_READ(mhpmcounter5);
    case 6: return CSR_READ(mhpmcounter6);
    case 7: return CSR_READ(mhpmcounter7);
    case 8: return CSR_READ(mhpmcounter8);
    case 9: return CSR_READ(mhpmcounter9);
    case 10: return CSR_READ(mhpmcounter10);
    case 11: return CSR_READ(mhpmcounter11);
    case 12: return CSR_READ(mhpmcounter12);
    case 13: return CSR_READ(mhpmcounter13);
    case 14: return CSR_READ(mhpmcounter14);
    case 15: return CSR_READ(mhpmcounter15);
    case 16: return CSR_READ(mhpmcounter16);
    case 17: return CSR_READ(mhpmcounter17);
    case 18: return CSR_READ(mhpmcounter18);
    case 19: return CSR_READ(mhpmcounter19);
    case 20: return CSR_READ(mhpmcounter20);
    case 21: return CSR_READ(mhpmcounter21);
    case 22: return CSR_READ(mhpmcounter22);
    case 23: return CSR_READ(mhpmcounter23);
    case 24: return CSR_READ(mhpmcounter24);
    case 25: return CSR_READ(mhpmcounter25);
    default: return 0xDEAD;
    }
}

static void set_event(int i, unsigned events)
{
    switch (i) {
    case 3: CSR_WRITE(mhpmevent3, events); CSR_WRITE(mhpmcounter3, 0); break;
    case 4: CSR_WRITE(mhpmevent4, events); CSR_WRITE(mhpmcounter4, 0); break;
    case 5: CSR_WRITE(mhpmevent5, events); CSR_WRITE(mhpmcounter5, 0); break;
    case 6: CSR_WRITE(mhpmevent6, events); CSR_WRITE(mhpmcounter6, 0); break;
    case 7: CSR_WRITE(mhpmevent7, events); CSR_WRITE(mhpmcounter7, 0); break;
    case 8: CSR_WRITE(mhpmevent8, events); CSR_WRITE(mhpmcounter8, 0); break;
    case 9: CSR_WRITE(mhpmevent9, events); CSR_WRITE(mhpmcounter9, 0); break;
    case 10: CSR_WRITE(mhpmevent10, events); CSR_WRITE(mhpmcounter10, 0); break;
    case 11: CSR_WRITE(mhpmevent11, events); CSR_WRITE(mhpmcounter11, 0); break;
    case 12: CSR_WRITE(mhpmevent12, events); CSR_WRITE(mhpmcounter12, 0); break;
    case 13: CSR_WRITE(mhpmevent13, events); CSR_WRITE(mhpmcounter13, 0); break;
    case 14: CSR_WRITE(mhpmevent14, events); CSR_WRITE(mhpmcounter14, 0); break;
    case 15: CSR_WRITE(mhpmevent15, events); CSR_WRITE(mhpmcounter15, 0); break;
    case 16: CSR_WRITE(mhpmevent16, events); CSR_WRITE(mhpmcounter16, 0); break;
    case 17: CSR_WRITE(mhpmevent17, events); CSR_WRITE(mhpmcounter17, 0); break;
    case 18: CSR_WRITE(mhpmevent18, events); CSR_WRITE(mhpmcounter18, 0); break;
    case 19: CSR_WRITE(mhpmevent19, events); CSR_WRITE(mhpmcounter19, 0); break;
    case 20: CSR_WRITE(mhpmevent20, events); CSR_WRITE(mhpmcounter20, 0); break;
    case 21: CSR_WRITE(mhpmevent21, events); CSR_WRITE(mhpmcounter21, 0); break;
    case 22: CSR_WRITE(mhpmevent22, events); CSR_WRITE(mhpmcounter22, 0); break;
    case 23: CSR_WRITE(mhpmevent23, events); CSR_WRITE(mhpmcounter23, 0); break;
    case 24: CSR_WRITE(mhpmevent24, events); CSR_WRITE(mhpmcounter24, 0); break;
    case 25: CSR_WRITE(mhpmevent25, events); CSR_WRITE(mhpmcounter25, 0); break;
    }
}

static unsigned pccr(int i)
{
    switch (i) {
    case 0: return CSR_READ(0x780);
    case 1: return CSR_READ(0x781);
    case 2: return CSR_READ(0x782);
    case 3: return CSR_READ(0x783);
    case 4: return CSR_READ(0x784);
    case 5: return CSR_READ(0x785);
    case 6: return CSR_READ(0x786);
    case 7: return CSR_READ(0x787);
    case 8: return CSR_READ(0x788);
    case 9: return CSR_READ(0x789);
    case 10: return CSR_READ(0x78A);
    case 11: return CSR_READ(0x78B);
    case 12: return CSR_READ(0x78C);
    case 13: return CSR_READ(0x78D);
    case 14: return CSR_READ(0x78E);
    case 15: return CSR_READ(0x78F);
    case 16: return CSR_READ(0x790);
    case 17: return CSR_READ(0x791);
    case 18: return CSR_READ(0x792);
    case 19: return CSR_READ(0x793);
    case 20: return CSR_READ(0x794);
    case 21: return CSR_READ(0x795);
    case 30: return CSR_READ(0x79E);
    case 31: return CSR_READ(0x79F);
    default: return 0xDEAD;
    }
}

/* Runs `instruction` (a 4-byte instruction that must trap) under perf_trap_handler; returns
 * mcause, or 0 if it did not trap. */
#define TRAPS(instruction)                                                                       \
    ({                                                                                           \
        unsigned saved_ = CSR_READ(mtvec), cause_;                                               \
        CSR_WRITE(mtvec, perf_trap_handler);                                                     \
        CSR_WRITE(mscratch, 0);                                                                  \
        __asm__ volatile(".option push\n.option norvc\n" instruction "\n.option pop" ::: "t6", "a0", "memory"); \
        cause_ = CSR_READ(mscratch);                                                             \
        CSR_WRITE(mtvec, saved_);                                                                \
        cause_;                                                                                  \
    })

int main(void)
{
    /* 1-9: reset values and writable bits */
    check(1, "mcountinhibit at reset", CSR_READ(mcountinhibit), 0xFFFFFFF8);
    check(2, "mhpmevent3 at reset", CSR_READ(mhpmevent3), 0);
    check(3, "mhpmcounter31 at reset", CSR_READ(mhpmcounter31), 0);
    check(4, "PCER at reset", CSR_READ(0xCC0), 0);
    check(5, "PCMR at reset", CSR_READ(0xCC1), 3);
    CSR_WRITE(mhpmevent31, 0xFFFFFFFF);
    check(6, "mhpmevent31 keeps the 16 event bits", CSR_READ(mhpmevent31), 0xFFFF);
    CSR_WRITE(mhpmevent31, 0);
    unsigned inhibit = CSR_READ(mcountinhibit);
    CSR_WRITE(mcountinhibit, 0xFFFFFFFF);
    check(7, "mcountinhibit bit 1 reads 0", CSR_READ(mcountinhibit), 0xFFFFFFFD);
    CSR_WRITE(mcountinhibit, inhibit);
    CSR_WRITE(0xCC0, 0xFFFFFFFF);
    check(8, "PCER keeps 21 bits", CSR_READ(0xCC0), 0x1FFFFF);
    CSR_WRITE(0xCC0, 0);
    CSR_WRITE(0xCC1, 0xFFFFFFFF);
    check(9, "PCMR keeps 2 bits", CSR_READ(0xCC1), 3);

    /* 10-19: mcycle and minstret stop while inhibited (bits 0 and 2) and go on after */
    unsigned c0, c1, i0, i1;
    __asm__ volatile("csrwi mcountinhibit, 5\n"
                     "csrr  %0, mcycle\n csrr %1, minstret\n"
                     "nop\n nop\n nop\n nop\n"
                     "csrr  %2, mcycle\n csrr %3, minstret\n"
                     "csrwi mcountinhibit, 0\n"
                     : "=&r"(c0), "=&r"(i0), "=&r"(c1), "=&r"(i1));
    check(10, "mcycle while inhibited", c1 - c0, 0);
    check(11, "minstret while inhibited", i1 - i0, 0);
    __asm__ volatile("csrr %0, mcycle\n csrr %1, minstret\n nop\n nop\n"
                     "csrr %2, mcycle\n csrr %3, minstret\n"
                     : "=&r"(c0), "=&r"(i0), "=&r"(c1), "=&r"(i1));
    /* csrr mcycle and csrr minstret take 4 cycles each (status CSRs, §1), the nops 1. */
    check(12, "mcycle counting again", c1 - c0, 4 + 4 + 1 + 1);
    check(13, "minstret counting again", i1 - i0, 4);

    /* 20-59: CV32E40P counters over the sequence: one event each (3..18), several (19..24), an
     * inhibited counter (25). Every counter stops while they are set up. */
    CSR_WRITE(mcountinhibit, 0xFFFFFFFF);
    for (int e = 0; e < 16; e++) set_event(3 + e, 1u << e);
    set_event(19, 1u << LD | 1u << ST);
    set_event(20, 1u << LD | 1u << COMP_INSTR);  /* c.lw once, not twice */
    set_event(21, 1u << INSTR | 1u << PIPE_STALL);
    set_event(22, 1u << BRANCH | 1u << BRANCH_TAKEN);
    set_event(23, 1u << JUMP | 1u << JMP_STALL);
    set_event(24, 0);
    set_event(25, 1u << INSTR);
    CSR_WRITE(mhpmcounter24, 1234);
    CSR_WRITE(mhpmcounter25, 777);
    hpm_window(l1_buffer, 1u << 25, 0xFFFFFFFF);
    /* The sequence's 79 cycles and 20 pipeline-stall cycles (above), and the 3 stall cycles of
     * the stopping write to mcountinhibit (a status CSR: 4 cycles, §1). */
    static const unsigned single[16] = {82, 47, 11, 1, 0, 12, 11, 1, 10, 9, 2, 23, 0, 0, 0, 0};
    static const char *const names[16] = {"CYCLES", "INSTR", "LD_STALL", "JMP_STALL", "IMISS", "LD", "ST", "JUMP",
                                          "BRANCH", "BRANCH_TAKEN", "COMP_INSTR", "PIPE_STALL", "APU_TYPE",
                                          "APU_CONT", "APU_DEP", "APU_WB"};
    for (int e = 0; e < 16; e++) check(20 + e, names[e], hpm(3 + e), single[e]);
    check(40, "LD|ST", hpm(19), 23);
    check(41, "LD|COMP_INSTR", hpm(20), 13);
    check(42, "INSTR|PIPE_STALL", hpm(21), 70);
    check(43, "BRANCH|BRANCH_TAKEN", hpm(22), 10);
    check(44, "JUMP|JMP_STALL", hpm(23), 2);
    check(45, "no event selected", hpm(24), 1234);
    check(46, "inhibited counter", hpm(25), 777);
    check(47, "hpmcounter3 shadows mhpmcounter3", CSR_READ(hpmcounter3), 82);
    check(48, "counters stay while inhibited", CSR_READ(mhpmcounter3), 82);
    /* The same sequence on L2 data: the CV32E40P events do not depend on where data lives. */
    for (int e = 0; e < 16; e++) set_event(3 + e, 1u << e);
    hpm_window(l2_buffer, 0, 0xFFFFFFFF);
    for (int e = 0; e < 16; e++) check(50 + e, names[e], hpm(3 + e), single[e]);

    /* 70-79: multi-cycle operations: fdiv.s and fsqrt.s (+10 each, APU_DEP), div by 3 (3 + 30
     * leading zeros = 33 cycles: +32) and mulh (+4) (PIPE_STALL), and the stopping write (+3,
     * PIPE_STALL): 5 instructions, 64 cycles */
    set_event(3, 1u << CYCLES);
    set_event(4, 1u << INSTR);
    set_event(5, 1u << PIPE_STALL);
    set_event(6, 1u << APU_DEP);
    __asm__ volatile("li t2, 3\n csrw mcountinhibit, zero\n"
                     "fdiv.s ft0, ft1, ft2\n fsqrt.s ft0, ft1\n div t1, t1, t2\n mulh t1, t1, t2\n"
                     "csrw mcountinhibit, %0\n" ::"r"(0xFFFFFFFF) : "t1", "t2", "ft0");
    check(70, "CYCLES", hpm(3), 64);
    check(71, "INSTR", hpm(4), 5);
    check(72, "PIPE_STALL", hpm(5), 39);
    check(73, "APU_DEP", hpm(6), 20);

    /* 80-89: a trap inside the window: ecall does not retire, its entry costs 3 pipeline-stall
     * cycles; the handler's 7 instructions (mret +1; csrr mepc, csrw mepc and csrr mcause +3
     * each) and the stopping write (+3) are counted */
    set_event(3, 1u << CYCLES);
    set_event(4, 1u << INSTR);
    set_event(5, 1u << PIPE_STALL);
    unsigned saved = CSR_READ(mtvec);
    CSR_WRITE(mtvec, perf_trap_handler);
    __asm__ volatile(".option push\n.option norvc\n"
                     "csrw mcountinhibit, zero\n ecall\n csrw mcountinhibit, %0\n"
                     ".option pop\n" ::"r"(0xFFFFFFFF) : "t6", "memory");
    CSR_WRITE(mtvec, saved);
    check(80, "CYCLES with a trap", hpm(3), 24);
    check(81, "INSTR with a trap", hpm(4), 8);
    check(82, "PIPE_STALL with a trap", hpm(5), 16);
    check(83, "mcause of ecall", CSR_READ(mscratch), 11);

    /* 90-99: 64-bit counters: writes to either half, carry into the high half */
    set_event(3, 1u << INSTR);
    CSR_WRITE(mhpmcounter3h, 1);
    CSR_WRITE(mhpmcounter3, 0xFFFFFFFE);
    check(90, "mhpmcounter3h written", CSR_READ(mhpmcounter3h), 1);
    __asm__ volatile("csrwi mcountinhibit, 0\n nop\n nop\n nop\n nop\n csrw mcountinhibit, %0\n" ::"r"(0xFFFFFFFF));
    check(91, "mhpmcounter3 after 5 instructions", CSR_READ(mhpmcounter3), 3);
    check(92, "mhpmcounter3h carried", CSR_READ(mhpmcounter3h), 2);
    check(93, "hpmcounter3h", CSR_READ(hpmcounter3h), 2);

    /* 100-139: RI5CY counters over the sequence, on TCDM and on L2 data */
    static const unsigned legacy[21] = {79, 47, 11, 1, 0, 13, 12, 1, 10, 9, 2, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0};
#ifdef PLATFORM_PULP
    const int l1_external = 0;
#else
    const int l1_external = 1;  /* spike has no TCDM: every access is external */
#endif
    legacy_window(l1_buffer, 0xFFFFFFFF);
    for (int e = 0; e < 21; e++) {
        unsigned expected = legacy[e];
        if (e == 12 || e == 14) expected = l1_external ? 13 : 0;  /* LD_EXT, LD_EXT_CYC */
        if (e == 13 || e == 15) expected = l1_external ? 12 : 0;  /* ST_EXT, ST_EXT_CYC */
        check(100 + e, "PCCR (TCDM data)", pccr(e), expected);
    }
    legacy_window(l2_buffer, 0xFFFFFFFF);
    for (int e = 0; e < 21; e++) {
        unsigned expected = legacy[e];
        if (e == 12 || e == 14) expected = 13;
        if (e == 13 || e == 15) expected = 12;
        check(121 + e, "PCCR (L2 data)", pccr(e), expected);
    }
    /* Only enabled events count. */
    legacy_window(l2_buffer, 1u << 5 | 1u << 9);
    check(142, "PCCR5 enabled", pccr(5), 13);
    check(143, "PCCR9 enabled", pccr(9), 9);
    check(144, "PCCR0 not enabled", pccr(0), 0);
    check(145, "PCCR1 not enabled", pccr(1), 0);

    /* 150-159: PCCR31 writes every counter and reads 0; counters past 20 do not exist */
    CSR_WRITE(0x79F, 5);
    check(150, "PCCR0 after PCCR31 = 5", pccr(0), 5);
    check(151, "PCCR20 after PCCR31 = 5", pccr(20), 5);
    check(152, "PCCR21 does not exist", pccr(21), 0);
    check(153, "PCCR31 reads 0", pccr(31), 0);
    __asm__ volatile("csrsi 0x79F, 2");
    check(154, "csrs PCCR31 sets bits in each counter", pccr(7), 7);
    __asm__ volatile("csrci 0x79F, 4");
    check(155, "csrc PCCR31 clears bits in each counter", pccr(7), 3);
    CSR_WRITE(0x795, 9);
    check(156, "writing PCCR21 does nothing", pccr(21), 0);

    /* 160-169: saturation (PCMR bit 1) and wrap-around */
    CSR_WRITE(0xCC1, 0);
    CSR_WRITE(0xCC0, 1u << 1);  /* INSTR */
    CSR_WRITE(0x781, 0xFFFFFFFE);
    __asm__ volatile("csrwi 0xCC1, 3\n nop\n nop\n nop\n nop\n csrwi 0xCC1, 0\n");
    check(160, "saturating PCCR1", pccr(1), 0xFFFFFFFF);
    CSR_WRITE(0x781, 0xFFFFFFFE);
    __asm__ volatile("csrwi 0xCC1, 1\n nop\n nop\n nop\n nop\n csrwi 0xCC1, 0\n");
    check(161, "wrapping PCCR1", pccr(1), 3);
    CSR_WRITE(0xCC0, 0);

    /* 170-179: numbers that still trap (illegal instruction, mcause 2) */
    check(170, "writing hpmcounter3", TRAPS("csrw hpmcounter3, zero"), 2);
    check(171, "writing hpmcounter31h", TRAPS("csrwi hpmcounter31h, 1"), 2);
    check(172, "reading 0x321", TRAPS("csrr a0, 0x321"), 2);
    check(173, "reading 0xB01", TRAPS("csrr a0, 0xB01"), 2);
    check(174, "reading 0x7E0", TRAPS("csrr a0, 0x7E0"), 2);
    check(175, "reading 0xCC2", TRAPS("csrr a0, 0xCC2"), 2);
    check(176, "reading mhpmcounter3 does not trap", TRAPS("csrr a0, mhpmcounter3"), 0);

    if (!failed) printf("perf-counters: all checks passed\n");
    return failed;
}

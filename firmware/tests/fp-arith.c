/*
 * fp-arith: one F operation over a table of operands and rounding modes that the host writes
 * into `cases` before the run (Tests/PulpSimTests/Kernel/BlockCompilerTests.swift fills it from
 * Tests/Vectors/fp32); for each case it stores the result and fflags, which the host compares
 * with the vectors. The operation runs with the dynamic rounding mode (frm), and for the cases
 * with mode 0 also with the static `rne`, so that both ways of naming the mode are covered.
 * Exit code 0; nothing is checked here.
 */
#include "platform.h"

#ifdef PLATFORM_PULP
__asm__(".globl __main_harts\n.set __main_harts, 1");
#endif

#define MAX_CASES 2048
enum { FADD, FSUB, FMUL, FMADD, FMSUB, FNMSUB, FNMADD };

/* (Written by the host: not in .bss, which the start-up code clears.) */
volatile unsigned operation __attribute__((section(".data"))) = 0;
volatile unsigned count __attribute__((section(".data"))) = 0;
struct fp_case { unsigned rm, a, b, c, result, flags, static_result, static_flags; };
struct fp_case cases[MAX_CASES] __attribute__((section(".data")));

#define OP2(name, suffix)                                                                        \
    __asm__ volatile("fmv.w.x ft0, %2\n fmv.w.x ft1, %3\n " name " ft2, ft0, ft1" suffix "\n"   \
                     " fmv.x.w %0, ft2\n csrr %1, fflags"                                        \
                     : "=r"(r), "=r"(fl) : "r"(k->a), "r"(k->b) : "ft0", "ft1", "ft2")
#define OP3(name, suffix)                                                                        \
    __asm__ volatile("fmv.w.x ft0, %2\n fmv.w.x ft1, %3\n fmv.w.x ft2, %4\n "                   \
                     name " ft3, ft0, ft1, ft2" suffix "\n fmv.x.w %0, ft3\n csrr %1, fflags"     \
                     : "=r"(r), "=r"(fl) : "r"(k->a), "r"(k->b), "r"(k->c) : "ft0", "ft1", "ft2", "ft3")

static void run(struct fp_case *k, int fixed)
{
    unsigned r = 0, fl = 0;
    __asm__ volatile("csrw frm, %0\n csrw fflags, zero" ::"r"(k->rm));
    switch (operation * 2 + fixed) {
    case FADD * 2: OP2("fadd.s", ""); break;
    case FADD * 2 + 1: OP2("fadd.s", ", rne"); break;
    case FSUB * 2: OP2("fsub.s", ""); break;
    case FSUB * 2 + 1: OP2("fsub.s", ", rne"); break;
    case FMUL * 2: OP2("fmul.s", ""); break;
    case FMUL * 2 + 1: OP2("fmul.s", ", rne"); break;
    case FMADD * 2: OP3("fmadd.s", ""); break;
    case FMADD * 2 + 1: OP3("fmadd.s", ", rne"); break;
    case FMSUB * 2: OP3("fmsub.s", ""); break;
    case FMSUB * 2 + 1: OP3("fmsub.s", ", rne"); break;
    case FNMSUB * 2: OP3("fnmsub.s", ""); break;
    case FNMSUB * 2 + 1: OP3("fnmsub.s", ", rne"); break;
    case FNMADD * 2: OP3("fnmadd.s", ""); break;
    case FNMADD * 2 + 1: OP3("fnmadd.s", ", rne"); break;
    }
    if (fixed) { k->static_result = r; k->static_flags = fl; }
    else { k->result = r; k->flags = fl; }
}

int main(void)
{
    for (unsigned i = 0; i < count && i < MAX_CASES; i++) {
        run(&cases[i], 0);
        if (cases[i].rm == 0) run(&cases[i], 1);
    }
    return 0;
}

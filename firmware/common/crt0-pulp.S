/*
 * Start-up code for the `pulp-cluster` platform (code and data in L2 at 0x1C00_0000,
 * TCDM at 0x1000_0000, see link-pulp.ld, docs/platform.md and ../hal/README.md).
 *
 * Every started core enters at _start (the first bytes of .text.init) with all registers 0:
 *   1. gp = __global_pointer$, core_id = mhartid & 0x1f. A core whose id is
 *      >= __stack_harts (8) has no stack and parks at once (wfi with interrupts off).
 *   2. sp = __stack_top - core_id * __stack_size (stacks at the top of TCDM, 2 KiB each).
 *   3. mtvec = __pulp_trap_entry (direct mode), mstatus.FS = 1 (Initial), fcsr = 0.
 *      The core's event mask and IRQ mask are set to 0.
 *   4. started = FETCH_EN (cluster control 0x1020_0008) & ((1 << __stack_harts) - 1).
 *      Core 0 zeroes .bss (L2) and .l1_bss (TCDM), sets up event-unit barrier 0 with
 *      TRIGGER_MASK = TARGET_MASK = started, and then releases the other cores with
 *      software event 7 (SW_EVT_TRIG 7, core set = started & ~1). The other cores sleep on
 *      that event (EVENT_WAIT_CLEAR with mask = 1 << 7) until then, so nobody touches the
 *      barrier or .bss before it is ready.
 *   5. Every started core arrives at barrier 0 (TRIGGER_WAIT_CLEAR with mask = 1 << 16),
 *      sets its event mask back to 0 and calls main(0, 0). Event-unit state seen by main:
 *      event mask 0, IRQ mask 0, buffer 0, barrier 0 set up for all started cores (the HAL's
 *      synch_barrier() uses it), mstatus.MIE = 0.
 *      Cores whose id is >= __main_harts (link-pulp.ld: 8 unless the program defines it,
 *      e.g. -Wl,--defsym=__main_harts=1 or `.globl __main_harts; .set __main_harts, 1`)
 *      skip main and sleep as in 6: programs written for one hart run on core 0 alone.
 *   On the `pulp` chip (-DPLATFORM_PULP_CHIP) the fabric controller (mhartid 0x3E0) boots alone:
 *   sp = __fc_stack_top (L2), mtvec and mstatus.FS as in 3, it zeroes .bss and .l1_bss and
 *   calls main; main's return value is the exit code. The cluster cores start at _start when
 *   the fabric controller sets their boot addresses and FETCH_EN (hal/hal_fc.h:
 *   fc_cluster_start) and go through 1-5 without zeroing anything (the fabric controller may
 *   have prepared data); when main returns on a cluster core, that core sleeps as in 6.
 *   6. When main returns on core 0, its return value is the exit code (__plat_exit: store
 *      0x8000_0000 | code to CORESTATUS 0x1A10_40A0), whatever the other cores are doing.
 *      When main returns on another core, that core turns interrupts off (mstatus.MIE = 0,
 *      event mask = IRQ mask = 0) and sleeps in `wfi` for ever; it never spins. If core 0
 *      then waits for it, every core sleeps and the simulator reports a deadlock (exit 121).
 *
 * Traps (mtvec = __pulp_trap_entry):
 *   - an interrupt (mcause bit 31 set) when a handler was installed in __pulp_irq_handler
 *     (hal_irq.h: irq_set_handler): the caller-saved integer and FP registers and fcsr are
 *     saved on the interrupted core's stack (160 bytes), handler(mcause) is called and the
 *     core returns with mret. Interrupts stay disabled in the handler (no nesting).
 *   - anything else (an exception, or an interrupt with no handler installed): jumps to
 *     __trap_default (crt-lib.S), which prints
 *       "*** unexpected trap: mcause=0x... mepc=0x... mtval=0x... mhartid=N"
 *     on the trapping core's stdout and ends the run with exit code 127 (0x7f).
 *
 * Platform primitives (clobber only t0, t1, never touch the stack):
 *   __plat_putchar(a0 = char)  32-bit store to 0x1A10_F000 + (core_id << 3) + (cluster_id << 7)
 *   __plat_exit(a0 = code)     store 0x8000_0000 | code to CORESTATUS (0x1A10_40A0); no return
 */
#define STDOUT_BASE     0x1A10F000
#define CORESTATUS      0x1A1040A0
#define CLUSTER_CTRL    0x10200000
#define FETCH_EN        0x008
#define EU_CORE         0x10204000      /* event unit, this core's view */
#define EU_EVT_MASK     0x00
#define EU_IRQ_MASK     0x0C
#define EU_WAIT_CLEAR   0x3C
#define EU_SW_TRIG_7    (0x100 + 4 * 7)
#define EU_BAR0         0x200
#define EU_BAR_TRIGGER_MASK 0x00
#define EU_BAR_STATUS   0x04
#define EU_BAR_TARGET_MASK  0x0C
#define EU_BAR_WAIT_CLEAR   0x1C
#define START_EVENT     7               /* SW event that releases cores 1..N-1 */
#define BARRIER_EVENT   16

    .section .text.init, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    csrr    s0, mhartid
#ifdef PLATFORM_PULP_CHIP
    srli    t0, s0, 5               /* cluster 31: the fabric controller */
    li      t1, 31
    beq     t0, t1, .Lfc_start
#endif
    andi    s0, s0, 0x1f            /* s0 = core id (kept until after main) */
    lui     t1, %hi(__stack_harts)
    addi    t1, t1, %lo(__stack_harts)
    bgeu    s0, t1, .Lpark

    /* sp = __stack_top - core_id * __stack_size (a loop, not mul: start-up must not depend
     * on M, which the ISA tests check) */
    lui     t1, %hi(__stack_size)
    addi    t1, t1, %lo(__stack_size)
    la      sp, __stack_top
    mv      t2, s0
1:  beqz    t2, 2f
    sub     sp, sp, t1
    addi    t2, t2, -1
    j       1b
2:

    la      t1, __pulp_trap_entry
    csrw    mtvec, t1
    li      t1, 0x2000              /* mstatus.FS = 01 (Initial) */
    csrs    mstatus, t1
    csrwi   fcsr, 0

    li      s1, EU_CORE
    sw      zero, EU_EVT_MASK(s1)
    sw      zero, EU_IRQ_MASK(s1)

    /* s2 = started cores that have a stack */
    li      t0, CLUSTER_CTRL
    lw      s2, FETCH_EN(t0)
    lui     t1, %hi(__stack_harts)
    addi    t1, t1, %lo(__stack_harts)
    li      t0, 1
    sll     t0, t0, t1
    addi    t0, t0, -1
    and     s2, s2, t0

    bnez    s0, .Lwait_start

#ifndef PLATFORM_PULP_CHIP          /* (on the chip the fabric controller did it) */
    call    .Lzero_bss              /* core 0 */
#endif

    /* Barrier 0: every started core triggers, every started core is woken. */
    sw      zero, EU_BAR0 + EU_BAR_STATUS(s1)
    sw      s2, EU_BAR0 + EU_BAR_TARGET_MASK(s1)
    sw      s2, EU_BAR0 + EU_BAR_TRIGGER_MASK(s1)
    fence

    /* Release the others (a core set of 0 would mean "all cores": skip it when alone). */
    andi    t0, s2, -2
    beqz    t0, .Lmeet
    sw      t0, EU_SW_TRIG_7(s1)
    j       .Lmeet

.Lwait_start:
    li      t0, 1 << START_EVENT
    sw      t0, EU_EVT_MASK(s1)
    lw      zero, EU_WAIT_CLEAR(s1) /* sleeps until core 0 has set everything up */

.Lmeet:
    li      t0, 1 << BARRIER_EVENT
    sw      t0, EU_EVT_MASK(s1)
    lw      zero, EU_BAR0 + EU_BAR_WAIT_CLEAR(s1)
    sw      zero, EU_EVT_MASK(s1)

    lui     t1, %hi(__main_harts)   /* cores >= __main_harts skip main */
    addi    t1, t1, %lo(__main_harts)
    bgeu    s0, t1, .Lsleep

    li      a0, 0                   /* argc */
    li      a1, 0                   /* argv */
    call    main

#ifdef PLATFORM_PULP_CHIP
    j       .Lsleep                 /* on the chip the fabric controller ends the run */
#else
    bnez    s0, .Lsleep             /* s0 (core id) is callee-saved: still valid */
    j       __plat_exit             /* core 0: main's return value is the exit code */
#endif

#ifdef PLATFORM_PULP_CHIP
/* The fabric controller: its stack in L2, .bss and .l1_bss zeroed, main, exit. */
.Lfc_start:
    la      sp, __fc_stack_top
    la      t1, __pulp_trap_entry
    csrw    mtvec, t1
    li      t1, 0x2000              /* mstatus.FS = 01 (Initial) */
    csrs    mstatus, t1
    csrwi   fcsr, 0
    call    .Lzero_bss
    li      a0, 0
    li      a1, 0
    call    main
    j       __plat_exit             /* main's return value is the exit code */
#endif

.Lsleep:                            /* other cores after main: sleep for ever */
    csrci   mstatus, 0x8            /* MIE = 0 */
    li      s1, EU_CORE
    sw      zero, EU_EVT_MASK(s1)
    sw      zero, EU_IRQ_MASK(s1)
.Lpark:
    wfi
    j       .Lpark

/* Zero .bss and .l1_bss (both 16-byte aligned at both ends). Clobbers t0-t2. */
.Lzero_bss:
    mv      t0, ra
    la      t1, __bss_start
    la      t2, __bss_end
    call    .Lzero
    la      t1, __l1_bss_start
    la      t2, __l1_bss_end
    call    .Lzero
    jr      t0

/* Zero [t1, t2) in 16-byte steps. */
.Lzero:
    bgeu    t1, t2, 1f
    sw      zero, 0(t1)
    sw      zero, 4(t1)
    sw      zero, 8(t1)
    sw      zero, 12(t1)
    addi    t1, t1, 16
    j       .Lzero
1:  ret
    .size _start, . - _start

/*
 * Trap entry (mtvec, direct mode). Interrupts go to the C handler in __pulp_irq_handler
 * when there is one; everything else ends the run through __trap_default (exit 127).
 */
#define FRAME 160
    .text
    .balign 4
    .globl __pulp_trap_entry
    .type __pulp_trap_entry, @function
__pulp_trap_entry:
    addi    sp, sp, -FRAME
    sw      t0, 4(sp)
    sw      t1, 8(sp)
    csrr    t0, mcause
    bgez    t0, .Lfatal             /* exception */
    la      t1, __pulp_irq_handler
    lw      t1, 0(t1)
    beqz    t1, .Lfatal             /* interrupt without handler */

    sw      ra, 0(sp)
    sw      t2, 12(sp)
    sw      t3, 16(sp)
    sw      t4, 20(sp)
    sw      t5, 24(sp)
    sw      t6, 28(sp)
    sw      a0, 32(sp)
    sw      a1, 36(sp)
    sw      a2, 40(sp)
    sw      a3, 44(sp)
    sw      a4, 48(sp)
    sw      a5, 52(sp)
    sw      a6, 56(sp)
    sw      a7, 60(sp)
    fsw     ft0, 64(sp)
    fsw     ft1, 68(sp)
    fsw     ft2, 72(sp)
    fsw     ft3, 76(sp)
    fsw     ft4, 80(sp)
    fsw     ft5, 84(sp)
    fsw     ft6, 88(sp)
    fsw     ft7, 92(sp)
    fsw     ft8, 96(sp)
    fsw     ft9, 100(sp)
    fsw     ft10, 104(sp)
    fsw     ft11, 108(sp)
    fsw     fa0, 112(sp)
    fsw     fa1, 116(sp)
    fsw     fa2, 120(sp)
    fsw     fa3, 124(sp)
    fsw     fa4, 128(sp)
    fsw     fa5, 132(sp)
    fsw     fa6, 136(sp)
    fsw     fa7, 140(sp)
    frcsr   t2
    sw      t2, 144(sp)

    mv      a0, t0                  /* handler(mcause) */
    jalr    t1

    lw      t2, 144(sp)
    fscsr   t2
    flw     ft0, 64(sp)
    flw     ft1, 68(sp)
    flw     ft2, 72(sp)
    flw     ft3, 76(sp)
    flw     ft4, 80(sp)
    flw     ft5, 84(sp)
    flw     ft6, 88(sp)
    flw     ft7, 92(sp)
    flw     ft8, 96(sp)
    flw     ft9, 100(sp)
    flw     ft10, 104(sp)
    flw     ft11, 108(sp)
    flw     fa0, 112(sp)
    flw     fa1, 116(sp)
    flw     fa2, 120(sp)
    flw     fa3, 124(sp)
    flw     fa4, 128(sp)
    flw     fa5, 132(sp)
    flw     fa6, 136(sp)
    flw     fa7, 140(sp)
    lw      ra, 0(sp)
    lw      t0, 4(sp)
    lw      t1, 8(sp)
    lw      t2, 12(sp)
    lw      t3, 16(sp)
    lw      t4, 20(sp)
    lw      t5, 24(sp)
    lw      t6, 28(sp)
    lw      a0, 32(sp)
    lw      a1, 36(sp)
    lw      a2, 40(sp)
    lw      a3, 44(sp)
    lw      a4, 48(sp)
    lw      a5, 52(sp)
    lw      a6, 56(sp)
    lw      a7, 60(sp)
    addi    sp, sp, FRAME
    mret

.Lfatal:
    lw      t0, 4(sp)
    lw      t1, 8(sp)
    addi    sp, sp, FRAME
    j       __trap_default          /* prints mcause/mepc/mtval, exit code 127 */
    .size __pulp_trap_entry, . - __pulp_trap_entry

/* void __plat_putchar(int c). Clobbers t0, t1. */
    .globl __plat_putchar
    .type __plat_putchar, @function
__plat_putchar:
    csrr    t0, mhartid
    andi    t1, t0, 0x1f            /* core id */
    slli    t1, t1, 3
    srli    t0, t0, 5               /* cluster id */
    andi    t0, t0, 0x3f
    slli    t0, t0, 7
    add     t0, t0, t1
    li      t1, STDOUT_BASE
    add     t0, t0, t1
    andi    t1, a0, 0xff
    sw      t1, 0(t0)
    ret
    .size __plat_putchar, . - __plat_putchar

/* void __plat_exit(int code). Never returns. Clobbers t0, t1. */
    .globl __plat_exit
    .type __plat_exit, @function
__plat_exit:
    li      t0, 0x80000000
    or      t1, a0, t0
    li      t0, CORESTATUS
    fence
    sw      t1, 0(t0)
1:  wfi
    j       1b
    .size __plat_exit, . - __plat_exit

/* The C interrupt handler, void (*)(unsigned mcause); 0 = none (hal_irq.h). */
    .section .sbss.__pulp_irq_handler, "aw", @nobits
    .balign 4
    .globl __pulp_irq_handler
    .type __pulp_irq_handler, @object
__pulp_irq_handler:
    .zero 4
    .size __pulp_irq_handler, 4

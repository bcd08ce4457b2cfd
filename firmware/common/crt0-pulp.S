/*
 * Start-up code for the `pulp-cluster` platform (code and data in L2 at 0x1C00_0000,
 * TCDM at 0x1000_0000, see link-pulp.ld and SPEC.md).
 *
 * Every core enters at _start (0x1C00_0000, the first bytes of .text.init):
 *   - core_id = mhartid & 0x1f; a core whose id is >= __stack_harts parks at once
 *   - gp = __global_pointer$, sp = __stack_top - core_id * __stack_size (stacks at the top
 *     of TCDM, 2 KiB each by default)
 *   - mtvec = __trap_default (direct mode), mstatus.FS = 1, fcsr = 0 (pulpsim runs FP code
 *     whatever FS holds; setting it keeps the code valid on cores that check it)
 *   - core 0 zeroes .bss (L2) and .l1_bss (TCDM), calls main(0, 0) and passes main's return
 *     value to __plat_exit; the other cores sleep in a `wfi` loop for now
 * Nothing is copied: .data and .l1_data are placed at their run addresses (VMA = LMA) and
 * loaded by the ELF loader.
 *
 * Platform primitives (clobber only t0, t1, never touch the stack):
 *   __plat_putchar(a0 = char)  32-bit store to 0x1A10_F000 + (core_id << 3) + (cluster_id << 7)
 *   __plat_exit(a0 = code)     store 0x8000_0000 | code to CORESTATUS (0x1A10_40A0); no return
 */
#define STDOUT_BASE     0x1A10F000
#define CORESTATUS      0x1A1040A0

    .section .text.init, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    csrr    t0, mhartid
    andi    t0, t0, 0x1f            /* core id */
    lui     t1, %hi(__stack_harts)
    addi    t1, t1, %lo(__stack_harts)
    bgeu    t0, t1, .Lpark

    /* sp = __stack_top - core_id * __stack_size */
    lui     t1, %hi(__stack_size)
    addi    t1, t1, %lo(__stack_size)
    la      sp, __stack_top
    mv      t2, t0                  /* a loop, not mul: start-up must not depend on M */
1:  beqz    t2, 2f
    sub     sp, sp, t1
    addi    t2, t2, -1
    j       1b
2:
    la      t1, __trap_default
    csrw    mtvec, t1
    li      t1, 0x2000              /* mstatus.FS = 01 (Initial) */
    csrs    mstatus, t1
    csrwi   fcsr, 0

    bnez    t0, .Lpark

    /* Core 0: zero .bss and .l1_bss (both 16-byte aligned at both ends). */
    la      t1, __bss_start
    la      t2, __bss_end
    call    .Lzero
    la      t1, __l1_bss_start
    la      t2, __l1_bss_end
    call    .Lzero

    li      a0, 0                   /* argc */
    li      a1, 0                   /* argv */
    call    main
    j       __plat_exit

.Lpark:                             /* other cores: sleep for ever (no multi-core start yet) */
    wfi
    j       .Lpark

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

    .text
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

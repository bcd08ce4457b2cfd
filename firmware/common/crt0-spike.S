/*
 * Start-up code for the `spike` platform (RAM at 0x8000_0000, HTIF console and exit).
 *
 * Every hart enters at _start (0x8000_0000, the first bytes of .text.init):
 *   - gp = __global_pointer$, sp = __stack_top - mhartid * __stack_size (see link-spike.ld);
 *     a hart whose id is >= __stack_harts has no stack and parks at once in the wfi loop
 *   - mtvec = __trap_default (direct mode), mstatus.FS = 1 (Initial), fcsr = 0
 *   - hart 0 zeroes .bss (__bss_start .. __bss_end), calls main(0, 0) and passes main's
 *     return value to __plat_exit; every other hart sleeps in a `wfi` loop for ever
 *
 * This file also provides the platform primitives that crt-lib.S and platform.h build on:
 *   __plat_putchar(a0 = char)  HTIF console (device 1, command 1)
 *   __plat_exit(a0 = code)     HTIF exit: tohost = (code << 1) | 1; does not return
 * Both clobber only t0, t1 and never touch the stack.
 *
 * HTIF mailbox: `tohost` and `fromhost` are 64-bit words in section .tohost (64-byte
 * aligned). A command is written as two 32-bit stores, low word first, then the high word:
 * QEMU acts on the store to the high word (tohost + 4). See toolchain-notes/README.md.
 */
    .section .text.init, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    csrr    t0, mhartid
    lui     t1, %hi(__stack_harts)
    addi    t1, t1, %lo(__stack_harts)
    bgeu    t0, t1, .Lpark_nostack

    /* sp = __stack_top - hartid * __stack_size */
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
    li      t1, 0x2000              /* mstatus.FS = 01 (Initial); QEMU traps FP ops while FS = 0 */
    csrs    mstatus, t1
    csrwi   fcsr, 0

    bnez    t0, .Lpark

    /* Hart 0: zero .bss (64-byte aligned at both ends, see the linker script). */
    la      t1, __bss_start
    la      t2, __bss_end
1:  bgeu    t1, t2, 2f
    sw      zero, 0(t1)
    sw      zero, 4(t1)
    sw      zero, 8(t1)
    sw      zero, 12(t1)
    addi    t1, t1, 16
    j       1b
2:
    li      a0, 0                   /* argc */
    li      a1, 0                   /* argv */
    call    main
    j       __plat_exit

.Lpark:
.Lpark_nostack:                     /* secondary harts: sleep for ever */
    wfi
    j       .Lpark
    .size _start, . - _start

    .text
/* void __plat_putchar(int c): HTIF console putchar. Clobbers t0, t1. */
    .globl __plat_putchar
    .type __plat_putchar, @function
__plat_putchar:
    la      t0, tohost
    andi    t1, a0, 0xff
    sw      t1, 0(t0)               /* low word: payload = the character */
    li      t1, 0x01010000          /* high word: device 1 (console), command 1 (write) */
    sw      t1, 4(t0)
    ret
    .size __plat_putchar, . - __plat_putchar

/* void __plat_exit(int code): HTIF exit with `code`. Never returns. Clobbers t0, t1. */
    .globl __plat_exit
    .type __plat_exit, @function
__plat_exit:
    slli    t1, a0, 1
    ori     t1, t1, 1
    la      t0, tohost
    fence
    sw      t1, 0(t0)               /* low word: (code << 1) | 1 */
    sw      zero, 4(t0)             /* high word: device 0, command 0 (QEMU acts here) */
1:  wfi
    j       1b
    .size __plat_exit, . - __plat_exit

    .section .tohost, "aw", @progbits
    .balign 64
    .globl tohost
    .type tohost, @object
tohost:
    .dword  0
    .size tohost, 8
    .globl fromhost
    .type fromhost, @object
fromhost:
    .dword  0
    .size fromhost, 8

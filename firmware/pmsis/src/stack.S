/*
 * void __pmsis_call_on_stack(void (*entry)(void *), void *arg, void *stack_top)
 *
 * Calls entry(arg) with sp = stack_top (rounded down to 16 bytes) and returns on the caller's
 * stack. Used by src/cluster.c for the stacks of cluster tasks. Interrupt handlers taken
 * meanwhile run on the new stack, as they would on any stack.
 */
    .text
    .balign 4
    .globl __pmsis_call_on_stack
    .type __pmsis_call_on_stack, @function
__pmsis_call_on_stack:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    sw      s0, 8(sp)
    mv      s0, sp                  /* the caller's stack, kept in a callee-saved register */
    andi    sp, a2, -16
    mv      t0, a0
    mv      a0, a1
    jalr    t0
    mv      sp, s0
    lw      s0, 8(sp)
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret
    .size __pmsis_call_on_stack, . - __pmsis_call_on_stack

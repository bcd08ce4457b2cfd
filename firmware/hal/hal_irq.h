/*
 * hal_irq.h: event-unit interrupts.
 *
 * An event line in both the core's buffer and its IRQ mask (eu_irq_mask_*) interrupts the
 * core when mstatus.MIE is set: mcause = 0x8000_0000 | line, the line's buffer bit is
 * cleared, and crt0's trap entry calls the handler installed here with mcause (registers
 * saved and restored, mret back). Without a handler, an interrupt ends the run like any
 * unexpected trap (exit code 127). The handler is shared by all cores (use get_core_id()).
 *
 *   irq_set_handler(fn)    install void fn(unsigned mcause) (0 = none)
 *   irq_enable()           mstatus.MIE = 1 (returns the previous mstatus)
 *   irq_disable()          mstatus.MIE = 0 (returns the previous mstatus)
 *   irq_restore(mstatus)   put MIE back as it was
 *   wait_for_interrupt()   wfi: sleep until (buffer & IRQ mask) != 0 (or mip & mie)
 */
#ifndef HAL_IRQ_H
#define HAL_IRQ_H

#include <stdint.h>
#include "hal_core.h"

#define IRQ_MCAUSE_INTERRUPT 0x80000000u
#define MSTATUS_MIE          0x8u

typedef void (*irq_handler_t)(unsigned mcause);

/* Defined in crt0-pulp.S (in .sbss, zeroed at start-up). */
extern irq_handler_t volatile __pulp_irq_handler;

static inline void irq_set_handler(irq_handler_t fn)
{
    HAL_COMPILER_BARRIER();
    __pulp_irq_handler = fn;
    HAL_COMPILER_BARRIER();
}

static inline unsigned irq_enable(void)
{
    unsigned old;
    __asm__ volatile("csrrsi %0, mstatus, 8" : "=r"(old) :: "memory");
    return old;
}

static inline unsigned irq_disable(void)
{
    unsigned old;
    __asm__ volatile("csrrci %0, mstatus, 8" : "=r"(old) :: "memory");
    return old;
}

static inline void irq_restore(unsigned mstatus)
{
    if (mstatus & MSTATUS_MIE)
        __asm__ volatile("csrsi mstatus, 8" ::: "memory");
    else
        __asm__ volatile("csrci mstatus, 8" ::: "memory");
}

static inline void wait_for_interrupt(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

#endif /* HAL_IRQ_H */

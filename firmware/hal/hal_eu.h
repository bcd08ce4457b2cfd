/*
 * hal_eu.h: the cluster event unit (docs/platform.md §4), one inline function per register.
 *
 * Names follow the PULP runtime where it has one (eu_evt_mask, eu_evt_maskSet,
 * eu_evt_maskClr, eu_evt_wait, eu_evt_waitAndClr, eu_evt_maskWaitAndClr, eu_evt_trig,
 * eu_bar_*, eu_mutex_*, eu_dispatch_*); register-named forms (eu_evt_mask_set/and/or, ...)
 * exist for every register. Note the two naming schemes:
 *   eu_evt_mask_set(v)  EVT_MASK = v              (= runtime eu_evt_mask)
 *   eu_evt_mask_or(v)   EVT_MASK_OR:  mask |= v   (= runtime eu_evt_maskSet)
 *   eu_evt_mask_and(v)  EVT_MASK_AND: mask &= ~v  (= runtime eu_evt_maskClr)
 * and the same for the IRQ mask and the SW_EVENTS mask.
 *
 * Every access is a 32-bit volatile load or store with a compiler memory barrier on both
 * sides (waits and locks are synchronisation points). Reads of EVENT_WAIT(_CLEAR),
 * TRIG_WAIT(_CLEAR), barrier TRIGGER_WAIT(_CLEAR), MUTEX and DISPATCH_FIFO may put the core
 * to sleep. A wait returns once (buffer & EVT_MASK) != 0, so the event being waited for
 * must be in the mask (barriers: event 16).
 */
#ifndef HAL_EU_H
#define HAL_EU_H

#include <stdint.h>
#include "hal_archi.h"
#include "hal_core.h"

/* ------------------------------------------------------------------ raw access */

static inline uint32_t eu_read(uint32_t offset)
{
    HAL_COMPILER_BARRIER();
    uint32_t v = *(volatile uint32_t *)(ARCHI_EU_ADDR + offset);
    HAL_COMPILER_BARRIER();
    return v;
}

static inline void eu_write(uint32_t offset, uint32_t value)
{
    HAL_COMPILER_BARRIER();
    *(volatile uint32_t *)(ARCHI_EU_ADDR + offset) = value;
    HAL_COMPILER_BARRIER();
}

/* ------------------------------------------------------------------ event mask */

static inline uint32_t eu_evt_mask_get(void)        { return eu_read(EU_EVT_MASK); }
static inline void eu_evt_mask_set(uint32_t mask)   { eu_write(EU_EVT_MASK, mask); }
static inline void eu_evt_mask_and(uint32_t bits)   { eu_write(EU_EVT_MASK_AND, bits); }
static inline void eu_evt_mask_or(uint32_t bits)    { eu_write(EU_EVT_MASK_OR, bits); }
/* runtime names */
static inline void eu_evt_mask(uint32_t mask)       { eu_evt_mask_set(mask); }
static inline void eu_evt_maskSet(uint32_t bits)    { eu_evt_mask_or(bits); }
static inline void eu_evt_maskClr(uint32_t bits)    { eu_evt_mask_and(bits); }

/* ------------------------------------------------------------------ IRQ mask */

static inline uint32_t eu_irq_mask_get(void)        { return eu_read(EU_IRQ_MASK); }
static inline void eu_irq_mask_set(uint32_t mask)   { eu_write(EU_IRQ_MASK, mask); }
static inline void eu_irq_mask_and(uint32_t bits)   { eu_write(EU_IRQ_MASK_AND, bits); }
static inline void eu_irq_mask_or(uint32_t bits)    { eu_write(EU_IRQ_MASK_OR, bits); }
static inline void eu_irq_mask(uint32_t mask)       { eu_irq_mask_set(mask); }
static inline void eu_irq_maskSet(uint32_t bits)    { eu_irq_mask_or(bits); }
static inline void eu_irq_maskClr(uint32_t bits)    { eu_irq_mask_and(bits); }

/* ------------------------------------------------------------------ status and buffer */

/* STATUS: bit 0 = this core is running (always 1 when read by the core itself). */
static inline uint32_t eu_core_status(void)         { return eu_read(EU_STATUS); }
/* BUFFER: pending events (sticky). */
static inline uint32_t eu_evt_status(void)          { return eu_read(EU_BUFFER); }
/* BUFFER_MASKED: buffer & EVT_MASK. */
static inline uint32_t eu_evt_statusMasked(void)    { return eu_read(EU_BUFFER_MASKED); }
/* BUFFER_IRQ_MASKED: buffer & IRQ_MASK. */
static inline uint32_t eu_evt_statusIrqMasked(void) { return eu_read(EU_BUFFER_IRQ_MASKED); }
static inline uint32_t eu_irq_status(void)          { return eu_evt_statusIrqMasked(); }
/* BUFFER_CLEAR: buffer &= ~bits. */
static inline void eu_evt_clr(uint32_t bits)        { eu_write(EU_BUFFER_CLEAR, bits); }

/* ------------------------------------------------------------------ waits */

/* EVENT_WAIT: sleep until buffer & mask != 0; returns buffer & mask (nothing cleared). */
static inline uint32_t eu_evt_wait(void)            { return eu_read(EU_EVENT_WAIT); }
/* EVENT_WAIT_CLEAR: as eu_evt_wait, then buffer &= ~mask; returns the value before clearing. */
static inline uint32_t eu_evt_waitAndClr(void)      { return eu_read(EU_EVENT_WAIT_CLEAR); }

/* Runtime semantics: mask |= bits, wait and clear, mask &= ~bits. Other bits already in
 * the mask also end the wait (and are cleared). */
static inline uint32_t eu_evt_maskWaitAndClr(uint32_t bits)
{
    eu_evt_mask_or(bits);
    uint32_t v = eu_evt_waitAndClr();
    eu_evt_mask_and(bits);
    return v;
}

/* Wait for exactly `bits`: the mask is replaced by `bits` for the wait and restored after,
 * so only these events end the wait and only these are cleared. */
static inline uint32_t eu_evt_wait_only_clr(uint32_t bits)
{
    uint32_t saved = eu_evt_mask_get();
    eu_evt_mask_set(bits);
    uint32_t v = eu_evt_waitAndClr();
    eu_evt_mask_set(saved);
    return v;
}

/* ------------------------------------------------------------------ software events */

/* SW_EVENTS_MASK: the cores the TRIG_WAIT forms trigger (0 = all cores). */
static inline uint32_t eu_sw_events_mask_get(void)      { return eu_read(EU_SW_EVENTS_MASK); }
static inline void eu_sw_events_mask_set(uint32_t m)    { eu_write(EU_SW_EVENTS_MASK, m); }
static inline void eu_sw_events_mask_and(uint32_t bits) { eu_write(EU_SW_EVENTS_MASK_AND, bits); }
static inline void eu_sw_events_mask_or(uint32_t bits)  { eu_write(EU_SW_EVENTS_MASK_OR, bits); }

/* Address of SW_EVT_TRIG e (this core's view), for eu_evt_trig. */
static inline uint32_t eu_evt_trig_addr(unsigned e)
{
    return ARCHI_EU_ADDR + EU_SW_EVT_TRIG(e);
}

/* Raise the SW event at `evt_addr` on the cores in core_set[7:0] (0 = all cores). */
static inline void eu_evt_trig(uint32_t evt_addr, uint32_t core_set)
{
    HAL_COMPILER_BARRIER();
    *(volatile uint32_t *)evt_addr = core_set;
    HAL_COMPILER_BARRIER();
}

static inline void eu_evt_trig_from_id(unsigned e, uint32_t core_set)
{
    eu_write(EU_SW_EVT_TRIG(e), core_set);
}

/* TRIG_WAIT e: raise e on the SW_EVENTS_MASK cores (0 = all), then EVENT_WAIT. */
static inline uint32_t eu_evt_trig_wait(unsigned e)     { return eu_read(EU_SW_EVT_TRIG_WAIT(e)); }
/* TRIG_WAIT_CLEAR e: raise e on the SW_EVENTS_MASK cores, then EVENT_WAIT_CLEAR. */
static inline uint32_t eu_evt_trig_wait_clr(unsigned e) { return eu_read(EU_SW_EVT_TRIG_WAIT_CLEAR(e)); }

/* ------------------------------------------------------------------ hardware barriers */

/* Address of barrier b (this core's view); the eu_bar_* functions take it. */
static inline uint32_t eu_bar_addr(unsigned b)
{
    return ARCHI_EU_ADDR + EU_BARRIER(b);
}

static inline uint32_t eu_bar_read(uint32_t bar, uint32_t reg)
{
    HAL_COMPILER_BARRIER();
    uint32_t v = *(volatile uint32_t *)(bar + reg);
    HAL_COMPILER_BARRIER();
    return v;
}

static inline void eu_bar_write(uint32_t bar, uint32_t reg, uint32_t value)
{
    HAL_COMPILER_BARRIER();
    *(volatile uint32_t *)(bar + reg) = value;
    HAL_COMPILER_BARRIER();
}

/* TRIGGER_MASK = cores that must arrive; TARGET_MASK = cores that get event 16. */
static inline void eu_bar_setup_mask(uint32_t bar, uint32_t trigger_mask, uint32_t target_mask)
{
    eu_bar_write(bar, EU_BAR_TRIGGER_MASK, trigger_mask);
    eu_bar_write(bar, EU_BAR_TARGET_MASK, target_mask);
}

static inline void eu_bar_setup(uint32_t bar, uint32_t core_mask)
{
    eu_bar_setup_mask(bar, core_mask, core_mask);
}

static inline uint32_t eu_bar_trigger_mask_get(uint32_t bar) { return eu_bar_read(bar, EU_BAR_TRIGGER_MASK); }
static inline uint32_t eu_bar_target_mask_get(uint32_t bar)  { return eu_bar_read(bar, EU_BAR_TARGET_MASK); }
static inline uint32_t eu_bar_status_get(uint32_t bar)       { return eu_bar_read(bar, EU_BAR_STATUS); }
static inline void eu_bar_status_set(uint32_t bar, uint32_t v) { eu_bar_write(bar, EU_BAR_STATUS, v); }

/* TRIGGER: mark the cores in `cores` as arrived (status |= cores). */
static inline void eu_bar_trigger(uint32_t bar, uint32_t cores) { eu_bar_write(bar, EU_BAR_TRIGGER, cores); }
/* TRIGGER_SELF: this core arrives, no wait. */
static inline void eu_bar_trig_self(uint32_t bar)            { (void)eu_bar_read(bar, EU_BAR_TRIGGER_SELF); }
/* TRIGGER_WAIT: arrive and EVENT_WAIT (nothing cleared). */
static inline uint32_t eu_bar_trig_wait(uint32_t bar)        { return eu_bar_read(bar, EU_BAR_TRIGGER_WAIT); }
/* TRIGGER_WAIT_CLEAR: arrive, EVENT_WAIT, clear the masked events. */
static inline uint32_t eu_bar_trig_wait_clr(uint32_t bar)    { return eu_bar_read(bar, EU_BAR_TRIGGER_WAIT_CLEAR); }

/* ------------------------------------------------------------------ hardware mutexes */

static inline uint32_t eu_mutex_addr(unsigned m)
{
    return ARCHI_EU_ADDR + EU_MUTEX(m);
}

/* Lock (sleeps until this core owns it); returns the message of the last unlock. */
static inline uint32_t eu_mutex_lock(uint32_t mutex)
{
    HAL_COMPILER_BARRIER();
    uint32_t msg = *(volatile uint32_t *)mutex;
    HAL_COMPILER_BARRIER();
    return msg;
}

/* Unlock, leaving `msg` for the next owner. */
static inline void eu_mutex_unlock_msg(uint32_t mutex, uint32_t msg)
{
    HAL_COMPILER_BARRIER();
    *(volatile uint32_t *)mutex = msg;
    HAL_COMPILER_BARRIER();
}

static inline void eu_mutex_unlock(uint32_t mutex)      { eu_mutex_unlock_msg(mutex, 0); }
static inline void eu_mutex_lock_from_id(unsigned m)     { (void)eu_mutex_lock(eu_mutex_addr(m)); }
static inline void eu_mutex_unlock_from_id(unsigned m)   { eu_mutex_unlock(eu_mutex_addr(m)); }

/* ------------------------------------------------------------------ dispatcher */

/* DISPATCH_TEAM_CONFIG: the cores later pushes go to. */
static inline void eu_dispatch_team_config(uint32_t team)  { eu_write(EU_DISPATCH_TEAM_CONFIG, team); }
static inline uint32_t eu_dispatch_team_get(void)          { return eu_read(EU_DISPATCH_TEAM_CONFIG); }

/* Push a value to the FIFO of every core of the team (stalls while one of them is full). */
static inline void eu_dispatch_push(uint32_t value)        { eu_write(EU_DISPATCH_FIFO, value); }

/* Pop this core's next value, sleeping while its FIFO is empty. Event 18 (dispatch) is
 * enabled in the mask for the pop, as on the RTL, and the previous mask restored. */
static inline uint32_t eu_dispatch_pop(void)
{
    uint32_t saved = eu_evt_mask_get();
    eu_evt_mask_or(1u << EU_EVT_DISPATCH);
    uint32_t v = eu_read(EU_DISPATCH_FIFO);
    eu_evt_mask_set(saved);
    return v;
}

/* ------------------------------------------------------------------ global view */
/* 0x1020_0800: per-core registers of core c at c*0x40 (0x00..0x3C; the wait registers read
 * like BUFFER_MASKED and never sleep), barriers at 0x400 + 0x20*b (no self-trigger or wait
 * forms), SW event triggers at 0x600 + 4*e. */

static inline uint32_t eu_global_read(uint32_t offset)
{
    HAL_COMPILER_BARRIER();
    uint32_t v = *(volatile uint32_t *)(ARCHI_EU_GLOBAL_ADDR + offset);
    HAL_COMPILER_BARRIER();
    return v;
}

static inline void eu_global_write(uint32_t offset, uint32_t value)
{
    HAL_COMPILER_BARRIER();
    *(volatile uint32_t *)(ARCHI_EU_GLOBAL_ADDR + offset) = value;
    HAL_COMPILER_BARRIER();
}

static inline uint32_t eu_global_core_read(unsigned core, uint32_t reg)
{
    return eu_global_read(EU_GLOBAL_CORE(core) + reg);
}

static inline void eu_global_core_write(unsigned core, uint32_t reg, uint32_t value)
{
    eu_global_write(EU_GLOBAL_CORE(core) + reg, value);
}

static inline uint32_t eu_global_bar_read(unsigned b, uint32_t reg)
{
    return eu_global_read(EU_GLOBAL_BARRIER(b) + reg);
}

static inline void eu_global_bar_write(unsigned b, uint32_t reg, uint32_t value)
{
    eu_global_write(EU_GLOBAL_BARRIER(b) + reg, value);
}

static inline void eu_global_evt_trig(unsigned e, uint32_t core_set)
{
    eu_global_write(EU_GLOBAL_SW_EVT_TRIG(e), core_set);
}

#endif /* HAL_EU_H */

/*
 * fc-cluster: the `pulp` chip's boot and round trip, checked by the fabric controller.
 *   - the SoC registers the runtime reads: INFO, the FLLs' reset values;
 *   - the cluster cores are held until FETCH_EN (none has run after the FC waited a while),
 *     FETCH_EN reads back the cores started;
 *   - a task round trip: the FC prepares data in TCDM, starts the cluster, the eight cores sum
 *     their slices, core 0 raises line 1 at the FC (STATUS_SET), the FC sleeps in wfi until
 *     then and checks every core's share;
 *   - an FC timer interrupt through the FC interrupt controller (line 10, mcause 0x8000000a)
 *     into crt0's handler, waking the FC from wfi;
 *   - a DMA transfer (L2 -> TCDM) issued on MCHAN's FC queue (0x1020_1C00) with its event bit:
 *     FC line 8 at completion, the data landed;
 *   - the FC's local alias of L2 private bank 0 at 0x0000_0000 (cluster cores see the TCDM
 *     there): an FC store through it lands in L2, an FC load through it reads L2.
 * Exit code 0 when every check passes, else the number of the failing check.
 */
#include "pulp.h"

#define N 64
L1_DATA static uint32_t data[N];
static volatile uint32_t core_seen[8];
static volatile uint32_t partial[8];
static volatile uint32_t total;
static volatile uint32_t timer_irqs, last_mcause;
static uint32_t source[32];                 /* L2 */
L1_BSS static uint32_t landing[32];

#define MCHAN_FC_CMD 0x10201C00u
#define MCHAN_FC_STATUS 0x10201C04u

static void fc_irq(unsigned mcause)
{
    last_mcause = mcause;
    timer_irqs++;
    fc_timer_conf(0);                 /* one interrupt is enough */
}

static int fc_main(void)
{
    if (soc_info() != ((8u << 16) | 1u)) return 1;
    if (FC_REG(SOC_FLL_BASE, 0x4) != (0x5F5u | 0x121u << 16 | 1u << 26 | 1u << 30)) return 2;
    if (FC_REG(SOC_FLL_BASE, 0x0) != 0x5F5u) return 3;
    FC_REG(SOC_FLL_BASE, 0x14) = 0xC0000100u;      /* the second FLL holds what is written */
    if (FC_REG(SOC_FLL_BASE, 0x14) != 0xC0000100u || FC_REG(SOC_FLL_BASE, 0x10) != 0x100u) return 4;

    /* Held until FETCH_EN. */
    if (fc_cluster_started() != 0) return 5;
    for (volatile int i = 0; i < 200; i++) {}
    for (int c = 0; c < 8; c++)
        if (core_seen[c]) return 6;

    for (int i = 0; i < N; i++) data[i] = (uint32_t)(i + 1);
    fc_cluster_start(0xFF);
    if (fc_cluster_started() != 0xFF) return 7;
    fc_wait_line(FC_LINE_CLUSTER_DONE);
    for (int c = 0; c < 8; c++) {
        if (core_seen[c] != 0x100u + (unsigned)c) return 8;
        uint32_t want = 0;
        for (int i = c * 8; i < c * 8 + 8; i++) want += (uint32_t)(i + 1);
        if (partial[c] != want) return 9;
    }
    if (total != N * (N + 1) / 2) return 10;
    if (fc_itc_status() & (1u << FC_LINE_CLUSTER_DONE)) return 11;   /* cleared by fc_wait_line */

    /* An FC timer interrupt: compare 500, interrupt enabled, counted from 0. */
    irq_set_handler(fc_irq);
    fc_itc_mask_set(1u << FC_LINE_TIMER_LO);
    fc_timer_compare(500);
    fc_timer_conf(1u | 2u | 4u);      /* enable, reset, IRQ */
    irq_enable();
    while (timer_irqs == 0)
        __asm__ volatile("wfi");
    irq_disable();
    if (timer_irqs != 1 || last_mcause != (0x80000000u | FC_LINE_TIMER_LO)) return 12;
    if (!(fc_itc_acknowledged() & (1u << FC_LINE_TIMER_LO))) return 13;
    if (fc_itc_status() & (1u << FC_LINE_TIMER_LO)) return 14;      /* taken: STATUS cleared */
    /* MCHAN's FC queue: 128 bytes L2 -> TCDM, event bit (20) set: FC line 8 at completion. */
    for (int i = 0; i < 32; i++) source[i] = 0xA5000000u + (uint32_t)i;
    uint32_t id = FC_REG(MCHAN_FC_CMD, 0);
    FC_REG(MCHAN_FC_CMD, 0) = 128u | 1u << 17 | 1u << 18 | 1u << 20;   /* to TCDM, incremental, event */
    FC_REG(MCHAN_FC_CMD, 0) = (uint32_t)(uintptr_t)landing;
    FC_REG(MCHAN_FC_CMD, 0) = (uint32_t)(uintptr_t)source;
    fc_wait_line(8);
    if (FC_REG(MCHAN_FC_STATUS, 0) & (1u << id)) return 15;             /* no longer busy */
    FC_REG(MCHAN_FC_STATUS, 0) = 1u << id;                              /* free the id */
    for (int i = 0; i < 32; i++)
        if (landing[i] != source[i]) return 16;
    /* The FC's alias of L2 private bank 0 (0x1C00_0000..0x1C00_7FFF) at 0. */
    volatile uint32_t *alias = (volatile uint32_t *)0x7F00u, *l2 = (volatile uint32_t *)0x1C007F00u;
    uint32_t saved = *l2;
    *alias = 0x600DF00Du;
    if (*l2 != 0x600DF00Du) return 17;
    *l2 = 0x12345678u;
    if (*alias != 0x12345678u) return 18;
    *l2 = saved;
    printf("fc-cluster: all checks passed\n");
    return 0;
}

int main(void)
{
    if (hal_is_fc())
        return fc_main();
    unsigned c = get_core_id();
    core_seen[c] = 0x100u + c;
    uint32_t s = 0;
    for (int i = (int)c * 8; i < (int)c * 8 + 8; i++) s += data[i];
    partial[c] = s;
    synch_barrier();
    if (c == 0) {
        uint32_t t = 0;
        for (int k = 0; k < 8; k++) t += partial[k];
        total = t;
        cluster_notify_fc(FC_LINE_CLUSTER_DONE);
    }
    return 0;
}

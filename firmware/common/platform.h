/*
 * Platform primitives for firmware C code. Compile with exactly one of
 *   -DPLATFORM_SPIKE   RAM at 0x8000_0000, HTIF console and exit (crt0-spike.S)
 *   -DPLATFORM_PULP    pulp-cluster: L2 at 0x1C00_0000, TCDM at 0x1000_0000, stdout and
 *                      CORESTATUS devices (crt0-pulp.S); with -DPLATFORM_PULP_CHIP as well, the
 *                      `pulp` chip, where the fabric controller (mhartid 0x3E0) runs main first
 *                      and starts the cluster (hal/hal_fc.h)
 * (the Makefile passes the right one).
 *
 *   void plat_putchar(int c)          print one character
 *   void plat_exit(int code)          end the run with exit code `code` (does not return)
 *   unsigned plat_hartid(void)        mhartid (pulp-cluster: cluster_id << 5 | core_id; the
 *                                     fabric controller of `pulp`: 31 << 5 = 0x3E0)
 *   unsigned plat_core_id(void)       core index inside the cluster (spike: = mhartid)
 *   unsigned long plat_cycles(void)   mcycle, low 32 bits
 *   unsigned long long plat_cycles64(void), plat_instret64(void)   full 64-bit counters
 *
 * L1_DATA / L1_BSS place a variable in TCDM on pulp-cluster (initialised / zeroed data);
 * on spike they are ordinary RAM data.
 *
 * Everything here is inline; the same primitives exist as assembly routines
 * (__plat_putchar, __plat_exit, see crt0-<platform>.S) for assembly code.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#if defined(PLATFORM_SPIKE) && defined(PLATFORM_PULP)
#error "define only one of PLATFORM_SPIKE and PLATFORM_PULP"
#endif
#if !defined(PLATFORM_SPIKE) && !defined(PLATFORM_PULP)
#error "define PLATFORM_SPIKE or PLATFORM_PULP (the firmware Makefile does)"
#endif

#define L1_DATA __attribute__((section(".l1_data")))
#define L1_BSS  __attribute__((section(".l1_bss")))

#define PLAT_CSR_READ(name)                                  \
    ({                                                       \
        unsigned long v_;                                    \
        __asm__ volatile("csrr %0, " #name : "=r"(v_));      \
        v_;                                                  \
    })

static inline unsigned plat_hartid(void)
{
    return (unsigned)PLAT_CSR_READ(mhartid);
}

static inline unsigned long plat_cycles(void)
{
    return PLAT_CSR_READ(mcycle);
}

static inline unsigned long long plat_cycles64(void)
{
    unsigned long hi, lo;
    do {
        hi = PLAT_CSR_READ(mcycleh);
        lo = PLAT_CSR_READ(mcycle);
    } while (hi != PLAT_CSR_READ(mcycleh));
    return ((unsigned long long)hi << 32) | lo;
}

static inline unsigned long long plat_instret64(void)
{
    unsigned long hi, lo;
    do {
        hi = PLAT_CSR_READ(minstreth);
        lo = PLAT_CSR_READ(minstret);
    } while (hi != PLAT_CSR_READ(minstreth));
    return ((unsigned long long)hi << 32) | lo;
}

#if defined(PLATFORM_SPIKE)

#define PLATFORM_NAME "spike"

/* HTIF mailbox, defined in crt0-spike.S (section .tohost). */
extern volatile unsigned long long tohost;
extern volatile unsigned long long fromhost;

static inline unsigned plat_core_id(void)
{
    return plat_hartid();
}

/* HTIF: low word first, then the high word (QEMU acts on the high-word store). */
static inline void plat_htif_write(unsigned lo, unsigned hi)
{
    volatile unsigned *p = (volatile unsigned *)&tohost;
    p[0] = lo;
    p[1] = hi;
}

static inline void plat_putchar(int c)
{
    plat_htif_write((unsigned char)c, 0x01010000u); /* device 1 (console), command 1 (write) */
}

__attribute__((noreturn)) static inline void plat_exit(int code)
{
    __asm__ volatile("fence" ::: "memory");
    plat_htif_write(((unsigned)code << 1) | 1u, 0);
    for (;;)
        __asm__ volatile("wfi");
}

#else /* PLATFORM_PULP */

#ifdef PLATFORM_PULP_CHIP
#define PLATFORM_NAME "pulp"
#else
#define PLATFORM_NAME "pulp-cluster"
#endif

#define PULP_TCDM_BASE    0x10000000u
#define PULP_L2_BASE      0x1C000000u
#define PULP_STDOUT_BASE  0x1A10F000u
#define PULP_CORESTATUS   0x1A1040A0u

static inline unsigned plat_core_id(void)
{
    return plat_hartid() & 0x1f;
}

static inline unsigned plat_cluster_id(void)
{
    return (plat_hartid() >> 5) & 0x3f;
}

static inline void plat_putchar(int c)
{
    unsigned addr = PULP_STDOUT_BASE + (plat_core_id() << 3) + (plat_cluster_id() << 7);
    *(volatile unsigned *)addr = (unsigned char)c;
}

__attribute__((noreturn)) static inline void plat_exit(int code)
{
    __asm__ volatile("fence" ::: "memory");
    *(volatile unsigned *)PULP_CORESTATUS = 0x80000000u | (unsigned)code;
    for (;;)
        __asm__ volatile("wfi");
}

#endif

/* The assembly primitives, callable from C as well (see crt-lib.S). */
void __plat_puts(const char *s);
void __plat_puthex(unsigned v);
void __plat_putdec(unsigned v);

#endif /* PLATFORM_H */

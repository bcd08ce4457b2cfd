/*
 * dma-random: random DMA transfers on all 8 cores at once, each checked against a copy the
 * firmware makes itself (docs/platform.md §11). Built twice: for MCHAN v7 (dma-random, run with
 * the default --dma mchan) and for iDMA (dma-random-idma, -DUSE_IDMA, run with --dma idma).
 *
 * Phase 1, every core in its own slices (8 KiB of TCDM, 16 KiB of L2), ROUNDS rounds: a transfer
 * of 1 B to 8 KiB (odd lengths and addresses included) in a random direction, each side 1D or
 * 2D (MCHAN: the external and TCDM sides independently; iDMA: one line length, a stride per
 * side), through the TCDM's global address or the cores' alias, waited for by event or by
 * polling, sometimes two transfers on one id (MCHAN). Before each transfer the core fills the
 * source with random bytes and the destination with others, and computes the expected
 * destination (the untouched gaps included) by copying the stream byte by byte; after it, the
 * destination must equal the expectation.
 * Phase 2, core 0 alone (the others wait at a barrier): large transfers, up to 64 KiB, through
 * the whole 64 KiB of TCDM slices, and (MCHAN) a few through the shared queue.
 *
 * Prints the number of transfers and bytes and the cycles of one 64 KiB transfer each way.
 * Exit code 0 if every transfer checked; 1 otherwise (the first mismatches are printed).
 */
#include "pulp.h"

#define CORES       8
#define SLICE_L1    (8 * 1024)
#define SLICE_L2    (16 * 1024)
#define ROUNDS      12

L1_BSS static uint8_t l1[CORES * SLICE_L1] __attribute__((aligned(16)));
static uint8_t l2[CORES * SLICE_L2] __attribute__((aligned(16)));
static uint8_t expected[CORES * SLICE_L2] __attribute__((aligned(16)));
static volatile uint32_t errors[CORES], transfers[CORES], bytes[CORES];
/* Cycles of core 0's last transfer, from its first register access to the end of its wait. */
static unsigned long dma_cycles[CORES];   /* each core's last transfer */

/* One side of a transfer: stream byte i is at base + (i / line) * stride + i % line. */
struct side { uint8_t *base; uint32_t line, stride; };

static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return *state = x;
}

/* Bytes from the side's first byte to one past its last, for n bytes (stride >= line). */
static uint32_t extent(struct side s, uint32_t n)
{
    uint32_t lines = (n + s.line - 1) / s.line;
    return (lines - 1) * s.stride + (n - (lines - 1) * s.line);
}

/* The stream copy, byte by byte: what the DMA must do. */
static void reference_copy(struct side to, struct side from, uint32_t n)
{
    uint32_t fl = 0, fo = 0, tl = 0, to_ = 0;
    for (uint32_t i = 0; i < n; i++) {
        to.base[tl + to_] = from.base[fl + fo];
        if (++fo == from.line) { fo = 0; fl += from.stride; }
        if (++to_ == to.line) { to_ = 0; tl += to.stride; }
    }
}

static void fill(uint8_t *p, uint32_t n, uint32_t *state)
{
    for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)(next_random(state) >> 11);
}

/* Compares the destination with the expectation; returns the mismatches (prints the first). */
static uint32_t check(const uint8_t *got, const uint8_t *want, uint32_t n, unsigned core, uint32_t length, int ext2loc)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (got[i] != want[i]) {
            if (bad == 0) printf("core %u: %s transfer of %u B: byte %u of the destination is 0x%02x, expected 0x%02x\n",
                                 core, ext2loc ? "L2->TCDM" : "TCDM->L2", (unsigned)length, (unsigned)i, got[i], want[i]);
            bad++;
        }
    }
    return bad;
}

/* A random side of n bytes that fits `room` bytes: 1D, or (sometimes) lines with gaps. */
static struct side random_side(uint8_t *slice, uint32_t room, uint32_t n, uint32_t *state)
{
    struct side s = { slice, n, n };
    if (next_random(state) % 3 == 0 && n > 1) {
        s.line = 1 + next_random(state) % (n < 300 ? n : 300);
        s.stride = s.line + next_random(state) % 40;
        if (extent(s, n) > room) { s.line = n; s.stride = n; }
    }
    s.base = slice + next_random(state) % (room - extent(s, n) + 1);
    return s;
}

/* An address of the TCDM through its global address or (sometimes) the cores' alias. */
static uint32_t tcdm_address(uint8_t *p, uint32_t *state)
{
    uint32_t a = (uint32_t)p;
    return next_random(state) % 4 == 0 ? a - ARCHI_TCDM_ADDR : a;
}

/* Fills both sides with random bytes and makes `want` what the destination must hold after the
 * transfer (the reference copy); returns the destination side, its size in `to_bytes`. */
static struct side prepare(struct side ext, struct side loc, uint32_t n, int ext2loc, uint8_t *want,
                           uint32_t *state, uint32_t *to_bytes)
{
    struct side from = ext2loc ? ext : loc, to = ext2loc ? loc : ext;
    *to_bytes = extent(to, n);
    fill(from.base, extent(from, n), state);
    fill(to.base, *to_bytes, state);
    for (uint32_t i = 0; i < *to_bytes; i++) want[i] = to.base[i];
    struct side model = { want, to.line, to.stride };
    reference_copy(model, from, n);
    return to;
}

#ifndef USE_IDMA

/* Pushes an MCHAN transfer on this core's queue (or the shared one) tagged with id. */
static void push(uint32_t queue, struct side ext, struct side loc, uint32_t n, int ext2loc, int event, uint32_t *state)
{
    uint32_t cmd = (n & MCHAN_CMD_LEN_MASK) | MCHAN_CMD_INC | (ext2loc ? MCHAN_CMD_EXT2LOC : 0) | (event ? MCHAN_CMD_EVT : 0);
    int ext2d = ext.line < n, loc2d = loc.line < n;
    if (ext2d) cmd |= MCHAN_CMD_2D_EXT;
    if (loc2d) cmd |= MCHAN_CMD_2D_TCDM;
    mchan_word(queue, cmd);
    mchan_word(queue, tcdm_address(loc.base, state));
    mchan_word(queue, (uint32_t)ext.base);
    if (ext2d) { mchan_word(queue, ext.line); mchan_word(queue, ext.stride); }
    if (loc2d) { mchan_word(queue, loc.line); mchan_word(queue, loc.stride); }
}

/* Waits for `id` on `queue` by event 8 or by polling STATUS, then frees it. */
static void wait_id(uint32_t queue, int id, int event)
{
    if (event) { mchan_wait(queue, id); return; }
    while (mchan_status(queue) & (1u << id)) {}
    mchan_free(queue, id);
}

/* One checked transfer (sides chosen by the caller); returns the mismatches. */
static uint32_t transfer(unsigned core, uint32_t queue, struct side ext, struct side loc, uint32_t n, int ext2loc,
                         uint8_t *want, uint32_t *state)
{
    uint32_t to_bytes;
    struct side to = prepare(ext, loc, n, ext2loc, want, state, &to_bytes);
    int event = next_random(state) % 4 != 0;
    unsigned long t0 = cycles();
    int id = mchan_alloc(queue);
    if (next_random(state) % 5 == 0 && n >= 2) {
        /* Two transfers on one id, split at a line boundary of both sides when 1D. */
        if (ext.line == n && loc.line == n) {
            uint32_t first = n / 2;
            struct side e2 = { ext.base + first, n - first, n - first }, l2 = { loc.base + first, n - first, n - first };
            ext.line = ext.stride = loc.line = loc.stride = first;
            push(queue, ext, loc, first, ext2loc, event, state);
            push(queue, e2, l2, n - first, ext2loc, event, state);
        } else {
            push(queue, ext, loc, n, ext2loc, event, state);
        }
    } else {
        push(queue, ext, loc, n, ext2loc, event, state);
    }
    wait_id(queue, id, event);
    dma_cycles[core] = cycles() - t0;
    return check(to.base, want, to_bytes, core, n, ext2loc);
}

#else  /* iDMA */

/* One checked iDMA transfer: lines of `line` bytes (n a multiple of it), a stride per side. */
static uint32_t transfer(unsigned core, uint32_t port, struct side ext, struct side loc, uint32_t n, int ext2loc,
                         uint8_t *want, uint32_t *state)
{
    uint32_t to_bytes;
    struct side to = prepare(ext, loc, n, ext2loc, want, state, &to_bytes), from = ext2loc ? ext : loc;
    uint32_t src_prot = ext2loc ? IDMA_PROT_AXI : IDMA_PROT_OBI, dst_prot = ext2loc ? IDMA_PROT_OBI : IDMA_PROT_AXI;
    uint32_t src = ext2loc ? (uint32_t)from.base : tcdm_address(from.base, state);
    uint32_t dst = ext2loc ? tcdm_address(to.base, state) : (uint32_t)to.base;
    unsigned long t0 = cycles();
    uint32_t id = idma_launch(port, src, dst, from.line, from.stride, to.stride, n / from.line, src_prot, dst_prot);
    unsigned stream = idma_stream(dst_prot);
    if (next_random(state) % 4 != 0) idma_wait(stream, id);
    else while (!idma_done(stream, id)) {}
    dma_cycles[core] = cycles() - t0;
    return check(to.base, want, to_bytes, core, n, ext2loc);
}

#endif

/* Random sides for n bytes; for iDMA one line length for both sides and n rounded to it. */
static void random_sides(uint8_t *ext_slice, uint32_t ext_room, uint8_t *loc_slice, uint32_t loc_room, uint32_t *n,
                         struct side *ext, struct side *loc, uint32_t *state)
{
#ifndef USE_IDMA
    *ext = random_side(ext_slice, ext_room, *n, state);
    *loc = random_side(loc_slice, loc_room, *n, state);
#else
    struct side e = random_side(ext_slice, ext_room, *n, state);
    uint32_t line = e.line, reps = *n / line;
    *n = line * reps;
    struct side l = { loc_slice, line, line + (line < *n ? next_random(state) % 40 : 0) };
    if (extent(l, *n) > loc_room) l.stride = line;
    l.base = loc_slice + next_random(state) % (loc_room - extent(l, *n) + 1);
    e.base = ext_slice + next_random(state) % (ext_room - extent(e, *n) + 1);
    *ext = e;
    *loc = l;
#endif
}

int main(void)
{
    unsigned core = get_core_id();
    uint32_t state = 0x9E3779B9u ^ (core * 0x01000193u + 1);
    uint8_t *my_l1 = l1 + core * SLICE_L1, *my_l2 = l2 + core * SLICE_L2, *my_want = expected + core * SLICE_L2;
    uint32_t bad = 0, count = 0, moved = 0;

    for (int round = 0; round < ROUNDS; round++) {
        uint32_t r = next_random(&state) % 10;
        uint32_t n = 1 + next_random(&state) % (r < 5 ? 64 : r < 8 ? 1024 : SLICE_L1);
        int ext2loc = next_random(&state) & 1;
        struct side ext, loc;
        random_sides(my_l2, SLICE_L2, my_l1, SLICE_L1, &n, &ext, &loc, &state);
        bad += transfer(core, ARCHI_DMA_ADDR, ext, loc, n, ext2loc, my_want, &state);
        count++;
        moved += n;
    }
    errors[core] = bad;
    transfers[core] = count;
    bytes[core] = moved;
    synch_barrier();
    if (core != 0) return 0;

    /* Phase 2: core 0 alone, the whole 64 KiB of TCDM slices. */
    static const uint32_t sizes[] = { 65536, 65535, 40001, 4097, 12345 };
    unsigned long cycles_in = 0, cycles_out = 0;
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        for (int ext2loc = 1; ext2loc >= 0; ext2loc--) {
            uint32_t n = sizes[i];
            struct side ext = { l2 + (i & 1) * 3, n, n }, loc = { l1 + (i & 3), n, n };
            if (i == 2) { ext.line = 1000; ext.stride = 1024; }   /* 2D on the L2 side */
            if (i == 4) { loc.line = 500; loc.stride = 512; }     /* 2D on the TCDM side */
#ifdef USE_IDMA
            /* One line length for both sides: a 1D side gets contiguous lines. */
            uint32_t line = ext.line < loc.line ? ext.line : loc.line;
            n -= n % line;
            if (ext.line == ext.stride) ext.stride = line;
            if (loc.line == loc.stride) loc.stride = line;
            ext.line = loc.line = line;
#endif
            bad += transfer(0, ARCHI_DMA_ADDR, ext, loc, n, ext2loc, expected, &state);
            if (i == 0) { if (ext2loc) cycles_in = dma_cycles[core]; else cycles_out = dma_cycles[core]; }
            count++;
            moved += n;
        }
    }
    /* The shared queue (MCHAN) or register port (iDMA), from one core: no hazard with the
     * words or ids of other cores. */
    for (int k = 0; k < 4; k++) {
        uint32_t n = 1 + next_random(&state) % 2048;
        int ext2loc = k & 1;
        struct side ext, loc;
        random_sides(l2, SLICE_L2, l1, SLICE_L1, &n, &ext, &loc, &state);
        bad += transfer(0, ARCHI_DMA_SHARED_ADDR, ext, loc, n, ext2loc, expected, &state);
        count++;
        moved += n;
    }
    for (unsigned c = 1; c < get_core_num(); c++) {
        bad += errors[c];
        count += transfers[c];
        moved += bytes[c];
    }
    printf("dma-random: %u transfers, %u bytes, %u mismatching bytes; 64 KiB L2->TCDM in %lu cycles, TCDM->L2 in %lu cycles\n",
           (unsigned)count, (unsigned)moved, (unsigned)bad, cycles_in, cycles_out);
    return bad != 0;
}

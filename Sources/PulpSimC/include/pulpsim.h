/*
 * pulpsim.h: the C API of pulpsim (libPulpSimC.so), for test drivers in C, Python (ctypes,
 * python/pulpsim) or any language with a C foreign-function interface.
 *
 * Build the library with `swift build --product PulpSimC` (.build/debug/libPulpSimC.so) or
 * `swift build -c release --product PulpSimC` (.build/release/libPulpSimC.so).
 *
 * Usage:
 *
 *   char err[256];
 *   pulpsim_machine *m = pulpsim_create("pulp-cluster", 8, err, sizeof err);
 *   if (!m) { fprintf(stderr, "%s\n", err); return 1; }
 *   pulpsim_set_option(m, "max_instructions", "1e8");       // before loading
 *   if (pulpsim_load_elf(m, "hello-cluster.elf", err, sizeof err) != 0) { ... }
 *   int end = pulpsim_run(m);                               // PULPSIM_END_EXIT, ...
 *   printf("%s%s\n", pulpsim_output(m), pulpsim_result_json(m));
 *   pulpsim_destroy(m);
 *
 * Conventions
 *   - A machine is an opaque handle; every function accepts NULL for it and then fails with
 *     PULPSIM_ERR_ARGUMENT (or returns NULL / does nothing).
 *   - Functions that can fail return an int status: PULPSIM_OK (0) or a negative
 *     PULPSIM_ERR_* code; values come back through out pointers. After a failure,
 *     pulpsim_last_error(m) says why, in the simulator's words.
 *   - Strings returned by the library belong to the machine: valid until the next call of the
 *     same function on that machine, or until pulpsim_destroy.
 *   - Harts are numbered from 0: the cluster cores, then (platform `pulp`) the fabric
 *     controller. pulpsim_harts(m) says how many there are.
 *   - Firmware output (stdout) is captured, not printed (option echo_output prints it too).
 *   - A machine is not thread-safe: use each from one thread at a time.
 */
#ifndef PULPSIM_H
#define PULPSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pulpsim_machine pulpsim_machine;

/* Status codes. */
#define PULPSIM_OK            0
#define PULPSIM_ERR_ARGUMENT (-1) /* NULL pointer, bad hart or register, unknown option or symbol */
#define PULPSIM_ERR_STATE    (-2) /* not allowed now: no ELF loaded, an option after loading, ... */
#define PULPSIM_ERR_ADDRESS  (-3) /* memory access outside the memory map */
#define PULPSIM_ERR_ELF      (-4) /* the ELF cannot be read or does not fit the platform */

/* How a run ended (the return value of the pulpsim_run* functions when >= 0; the JSON result's
 * "reason" in parentheses). */
#define PULPSIM_END_EXIT              0  /* the firmware exited ("exit") */
#define PULPSIM_END_STOPPED           1  /* the target pc, symbol or instruction count ("stopped") */
#define PULPSIM_END_TRAP              2  /* unhandled trap or interrupt, trap storm ("trap") */
#define PULPSIM_END_DEADLOCK          3  /* every hart asleep for ever, or spinning ("deadlock") */
#define PULPSIM_END_INSTRUCTION_LIMIT 4  /* option max_instructions ("instruction-limit") */
#define PULPSIM_END_CYCLE_LIMIT       5  /* option max_cycles ("cycle-limit") */
#define PULPSIM_END_TIMEOUT           6  /* option timeout ("timeout") */
#define PULPSIM_END_INTERRUPTED       7  /* ("interrupted") */
#define PULPSIM_END_REDMULE_ERROR     8  /* RedMulE misprogrammed ("redmule-error") */
#define PULPSIM_END_DMA_ERROR         9  /* DMA misprogrammed ("dma-error") */
#define PULPSIM_END_SIMULATOR_ERROR  10  /* ("simulator-error") */

/* "pulpsim C API <n>": n grows when functions are added. */
const char *pulpsim_version(void);

/* ------------------------------------------------------------------ machines */

/* A new machine. platform: "pulp-cluster" (NULL: the same), "pulp", "spike" or "redmule-tb";
 * harts: cluster cores (<= 0: the platform's default, 8 on pulp-cluster and pulp, 1 otherwise).
 * NULL on error, with the message in err (errlen bytes, NUL-terminated; err may be NULL). */
pulpsim_machine *pulpsim_create(const char *platform, int harts, char *err, size_t errlen);

/* Frees the machine and every string it handed out. NULL: nothing. */
void pulpsim_destroy(pulpsim_machine *m);

/* Sets an option, before pulpsim_load_elf (the machine is rebuilt with it). Names (also with
 * '-' for '_') and values, as the command line's `pulpsim run` options:
 *   quantum            cycles a hart may run ahead of the others (0: automatic)
 *   max_instructions   stop after this many instructions in total (0: no limit; "1e9" is fine)
 *   max_cycles         stop at this cycle (0: no limit)
 *   timeout            wall-clock seconds (0: no limit)
 *   harts              cluster cores
 *   tcdm_kib, l2_kib, ram_mib   memory sizes
 *   l2_latency         extra cycles of a cluster core's L2 access (0-1000; default 14)
 *   tcdm_contention    bank conflicts between the cluster cores (true/false; default true)
 *   block_execution    run straight-line code by blocks (true/false; default true; same results)
 *   count_stalls       stall cycles by cause in the JSON result (true/false)
 *   energy             the energy and utilisation report in the JSON result ("energy"; docs/energy.md)
 *   check_races        the race detector: the races in the JSON result ("races"; docs/races.md)
 *   echo_output        also print the firmware's output on stdout (default false)
 *   stdout_prefix      "[hart N] " before each output line
 *   print_diagnostics  RedMulE and DMA warnings on stderr
 *   redmule_errors     "error" (misprogramming stops the run; default) or "warn"
 *   redmule_padding    "read" (default), "always" or "off": when RedMulE's Z padding rows are
 *                      reported (docs/platform.md §7.4)
 *   dma_errors         "error" or "warn"
 *   dma                the cluster DMA's programming model: "mchan" or "idma"
 * Booleans: 1/0, true/false, yes/no, on/off. Returns PULPSIM_OK or an error. */
int pulpsim_set_option(pulpsim_machine *m, const char *name, const char *value);

/* Loads (once per machine) and validates an ELF; the harts are reset to start it. On error:
 * PULPSIM_ERR_ELF and the message in err (also pulpsim_last_error). */
int pulpsim_load_elf(pulpsim_machine *m, const char *path, char *err, size_t errlen);

/* The number of harts, or PULPSIM_ERR_ARGUMENT. */
int pulpsim_harts(pulpsim_machine *m);

/* The message of the last failure on m (NULL if none). */
const char *pulpsim_last_error(pulpsim_machine *m);

/* ------------------------------------------------------------------ running
 * Each returns a PULPSIM_END_* code (>= 0), or a negative PULPSIM_ERR_* code. A run that ended
 * with PULPSIM_END_STOPPED can be continued with any of them; after any other end, running
 * again returns the same end at once. */

/* Until the firmware ends the run (or a limit). */
int pulpsim_run(pulpsim_machine *m);

/* count more instructions, counted over all harts together (then PULPSIM_END_STOPPED). */
int pulpsim_run_instructions(pulpsim_machine *m, uint64_t count);

/* count more cycles of simulated time: until every running hart has reached the cycle count
 * after the earliest running hart's (then PULPSIM_END_STOPPED). */
int pulpsim_run_cycles(pulpsim_machine *m, uint64_t count);

/* Until a hart is about to execute the instruction at pc. */
int pulpsim_run_until_pc(pulpsim_machine *m, uint32_t pc);

/* Until a hart is about to execute the first instruction of symbol name (e.g. "main");
 * PULPSIM_ERR_ARGUMENT if the ELF has no such symbol. */
int pulpsim_run_until_symbol(pulpsim_machine *m, const char *name);

/* Until a device completes work — kind "redmule" (a RedMulE job), "dma" (a DMA transfer) or
 * "any" — then PULPSIM_END_STOPPED at the cycle of its completion event (before any hart runs
 * past it); PULPSIM_ERR_ARGUMENT for another kind. */
int pulpsim_run_until_completion(pulpsim_machine *m, const char *kind);

/* The last run's result: the JSON document of `pulpsim run --json` (reason, exit_status,
 * exit_code, instructions, cycles, harts, redmule, dma, tcdm, message, ...). NULL before the
 * first run. */
const char *pulpsim_result_json(pulpsim_machine *m);

/* The last run's process exit status as `pulpsim run` would exit (the firmware's exit code
 * after a normal end; README.md "Exit codes"), or a negative error. */
int pulpsim_exit_status(pulpsim_machine *m);

/* Everything the firmware printed so far (NULL only for a NULL machine). */
const char *pulpsim_output(pulpsim_machine *m);

/* ------------------------------------------------------------------ registers and counters
 * hart: 0 .. pulpsim_harts(m)-1; n: 0-31. Writes to x0 are ignored; the f registers are the
 * 32-bit F-extension registers (raw bits). */
int pulpsim_get_pc(pulpsim_machine *m, int hart, uint32_t *out);
int pulpsim_set_pc(pulpsim_machine *m, int hart, uint32_t value);
int pulpsim_get_reg(pulpsim_machine *m, int hart, int n, uint32_t *out);
int pulpsim_set_reg(pulpsim_machine *m, int hart, int n, uint32_t value);
int pulpsim_get_freg(pulpsim_machine *m, int hart, int n, uint32_t *out);
int pulpsim_set_freg(pulpsim_machine *m, int hart, int n, uint32_t value);
/* A CSR by number (e.g. 0xF14 mhartid, 0x300 mstatus); PULPSIM_ERR_ARGUMENT if the hart has none. */
int pulpsim_get_csr(pulpsim_machine *m, int hart, uint32_t csr, uint32_t *out);
/* The hart's cycle and retired-instruction counts. */
int pulpsim_cycles(pulpsim_machine *m, int hart, uint64_t *out);
int pulpsim_instructions(pulpsim_machine *m, int hart, uint64_t *out);

/* ------------------------------------------------------------------ memory and symbols
 * Host accesses, as a debugger's: no simulated time passes, memories only (PULPSIM_ERR_ADDRESS
 * for device registers or unmapped addresses). Writes invalidate the decoded instructions they
 * cover, so code may be patched. */
int pulpsim_read_memory(pulpsim_machine *m, uint32_t address, void *buf, size_t n);
int pulpsim_write_memory(pulpsim_machine *m, uint32_t address, const void *buf, size_t n);

/* The address and size (bytes; 0 if the ELF does not say) of an ELF symbol; address or size may
 * be NULL. PULPSIM_ERR_ARGUMENT if there is no such symbol (or no ELF). */
int pulpsim_symbol(pulpsim_machine *m, const char *name, uint32_t *address, uint32_t *size);
/* The same, the address only (out must not be NULL). */
int pulpsim_symbol_address(pulpsim_machine *m, const char *name, uint32_t *out);

/* ------------------------------------------------------------------ tracing */

/* Traces every instruction from now on into the file at path (after pulpsim_load_elf), in
 * format "spike", "pulpsim" (NULL: this one: cycle, symbol, disassembly), "jsonl" or "binary"
 * (as `pulpsim run --trace-file PATH --trace-format FORMAT`; docs/tracing-and-debugging.md).
 * The file is complete once tracing stops: pulpsim_trace(m, NULL, NULL), another
 * pulpsim_trace, or pulpsim_destroy. PULPSIM_ERR_STATE if completing the previous trace
 * failed. Tracing slows the simulation down. */
int pulpsim_trace(pulpsim_machine *m, const char *path, const char *format);

#ifdef __cplusplus
}
#endif

#endif /* PULPSIM_H */

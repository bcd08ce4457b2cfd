# Benchmarks, included by ../Makefile (see its header for the contract). See README.md here.
#
#   make build/spike/bench-intbench.elf    integer workload  (~438 M instructions)
#   make build/spike/bench-fpbench.elf     single-precision   (~462 M instructions)
#   make build/spike/bench-listbench.elf   CoreMark-style     (~426 M instructions)
#   make qemu-bench                        build them for spike and run them on QEMU
#
# All are single-hart spike programs; -DITERATIONS=n in BENCH_CFLAGS_<name> shortens a run.

BENCHES += intbench fpbench listbench

QEMU_BENCH := $(BENCHES:%=$(BUILD)/spike/bench-%.elf)
QEMU_BENCH_TIMEOUT ?= 120

# Runs each benchmark (it must print PASS and exit 0) and reports QEMU's wall time.
# The instret figure a benchmark prints is exact only with QEMU_BENCH_ICOUNT=1 (QEMU runs
# with -icount shift=0, a little slower); without it QEMU's minstret counts host ticks.
QEMU_BENCH_ICOUNT ?= 0
qemu-bench: $(QEMU_BENCH)
	@fail=0; for f in $(QEMU_BENCH); do \
	  start=$$(date +%s%N); \
	  ./run-qemu.sh -t $(QEMU_BENCH_TIMEOUT) $$f $(if $(filter 1,$(QEMU_BENCH_ICOUNT)),-icount shift=0); \
	  rc=$$?; ms=$$(( ($$(date +%s%N) - start) / 1000000 )); \
	  if [ $$rc -eq 0 ]; then echo "PASS $$f ($$ms ms)"; \
	  else echo "FAIL $$f (exit $$rc)"; fail=1; fi; \
	done; exit $$fail

.PHONY: qemu-bench

# Cluster workloads (pulp-cluster, all harts or hart 0 alone with the others asleep).
$(call FW_PROGRAM,pulp-cluster,bench-cluster,bench/cluster.c,-Ihal -DITERATIONS=400)
$(call FW_PROGRAM,pulp-cluster,bench-cluster-solo,bench/cluster.c,-Ihal -DITERATIONS=3200 -DSOLO)

# listbench, 4 iterations (~3.6 M instructions): checked by firmware/tests.toml on every run of
# the suite (the full benchmark takes too long on a debug build).
$(call FW_PROGRAM,spike,bench-listbench-short,bench/listbench.c,-Ibench -DITERATIONS=4)

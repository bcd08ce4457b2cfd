# Fault-injection programs for the simulator's own tests: bare assembly, no crt0 (so no trap
# handler), linked at the start of each platform's code memory.
FAULT_TESTS := fault-illegal fault-store fault-loop fault-wfi fault-irq fault-trap-storm trace-classes trace-fflags-order trace-smc exit-eoc \
  misaligned-cycles core-cycles ready-loop fault-xpulp fault-null-call elw boot-vectors boot-vectors-storm spin-flag \
  tcdm-banks l2-latency smc-blocks
FAULT_TEXT_spike := 0x80000000
FAULT_TEXT_pulp-cluster := 0x1C000000

define FAULT_RULE
$(BUILD)/$1/$2.elf: tests/$2.S tests/tests.mk tests/exit-a7.inc
	@mkdir -p $$(@D)
	$$(CC) $$(ARCHFLAGS) -nostdlib -static -Wl,-N -Wl,-Ttext=$$(FAULT_TEXT_$1) -Wl,--no-warn-rwx-segments $$< -o $$@
TARGETS += $(BUILD)/$1/$2.elf
endef
$(foreach p,$(filter spike pulp-cluster,$(PLATFORMS)),$(foreach t,$(FAULT_TESTS),$(eval $(call FAULT_RULE,$p,$t))))
# Bare programs for the `pulp` chip (the fabric controller boots them).
FC_TESTS := fc-vectored fc-never-started fc-bad-boot fc-alias-fault spin-flag l2-latency
FAULT_TEXT_pulp := 0x1C008000
$(foreach p,$(filter pulp,$(PLATFORMS)),$(foreach t,$(FC_TESTS),$(eval $(call FAULT_RULE,$p,$t))))

# GDB session test firmware (8 harts, RedMulE).
$(call FW_PROGRAM,pulp-cluster,gdb-gemm,tests/gdb-gemm.c,-Ihal)

# Performance counters (docs/platform.md §13) against hand-computed counts, on both platforms.
$(foreach p,spike pulp-cluster,$(call FW_PROGRAM,$p,perf-counters,tests/perf-counters.c,))

# The `pulp` chip: boot hold and release, SoC registers, the cluster round trip, FC interrupts.
$(call FW_PROGRAM,pulp,fc-cluster,tests/fc-cluster.c,-Ihal)
# The `pulp` chip: a cluster task that never returns (a deadlock report, not a hang).
$(call FW_PROGRAM,pulp,fc-task-hangs,tests/fc-task-hangs.c,-Ihal)

# F arithmetic over operands the host writes in (the simulator's compiled FP code against the
# SoftFloat vectors: Tests/PulpSimTests/Kernel/BlockCompilerTests.swift).
$(call FW_PROGRAM,spike,fp-arith,tests/fp-arith.c,)

# RedMulE firmware, included at the end of ../Makefile. See redmule/README.md.
#
#   make redmule                 the pulp-cluster examples, build/pulp-cluster/redmule-<name>.elf
#   make redmule-tb              the standalone-testbench program, 4 variants:
#                                build/redmule-tb/redmule-tb-{mmio,xif}-{imc,imf}.elf
#   make run-redmule             build everything, run each program on pulpsim (diagnostic
#                                programs also with --redmule-errors=warn) and compare the
#                                exit codes with the expected ones
#   make build/pulp-cluster/redmule-gemm-fp16.elf
#
# Both are part of `make all` when pulp-cluster is among the selected platforms.

REDMULE_EXAMPLES := gemm-fp16 gemm-fp8 gemm-ops gemm-tiled gemm-concurrent gemm-vs-sw gemm-xif contention dataflow padding \
                    timing registers
# A job whose shape and operands the host writes before running (python/tests/test_redmule.py).
REDMULE_EXAMPLES += host-gemm
REDMULE_DIAGS := diag-no-softclear diag-queued-trigger diag-n-small diag-n-5to8 diag-contention \
                 diag-matmul-big diag-fp16alt diag-zero-size diag-outside-tcdm diag-z-overlap \
                 diag-arith-not-last diag-z-padding diag-minmax-padding
REDMULE_PROGRAMS := $(REDMULE_EXAMPLES) $(REDMULE_DIAGS)

REDMULE_CFLAGS := -Ihal -Iredmule

$(foreach e,$(REDMULE_PROGRAMS),$(call FW_PROGRAM,pulp-cluster,redmule-$e,redmule/$e.c,$(REDMULE_CFLAGS)))
# One GEMM in software and on RedMulE, from one source (docs/energy.md).
$(call FW_PROGRAM,pulp-cluster,redmule-energy-sw,redmule/energy.c,$(REDMULE_CFLAGS) -DENERGY_SOFTWARE)
$(call FW_PROGRAM,pulp-cluster,redmule-energy-redmule,redmule/energy.c,$(REDMULE_CFLAGS))

# Every object depends on the headers (the .d files cover rebuilt objects only).
$(foreach e,$(REDMULE_PROGRAMS),$(eval $(BUILD)/pulp-cluster/obj/redmule-$e/redmule/$e.o: redmule/redmule.h redmule/example.h redmule/diag-shape.inc))

$(foreach e,energy-sw energy-redmule,$(eval $(BUILD)/pulp-cluster/obj/redmule-$e/redmule/energy.o: redmule/redmule.h redmule/example.h))

REDMULE_ELFS := $(REDMULE_PROGRAMS:%=$(BUILD)/pulp-cluster/redmule-%.elf) $(BUILD)/pulp-cluster/redmule-energy-sw.elf \
                $(BUILD)/pulp-cluster/redmule-energy-redmule.elf

# ------------------------------------------------------------------ redmule-tb
# Platform `redmule-tb` (docs/platform.md §8): its own crt0.S and link.ld; MMIO and XIF
# (-DCOMPLEX_OFFLOADER) variants, each for rv32imc (ilp32) and rv32imf (ilp32f). libgcc comes
# from the matching multilib (rv32im/ilp32 for rv32imc: there is no rv32imc multilib).
RTB_BUILD := $(BUILD)/redmule-tb
RTB_VARIANTS := mmio xif
RTB_ISAS := imc imf
RTB_ARCH_imc := -march=rv32imc_zicsr -mabi=ilp32
RTB_ARCH_imf := -march=rv32imf_zicsr -mabi=ilp32f
RTB_LIBGCC_imc := $(shell $(CC) -march=rv32im -mabi=ilp32 -print-libgcc-file-name)
RTB_LIBGCC_imf := $(shell $(CC) -march=rv32imf -mabi=ilp32f -print-libgcc-file-name)
RTB_DEF_mmio :=
RTB_DEF_xif := -DCOMPLEX_OFFLOADER
RTB_CFLAGS := $(OPT) -ffreestanding -nostdlib -static -fno-common -Wall -Wextra -MMD -MP \
              -DREDMULE_TB -Iredmule -Iredmule-tb $(EXTRA_CFLAGS)

# $1 = variant, $2 = isa
define RTB_RULES
$(RTB_BUILD)/obj/$1-$2/%.o: redmule-tb/%.c redmule/redmule.mk redmule/redmule.h
	@mkdir -p $$(@D)
	$$(CC) $$(RTB_ARCH_$2) $$(RTB_CFLAGS) $$(RTB_DEF_$1) -c $$< -o $$@
$(RTB_BUILD)/obj/$1-$2/%.o: redmule-tb/%.S redmule/redmule.mk
	@mkdir -p $$(@D)
	$$(CC) $$(RTB_ARCH_$2) $$(RTB_CFLAGS) $$(RTB_DEF_$1) -c $$< -o $$@
$(RTB_BUILD)/redmule-tb-$1-$2.elf: $(RTB_BUILD)/obj/$1-$2/crt0.o $(RTB_BUILD)/obj/$1-$2/redmule-tb.o redmule-tb/link.ld
	$$(CC) $$(RTB_ARCH_$2) -nostdlib -static -Wl,--no-warn-rwx-segments -T redmule-tb/link.ld \
	  -o $$@ $(RTB_BUILD)/obj/$1-$2/crt0.o $(RTB_BUILD)/obj/$1-$2/redmule-tb.o $$(RTB_LIBGCC_$2)
RTB_ELFS += $(RTB_BUILD)/redmule-tb-$1-$2.elf
endef
RTB_ELFS :=
$(foreach v,$(RTB_VARIANTS),$(foreach i,$(RTB_ISAS),$(eval $(call RTB_RULES,$v,$i))))

redmule: $(REDMULE_ELFS)
redmule-tb: $(RTB_ELFS) $(RTB_ELFS:.elf=.dis)

all: $(if $(filter pulp-cluster,$(PLATFORMS)),redmule redmule-tb)

# ------------------------------------------------------------------ run-redmule
# Expected exit codes (0 unless listed). Errors stop the run with 122; with
# --redmule-errors=warn the job is computed and the program's own check decides.
REDMULE_EXIT_diag-no-softclear := 122
REDMULE_EXIT_diag-queued-trigger := 122
REDMULE_EXIT_diag-n-small := 122
REDMULE_EXIT_diag-matmul-big := 122
REDMULE_EXIT_diag-fp16alt := 122
REDMULE_EXIT_diag-zero-size := 122
REDMULE_EXIT_diag-outside-tcdm := 122
REDMULE_EXIT_diag-z-overlap := 122
REDMULE_EXIT_diag-arith-not-last := 122
# With --redmule-errors=warn, docs/platform.md §7.6: the job is computed as §7.3 intends. Float16Alt
# has no intended semantics (not supported) and RedMulE cannot read L2, so pulpsim stops
# those two ("cannot be computed"); every other warn run must end with the program's exit 0.
REDMULE_WARN_EXIT_diag-fp16alt := 122
REDMULE_WARN_EXIT_diag-outside-tcdm := 122

PULPSIM ?= ../.build/debug/pulpsim
REDMULE_RUN_FLAGS ?= --quiet --timeout 300
# Per-program options: the offload instructions are an option of pulp-cluster's cores.
REDMULE_FLAGS_gemm-xif := --isa rv32imfc_xredmule

run-redmule: $(REDMULE_ELFS) $(RTB_ELFS)
	@fail=0; \
	$(foreach e,$(REDMULE_PROGRAMS),\
	  $(PULPSIM) run $(REDMULE_RUN_FLAGS) $(REDMULE_FLAGS_$e) $(BUILD)/pulp-cluster/redmule-$e.elf >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq $(or $(REDMULE_EXIT_$e),0) ]; then echo "PASS redmule-$e (exit $$rc)"; \
	  else echo "FAIL redmule-$e (exit $$rc, expected $(or $(REDMULE_EXIT_$e),0))"; fail=1; fi;) \
	$(foreach e,$(REDMULE_DIAGS),\
	  $(PULPSIM) run $(REDMULE_RUN_FLAGS) --redmule-errors=warn $(BUILD)/pulp-cluster/redmule-$e.elf >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq $(or $(REDMULE_WARN_EXIT_$e),0) ]; then echo "PASS redmule-$e --redmule-errors=warn (exit $$rc)"; \
	  else echo "FAIL redmule-$e --redmule-errors=warn (exit $$rc, expected $(or $(REDMULE_WARN_EXIT_$e),0))"; fail=1; fi;) \
	for f in $(RTB_ELFS); do \
	  $(PULPSIM) run $(REDMULE_RUN_FLAGS) --platform redmule-tb $$f >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 0 ]; then echo "PASS $$f (exit $$rc)"; \
	  else echo "FAIL $$f (exit $$rc, expected 0)"; fail=1; fi; \
	done; \
	exit $$fail

.PHONY: redmule redmule-tb run-redmule

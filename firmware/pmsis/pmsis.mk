# PMSIS runtime (pmsis/), included at the end of ../Makefile. See pmsis/README.md.
#
#   make pmsis                   the PMSIS examples, build/pulp-cluster/pmsis-<name>.elf
#   make run-pmsis               build them, run those that need neither the DMA nor the event
#                                counters on pulpsim and compare the exit codes with 0
#   make run-pmsis-dma           the same for the DMA examples (needs a pulpsim with the DMA)
#   make run-pmsis-perf          the same for the counter examples (needs the CV32E40P counters)
#   make trainlib-matmul TRAINLIB=/path/to/pulp-trainlib [PYTHON=python3]
#                                PULP-TrainLib's tests/test_matmul (FP32) built unchanged against
#                                this runtime (golden data from its own utils/GM.py, which needs
#                                torch); also trainlib-matmul-nohpm (-DPMSIS_PERF_NO_HPM, runs
#                                without the event counters); run-trainlib-matmul runs both
#
# Every PMSIS program is its sources + the runtime's (PMSIS_SRCS), compiled with PMSIS_CFLAGS
# and linked with PMSIS_LDFLAGS (--wrap=main: core 0 runs main, cores 1..7 serve forks; 4 KiB
# start-up stack per core). Declare one with
#   $(call PMSIS_PROGRAM,<name>,<sources>,<extra cflags>[,<stack size>])
#                                -> build/pulp-cluster/<name>.elf

PMSIS_SRCS := pmsis/src/cluster.c pmsis/src/malloc.c pmsis/src/cl_dma.c pmsis/src/perf.c \
              pmsis/src/stack.S
PMSIS_CFLAGS := -Ipmsis/include -Ihal
# Start-up stack of every core (master and slaves alike); pulp-sdk's PI_CL_SLAVE_STACK_SIZE,
# when given, sets it too.
PMSIS_STACK_SIZE ?= $(or $(PI_CL_SLAVE_STACK_SIZE),4096)
PMSIS_LDFLAGS := -Wl,--wrap=main

# $1 = program name, $2 = sources, $3 = extra compiler flags, $4 = start-up stack size per core
# (default PMSIS_STACK_SIZE)
define PMSIS_PROGRAM_RULES
$(call FW_PROGRAM,pulp-cluster,$1,$2 $(PMSIS_SRCS),$(PMSIS_CFLAGS) $3)
$(BUILD)/pulp-cluster/$1.elf: LDFLAGS += $(PMSIS_LDFLAGS) \
  -Wl,--defsym=__stack_size=$(or $4,$(PMSIS_STACK_SIZE))
$(if $(FW_OBJS_pulp-cluster_$1),$(FW_OBJS_pulp-cluster_$1): pmsis/pmsis.mk)
endef
PMSIS_PROGRAM = $(eval $(call PMSIS_PROGRAM_RULES,$1,$2,$3,$4))

# ------------------------------------------------------------------ examples
# pmsis/examples/<name>.c -> build/pulp-cluster/pmsis-<name>.elf. Each exits 0 when every check
# passes (the failing check's number otherwise, listed at the top of each file).
PMSIS_EXAMPLES_BASE := hello
PMSIS_EXAMPLES_DMA  := dma gemm-dma gemm-redmule
PMSIS_EXAMPLES_PERF := perf
PMSIS_EXAMPLES := $(PMSIS_EXAMPLES_BASE) $(PMSIS_EXAMPLES_DMA) $(PMSIS_EXAMPLES_PERF)

PMSIS_EXAMPLE_CFLAGS_gemm-redmule := -Iredmule
PMSIS_EXAMPLE_SRCS_perf := pmsis/examples/perf-kernels.S

$(foreach e,$(PMSIS_EXAMPLES),\
  $(call PMSIS_PROGRAM,pmsis-$e,pmsis/examples/$e.c $(PMSIS_EXAMPLE_SRCS_$e),$(PMSIS_EXAMPLE_CFLAGS_$e)))

# Variants: the DMA test with 4 KiB commands (exercises the splitting of long transfers) and on
# the software fallback; the hello test with 1.5 KiB start-up stacks (the task's stack sizes
# then move master and slaves to stacks in L1).
$(call PMSIS_PROGRAM,pmsis-dma-split,pmsis/examples/dma.c,-DPMSIS_DMA_MAX_CHUNK=4096)
# The DMA test on the development fallback (CPU copies): runs on a pulpsim without the DMA.
$(call PMSIS_PROGRAM,pmsis-dma-software,pmsis/examples/dma.c,-DPMSIS_DMA_SOFTWARE)
# The counter test without the event counters (cycles and instructions only).
$(call PMSIS_PROGRAM,pmsis-perf-nohpm,pmsis/examples/perf.c $(PMSIS_EXAMPLE_SRCS_perf),\
  -DPMSIS_PERF_NO_HPM)
$(call PMSIS_PROGRAM,pmsis-hello-small-stacks,pmsis/examples/hello.c,-DSMALL_STACKS,1536)

PMSIS_ELFS_BASE := $(PMSIS_EXAMPLES_BASE:%=$(BUILD)/pulp-cluster/pmsis-%.elf) \
                   $(BUILD)/pulp-cluster/pmsis-hello-small-stacks.elf \
                   $(BUILD)/pulp-cluster/pmsis-dma-software.elf \
                   $(BUILD)/pulp-cluster/pmsis-perf-nohpm.elf
PMSIS_ELFS_DMA  := $(PMSIS_EXAMPLES_DMA:%=$(BUILD)/pulp-cluster/pmsis-%.elf) \
                   $(BUILD)/pulp-cluster/pmsis-dma-split.elf
PMSIS_ELFS_PERF := $(PMSIS_EXAMPLES_PERF:%=$(BUILD)/pulp-cluster/pmsis-%.elf)

pmsis: $(PMSIS_ELFS_BASE) $(PMSIS_ELFS_DMA) $(PMSIS_ELFS_PERF)

# `all: $(TARGETS)` in ../Makefile was expanded before this file was read.
all: $(if $(filter pulp-cluster,$(PLATFORMS)),pmsis)

PULPSIM ?= ../.build/debug/pulpsim
PMSIS_RUN_FLAGS ?= --quiet --timeout 300

# $1 = ELF files: run each, expect exit code 0
define PMSIS_RUN
	@fail=0; for f in $1; do \
	  $(PULPSIM) run $(PMSIS_RUN_FLAGS) $$f >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 0 ]; then echo "PASS $$f"; else echo "FAIL $$f (exit $$rc)"; fail=1; fi; \
	done; exit $$fail
endef

run-pmsis: $(PMSIS_ELFS_BASE)
	$(call PMSIS_RUN,$(PMSIS_ELFS_BASE))
run-pmsis-dma: $(PMSIS_ELFS_DMA)
	$(call PMSIS_RUN,$(PMSIS_ELFS_DMA))
run-pmsis-perf: $(PMSIS_ELFS_PERF)
	$(call PMSIS_RUN,$(PMSIS_ELFS_PERF))

.PHONY: pmsis run-pmsis run-pmsis-dma run-pmsis-perf

# ------------------------------------------------------------------ PULP-TrainLib test_matmul
# Built only from a user-given checkout (nothing of it is kept here): the application's own
# sources and flags (its Makefile: -DCLUSTER -DFABRIC -O3 -g3 -DNUM_CORES -DPROF_NET -DSTATS),
# golden data written by its own generator into build/pulp-cluster/trainlib-matmul-gen/.
PYTHON ?= python3
TRAINLIB_SIZES ?= --in_size 32 --out_size 32 --mid_size 32
ifneq ($(TRAINLIB),)
TL_TEST := $(abspath $(TRAINLIB))/tests/test_matmul
TL_LIB := $(abspath $(TRAINLIB))/lib
TL_GEN := $(BUILD)/pulp-cluster/trainlib-matmul-gen
TL_SRCS := $(TL_TEST)/main.c $(TL_TEST)/net.c $(TL_LIB)/sources/pulp_matmul_fp32.c
TL_CFLAGS := -I$(TL_GEN) -I$(TL_TEST) -I$(TL_LIB)/include -DCLUSTER -DFABRIC -O3 -g3 \
             -DNUM_CORES=8 -DPROF_NET -DSTATS

$(TL_GEN)/matmul_data.h: $(TL_TEST)/utils/GM.py
	@mkdir -p $(@D)
	cd $(@D) && $(PYTHON) $(TL_TEST)/utils/GM.py $(TRAINLIB_SIZES) --type float \
	  --init_value_div 100000000 --transpose 0 >/dev/null
$(TL_GEN)/net_args.h: $(TL_GEN)/matmul_data.h

$(call PMSIS_PROGRAM,trainlib-matmul,$(TL_SRCS),$(TL_CFLAGS))
$(call PMSIS_PROGRAM,trainlib-matmul-nohpm,$(TL_SRCS),$(TL_CFLAGS) -DPMSIS_PERF_NO_HPM)
$(foreach p,trainlib-matmul trainlib-matmul-nohpm,\
  $(eval $(patsubst %,$(BUILD)/pulp-cluster/obj/$p/%.o,$(basename $(TL_SRCS))): | $(TL_GEN)/matmul_data.h))

trainlib-matmul: $(BUILD)/pulp-cluster/trainlib-matmul.elf $(BUILD)/pulp-cluster/trainlib-matmul-nohpm.elf

# Passes when every kernel's own check prints ">>>TENSOR MATCHING!" and none reports an error.
run-trainlib-matmul: trainlib-matmul
	@fail=0; for p in trainlib-matmul-nohpm trainlib-matmul; do \
	  out=$$($(PULPSIM) run $(PMSIS_RUN_FLAGS) --tcdm-kib 256 $(BUILD)/pulp-cluster/$$p.elf 2>&1); rc=$$?; \
	  ok=$$(echo "$$out" | grep -c ">>>TENSOR MATCHING!"); \
	  bad=$$(echo "$$out" | grep -c "NOT MATCHING\|Error at index"); \
	  if [ $$rc -eq 0 ] && [ $$ok -gt 0 ] && [ $$bad -eq 0 ]; then echo "PASS $$p ($$ok kernels match)"; \
	  else echo "FAIL $$p (exit $$rc, $$ok matching, $$bad errors)"; fail=1; fi; \
	done; exit $$fail
else
trainlib-matmul run-trainlib-matmul:
	@echo "give the PULP-TrainLib checkout: make $@ TRAINLIB=/path/to/pulp-trainlib"; exit 2
endif

.PHONY: trainlib-matmul run-trainlib-matmul

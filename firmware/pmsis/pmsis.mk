# PMSIS runtime (pmsis/), included at the end of ../Makefile. See pmsis/README.md.
#
#   make pmsis                   the PMSIS examples for both PMSIS platforms,
#                                build/pulp-cluster/pmsis-<name>.elf and build/pulp/pmsis-<name>.elf
#                                (PLATFORM=pulp or PLATFORM=pulp-cluster: only that one)
#   make run-pmsis               build them, run those that need neither the DMA nor the event
#                                counters on pulpsim (each with --platform <its platform>) and
#                                compare the exit codes with 0
#   make run-pmsis-dma           the same for the DMA examples (needs a pulpsim with the DMA)
#   make run-pmsis-perf          the same for the counter examples (needs the CV32E40P counters)
#   make trainlib-matmul TRAINLIB=/path/to/pulp-trainlib [PYTHON=python3]
#                                PULP-TrainLib's tests/test_matmul (FP32) built unchanged against
#                                this runtime (golden data from its own utils/GM.py, which needs
#                                torch); also trainlib-matmul-nohpm (-DPMSIS_PERF_NO_HPM, runs
#                                without the event counters); run-trainlib-matmul runs both;
#                                PMSIS_TRAINLIB_PLATFORM=pulp builds and runs them for `pulp`
#                                (default pulp-cluster)
#
# Every PMSIS program is its sources + the runtime's (PMSIS_SRCS), compiled with PMSIS_CFLAGS
# and linked with PMSIS_LDFLAGS (--wrap=main: on pulp-cluster core 0 runs main and cores 1..7
# serve forks; on pulp the fabric controller runs main, cluster core 0 serves tasks and cores
# 1..7 forks; 4 KiB start-up stack per cluster core). Declare one with
#   $(call PMSIS_PROGRAM,<name>,<sources>,<extra cflags>[,<stack size>[,<platforms>]])
#                                -> build/<platform>/<name>.elf for each of <platforms>
#                                   (default PMSIS_PLATFORMS: pulp-cluster pulp)

PMSIS_PLATFORMS := pulp-cluster pulp
PMSIS_SRCS := pmsis/src/cluster.c pmsis/src/malloc.c pmsis/src/cl_dma.c pmsis/src/perf.c \
              pmsis/src/math.c \
              pmsis/src/stack.S
PMSIS_CFLAGS := -Ipmsis/include -Ihal
# Start-up stack of every core (master and slaves alike); pulp-sdk's PI_CL_SLAVE_STACK_SIZE,
# when given, sets it too.
PMSIS_STACK_SIZE ?= $(or $(PI_CL_SLAVE_STACK_SIZE),4096)
PMSIS_LDFLAGS := -Wl,--wrap=main

# $1 = platform, $2 = program name, $3 = sources, $4 = extra compiler flags, $5 = start-up stack
# size per core (default PMSIS_STACK_SIZE)
define PMSIS_PROGRAM_RULES
$(call FW_PROGRAM,$1,$2,$3 $(PMSIS_SRCS),$(PMSIS_CFLAGS) $4)
$(BUILD)/$1/$2.elf: LDFLAGS += $(PMSIS_LDFLAGS) \
  -Wl,--defsym=__stack_size=$(or $5,$(PMSIS_STACK_SIZE))
$(if $(FW_OBJS_$1_$2),$(FW_OBJS_$1_$2): pmsis/pmsis.mk)
endef
PMSIS_PROGRAM = $(foreach pmsis_p,$(or $5,$(PMSIS_PLATFORMS)),\
  $(if $(filter $(pmsis_p),$(PLATFORMS)),\
    $(eval $(call PMSIS_PROGRAM_RULES,$(pmsis_p),$1,$2,$3,$4))))

# ------------------------------------------------------------------ examples
# pmsis/examples/<name>.c -> build/<platform>/pmsis-<name>.elf, for pulp-cluster and pulp (the
# same source: main on core 0 playing the fabric controller, or on the fabric controller
# itself). Each exits 0 when every check
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

# ELFs of the selected PMSIS platforms
PMSIS_ON = $(foreach p,$(filter $(PMSIS_PLATFORMS),$(PLATFORMS)),$(1:%=$(BUILD)/$p/%.elf))
PMSIS_ELFS_BASE := $(call PMSIS_ON,$(PMSIS_EXAMPLES_BASE:%=pmsis-%) pmsis-hello-small-stacks \
                     pmsis-dma-software pmsis-perf-nohpm)
PMSIS_ELFS_DMA  := $(call PMSIS_ON,$(PMSIS_EXAMPLES_DMA:%=pmsis-%) pmsis-dma-split)
PMSIS_ELFS_PERF := $(call PMSIS_ON,$(PMSIS_EXAMPLES_PERF:%=pmsis-%))

pmsis: $(PMSIS_ELFS_BASE) $(PMSIS_ELFS_DMA) $(PMSIS_ELFS_PERF)

# `all: $(TARGETS)` in ../Makefile was expanded before this file was read.
all: $(if $(filter $(PMSIS_PLATFORMS),$(PLATFORMS)),pmsis)

PULPSIM ?= ../.build/debug/pulpsim
PMSIS_RUN_FLAGS ?= --quiet --timeout 300

# $1 = ELF files build/<platform>/<name>.elf: run each with --platform <platform>, expect exit
# code 0
define PMSIS_RUN
	@fail=0; for f in $1; do \
	  plat=$$(basename $$(dirname $$f)); \
	  $(PULPSIM) run --platform $$plat $(PMSIS_RUN_FLAGS) $$f >/dev/null 2>&1; rc=$$?; \
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
# golden data written by its own generator into build/<platform>/trainlib-matmul-gen/, for
# PMSIS_TRAINLIB_PLATFORM (pulp-cluster, or pulp: main on the fabric controller).
PYTHON ?= python3
TRAINLIB_SIZES ?= --in_size 32 --out_size 32 --mid_size 32
PMSIS_TRAINLIB_PLATFORM ?= pulp-cluster
ifneq ($(filter-out $(PMSIS_PLATFORMS),$(PMSIS_TRAINLIB_PLATFORM)),)
$(error PMSIS_TRAINLIB_PLATFORM must be one of $(PMSIS_PLATFORMS))
endif
ifneq ($(TRAINLIB),)
TL_P := $(PMSIS_TRAINLIB_PLATFORM)
TL_TEST := $(abspath $(TRAINLIB))/tests/test_matmul
TL_LIB := $(abspath $(TRAINLIB))/lib
TL_GEN := $(BUILD)/$(TL_P)/trainlib-matmul-gen
TL_SRCS := $(TL_TEST)/main.c $(TL_TEST)/net.c $(TL_LIB)/sources/pulp_matmul_fp32.c
TL_CFLAGS := -I$(TL_GEN) -I$(TL_TEST) -I$(TL_LIB)/include -DCLUSTER -DFABRIC -O3 -g3 \
             -DNUM_CORES=8 -DPROF_NET -DSTATS

$(TL_GEN)/matmul_data.h: $(TL_TEST)/utils/GM.py
	@mkdir -p $(@D)
	cd $(@D) && $(PYTHON) $(TL_TEST)/utils/GM.py $(TRAINLIB_SIZES) --type float \
	  --init_value_div 100000000 --transpose 0 >/dev/null
$(TL_GEN)/net_args.h: $(TL_GEN)/matmul_data.h

$(call PMSIS_PROGRAM,trainlib-matmul,$(TL_SRCS),$(TL_CFLAGS),,$(TL_P))
$(call PMSIS_PROGRAM,trainlib-matmul-nohpm,$(TL_SRCS),$(TL_CFLAGS) -DPMSIS_PERF_NO_HPM,,$(TL_P))
$(foreach p,trainlib-matmul trainlib-matmul-nohpm,\
  $(eval $(patsubst %,$(BUILD)/$(TL_P)/obj/$p/%.o,$(basename $(TL_SRCS))): | $(TL_GEN)/matmul_data.h))

trainlib-matmul: $(BUILD)/$(TL_P)/trainlib-matmul.elf $(BUILD)/$(TL_P)/trainlib-matmul-nohpm.elf

# Passes when every kernel's own check prints ">>>TENSOR MATCHING!" and none reports an error.
run-trainlib-matmul: trainlib-matmul
	@fail=0; for p in trainlib-matmul-nohpm trainlib-matmul; do \
	  out=$$($(PULPSIM) run --platform $(TL_P) $(PMSIS_RUN_FLAGS) --tcdm-kib 256 \
	    $(BUILD)/$(TL_P)/$$p.elf 2>&1); rc=$$?; \
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

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
#   make trainlib-conv2d TRAINLIB=... [PYTHON=...]
#                                PULP-TrainLib's tests/test_conv2d_fp32 with im2col through the
#                                cluster DMA (DMA=1): one program per training step (FORWARD,
#                                BACKWARD_GRAD, BACKWARD_ERROR); run-trainlib-conv2d runs them
#                                (PMSIS_TRAINLIB_PLATFORM likewise)
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

# ------------------------------------------------------------------ PULP-TrainLib tests
# Built only from a user-given checkout (nothing of it is kept here): each test's own main.c,
# net.c and library sources with the flags of its own Makefile, golden data written by its own
# utils/GM.py (which needs torch) into build/<platform>/<program>-gen/, for
# PMSIS_TRAINLIB_PLATFORM (pulp-cluster, or pulp: main on the fabric controller).
PYTHON ?= python3
PMSIS_TRAINLIB_PLATFORM ?= pulp-cluster
ifneq ($(filter-out $(PMSIS_PLATFORMS),$(PMSIS_TRAINLIB_PLATFORM)),)
$(error PMSIS_TRAINLIB_PLATFORM must be one of $(PMSIS_PLATFORMS))
endif
# test_matmul: GM.py's sizes
TRAINLIB_SIZES ?= --in_size 32 --out_size 32 --mid_size 32
# test_conv2d_fp32: its Makefile's default sizes (3x3 kernel, 8 in and 8 out channels, no
# padding, stride 1, CHW, no biases) with an 8x8 image, except for BACKWARD_ERROR: 4x4 (TrainLib's
# DMA im2col of the output gradient gets the lengths at the right and bottom borders right only for
# a 2x2 output; for 8x8 it asks for a negative length); and the steps built (one program each)
TRAINLIB_CONV2D_SIZES ?= --ker_width 3 --ker_height 3 --ch_in 8 --ch_out 8 --w_pad 0 --h_pad 0 \
  --h_str 1 --w_str 1 --HWC 0 --USE_BIASES 0
TRAINLIB_CONV2D_IMAGE ?= 8
TRAINLIB_CONV2D_IMAGE_BACKWARD_ERROR ?= 4
TRAINLIB_CONV2D_STEPS ?= FORWARD BACKWARD_GRAD BACKWARD_ERROR
# TCDM the programs are linked for and run with (the open runtime's 256 KiB; conv2d's
# BACKWARD_ERROR with an 8x8 image needs more than the firmware's usual 128 KiB)
TRAINLIB_TCDM_KIB ?= 256

ifneq ($(TRAINLIB),)
TL_P := $(PMSIS_TRAINLIB_PLATFORM)
TL_ROOT := $(abspath $(TRAINLIB))
TL_FLAGS := -DCLUSTER -DFABRIC -O3 -g3 -DNUM_CORES=8 -DPROF_NET -DSTATS

# $1 = directory of the generated data, $2 = test (directory under tests/), $3 = arguments of
# its utils/GM.py, $4 = a header GM.py writes (it writes all of them at once)
define TL_GOLDEN_RULES
$1/$4: $(TL_ROOT)/tests/$2/utils/GM.py
	@mkdir -p $$(@D)
	cd $$(@D) && $(PYTHON) $$< $3 >/dev/null
endef
TL_GOLDEN = $(eval $(call TL_GOLDEN_RULES,$1,$2,$3,$4))

# $1 = program, $2 = test, $3 = library sources (under lib/sources/), $4 = compiler flags,
# $5 = the generated header its sources wait for -> build/$(TL_P)/$1.elf
TL_PROGRAM = $(call PMSIS_PROGRAM,$1,$(foreach f,main net,$(TL_ROOT)/tests/$2/$f.c) \
    $(3:%=$(TL_ROOT)/lib/sources/%),\
    -I$(dir $5) -I$(TL_ROOT)/tests/$2 -I$(TL_ROOT)/lib/include $(TL_FLAGS) $4,,$(TL_P))\
  $(if $(FW_OBJS_$(TL_P)_$1),$(eval $(FW_OBJS_$(TL_P)_$1): | $5))\
  $(eval $(BUILD)/$(TL_P)/$1.elf: LDFLAGS += -Wl,--defsym=__tcdm_size=$(TRAINLIB_TCDM_KIB)K)

# $1 = programs: run each; one passes when every check of the test prints ">>>TENSOR
# MATCHING!", none reports an error and, with $2 = dma, the cluster DMA carried transfers (from
# --stats: transfers and bytes are shown)
define TL_RUN
	@fail=0; for p in $1; do \
	  out=$$($(PULPSIM) run --platform $(TL_P) $(PMSIS_RUN_FLAGS) --tcdm-kib $(TRAINLIB_TCDM_KIB) \
	    --stats $(BUILD)/$(TL_P)/$$p.elf 2>&1); rc=$$?; \
	  ok=$$(echo "$$out" | grep -c ">>>TENSOR MATCHING!"); \
	  bad=$$(echo "$$out" | grep -c "NOT MATCHING\|Error at index"); \
	  dma=$$(echo "$$out" | sed -n 's/^DMA ([a-z]*): \([0-9]*\) transfers, \([0-9]*\) bytes.*/\1 \2/p'); \
	  if [ $$rc -eq 0 ] && [ $$ok -gt 0 ] && [ $$bad -eq 0 ] && \
	     { [ "$2" != dma ] || [ "$${dma%% *}" -gt 0 ]; }; then \
	    echo "PASS $$p ($$ok matching; DMA: $${dma% *} transfers, $${dma#* } bytes)"; \
	  else echo "FAIL $$p (exit $$rc, $$ok matching, $$bad errors, DMA: $$dma)"; fail=1; fi; \
	done; exit $$fail
endef

# test_matmul (FP32): every matmul kernel against the golden product; also without the event
# counters (-DPMSIS_PERF_NO_HPM)
TL_MM_GEN := $(BUILD)/$(TL_P)/trainlib-matmul-gen
$(call TL_GOLDEN,$(TL_MM_GEN),test_matmul,$(TRAINLIB_SIZES) --type float \
  --init_value_div 100000000 --transpose 0,matmul_data.h)
$(call TL_PROGRAM,trainlib-matmul,test_matmul,pulp_matmul_fp32.c,,$(TL_MM_GEN)/matmul_data.h)
$(call TL_PROGRAM,trainlib-matmul-nohpm,test_matmul,pulp_matmul_fp32.c,-DPMSIS_PERF_NO_HPM,\
  $(TL_MM_GEN)/matmul_data.h)
trainlib-matmul: $(BUILD)/$(TL_P)/trainlib-matmul.elf $(BUILD)/$(TL_P)/trainlib-matmul-nohpm.elf
run-trainlib-matmul: trainlib-matmul
	$(call TL_RUN,trainlib-matmul-nohpm trainlib-matmul)

# test_conv2d_fp32 with im2col through the cluster DMA (DMA=1), one program per step:
# trainlib-conv2d-forward, -backward-grad (weight gradient), -backward-error (input gradient)
TL_CONV2D_SRCS := pulp_matmul_fp32.c pulp_im2col_fp32.c pulp_conv2d_fp32.c \
  pulp_train_utils_fp32.c pulp_conv_naive_fp32.c
TL_CONV2D_FLAGS := -DOPTIMIZE -DMATMUL_TYPE=0 -DMEMOCC_COMP -DIM2COL=1 -DUSE_BIAS=0 -DPAD_R=0 \
  -DPAD_L=0 -DPAD_U=0 -DPAD_D=0 -DSTRIDE_H=1 -DSTRIDE_W=1 -DDMA=1 -DHWC_LAYOUT=0
tl_conv2d_name = trainlib-conv2d-$(subst _,-,$(shell echo $1 | tr A-Z a-z))
TL_CONV2D := $(foreach s,$(TRAINLIB_CONV2D_STEPS),$(call tl_conv2d_name,$s))
$(foreach s,$(TRAINLIB_CONV2D_STEPS),\
  $(call TL_GOLDEN,$(BUILD)/$(TL_P)/$(call tl_conv2d_name,$s)-gen,test_conv2d_fp32,\
    --step $s --image_width $(or $(TRAINLIB_CONV2D_IMAGE_$s),$(TRAINLIB_CONV2D_IMAGE)) \
    --image_height $(or $(TRAINLIB_CONV2D_IMAGE_$s),$(TRAINLIB_CONV2D_IMAGE)) \
    $(TRAINLIB_CONV2D_SIZES),step-check.h)\
  $(call TL_PROGRAM,$(call tl_conv2d_name,$s),test_conv2d_fp32,$(TL_CONV2D_SRCS),\
    $(TL_CONV2D_FLAGS),$(BUILD)/$(TL_P)/$(call tl_conv2d_name,$s)-gen/step-check.h))
trainlib-conv2d: $(TL_CONV2D:%=$(BUILD)/$(TL_P)/%.elf)
run-trainlib-conv2d: trainlib-conv2d
	$(call TL_RUN,$(TL_CONV2D),dma)
else
trainlib-matmul run-trainlib-matmul trainlib-conv2d run-trainlib-conv2d:
	@echo "give the PULP-TrainLib checkout: make $@ TRAINLIB=/path/to/pulp-trainlib"; exit 2
endif

.PHONY: trainlib-matmul run-trainlib-matmul trainlib-conv2d run-trainlib-conv2d

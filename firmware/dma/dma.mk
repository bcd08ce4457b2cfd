# Cluster DMA firmware (docs/platform.md §11), included at the end of ../Makefile.
#
#   make dma                     build/pulp-cluster/dma-<name>.elf
#   make run-dma                 build, run each on pulpsim (iDMA programs with --dma idma) and
#                                compare the exit codes with the expected ones
#
# Programs (dma/<name>.c, HAL in hal/hal_dma.h):
#   dma-random        random transfers on all 8 cores, each checked against the firmware's own copy
#   dma-random-idma   the same program for iDMA (-DUSE_IDMA)
#   dma-basic         core 0: every power of two from 1 B to 8 KiB each way, with guard bytes;
#                     prints the cycles of each (after the runtime's MCHAN regression test)
#   dma-deadlock      waits for event 8 of a transfer programmed without it: deadlock (121), the
#                     report says what the DMA did
#   dma-diag-*        one misprogramming each: exit 125; with --dma-errors=warn the program goes on

DMA_PROGRAMS := dma-random dma-basic dma-deadlock dma-diag-length0 dma-diag-outside-tcdm dma-diag-17th-id \
                dma-diag-interrupted
DMA_IDMA_PROGRAMS := dma-random-idma dma-basic-idma
DMA_CFLAGS := -Ihal

$(foreach e,dma-random dma-basic dma-deadlock,$(call FW_PROGRAM,pulp-cluster,$e,dma/$e.c,$(DMA_CFLAGS)))
$(foreach d,length0 outside-tcdm 17th-id interrupted,\
  $(call FW_PROGRAM,pulp-cluster,dma-diag-$d,dma/dma-diag.c,$(DMA_CFLAGS) -DDIAG_$(subst -,_,$(d))))
$(call FW_PROGRAM,pulp-cluster,dma-random-idma,dma/dma-random.c,$(DMA_CFLAGS) -DUSE_IDMA)
$(call FW_PROGRAM,pulp-cluster,dma-basic-idma,dma/dma-basic.c,$(DMA_CFLAGS) -DUSE_IDMA)

DMA_ELFS := $(DMA_PROGRAMS:%=$(BUILD)/pulp-cluster/%.elf) $(DMA_IDMA_PROGRAMS:%=$(BUILD)/pulp-cluster/%.elf)

dma: $(DMA_ELFS)

all: $(if $(filter pulp-cluster,$(PLATFORMS)),dma)

# Expected exit codes (0 unless listed) without and with --dma-errors=warn.
DMA_EXIT_dma-deadlock := 121
DMA_EXIT_dma-diag-length0 := 125
DMA_EXIT_dma-diag-outside-tcdm := 125
DMA_EXIT_dma-diag-17th-id := 125
DMA_EXIT_dma-diag-interrupted := 125
DMA_WARN_EXIT_dma-deadlock := 121

PULPSIM ?= ../.build/debug/pulpsim
DMA_RUN_FLAGS ?= --quiet --timeout 300

run-dma: $(DMA_ELFS)
	@fail=0; \
	$(foreach e,$(DMA_PROGRAMS),\
	  for policy in error warn; do \
	    $(PULPSIM) run $(DMA_RUN_FLAGS) --dma-errors=$$policy $(BUILD)/pulp-cluster/$e.elf >/dev/null 2>&1; rc=$$?; \
	    want=$$( [ $$policy = error ] && echo $(or $(DMA_EXIT_$e),0) || echo $(or $(DMA_WARN_EXIT_$e),0) ); \
	    if [ $$rc -eq $$want ]; then echo "PASS $e --dma-errors=$$policy (exit $$rc)"; \
	    else echo "FAIL $e --dma-errors=$$policy (exit $$rc, expected $$want)"; fail=1; fi; \
	  done;) \
	$(foreach e,$(DMA_IDMA_PROGRAMS),\
	  $(PULPSIM) run $(DMA_RUN_FLAGS) --dma idma $(BUILD)/pulp-cluster/$e.elf >/dev/null 2>&1; rc=$$?; \
	  if [ $$rc -eq 0 ]; then echo "PASS $e --dma idma (exit $$rc)"; \
	  else echo "FAIL $e --dma idma (exit $$rc, expected 0)"; fail=1; fi;) \
	exit $$fail

.PHONY: dma run-dma

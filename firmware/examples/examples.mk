# Cluster examples (examples/<name>.c, HAL in hal/), pulp-cluster only, included at the end
# of ../Makefile. Outputs build/pulp-cluster/<name>.elf (+ .dis). See hal/README.md.
#
#   make examples                  build them all (`make all` builds them too)
#   make run-examples              build, run each on pulpsim and compare its exit code
#                                  with the expected one (0 unless EXAMPLE_EXIT_<name>)
#   make build/pulp-cluster/reduction.elf
#
# Adding an example: write examples/<name>.c (#include "pulp.h") and add <name> to
# EXAMPLES. Optional: EXAMPLE_SRCS_<name> (more .c/.S sources), EXAMPLE_CFLAGS_<name>,
# EXAMPLE_EXIT_<name> (expected exit code when not 0), EXAMPLE_RUNS_<name> (extra runs, one
# pulpsim option word each, e.g. --harts=2).

EXAMPLES := hello-cluster reduction mutex-counter team-fork matmul-fp32 eu-registers \
            deadlock interleave

EXAMPLE_CFLAGS ?=
EXAMPLE_EXIT_deadlock := 121
EXAMPLE_RUNS_hello-cluster := --harts=1 --harts=2 --harts=5
EXAMPLE_RUNS_reduction := --harts=1 --harts=2 --harts=5

PULPSIM ?= ../.build/debug/pulpsim
PULPSIM_RUN_FLAGS ?= --quiet --timeout 120

$(foreach e,$(EXAMPLES),$(call FW_PROGRAM,pulp-cluster,$e,examples/$e.c $(EXAMPLE_SRCS_$e),-Ihal $(EXAMPLE_CFLAGS) $(EXAMPLE_CFLAGS_$e)))

EXAMPLE_ELFS := $(EXAMPLES:%=$(BUILD)/pulp-cluster/%.elf)

examples: $(EXAMPLE_ELFS)

# `all: $(TARGETS)` in ../Makefile was expanded before this file was read.
all: $(if $(filter pulp-cluster,$(PLATFORMS)),examples)

# One run per example with the default 8 harts, plus one per word of EXAMPLE_RUNS_<name>.
run-examples: $(EXAMPLE_ELFS)
	@fail=0; \
	$(foreach e,$(EXAMPLES),\
	  for opt in "" $(EXAMPLE_RUNS_$e); do \
	    $(PULPSIM) run $(PULPSIM_RUN_FLAGS) $$opt $(BUILD)/pulp-cluster/$e.elf >/dev/null 2>&1; rc=$$?; \
	    if [ $$rc -eq $(or $(EXAMPLE_EXIT_$e),0) ]; then echo "PASS $e $$opt (exit $$rc)"; \
	    else echo "FAIL $e $$opt (exit $$rc, expected $(or $(EXAMPLE_EXIT_$e),0))"; fail=1; fi; \
	  done;) \
	exit $$fail

.PHONY: examples run-examples

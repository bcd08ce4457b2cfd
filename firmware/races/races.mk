# Firmware with one data race each, for `pulpsim run --check-races` (docs/races.md), pulp-cluster
# only, included at the end of ../Makefile: build/pulp-cluster/<name>.elf. Each exits 0 when run
# normally; with --check-races it exits 119 and reports its race.

RACE_EXAMPLES := race-no-barrier race-redmule-z race-redmule-x race-dma-redmule

$(foreach e,$(RACE_EXAMPLES),$(call FW_PROGRAM,pulp-cluster,$e,races/$e.c,-Ihal -Iredmule))
$(foreach e,$(RACE_EXAMPLES),$(eval $(BUILD)/pulp-cluster/obj/$e/races/$e.o: redmule/redmule.h))

RACE_ELFS := $(RACE_EXAMPLES:%=$(BUILD)/pulp-cluster/%.elf)
all: $(if $(filter pulp-cluster,$(PLATFORMS)),$(RACE_ELFS))

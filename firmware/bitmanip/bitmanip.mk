# Zba/Zbb example (bitmanip/), included at the end of ../Makefile: build/<p>/bitmanip.elf for
# spike and pulp-cluster. bitmanip.c is compiled with Zba/Zbb, reference.c without; run it
# with `pulpsim run --isa rv32imfc_zba_zbb` (exit 0: every kernel agrees with its reference).
BITMANIP_MARCH := -march=$(MARCH)_zba_zbb
$(foreach p,spike pulp-cluster,$(call FW_PROGRAM,$p,bitmanip,bitmanip/bitmanip.c bitmanip/reference.c,))
# The kernels (only) with the bit-manipulation extensions.
$(foreach p,spike pulp-cluster,$(eval $(BUILD)/$p/obj/bitmanip/bitmanip/bitmanip.o: FW_EXTRA := $(BITMANIP_MARCH)))
# `all: $(TARGETS)` in ../Makefile was expanded before this file was read.
all: $(foreach p,$(filter spike pulp-cluster,$(PLATFORMS)),$(BUILD)/$p/bitmanip.elf $(BUILD)/$p/bitmanip.dis)

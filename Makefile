# Routine tasks. `make help` lists them.
SWIFT ?= swift
JOBS ?= 2
PULPSIM_DEBUG := .build/debug/pulpsim
PULPSIM_RELEASE := .build/release/pulpsim
QEMU_DIFF_COUNT ?= 200

FILTER ?=

.PHONY: help setup build release firmware test unit-test qemu-diff spike-compare bench demo fp-vectors redmule-vectors clean

# Durations: measured on the 2-core development machine (shared, so give or take a third).
help:
	@echo "make test            what CI runs: firmware, Swift tests, QEMU differential programs (≈ 3 min from clean)"
	@echo "make unit-test       firmware and every Swift test (≈ 2 min; ≈ 2.5 min from clean)"
	@echo "                     FILTER=REGEX runs the matching ones, by module or test class:"
	@echo "                       PulpFloatTests  FP32 vectors against the F extension (≈ 10 s)"
	@echo "                       PulpSimTests    the simulator (≈ 2 min): Machine (Examples, Firmware, Run) ≈ 45 s,"
	@echo "                                       Trace (Trace, TraceMerge, Timeline) ≈ 55 s, ISA ≈ 12 s, RedMulE ≈ 6 s,"
	@echo "                                       Debug (gdb) and ELF < 1 s"
	@echo "make qemu-diff       only the QEMU differential programs, 2 x $(QEMU_DIFF_COUNT) (≈ 45 s; QEMU_DIFF_COUNT=N)"
	@echo "make spike-compare SPIKE=/path/to/spike"
	@echo "                     Spike-format traces against Spike's own (not timed: Spike is not installed here)"
	@echo "make bench           release benchmarks: MIPS, trace costs, RedMulE engine (≈ 1 min; 2.5 min from clean)"
	@echo "make firmware        cross-compile every firmware program into firmware/build/ (≈ 10 s)"
	@echo "make build           debug build of pulpsim (≈ 35 s from clean)"
	@echo "make release         optimised build, .build/release/pulpsim (≈ 1 min from clean)"
	@echo "make demo            run the main example: FP32 GEMM on 8 harts vs RedMulE FP16 (≈ 2 s once built)"
	@echo "make fp-vectors      regenerate the SoftFloat FP32 vectors and check them independently (≈ 20 s)"
	@echo "make redmule-vectors regenerate the RedMulE vectors, after the oracle's self-checks (≈ 1.5 min)"
	@echo "make setup           install the toolchain and Python oracles (apt, pip)"
	@echo "make clean           remove .build and firmware/build"

setup:
	bash scripts/setup.sh

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

firmware:
	$(MAKE) -C firmware -j$(JOBS)

unit-test: firmware
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build $(if $(FILTER),--filter '$(FILTER)')

qemu-diff: build
	python3 Tests/qemudiff/qemudiff.py --count $(QEMU_DIFF_COUNT) --jobs $(JOBS) --pulpsim $(PULPSIM_DEBUG)
	python3 Tests/qemudiff/qemudiff.py --count $(QEMU_DIFF_COUNT) --seed 100001 --isa rv32imfc_zba_zbb --jobs $(JOBS) --pulpsim $(PULPSIM_DEBUG)

spike-compare: release firmware
	python3 Tests/spikecompare/spikecompare.py --spike "$(SPIKE)" --pulpsim $(PULPSIM_RELEASE)

test: unit-test qemu-diff

bench: release firmware
	$(SWIFT) build -c release --product pulpsim-engine-bench
	python3 scripts/bench.py --pulpsim $(PULPSIM_RELEASE)
	.build/release/pulpsim-engine-bench

demo: release firmware
	$(PULPSIM_RELEASE) run --stats firmware/build/pulp-cluster/redmule-gemm-vs-sw.elf

fp-vectors:
	python3 Tests/fpvectors/gen_fp32_vectors.py
	python3 Tests/fpvectors/check_fp32_vectors.py

redmule-vectors:
	python3 Tests/redmule-oracle/gen_redmule_vectors.py

clean:
	rm -rf .build firmware/build

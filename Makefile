# Routine tasks. `make help` lists them.
SWIFT ?= swift
JOBS ?= 2
PULPSIM_DEBUG := .build/debug/pulpsim
PULPSIM_RELEASE := .build/release/pulpsim
QEMU_DIFF_COUNT ?= 200

.PHONY: help setup build release firmware test unit-test qemu-diff spike-compare bench demo fp-vectors clean

help:
	@echo "make setup      install the toolchain and Python oracles (apt, pip)"
	@echo "make build      debug build of pulpsim"
	@echo "make release    optimised build (.build/release/pulpsim)"
	@echo "make firmware   cross-compile every firmware program (firmware/build/...)"
	@echo "make test       firmware + unit/integration tests + $(QEMU_DIFF_COUNT) QEMU differential programs"
	@echo "make qemu-diff  only the QEMU differential programs (QEMU_DIFF_COUNT=N)"
	@echo "make spike-compare SPIKE=/path/to/spike   Spike-format traces against Spike's own"
	@echo "make bench      release benchmarks: MIPS on the integer and FP workloads"
	@echo "make demo       build and run the main example (FP32 GEMM on 8 harts vs RedMulE FP16)"
	@echo "make fp-vectors regenerate the SoftFloat FP32 vectors"

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
	$(SWIFT) test --skip-build

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

clean:
	rm -rf .build firmware/build

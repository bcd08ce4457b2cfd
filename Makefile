# Routine tasks. `make help` lists them.
SWIFT ?= swift
JOBS ?= 2
PULPSIM_DEBUG := .build/debug/pulpsim
PULPSIM_RELEASE := .build/release/pulpsim
QEMU_DIFF_COUNT ?= 200

# Fuzzing (Fuzz/, docs/robustness.md): each target runs FUZZ_SECONDS from its corpus.
FUZZ_SECONDS ?= 30
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS := elf gdb trace-decode cli-options
FUZZ_BUILD := .build-fuzz
FUZZ_SWIFT_FLAGS := --package-path Fuzz --scratch-path $(FUZZ_BUILD) -c release \
	--sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address

.PHONY: help setup build release firmware test unit-test qemu-diff spike-compare bench demo fp-vectors clean \
	fuzz fuzz-build fuzz-seeds fuzz-firmware $(addprefix fuzz-,$(FUZZ_TARGETS))

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
	@echo "make fuzz       every fuzz target for FUZZ_SECONDS (default 30) each; make fuzz-elf, fuzz-gdb,"
	@echo "                fuzz-trace-decode, fuzz-cli-options: one target (docs/robustness.md)"
	@echo "make fuzz-seeds regenerate the seed corpora in Fuzz/corpus"

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
	python3 scripts/qemudiff/qemudiff.py --count $(QEMU_DIFF_COUNT) --jobs $(JOBS) --pulpsim $(PULPSIM_DEBUG)

spike-compare: release firmware
	python3 scripts/spikecompare.py --spike "$(SPIKE)" --pulpsim $(PULPSIM_RELEASE)

test: unit-test qemu-diff

bench: release firmware
	$(SWIFT) build -c release --product pulpsim-engine-bench
	python3 scripts/bench.py --pulpsim $(PULPSIM_RELEASE)
	.build/release/pulpsim-engine-bench

demo: release firmware
	$(PULPSIM_RELEASE) run --stats firmware/build/pulp-cluster/redmule-gemm-vs-sw.elf

fp-vectors:
	python3 scripts/fpvectors/gen_fp32_vectors.py

# libFuzzer writes what it finds to $(FUZZ_BUILD)/corpus/<target> (the seeds in Fuzz/corpus stay
# as they are) and a failing input to $(FUZZ_BUILD)/artifacts/<target>/.
fuzz-build:
	$(SWIFT) build $(FUZZ_SWIFT_FLAGS)

define fuzz_target
fuzz-$(1): fuzz-build
	mkdir -p $(FUZZ_BUILD)/corpus/$(1) $(FUZZ_BUILD)/artifacts/$(1)
	SWIFT_BACKTRACE=enable=no $(FUZZ_BUILD)/release/fuzz-$(1) $(FUZZ_BUILD)/corpus/$(1) Fuzz/corpus/$(1) \
		-dict=Fuzz/dict/$(1).dict -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
		-artifact_prefix=$(FUZZ_BUILD)/artifacts/$(1)/ -print_final_stats=1
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target,$(t))))

fuzz: fuzz-build
	set -e; for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory fuzz-$$t; done

fuzz-seeds: build firmware
	python3 Fuzz/make_seeds.py

fuzz-firmware: firmware
	riscv64-unknown-elf-strip --strip-debug -o Fuzz/firmware/pulp-cluster-hello.elf firmware/build/pulp-cluster/hello.elf
	riscv64-unknown-elf-strip --strip-debug -o Fuzz/firmware/spike-hello.elf firmware/build/spike/hello.elf
	riscv64-unknown-elf-strip --strip-debug -o Fuzz/firmware/redmule-tb-mmio.elf firmware/build/redmule-tb/redmule-tb-mmio-imc.elf

clean:
	rm -rf .build $(FUZZ_BUILD) firmware/build

# Routine tasks. `make help` lists them.
SWIFT ?= swift
JOBS ?= 2
PULPSIM_DEBUG := .build/debug/pulpsim
PULPSIM_RELEASE := .build/release/pulpsim
QEMU_DIFF_COUNT ?= 200

FILTER ?=
# Fuzzing (Fuzz/, docs/robustness.md): each target runs FUZZ_SECONDS from its corpus.
FUZZ_SECONDS ?= 30
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS := elf gdb trace-decode cli-options devices instructions
# FUZZ_TRACE_CMP=0 builds the targets with edge coverage only, without comparison tracing
# (-sanitize-coverage=edge,inline-8bit-counters,pc-table), into a build folder of its own: about
# twice the executions per second where the simulator's models run many comparisons per input
# (devices: the RedMulE and DMA cycle models), for long runs of the targets whose inputs the
# generator structures anyway.
FUZZ_TRACE_CMP ?= 1
COMMA := ,
FUZZ_BUILD := $(if $(filter 0,$(FUZZ_TRACE_CMP)),.build-fuzz-edge,.build-fuzz)
# What the fuzzers find lives outside SwiftPM's scratch path (SwiftPM owns and prunes
# $(FUZZ_BUILD)/artifacts, which once swallowed libFuzzer's findings).
FUZZ_WORK := .build-fuzz-work
FUZZ_SWIFT_FLAGS := --package-path Fuzz --scratch-path $(FUZZ_BUILD) -c release \
	--sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
	$(if $(filter 0,$(FUZZ_TRACE_CMP)),-Xswiftc -sanitize-coverage=edge$(COMMA)inline-8bit-counters$(COMMA)pc-table)

.PHONY: help setup build release firmware test unit-test test-firmware qemu-diff spike-compare bench bench-baseline demo fp-vectors redmule-vectors \
	clean test-asan test-tsan fuzz fuzz-build fuzz-seeds fuzz-firmware fuzz-replay $(addprefix fuzz-,$(FUZZ_TARGETS))

# Durations: measured on the 2-core development machine (shared, so give or take a third).
help:
	@echo "make test            what CI runs: firmware, Swift tests, QEMU differential programs, firmware/tests.toml,"
	@echo "                     Python tests (≈ 8 min; ≈ 11 from clean)"
	@echo "make unit-test       firmware and every Swift test, on JOBS (default 2) workers (≈ 5 min; 9.5 min on one)"
	@echo "                     FILTER=REGEX runs the matching ones, by module or test class:"
	@echo "                       PulpFloatTests  FP32 vectors against the F extension (≈ 10 s)"
	@echo "                       PulpSimTests    the simulator (≈ 9.5 min of test time): Determinism ≈ 110 s,"
	@echo "                                       RedMulETiming ≈ 100 s, Examples ≈ 100 s, PMSISExamples ≈ 95 s,"
	@echo "                                       Trace and TraceMerge ≈ 70 s, TestRunner ≈ 20 s, Disassembler ≈ 16 s,"
	@echo "                                       DMA ≈ 20 s, the rest < 10 s each"
	@echo "make test-asan       the Swift tests built with AddressSanitizer and LeakSanitizer (FILTER=...; CI's"
	@echo "                     subset ≈ 7 min with the build)"
	@echo "make test-tsan       the Swift tests built with ThreadSanitizer (FILTER=...; CI's subset ≈ 5 min with the build)"
	@echo "make test-python     the C library and the Python package's tests, python/tests (docs/python.md)"
	@echo "make test-firmware   every program of firmware/tests.toml through pulpsim test, JUnit in"
	@echo "                     .build/firmware-junit.xml (≈ 10 s once built; docs/regression-farm.md)"
	@echo "make qemu-diff       only the QEMU differential programs, 2 x $(QEMU_DIFF_COUNT) (≈ 45 s; QEMU_DIFF_COUNT=N)"
	@echo "make spike-compare SPIKE=/path/to/spike"
	@echo "                     Spike-format traces against Spike's own (not timed: Spike is not installed here)"
	@echo "make bench           release benchmarks: MIPS, trace costs, RedMulE engine, against the build before"
	@echo "                     the cycle model (bench-baseline) (≈ 2 min; 5 min from clean)"
	@echo "make firmware        cross-compile every firmware program into firmware/build/ (≈ 10 s)"
	@echo "make build           debug build of pulpsim (≈ 35 s from clean)"
	@echo "make release         optimised build, .build/release/pulpsim (≈ 1 min from clean)"
	@echo "make demo            run the main example: FP32 GEMM on 8 harts vs RedMulE FP16 (≈ 2 s once built)"
	@echo "make fp-vectors      regenerate the SoftFloat FP32 vectors and check them independently (≈ 20 s)"
	@echo "make redmule-vectors regenerate the RedMulE vectors, after the oracle's self-checks (≈ 1.5 min)"
	@echo "make fuzz            every fuzz target from its corpus, FUZZ_SECONDS (default 30) each (≈ 3.5 min);"
	@echo "                     make fuzz-elf, fuzz-gdb, fuzz-trace-decode, fuzz-cli-options, fuzz-devices,"
	@echo "                     fuzz-instructions: one target (docs/robustness.md); make fuzz-seeds regenerates"
	@echo "                     the seed corpora; FUZZ_TRACE_CMP=0: edge coverage only (devices: about twice"
	@echo "                     the executions per second); FUZZ_FLAGS: more libFuzzer flags (-fork=2)"
	@echo "make fuzz-replay     the instructions target's corpus (seeds and found) on QEMU and pulpsim, compared"
	@echo "make setup           install the toolchain and Python oracles (apt, pip)"
	@echo "make clean           remove the build folders and firmware/build"

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
	$(SWIFT) test --skip-build --parallel --num-workers $(JOBS) $(if $(FILTER),--filter '$(FILTER)')

# The Swift tests, and the pulpsim binary they run, built with AddressSanitizer (leaks checked in
# the test process; Tests/lsan.supp: XCTest's own) or ThreadSanitizer.
test-asan: firmware
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp $(SWIFT) test --skip-build --sanitize=address \
		--scratch-path .build-asan --parallel --num-workers $(JOBS) $(if $(FILTER),--filter '$(FILTER)')

test-tsan: firmware
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --parallel --num-workers $(JOBS) \
		$(if $(FILTER),--filter '$(FILTER)')

qemu-diff: build
	python3 Tests/qemudiff/qemudiff.py --count $(QEMU_DIFF_COUNT) --jobs $(JOBS) --pulpsim $(PULPSIM_DEBUG)
	python3 Tests/qemudiff/qemudiff.py --count $(QEMU_DIFF_COUNT) --seed 100001 --isa rv32imfc_zba_zbb --jobs $(JOBS) --pulpsim $(PULPSIM_DEBUG)

spike-compare: release firmware
	python3 Tests/spikecompare/spikecompare.py --spike "$(SPIKE)" --pulpsim $(PULPSIM_RELEASE)

# The firmware's own self-checks through the regression-farm runner (docs/regression-farm.md).
test-firmware: firmware build
	$(PULPSIM_DEBUG) test firmware/tests.toml -j $(JOBS) --junit .build/firmware-junit.xml \
		--json .build/firmware-results.json --artifacts .build/firmware-test-artifacts

test: unit-test qemu-diff test-firmware

# Python test drivers (docs/python.md): libPulpSimC.so, the pulpsim package installed in a
# virtualenv that sees the system's numpy, ml-dtypes and pytest (scripts/setup.sh), and
# python/tests run against the debug library. Part of `make test`.
PYENV := .build/pyenv
.PHONY: test-python
test: test-python
test-python: firmware $(PYENV)/.installed
	$(SWIFT) build --product PulpSimC
	PULPSIM_LIB=$(CURDIR)/.build/debug/libPulpSimC.so PULPSIM_ROOT=$(CURDIR) $(PYENV)/bin/python -m pytest -q python/tests

$(PYENV)/.installed: python/pyproject.toml $(wildcard python/pulpsim/*.py)
	test -x $(PYENV)/bin/python || python3 -m venv --system-site-packages $(PYENV)
	$(PYENV)/bin/python -m pip install -q --no-deps ./python
	touch $@

bench: release firmware bench-baseline
	$(SWIFT) build -c release --product pulpsim-engine-bench
	python3 scripts/bench.py --pulpsim $(PULPSIM_RELEASE) $$(test -x $(BASELINE_BIN) && echo --baseline $(BASELINE_BIN))
	.build/release/pulpsim-engine-bench

# The simulator before the cycle model of the silicon (CPI 1 plus fixed penalties, no TCDM bank
# conflicts, RedMulE's data moved at its trigger and completion), built from this repository's
# history into $(BASELINE): `make bench` compares the same workloads against it. (A clone without
# that commit, a shallow one, benchmarks without it.)
BASELINE_REV ?= c76fbae
BASELINE := .build-baseline
BASELINE_BIN := $(BASELINE)/build/release/pulpsim
bench-baseline:
	@if git cat-file -e $(BASELINE_REV)^{commit} 2>/dev/null; then \
		if [ "$$(cat $(BASELINE)/rev 2>/dev/null)" != "$$(git rev-parse $(BASELINE_REV))" ]; then \
			rm -rf $(BASELINE)/src && mkdir -p $(BASELINE)/src && \
			git archive $(BASELINE_REV) | tar -x -C $(BASELINE)/src && git rev-parse $(BASELINE_REV) > $(BASELINE)/rev; \
		fi; \
		$(SWIFT) build -c release --product pulpsim --package-path $(BASELINE)/src --scratch-path $(BASELINE)/build; \
	else echo "bench-baseline: commit $(BASELINE_REV) is not in this clone; benchmarking without the baseline"; fi

demo: release firmware
	$(PULPSIM_RELEASE) run --stats firmware/build/pulp-cluster/redmule-gemm-vs-sw.elf

fp-vectors:
	python3 Tests/fpvectors/gen_fp32_vectors.py
	python3 Tests/fpvectors/check_fp32_vectors.py

redmule-vectors:
	python3 Tests/redmule-oracle/gen_redmule_vectors.py

# libFuzzer writes what it finds to $(FUZZ_WORK)/corpus/<target> (the seeds in Fuzz/corpus stay
# as they are) and a failing input to $(FUZZ_WORK)/findings/<target>/.
# (The build plan is made afresh each time: SwiftPM does not notice files added to the root
# package, a dependency of the fuzz package, and would link without them.)
fuzz-build:
	rm -f $(FUZZ_BUILD)/release.yaml
	$(SWIFT) build $(FUZZ_SWIFT_FLAGS)

define fuzz_target
fuzz-$(1): fuzz-build
	mkdir -p $(FUZZ_WORK)/corpus/$(1) $(FUZZ_WORK)/findings/$(1)
	SWIFT_BACKTRACE=enable=no $(FUZZ_BUILD)/release/fuzz-$(1) $(FUZZ_WORK)/corpus/$(1) Fuzz/corpus/$(1) \
		-dict=Fuzz/dict/$(1).dict -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
		-artifact_prefix=$(FUZZ_WORK)/findings/$(1)/ -print_final_stats=1 $(FUZZ_FLAGS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target,$(t))))

fuzz: fuzz-build
	set -e; for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory fuzz-$$t; done

# The straight-line instructions of every input of the instructions target, on QEMU and pulpsim.
fuzz-replay: build
	python3 Tests/qemudiff/replay_fuzz.py --jobs $(JOBS) --pulpsim $(PULPSIM_DEBUG) Fuzz/corpus/instructions \
		$(wildcard $(FUZZ_WORK)/corpus/instructions)

fuzz-seeds: build firmware
	python3 Fuzz/make_seeds.py

fuzz-firmware: firmware
	riscv64-unknown-elf-strip --strip-debug -o Fuzz/firmware/pulp-cluster-hello.elf firmware/build/pulp-cluster/hello.elf
	riscv64-unknown-elf-strip --strip-debug -o Fuzz/firmware/spike-hello.elf firmware/build/spike/hello.elf
	riscv64-unknown-elf-strip --strip-debug -o Fuzz/firmware/redmule-tb-mmio.elf firmware/build/redmule-tb/redmule-tb-mmio-imc.elf

clean:
	rm -rf .build .build-asan .build-tsan $(FUZZ_BUILD) $(FUZZ_WORK) firmware/build

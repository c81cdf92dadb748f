# mcrisk -- build, test and benchmark the Monte Carlo risk engine.
#
#   make                  build build/mcrisk (OpenMP, serial HDF5)
#   make run              install missing packages, build, run the default scenario
#   make test             install missing packages, build, run every test
#   make bench            print the benchmark figures (README, "Benchmarks")
#   make MPI=yes          build build-mpi/mcrisk with mpicc and parallel HDF5
#                         (run it with mpirun -np P; docs/hpc.md)
#   make test SANITIZE=address,undefined
#                         the C and Python suites against an AddressSanitizer
#                         + UBSan build (build-san-address-undefined/)
#   make tsan             the threaded engine under ThreadSanitizer (build-tsan/)
#   make fuzz-h5          fuzz the results-file reader (libFuzzer)
#   make install          install into $(DESTDIR)$(PREFIX)
#   make plot             PNG charts of out/stargate.h5 into out/plots
#   make notebook-test    run notebooks/explore.ipynb headless (part of check)
#
# Every variant has its own object tree, so serial, MPI and sanitizer builds
# never mix. Flags for libraries come from pkg-config.

# ---- switches ---------------------------------------------------------------
OPTIMIZE ?= yes
DEBUG    ?= no
MPI      ?= no
SANITIZE ?=
PYTHON   ?= /usr/bin/python3
PREFIX   ?= /usr/local
DESTDIR  ?=

VERSION  := 1.0.0
comma    := ,

ifeq ($(MPI),yes)
  CC       = mpicc
  HDF5_PC  = hdf5-openmpi
  BUILD   ?= build-mpi
  CPPFLAGS += -DMCR_MPI
else
  HDF5_PC  = hdf5-serial
  BUILD   ?= build
endif
ifeq ($(SANITIZE),thread)
  # ThreadSanitizer only with clang and LLVM's libomp (see `make tsan` below)
  CC       := clang
  BUILD    := build-tsan
  SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else ifneq ($(SANITIZE),)
  BUILD    := $(BUILD)-san-$(subst $(comma),-,$(SANITIZE))
  SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# `make test SANITIZE=address,undefined` runs check-c and check-py against the
# sanitized build: every C test and every run of the binary from Python is
# then checked for memory errors, undefined behaviour and leaks. The fuzzers
# and the ThreadSanitizer run are builds of their own, so they run only in
# the plain `make test`. Python tests that use valgrind skip themselves
# under a sanitizer (tests/conftest.py reads MCRISK_SANITIZE); the valgrind
# leak checks of the plain build are tests/test_valgrind.py. LeakSanitizer
# ignores HDF5's own leaks after damaged metadata, and nothing else
# (tests/suppressions/lsan.supp says why).
ifeq ($(SANITIZE),)
  CHECK_MORE := notebook-test check-fuzz check-tsan
else
  export MCRISK_SANITIZE := $(SANITIZE)
  export ASAN_OPTIONS    ?= detect_leaks=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS   ?= print_stacktrace=1
  export LSAN_OPTIONS    ?= suppressions=$(CURDIR)/tests/suppressions/lsan.supp:print_suppressions=0
endif

# -ffp-contract=off: no fused multiply-adds behind our back, so the numbers do
# not change with the compiler's mood (SPEC 2.7, determinism).
CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
ifeq ($(DEBUG),yes)
  OPTFLAGS := -O0 -g3
else ifeq ($(OPTIMIZE),yes)
  OPTFLAGS := -O2 -g
else
  OPTFLAGS := -O0 -g
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(HDF5_PC) yaml-0.1 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(HDF5_PC) yaml-0.1 2>/dev/null)

CPPFLAGS += -I. -I$(BUILD)/gen -DMCR_VERSION=\"$(VERSION)\" $(PKG_CFLAGS)
CFLAGS   += $(CSTD) $(WARN) $(OPTFLAGS) -ffp-contract=off -fopenmp -MMD -MP $(SANFLAGS)
LDFLAGS  += -fopenmp $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lhdf5_hl -lm

# ---- sources ----------------------------------------------------------------
LIB_SRC  := $(sort $(wildcard kernels/*.c inputs/*.c results/*.c engine/*.c))
LIB_SRC  := $(filter-out engine/main.c,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/engine/main.o
LIB      := $(BUILD)/libmcrisk.a
BIN      := $(BUILD)/mcrisk

TEST_SRC   := $(sort $(wildcard tests/test_*.c))
TEST_BINS  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HELPER_SRC := $(sort $(wildcard tests/helpers/*.c))
HELPERS    := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/tests/helpers/%)
PY_TESTS   := $(sort $(wildcard tests/test_*.py))

DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all run test check check-c check-py bench bench-rng bench-engine clean install deps version-stamp
.DEFAULT_GOAL := all

all: $(BIN)

# ---- dependencies -------------------------------------------------------------
# `run` and `test` make sure every package is present, then re-enter make so
# that pkg-config is asked again with the libraries installed.
deps:
	@scripts/install-deps --check >/dev/null 2>&1 || scripts/install-deps

# ---- build --------------------------------------------------------------------
# One short line per step; `make V=1` shows the whole commands.
ifeq ($(V),1)
  Q    :=
  SAY  := @:
else
  Q    := @
  SAY  := @printf '  %-6s %s\n'
endif

$(BUILD)/obj/%.o: %.c | $(BUILD)/gen/git_commit.h
	@mkdir -p $(@D)
	$(SAY) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# git_commit.h is rewritten only when the commit changes, so a new commit
# rebuilds one object, not the tree.
$(BUILD)/gen/git_commit.h: version-stamp
	@:
version-stamp:
	@mkdir -p $(BUILD)/gen
	@c=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	 git diff --quiet HEAD -- 2>/dev/null || c="$$c-dirty"; \
	 line="#define MCR_GIT_COMMIT \"$$c\""; \
	 [ "$$(cat $(BUILD)/gen/git_commit.h 2>/dev/null)" = "$$line" ] || \
	   echo "$$line" > $(BUILD)/gen/git_commit.h

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(SAY) AR $@
	$(Q)ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(LIB)
	@mkdir -p $(@D)
	$(SAY) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

$(BUILD)/tests/helpers/%: tests/helpers/%.c $(LIB)
	@mkdir -p $(@D)
	$(SAY) CC $@
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# ---- run ------------------------------------------------------------------------
run: deps
	@$(MAKE) --no-print-directory _run

_run: $(BIN)
	@mkdir -p out
	$(BIN) run inputs/scenarios/stargate.yaml -o out/stargate.h5 --force

# ---- test -----------------------------------------------------------------------
# C unit tests (cmocka) first, then the Python checks (pytest). Each runner
# prints its own summary; the last lines say what passed.
test: deps
	@$(MAKE) --no-print-directory check

check: check-c check-py $(CHECK_MORE)

check-c: $(TEST_BINS)
	@n=0; fail=0; for t in $(TEST_BINS); do \
	   echo "== $$t"; n=$$((n+1)); $$t || fail=$$((fail+1)); \
	 done; \
	 echo "C unit tests: $$((n-fail)) of $$n binaries passed"; [ $$fail -eq 0 ]

check-py: $(BIN) $(HELPERS) mpi-variants
	@MCRISK_BUILD=$(abspath $(BUILD)) MCRISK=$(abspath $(BIN)) \
	  MCRISK_SERIAL=$(abspath build/mcrisk) MCRISK_MPI_BUILD=$(abspath build-mpi) \
	  $(PYTHON) -m pytest -q -p no:cacheprovider $(PY_TESTS)

# ---- bench ------------------------------------------------------------------------
bench: $(BIN) $(HELPERS) bench-rng bench-engine
ifeq ($(MPI),yes)
bench: bench-mpi
endif

# End to end: stargate.yaml at 1,000,000 trials on 1 and 2 threads.
BENCH_TRIALS ?= 1000000
bench-engine: $(BIN)
	$(PYTHON) scripts/bench-engine.py $(BIN) --trials $(BENCH_TRIALS)

# Single-threaded ns per draw of the generators and samplers, beside numpy's.
bench-rng: $(BUILD)/tests/helpers/bench_rng
	$(PYTHON) scripts/bench-rng.py $(BUILD)/tests/helpers/bench_rng

# ---- MPI (issue 6) -------------------------------------------------------------------
# tests/test_mpi.py runs build-mpi/mcrisk under mpirun and compares its files
# with those of the serial build/mcrisk, so the tests need both variants
# whichever one this make builds (each in its own tree, with its own
# compiler); without Open MPI the MPI tests skip. docs/hpc.md has the rest.
#   make bench MPI=yes    also bench-mpi: trials/s of 1 rank x 2 threads
#                         against 2 ranks x 1 thread (BENCH_MPI_TRIALS trials)
HAVE_MPI         := $(shell command -v mpicc >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1 && echo yes)
BENCH_MPI_TRIALS ?= 400000

.PHONY: mpi-variants bench-mpi

mpi-variants:
ifeq ($(HAVE_MPI),yes)
	@$(MAKE) --no-print-directory MPI=yes SANITIZE= BUILD=build-mpi CC=mpicc \
	  build-mpi/mcrisk build-mpi/tests/helpers/pstats_check
	@$(MAKE) --no-print-directory MPI=no SANITIZE= BUILD=build build/mcrisk
endif

bench-mpi: $(BIN)
	scripts/bench-mpi.sh $(BIN) $(BENCH_MPI_TRIALS)

# ---- fuzzing: the scenario reader (issue 3) ----------------------------------------
# libFuzzer with AddressSanitizer + UndefinedBehaviorSanitizer (and so
# LeakSanitizer), built with clang in its own object tree, build-fuzz/, from
# the reader and the kernels it prepares. Seeds: the shipped scenarios and the
# malformed corpus; new inputs are kept in build-fuzz/corpus, crashes land in
# fuzz-out/ (turn each into a tests/corpus/scenario case).
#   make fuzz             fuzz for FUZZ_SECONDS (default 600)
#   make check-fuzz       the same for CHECK_FUZZ_SECONDS (default 60), part of `check`
FUZZ_SECONDS       ?= 600
CHECK_FUZZ_SECONDS ?= 60
FUZZ_CC            ?= clang
FUZZ_BUILD         := build-fuzz
FUZZ_SAN           := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS         = -I. $(shell pkg-config --cflags yaml-0.1) $(CSTD) $(WARN) -O1 -g -ffp-contract=off $(FUZZ_SAN)
FUZZ_SRC           := $(sort $(wildcard inputs/*.c kernels/*.c))
FUZZ_OBJ           := $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BIN           := $(FUZZ_BUILD)/fuzz_scenario
FUZZ_ARGS          := -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
                      -dict=tests/fuzz/scenario.dict -artifact_prefix=fuzz-out/

.PHONY: fuzz check-fuzz

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BIN): tests/fuzz/fuzz_scenario.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(shell pkg-config --libs yaml-0.1) -lm

fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_BUILD)/corpus fuzz-out
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) $(FUZZ_ARGS) \
	  $(FUZZ_BUILD)/corpus inputs/scenarios tests/corpus/scenario

check-fuzz:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

-include $(FUZZ_OBJ:.o=.d)

# ---- results: notebook and charts (issue 5) ------------------------------------------
# notebook-test runs notebooks/explore.ipynb headless on a fresh run of
# small.yaml; everything it writes stays in $(BUILD)/notebook. `make plot`
# draws the charts of out/stargate.h5 (made by `make run` when missing) into
# out/plots.
NOTEBOOK_DIR := $(BUILD)/notebook

.PHONY: notebook-test plot

notebook-test: $(BIN)
	@mkdir -p $(NOTEBOOK_DIR)
	$(BIN) run inputs/scenarios/small.yaml -o $(NOTEBOOK_DIR)/small.h5 --save-samples --force --quiet >/dev/null
	MCRISK_RESULTS=$(abspath $(NOTEBOOK_DIR)/small.h5) MCRISK=$(abspath $(BIN)) \
	  PYDEVD_DISABLE_FILE_VALIDATION=1 $(PYTHON) -m jupyter nbconvert --to notebook --execute \
	  --ExecutePreprocessor.timeout=300 --output-dir $(NOTEBOOK_DIR) notebooks/explore.ipynb

plot: $(BIN)
	@[ -f out/stargate.h5 ] || $(MAKE) --no-print-directory _run
	$(BIN) plot out/stargate.h5 -o out/plots

# ---- sanitizers, valgrind, ThreadSanitizer (issue 7) ---------------------------------
# AddressSanitizer + UBSan: `make test SANITIZE=address,undefined` (the
# switches at the top say what it runs). valgrind: tests/test_valgrind.py,
# part of check-py, with tests/suppressions/valgrind.supp.

# ThreadSanitizer over the threaded engine. gcc's libgomp is not built for
# TSan and its barriers look like races, so this build uses clang and LLVM's
# libomp, whose Archer tool (libarcher.so, loaded by libomp when the program
# is built with TSan) tells TSan about OpenMP's barriers, locks and tasks;
# ignore_noninstrumented_modules=1 keeps TSan out of libomp's own
# accesses, as Archer asks. With both there is nothing to suppress: no
# suppressions file, so any report fails the check. tests/tsan/check first
# proves the setup sees a planted race, then runs mcrisk on small scenarios
# at 2 and 4 threads: a full run with samples, one stopped by a non-finite
# trial, one stopped by SIGINT, and a rerun --from.
.PHONY: tsan check-tsan _tsan
tsan check-tsan:
	@$(MAKE) --no-print-directory SANITIZE=thread _tsan

_tsan: $(BIN) $(BUILD)/tsan/race_canary
	tests/tsan/check $(BIN) $(BUILD)/tsan/race_canary

$(BUILD)/tsan/race_canary: tests/tsan/race_canary.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g -fopenmp $(SANFLAGS) -o $@ $<

# Fuzzing the results-file reader (`mcrisk summary`, `plot`, `run --from`)
# with libFuzzer + ASan + UBSan, built like the scenario fuzzer in
# build-fuzz/. Seeds: results files mcrisk writes for tests/fuzz/h5_seed.yaml
# (with and without samples). Crashes land in fuzz-out/.
#   make fuzz-h5          fuzz for FUZZ_H5_SECONDS (default 600)
#   make check-fuzz-h5    the same for CHECK_FUZZ_H5_SECONDS (default 120), in .ci/run
FUZZ_H5_SECONDS       ?= 600
CHECK_FUZZ_H5_SECONDS ?= 120
FUZZ_H5_SRC  := results/h5read.c results/h5common.c results/results.c results/names.c kernels/status.c
FUZZ_H5_OBJ  := $(FUZZ_H5_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_H5_BIN  := $(FUZZ_BUILD)/fuzz_h5read
FUZZ_H5_SEED := $(FUZZ_BUILD)/h5-seeds
FUZZ_H5_ARGS := -timeout=10 -rss_limit_mb=2048 -max_len=131072 -print_final_stats=1 \
                -artifact_prefix=fuzz-out/h5-

.PHONY: fuzz-h5 check-fuzz-h5

$(FUZZ_BUILD)/obj/results/%.o: FUZZ_CFLAGS += $(shell pkg-config --cflags hdf5-serial)

$(FUZZ_H5_BIN): tests/fuzz/fuzz_h5read.c $(FUZZ_H5_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(shell pkg-config --cflags hdf5-serial) -fsanitize=fuzzer \
	  -o $@ $^ $(shell pkg-config --libs hdf5-serial) -lm

$(FUZZ_H5_SEED).done: $(BIN) tests/fuzz/h5_seed.yaml
	@mkdir -p $(FUZZ_H5_SEED)
	$(BIN) run tests/fuzz/h5_seed.yaml -o $(FUZZ_H5_SEED)/plain.h5 --force --quiet >/dev/null
	$(BIN) run tests/fuzz/h5_seed.yaml -o $(FUZZ_H5_SEED)/samples.h5 --force --quiet \
	  --save-samples >/dev/null
	@touch $@

fuzz-h5: $(FUZZ_H5_BIN) $(FUZZ_H5_SEED).done
	@mkdir -p $(FUZZ_BUILD)/h5-corpus fuzz-out
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/suppressions/lsan.supp:print_suppressions=0 \
	  $(FUZZ_H5_BIN) -max_total_time=$(FUZZ_H5_SECONDS) $(FUZZ_H5_ARGS) \
	  $(FUZZ_BUILD)/h5-corpus $(FUZZ_H5_SEED)

check-fuzz-h5:
	@$(MAKE) --no-print-directory fuzz-h5 FUZZ_H5_SECONDS=$(CHECK_FUZZ_H5_SECONDS)

-include $(FUZZ_H5_OBJ:.o=.d)

# ---- install / clean ----------------------------------------------------------------
# The plot command finds its script and modules in $(PREFIX)/share/mcrisk.
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/mcrisk
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mcrisk
	install -m 755 scripts/mcrisk-plot.py $(DESTDIR)$(PREFIX)/share/mcrisk/mcrisk-plot.py
	install -m 644 python/mcrisk_results.py python/mcrisk_plots.py $(DESTDIR)$(PREFIX)/share/mcrisk/

clean:
	rm -rf build build-mpi build-san-* build-mpi-san-* build-tsan build-fuzz fuzz-out

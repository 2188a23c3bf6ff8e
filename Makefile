# SPDX-License-Identifier: GPL-2.0-or-later
# tcptop: build, test, install. `make run` and `make test` are the two entry points.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# zsh's fpath has site-functions under /usr/local; Debian's package uses vendor-completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=

CC ?= cc
BUILD ?= build
SANITIZE ?=
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wpointer-arith -Wundef -Wcast-qual
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

PKG_CFLAGS := $(shell pkg-config --cflags libmnl libzstd ncursesw 2>/dev/null)
LIB_LIBS := $(shell pkg-config --libs libmnl libzstd 2>/dev/null || echo -lmnl -lzstd)
UI_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
TEST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
# --version names the libmnl it was built against (libmnl has no version call).
LIBMNL_VERSION := $(shell pkg-config --modversion libmnl 2>/dev/null || echo unknown)

OPT ?= -O2 -g
CFLAGS ?= $(OPT)
CPPFLAGS += -D_GNU_SOURCE -DTCPTOP_VERSION='"$(VERSION)"' -Iinclude -MMD -MP
ALL_CFLAGS = -std=c11 $(WARN) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS ?=
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRC := $(sort $(wildcard src/*.c))
UI_SRC := $(sort $(wildcard ui/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
HELPER_SRC := $(sort $(wildcard tests/helpers/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UI_OBJ := $(UI_SRC:%.c=$(BUILD)/%.o)
# The views draw on the canvas without curses: unit tests link them too.
UI_CORE_SRC := $(filter-out ui/main.c ui/app.c ui/canvas_curses.c,$(UI_SRC))
UI_CORE_OBJ := $(UI_CORE_SRC:%.c=$(BUILD)/%.o)
UI_LIB := $(BUILD)/libtcptop-ui.a
LIB := $(BUILD)/libtcptop.a
BIN := $(BUILD)/tcptop
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_BIN := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/helpers/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# Shell completions, written by a program linking the same tables as tcptop.
GEN := $(BUILD)/completion/tcptop-gen
COMPLETIONS := $(BUILD)/completion/tcptop.bash $(BUILD)/completion/_tcptop

.PHONY: all run test deps deps-test unit integration e2e sanitize fuzz fuzz-smoke bench \
	install uninstall clean format lint screenshots check-clean

all: $(BIN) $(COMPLETIONS)

# Objects of test and helper programs are not intermediates to delete.
.SECONDARY:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/src/version.o: CPPFLAGS += -DTCPTOP_LIBMNL_VERSION='"$(LIBMNL_VERSION)"'

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(UI_LIB): $(UI_CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(UI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(UI_OBJ) $(LIB) $(LIB_LIBS) $(UI_LIBS) -lpthread -lm

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/tests/unit/testutil.o $(UI_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit/testutil.o $(UI_LIB) $(LIB) $(LIB_LIBS) \
		$(TEST_LIBS) -lm

$(GEN): $(BUILD)/completion/tcptop-gen.o $(UI_LIB) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(UI_LIB) $(LIB) $(LIB_LIBS) -lpthread -lm

$(BUILD)/completion/tcptop.bash: $(GEN)
	$(GEN) bash >$@.tmp && mv $@.tmp $@

$(BUILD)/completion/_tcptop: $(GEN)
	$(GEN) zsh >$@.tmp && mv $@.tmp $@

$(BUILD)/helpers/%: $(BUILD)/tests/helpers/%.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< -lpthread

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LIB_LIBS) -lpthread -lm

deps:
	@./scripts/deps.sh build

deps-test:
	@./scripts/deps.sh test

# Build, then start tcptop (arguments through ARGS=...).
run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) $(ARGS)

# make test's builds take one job per CPU, unless make was given its own -j
# (seen only in a recipe's MAKEFLAGS): a shell word, expanded where it is used.
TEST_J = $$(case " $(MAKEFLAGS) " in *" -j"*) ;; *) echo -j$$(nproc 2>/dev/null || echo 1) ;; esac)

# Everything CI runs: a -Werror build, unit, integration and end-to-end tests,
# the unit tests again under ASan+UBSan, the threads under TSan, and the fuzzers
# over their corpora.
test: deps-test
	@$(MAKE) --no-print-directory $(TEST_J) WERROR=1 all tests-bin
	@$(MAKE) --no-print-directory $(TEST_J) WERROR=1 BUILD=build-san \
		SANITIZE=address,undefined OPT="-O1 -g" tests-bin
	@$(MAKE) --no-print-directory $(TEST_J) WERROR=1 BUILD=build-tsan SANITIZE=thread \
		OPT="-O1 -g" tsan-bin
	@$(MAKE) --no-print-directory $(TEST_J) fuzz-bin
	@TSAN_UNITS="$(TSAN_UNITS)" ./tests/run.sh

.PHONY: tests-bin fuzz-bin bench-bin tsan-bin tsan
tests-bin: $(BIN) $(UNIT_BIN) $(HELPER_BIN)

# What runs threads (the pump, procmap's scanners, parfmt's row makers) under
# ThreadSanitizer: the unit tests of those modules (the whole unit suite would take
# minutes under TSan) and tcptop itself, which tests/integration/t_threads.sh drives.
TSAN_UNITS := pump parfmt procmap out_text
tsan-bin: $(BIN) $(TSAN_UNITS:%=$(BUILD)/tests/test_%)

tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan SANITIZE=thread OPT="-O1 -g" tsan-bin
	@TSAN_UNITS="$(TSAN_UNITS)" ./tests/run.sh tsan

unit: tests-bin
	@./tests/run.sh unit

integration: tests-bin
	@./tests/run.sh integration

e2e: tests-bin
	@./tests/run.sh e2e

sanitize:
	@$(MAKE) --no-print-directory BUILD=build-san SANITIZE=address,undefined OPT="-O1 -g" tests-bin
	@BUILD=build-san ./tests/run.sh unit

# libFuzzer targets. The library is compiled once with the fuzz flags into an archive
# (coverage instrumentation without libFuzzer's main) and each target links against it:
# compiling all of src/ once per target made the fuzz build the slowest step of CI.
FUZZ_DIR := build-fuzz
FUZZ_SAN := address,undefined
FUZZ_CFLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-D_GNU_SOURCE -DTCPTOP_VERSION='"fuzz"' -Iinclude -MMD -MP \
	$(shell pkg-config --cflags libmnl libzstd 2>/dev/null)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/%.o)
FUZZ_LIB := $(FUZZ_DIR)/libtcptop-fuzz.a
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_DIR)/%)
fuzz-bin: $(FUZZ_BIN)
$(FUZZ_DIR)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c $< -o $@
$(FUZZ_DIR)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -c $< -o $@
$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(FUZZ_DIR)/%: $(FUZZ_DIR)/tests/fuzz/%.o $(FUZZ_LIB)
	clang -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_LIB) $(LIB_LIBS) -lm -lpthread

# Every fuzzer in turn for FUZZ_SECONDS each (default 60), -timeout=10 -rss_limit_mb=2048,
# stopping at the first finding with its input saved under FUZZ_WORK/findings-NAME/.
# The corpus grows in FUZZ_WORK (git-ignored, outside the source); the small seeds of
# tests/fuzz/seeds/ are only read. FUZZ_TARGETS="fuzz_json fuzz_prom" picks some.
FUZZ_SECONDS ?= 60
FUZZ_WORK ?= $(FUZZ_DIR)/work
FUZZ_TARGETS ?= $(notdir $(FUZZ_BIN))
fuzz: deps-fuzz fuzz-bin
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_WORK=$(FUZZ_WORK) ./scripts/fuzz.sh \
		$(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))

# The Debian package, built from a copy of this tree (as it is, uncommitted changes
# included) so that dpkg-buildpackage's clean and its ../*.deb stay inside $(BUILD)/deb.
DEB_DIR := $(BUILD)/deb
DEB_JOBS ?= 2
.PHONY: deb deps-package
deb: deps-package
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/tcptop-$(VERSION)
	tar -C . --exclude=./.git --exclude='./build*' --exclude='./tests/fuzz/corpus-*' \
		--exclude='./$(BUILD)' -cf - . | tar -C $(DEB_DIR)/tcptop-$(VERSION) -xf -
	cd $(DEB_DIR)/tcptop-$(VERSION) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b -j$(DEB_JOBS) \
		>../build.log 2>&1 || { tail -30 ../build.log; exit 1; }
	@ls $(DEB_DIR)/*.deb
deps-package:
	@./scripts/deps.sh package

.PHONY: deps-fuzz deps-screenshots
deps-fuzz:
	@./scripts/deps.sh fuzz
deps-screenshots:
	@./scripts/deps.sh screenshots

# A long run of the churn test (issue 13): sockets opened and closed for SOAK_SECONDS,
# tcptop under ASan+UBSan (build-san/tcptop; the churn helper is build/'s).
SOAK_SECONDS ?= 3600
.PHONY: soak
soak: deps-test tests-bin
	@$(MAKE) --no-print-directory BUILD=build-san SANITIZE=address,undefined OPT="-O1 -g" tests-bin
	CHURN_SECONDS=$(SOAK_SECONDS) bash tests/integration/t_churn.sh

bench: all $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

# The bench programs built, none run (`make bench` runs them all, 200k sockets included).
bench-bin: all $(BENCH_BIN)

screenshots: deps-screenshots all $(HELPER_BIN)
	./scripts/screenshots.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/tcptop
	install -m 0644 doc/tcptop.8 $(DESTDIR)$(MANDIR)/man8/tcptop.8
	install -m 0644 $(BUILD)/completion/tcptop.bash $(DESTDIR)$(BASHCOMPDIR)/tcptop
	install -m 0644 $(BUILD)/completion/_tcptop $(DESTDIR)$(ZSHCOMPDIR)/_tcptop

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tcptop $(DESTDIR)$(MANDIR)/man8/tcptop.8 \
		$(DESTDIR)$(BASHCOMPDIR)/tcptop $(DESTDIR)$(ZSHCOMPDIR)/_tcptop

clean:
	rm -rf build build-san build-tsan build-fuzz

FORMAT_FILES = $(wildcard src/*.c ui/*.c include/*.h tests/unit/*.c tests/unit/*.h \
	tests/helpers/*.c tests/fuzz/*.c bench/*.c completion/*.c)
format:
	clang-format -i $(FORMAT_FILES)

lint: lint-format lint-cppcheck lint-spdx

.PHONY: lint-format lint-cppcheck lint-spdx
# Not part of `make lint` until every file has its line (scripts/spdx.sh add); tests/run.sh lint runs it.
lint-spdx:
	./scripts/spdx.sh --check

lint-format:
	clang-format --dry-run -Werror $(FORMAT_FILES)

lint-cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 -D_GNU_SOURCE -Iinclude --suppress=missingIncludeSystem \
		--inline-suppr src ui completion

# Every object's header dependencies, tests and benches included.
-include $(shell find $(BUILD) $(FUZZ_DIR) -name '*.d' 2>/dev/null)

# stabforce: a thin front end to meson + ninja.
#
#   make          build build/stabforce
#   make demo     install what is missing, build, plan the Gaza example, write
#                 the briefing, then serve the dashboard on it (Ctrl-C stops)
#   make check    install what is missing, build, run every test, then again
#                 under AddressSanitizer + UndefinedBehaviorSanitizer
#   make format   apply clang-format;  make format-check  check it
#   make clean
#
# CI=true (set by .ci/run) turns warnings into errors.

BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON      ?= meson
WERROR     := $(if $(filter true,$(CI)),--werror,)
SRC_FILES   = $(shell find include src tests bench -name '*.[ch]' 2>/dev/null)

.PHONY: all bootstrap demo check check-plain check-asan format format-check clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) $(WERROR) >/dev/null

$(ASAN_BUILD)/build.ninja:
	$(MESON) setup $(ASAN_BUILD) $(WERROR) -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null

bootstrap:
	@scripts/bootstrap

demo: bootstrap
	@$(MAKE) --no-print-directory all
	@scripts/demo $(BUILD)/stabforce
	@scripts/serve-demo $(BUILD)/stabforce

check: bootstrap
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory check-plain
	@$(MAKE) --no-print-directory check-asan

check-plain: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	$(MESON) test -C $(BUILD) --print-errorlogs --num-processes 2

check-asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(MESON) test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 --no-suite slow

format:
	clang-format -i $(SRC_FILES)

format-check:
	@clang-format --dry-run --Werror $(SRC_FILES)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) out

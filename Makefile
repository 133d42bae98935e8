# DXKit — see README.md. The two commands a new user needs:
#   make run    set up, build, and start dx-mock-server on 127.0.0.1 (prints the exports for `dx`)
#   make test   set up (incl. the Python venv with dxpy for interop tests) and run the whole suite

SWIFT ?= swift
PORT ?= 0
ARGS ?=
BUILD_DIR := .build
DEBUG_BIN := $(BUILD_DIR)/debug
export DXKIT_PYTHON := $(CURDIR)/.venv/bin/python
export DXKIT_DX := $(CURDIR)/.venv/bin/dx
export DX_MOCK_SERVER := $(CURDIR)/$(DEBUG_BIN)/dx-mock-server
export DXCASSETTE := $(CURDIR)/$(DEBUG_BIN)/dxcassette

DOC_TARGETS := DXWire DXCore DXCassette DXMockServer DXMockServerCassettes DXKitTesting

.PHONY: run build test test-swift test-interop lint format docs check-generated bench bench-server \
	bench-client bench-platform bench-cassette bench-faults bench-cassette-import bench-bindings bench-executions \
	fixtures setup clean fuzz test-asan test-tsan soak

run:
	@scripts/setup.sh
	$(SWIFT) build --product dx-mock-server
	$(DEBUG_BIN)/dx-mock-server --port $(PORT) $(ARGS)

build:
	@scripts/setup.sh
	$(SWIFT) build

setup:
	@scripts/setup.sh --test

test:
	@scripts/setup.sh --test
	@scripts/check-generated.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel
	@scripts/run-interop.sh

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

test-interop:
	$(SWIFT) build
	@scripts/run-interop.sh

# Long runs, outside `make test` (docs/hardening.md, docs/fuzzing.md).
fuzz:
	@scripts/fuzz.sh

# The Swift suite under the address / thread sanitizer, each in its own scratch path; SANITIZE_FILTER
# picks suites (e.g. SANITIZE_FILTER=DXMockServerTests). LeakSanitizer skips the Swift runtime's
# pointer encodings it cannot follow (scripts/lsan.supp).
SANITIZE_FILTER ?=
SANITIZE_TEST_ARGS := $(if $(SANITIZE_FILTER),--filter $(SANITIZE_FILTER),)
test-asan:
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0 \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --parallel $(SANITIZE_TEST_ARGS)

test-tsan:
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan \
		$(SANITIZE_TEST_ARGS)

SOAK_REQUESTS ?= 200000
SOAK_CONNECTIONS ?= 8
soak:
	@scripts/setup.sh
	$(SWIFT) build --product dx-mock-server
	scripts/soak.py --requests $(SOAK_REQUESTS) --connections $(SOAK_CONNECTIONS)

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Benchmarks Fuzz

format:
	$(SWIFT) format format --in-place --recursive Package.swift Sources Tests Benchmarks Fuzz

check-generated:
	@scripts/check-generated.sh

# The DocC catalogs of every library, as one combined archive (cross-module links resolve); a warning
# fails the build. Output: .build/plugins/Swift-DocC/outputs/.
docs:
	$(SWIFT) package --disable-sandbox generate-documentation --enable-experimental-combined-documentation \
		--warnings-as-errors $(foreach target,$(DOC_TARGETS),--target $(target))

fixtures:
	@scripts/setup.sh
	$(SWIFT) build
	@scripts/record-fixtures.sh

bench: bench-server bench-client bench-platform bench-cassette bench-faults bench-cassette-import bench-bindings \
	bench-executions

bench-server:
	@scripts/setup.sh --bench
	@scripts/bench-server.sh

bench-client:
	@scripts/setup.sh --bench
	@scripts/bench-client.sh

bench-platform:
	@scripts/setup.sh --bench
	@scripts/bench-platform.sh

bench-cassette:
	@scripts/setup.sh --bench
	@scripts/bench-cassette.sh

bench-faults:
	@scripts/setup.sh --bench
	@scripts/bench-faults.sh

bench-cassette-import:
	@scripts/setup.sh --test
	@scripts/bench-cassette-import.sh

bench-bindings:
	@scripts/setup.sh --bench
	@scripts/bench-bindings.sh

bench-executions:
	@scripts/setup.sh
	@scripts/bench-executions.sh

clean:
	rm -rf .build .build-* .venv

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
	bench-client bench-platform bench-cassette bench-faults bench-cassette-import bench-bindings fixtures setup clean

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

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Benchmarks

format:
	$(SWIFT) format format --in-place --recursive Package.swift Sources Tests Benchmarks

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

bench: bench-server bench-client bench-platform bench-cassette bench-faults bench-cassette-import bench-bindings

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

clean:
	rm -rf .build .build-* .venv

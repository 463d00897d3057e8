# Cupola — the two commands a newcomer needs:
#   make run    ingest the bundled Samples/ into ./library and say where the galleries are
#   make test   run the test suite
# Both install missing system packages first (Debian: apt-get; root or sudo).

SWIFT     ?= swift
LIBRARY   ?= library
APT_PKGS  := libvips-dev libexif-dev libsqlite3-dev libvips-tools pkg-config
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CUPOLA    := .build/debug/cupola

.PHONY: run test deps build samples bench fuzz clean

deps:
	@Scripts/install-deps.sh

build: deps
	$(SWIFT) build --product cupola

run: build
	rm -rf "$(LIBRARY)"
	$(CUPOLA) ingest Samples/downlink --library "$(LIBRARY)" --config Samples/cupola.toml
	@echo "galleries: $(LIBRARY)/galleries (index: $(LIBRARY)/galleries/index.json)"
	@$(CUPOLA) status --library "$(LIBRARY)"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Regenerates Samples/downlink with the project's own fixture code.
samples: build
	rm -rf Samples/downlink
	$(CUPOLA) make-samples Samples/downlink

bench: deps
	Scripts/bench.sh

clean:
	rm -rf .build "$(LIBRARY)"

# Cupola — the two commands a newcomer needs:
#   make run    ingest the bundled Samples/ into ./library and say where the galleries are
#   make test   run the test suite
# Both install missing system packages first (Debian: apt-get; root or sudo).

SWIFT     ?= swift
LIBRARY   ?= library
APT_PKGS  := libvips-dev libexif-dev libraw-dev libsqlite3-dev libvips-tools pkg-config
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
	@echo "site: $(abspath $(LIBRARY))/site/index.html (open it in a browser)"

# One test at a time, through a script that retries once only what the known rare crash explains
# (the test process or a cupola process dying of a signal: docs/DESIGN-NOTES.md, "Known defect").
# The PostgreSQL catalog's tests use a private server that Scripts/with-postgres.sh starts and removes.
test: deps
	$(SWIFT) build --build-tests
	Scripts/with-postgres.sh Scripts/run-tests.sh

# Regenerates Samples/downlink with the project's own fixture code.
samples: build
	rm -rf Samples/downlink
	$(CUPOLA) make-samples Samples/downlink

bench: deps
	Scripts/bench.sh

# libFuzzer + AddressSanitizer over the EXIF reader (Sources/CupolaCore/Metadata) and the C shim's
# JPEG and camera raw (LibRaw) paths, and the XMP and IPTC readers (XMP through FoundationXML). The
# raw seeds are DNGs made by the project's own fixture code.
FUZZ_SECONDS ?= 600
FUZZ_DIR     := .build/fuzz
fuzz: build
	mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/jpeg-corpus $(FUZZ_DIR)/raw-corpus $(FUZZ_DIR)/descriptive-corpus
	python3 Fuzz/seeds.py Samples/downlink $(FUZZ_DIR)/corpus
	python3 Fuzz/descriptive_seeds.py Samples/downlink $(FUZZ_DIR)/descriptive-corpus
	cp Samples/downlink/*.[jJ][pP][gG] $(FUZZ_DIR)/jpeg-corpus/
	clang -c -g -O1 -fsanitize=fuzzer-no-link,address $$(pkg-config --cflags vips libexif) \
	  -ISources/CCupolaShim/include Sources/CCupolaShim/exif.c -o $(FUZZ_DIR)/shim.o
	swiftc -g -O -sanitize=fuzzer,address -parse-as-library -module-name CupolaFuzz \
	  -I Sources/CExif -I Fuzz/modules/CCupolaShim $$(pkg-config --cflags vips libexif | sed 's/-I/-Xcc -I/g; s/-pthread//g') \
	  Sources/CupolaCore/Metadata/*.swift Fuzz/ExifFuzz.swift $(FUZZ_DIR)/shim.o \
	  $$(pkg-config --libs vips libexif) -o $(FUZZ_DIR)/exif-fuzz
	swiftc -g -O -sanitize=fuzzer,address -parse-as-library -module-name CupolaFuzz \
	  -I Sources/CExif -I Fuzz/modules/CCupolaShim $$(pkg-config --cflags vips libexif | sed 's/-I/-Xcc -I/g; s/-pthread//g') \
	  Sources/CupolaCore/Metadata/*.swift Fuzz/DescriptiveFuzz.swift $(FUZZ_DIR)/shim.o \
	  $$(pkg-config --libs vips libexif) -o $(FUZZ_DIR)/descriptive-fuzz
	clang -g -O1 -fsanitize=fuzzer,address $$(pkg-config --cflags vips libexif) -ISources/CCupolaShim/include \
	  Fuzz/jpeg_fuzz.c Sources/CCupolaShim/jpeg.c Sources/CCupolaShim/imaging.c \
	  $$(pkg-config --libs vips libexif libjpeg) -lm -o $(FUZZ_DIR)/jpeg-fuzz
	$(CUPOLA) make-samples $(FUZZ_DIR)/raw-corpus --count 4 --size 96 --raw preview >/dev/null
	$(CUPOLA) make-samples $(FUZZ_DIR)/raw-corpus --count 2 --size 64 --raw bare --expedition 69 >/dev/null
	# LibRaw's pkg-config asks for OpenMP, whose header clang lacks; the library brings its own runtime.
	clang++ -g -O1 -fsanitize=fuzzer,address $$(pkg-config --cflags vips libraw_r | sed 's/-fopenmp//g') -ISources/CCupolaShim/include \
	  -x c Fuzz/raw_fuzz.c Sources/CCupolaShim/craw.c Sources/CCupolaShim/imaging.c -x c++ Sources/CCupolaShim/craw_cancel.cpp \
	  $$(pkg-config --libs vips libraw_r | sed 's/-fopenmp//g') -lm -o $(FUZZ_DIR)/raw-fuzz
	$(FUZZ_DIR)/exif-fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -rss_limit_mb=1024 $(FUZZ_DIR)/corpus
	# No leak detection: FoundationXML's libxml2 error callback leaks the CFString of each parser
	# error (about 72 bytes; swift-corelibs-foundation, not our code), which LeakSanitizer stops on
	# (libFuzzer's own check, and ASan's at exit). A 600 s run found no other leak.
	ASAN_OPTIONS=detect_leaks=0 $(FUZZ_DIR)/descriptive-fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -rss_limit_mb=1024 -timeout=10 -detect_leaks=0 \
	  $(FUZZ_DIR)/descriptive-corpus
	$(FUZZ_DIR)/jpeg-fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
	  $(FUZZ_DIR)/jpeg-corpus
	$(FUZZ_DIR)/raw-fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -rss_limit_mb=2048 -timeout=20 \
	  $(FUZZ_DIR)/raw-corpus

clean:
	rm -rf .build "$(LIBRARY)"

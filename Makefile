# vigie - a thin layer over Meson + Ninja. See README.md.
#   make run     install what is missing, build, create a demo population, serve on :8080
#                (DATA=dir LISTEN=host:port BASE_URL=url INSURED=n PROS=n SEED=s)
#   make test    install what is missing, build with ASan+UBSan (and the fuzzers with clang),
#                run every test, the source checks and a few seconds of each fuzzer
#   make bench   release build, wrk against a 1,000,000-insured population -> docs/BENCHMARKS.md
#   make bench-incident  an incident at 510,000 people: affected set, letters, e-mails -> stdout
#   make fuzz    libFuzzer targets (clang), each for FUZZ_SECONDS
#   make clean
BUILD      ?= build
TEST_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DATA       ?= data
LISTEN     ?= 127.0.0.1:8080
BASE_URL   ?=
INSURED    ?= 100000
PROS       ?= 2000
SEED       ?= 1
FUZZ_SECONDS ?= 60

.PHONY: all deps deps-test build run test bench bench-incident fuzz clean

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@BASE_URL='$(BASE_URL)' scripts/run.sh $(BUILD)/vigie $(DATA) $(LISTEN) $(INSURED) $(PROS) $(SEED)

$(TEST_BUILD)/build.ninja:
	meson setup $(TEST_BUILD) -Dsanitize=address,undefined -Dtests=enabled

test: deps-test $(TEST_BUILD)/build.ninja $(FUZZ_BUILD)/build.ninja
	ninja -C $(TEST_BUILD)
	ninja -C $(FUZZ_BUILD)
	@FUZZ_BUILD=$(FUZZ_BUILD) scripts/test.sh $(TEST_BUILD)

bench: deps-test $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@scripts/bench.sh $(BUILD)

bench-incident: deps-test $(BUILD)/build.ninja
	ninja -C $(BUILD)
	@bench/incident.sh $(BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Dsanitize=address,undefined -Dtests=disabled

fuzz: deps-test $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD)

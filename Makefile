# losslab: the two commands of the README, and a few helpers.
#   make run    install missing Debian packages, build, run the main job
#   make test   install missing Debian packages, build, run the test suite
BUILD ?= build
JOBS ?= 2
OUT ?= results

.PHONY: all deps build run test bench clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/losslab paper --out $(OUT)/paper

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@scripts/deps.sh --bench
	bench/run.sh

clean:
	rm -rf $(BUILD)

# Condenser: `make demo` runs the main job, `make test` runs every test.
# Both install what is missing first: system libraries with apt-get (as root or with sudo)
# and a git-ignored Python virtual environment with h5py and numpy for the interop tests.

SWIFT ?= swift
# One release build with testing enabled serves the tests, the demo and the CLI alike.
BUILD_FLAGS := -c release -Xswiftc -enable-testing
BIN := .build/release
VENV := .venv
PYTHON := $(VENV)/bin/python
DEMO := checkpoints/shapes-vqa

.PHONY: all deps venv build test demo bench bench-compare fuzz clean

all: build

deps:
	@if ! command -v pkg-config >/dev/null || ! pkg-config --exists openblas hdf5-serial ompi-c || ! command -v mpirun >/dev/null; then \
		echo "installing libopenblas-dev libhdf5-dev libopenmpi-dev openmpi-bin pkg-config"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libopenblas-dev libhdf5-dev \
			libopenmpi-dev openmpi-bin pkg-config; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed:
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check h5py numpy
	touch $@

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

test: deps venv
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build

# The main job: the default recipe (reuses the shipped checkpoints/shapes-vqa/teacher.h5),
# then a look at the distilled student, its accuracy by question kind included, the cascade the
# recipe built, and the drift monitor: healthy on fresh samples (exit 0), drifted on noisy ones (exit 3).
demo: build
	$(BIN)/condenser distill recipes/shapes-vqa.json
	$(BIN)/condenser inspect $(DEMO)/student.h5
	$(BIN)/condenser data shapes --count 2000 --seed 2 --out $(DEMO)/test.h5 --overwrite
	$(BIN)/condenser eval $(DEMO)/student.h5 --data $(DEMO)/test.h5 --by-kind
	$(BIN)/condenser eval $(DEMO)/cascade.json --data $(DEMO)/test.h5
	$(BIN)/condenser data shapes --count 2000 --seed 60 --out $(DEMO)/fresh.h5 --overwrite
	$(BIN)/condenser data shapes --count 2000 --seed 60 --shift noise --out $(DEMO)/noisy.h5 --overwrite
	$(BIN)/condenser monitor $(DEMO)/student.h5 --reference $(DEMO)/test.h5 --data $(DEMO)/fresh.h5 \
		--out $(DEMO)/monitor-fresh.json --overwrite
	$(BIN)/condenser monitor $(DEMO)/student.h5 --reference $(DEMO)/test.h5 --data $(DEMO)/noisy.h5 \
		--out $(DEMO)/monitor-noisy.json --overwrite; test $$? -eq 3

# Forward latency and GFLOP/s against plain sgemm, training and distillation throughput: `make bench THREADS=1`.
THREADS ?= 2
bench: deps
	$(SWIFT) build $(BUILD_FLAGS) --product CoreBench
	$(BIN)/CoreBench --threads $(THREADS)

# The shipped teacher and student in Condenser, PyTorch and ONNX Runtime, one interleaved run: `make bench-compare`.
# Installs torch and onnxruntime into the git-ignored venv first (gigabytes: never part of CI); writes bench-compare.md.
bench-compare: build venv
	$(PYTHON) -m pip install --quiet --disable-pip-version-check torch onnx onnxruntime
	$(PYTHON) Benchmarks/compare/compare.py --threads $(THREADS)

# Hostile checkpoints, datasets, recipes and model configs against every reading command: `make fuzz CASES=10000`.
CASES ?= 10000
fuzz: deps
	$(SWIFT) build $(BUILD_FLAGS) --product condenser
	$(SWIFT) build $(BUILD_FLAGS) --product CondenserFuzz
	$(BIN)/CondenserFuzz --cases $(CASES) --jobs $(THREADS)

clean:
	rm -rf .build $(VENV)

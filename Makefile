# sweep: the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libjpeg-dev libpng-dev libmatio-dev libssl-dev zlib1g-dev libdnnl-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWEEP := .build/release/sweep

.PHONY: deps build test test-slurm bench run clean mutants

# Installs the Debian packages the build needs (only those missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release

# Unit tests and the end-to-end tests of the release binary (SweepCLITests), then the shell
# tests of Tests/e2e/ (the plugin-folder test: adds a throw-away plugin folder, rebuilds, uses it,
# removes it; the HTML report in headless chromium, installing Debian's chromium); the Slurm
# tests run beside the Swift suite, on a one-node cluster started for them and stopped after,
# pass or fail (one at a time: they drain the node and count their jobs). Ends with one line `tests: N passed, M failed, K skipped (...)`.
# The test services' packages (chromium, slurm-wlm, munge) install in the background while the
# binary compiles (Tests/prefetch-test-packages.sh; log in .build/test-packages.log).
test: deps
	@mkdir -p .build; Tests/prefetch-test-packages.sh >.build/test-packages.log 2>&1 &
	$(SWIFT) build -c release
	SWEEP_BINARY=$(CURDIR)/$(SWEEP) SWIFT=$(SWIFT) Tests/run_tests.sh

# Only the Slurm tests (cluster up, tests, cluster down).
test-slurm: build
	SWEEP_BINARY=$(CURDIR)/$(SWEEP) SWIFT=$(SWIFT) Tests/run_tests.sh --only-slurm

# The mutation check (minutes; not part of `make test`): Tests/mutants/mutants.txt, each mutant
# built in a scratch copy and run against the tests that must kill it.
mutants: deps
	SWIFT=$(SWIFT) Tests/mutants/run.sh

bench: build
	.build/release/sweep-bench

# The main job: the notebook's experiment as a 54-trial sweep.
run: build
	$(SWEEP) run sweeps/scene.yaml

clean:
	rm -rf .build

# sweep: the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libjpeg-dev libmatio-dev libssl-dev zlib1g-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWEEP := .build/release/sweep

.PHONY: deps build test test-slurm bench run clean

# Installs the Debian packages the build needs (only those missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release

# Unit tests and the end-to-end tests of the release binary (SweepCLITests), then the
# plugin-folder test (adds a throw-away plugin folder, rebuilds, uses it, removes it), then the
# Slurm tests on a one-node cluster started for them (and stopped after, pass or fail; they run
# alone since they drain the node and count its jobs).
test: build
	SWEEP_BINARY=$(CURDIR)/$(SWEEP) $(SWIFT) test --parallel --skip SlurmTests
	CONFIG=release Tests/e2e/plugin_folder_test.sh
	$(MAKE) test-slurm

test-slurm: build
	Tests/slurm/cluster-up.sh
	SWEEP_BINARY=$(CURDIR)/$(SWEEP) $(SWIFT) test --filter SlurmTests; status=$$?; Tests/slurm/cluster-down.sh; exit $$status

bench: build
	.build/release/sweep-bench

# The main job: the notebook's experiment as a 54-trial sweep.
run: build
	$(SWEEP) run sweeps/scene.yaml

clean:
	rm -rf .build

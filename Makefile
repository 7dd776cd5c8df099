# streamops.kafka — developer entry points. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv/bin
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build/collections
export STREAMOPS_CACHE ?= $(HOME)/.cache/streamops-kafka
export PATH := $(CURDIR)/.venv/bin:$(PATH)
export PY_COLORS := 0
export ANSIBLE_FORCE_COLOR := 0
SCENARIOS ?= $(shell ls -d molecule/*/molecule.yml 2>/dev/null | cut -d/ -f2 | grep -v '^_' | tr '\n' ' ')
STAGE := scripts/stage.sh

.PHONY: help bootstrap substrate image mirror lint sanity unit integration molecule test demo demo-down bench clean

help: ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

bootstrap: ## Debian packages, pinned .venv, collection link
	@scripts/bootstrap.sh

substrate: bootstrap ## dockerd, base image, artifact mirror (all cached)
	@scripts/docker-up.sh
	@scripts/build-image.sh
	@scripts/build-mirror.sh
	@scripts/mirror.sh start

image: bootstrap ## (re)build the Debian 12 systemd base image when its recipe changed
	@scripts/docker-up.sh && scripts/build-image.sh

mirror: bootstrap ## (re)build the offline Apache mirror from Maven Central jars
	@scripts/build-mirror.sh

lint: bootstrap ## ansible-lint (production profile) and shellcheck of the scripts
	@$(VENV)/ansible-lint
	@shellcheck .ci/run $$(git ls-files '*.sh')

sanity: bootstrap ## ansible-test sanity in a temporary ansible_collections tree
	@scripts/sanity.sh

unit: bootstrap ## unit tests (pure logic)
	@$(VENV)/pytest -q tests/unit

integration: bootstrap ## integration tests against real ZooKeeper/Kafka processes on loopback (two workers)
	@scripts/build-mirror.sh
	@$(VENV)/pytest -q -p no:cacheprovider -n 2 --dist loadfile --durations=12 tests/integration

molecule: substrate ## molecule test for each scenario (SCENARIO=x for one)
	@set -e; for s in $(or $(SCENARIO),$(SCENARIOS)); do \
	  $(STAGE) molecule-$$s $(VENV)/molecule test -s $$s; done

test: ## the whole suite: bootstrap, substrate, lint, sanity, unit, integration, every scenario
	@scripts/run-tests.sh

demo: substrate ## deploy the 3-node sandbox and show it (MODE=zookeeper default, MODE=kraft for KRaft on Kafka 4)
	@MODE=$(or $(MODE),zookeeper) scripts/demo.sh up

demo-down: ## remove the sandbox
	@MODE=$(or $(MODE),zookeeper) scripts/demo.sh down

bench: substrate ## benchmarks (print figures)
	@scripts/bench.sh

clean: ## remove build outputs (not the cache)
	rm -rf .build/sanity .pytest_cache tests/output

# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Every tool comes from scripts/tools.sh at pinned versions, into a per-user cache.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO        ?= go
HOST_ARCH := $(shell $(GO) env GOARCH)
# ARCH is the Lambda architecture of the zips: arm64 (the module's default) or amd64.
ARCH      ?= arm64
DIST      := $(CURDIR)/dist
FUNCTIONS := router tenant-worker
# The example worker in other runtimes: their code (and, for Node.js, its locked npm dependencies) zipped as a tree.
SCRIPT_WORKERS := tenant-worker-python tenant-worker-node
# Flags that make a bootstrap identical across machines: no cgo, no paths, no build or VCS IDs.
GO_BUILD  := CGO_ENABLED=0 GOOS=linux $(GO) build -tags lambda.norpc -trimpath -buildvcs=false -ldflags "-s -w -buildid="

TOOLS_ENV := $(shell scripts/tools.sh --print-env)
TOOLS_BIN := $(patsubst TOOLS_BIN=%,%,$(filter TOOLS_BIN=%,$(TOOLS_ENV)))
export TF_CLI_CONFIG_FILE := $(patsubst TF_CLI_CONFIG_FILE=%,%,$(filter TF_CLI_CONFIG_FILE=%,$(TOOLS_ENV)))
export PATH := $(TOOLS_BIN):$(PATH)
# Terraform directories that lint and validate walk.
TF_DIRS := . $(wildcard modules/*) $(wildcard examples/*)

E2E_TIMEOUT ?= 60m
# The runtime of the example worker in make demo: go, python or node.
RUNTIME ?= go

.PHONY: help
help: ## Show the targets.
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: build
build: ## Build reproducible Lambda zips into dist/$(ARCH)/ (ARCH=arm64|amd64).
	@case "$(ARCH)" in arm64|amd64) ;; *) echo "ARCH must be arm64 or amd64, not '$(ARCH)'" >&2; exit 2;; esac
	@for fn in $(FUNCTIONS); do \
	  mkdir -p $(DIST)/$(ARCH)/$$fn; \
	  GOARCH=$(ARCH) $(GO_BUILD) -o $(DIST)/$(ARCH)/$$fn/bootstrap ./lambda/$$fn; \
	  $(GO) run ./cmd/lambdazip -o $(DIST)/$(ARCH)/$$fn.zip $(DIST)/$(ARCH)/$$fn/bootstrap; \
	  size=$$(stat -c %s $(DIST)/$(ARCH)/$$fn.zip); \
	  if [ $$size -gt 6291456 ]; then echo "$$fn.zip is $$size bytes, over Lambda's 6 MB direct upload limit" >&2; exit 1; fi; \
	  printf '%s  %s (%s bytes)\n' "$$(sha256sum < $(DIST)/$(ARCH)/$$fn.zip | cut -c1-64)" "dist/$(ARCH)/$$fn.zip" "$$size"; \
	done
	@for fn in $(SCRIPT_WORKERS); do \
	  rm -rf $(DIST)/$(ARCH)/$$fn; mkdir -p $(DIST)/$(ARCH)/$$fn; \
	  cp lambda/$$fn/*.py lambda/$$fn/*.mjs lambda/$$fn/package*.json $(DIST)/$(ARCH)/$$fn/ 2>/dev/null || true; \
	  if [ -f lambda/$$fn/package-lock.json ]; then \
	    (cd $(DIST)/$(ARCH)/$$fn && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null); \
	  fi; \
	  $(GO) run ./cmd/lambdazip -o $(DIST)/$(ARCH)/$$fn.zip $(DIST)/$(ARCH)/$$fn; \
	  size=$$(stat -c %s $(DIST)/$(ARCH)/$$fn.zip); \
	  printf '%s  %s (%s bytes)\n' "$$(sha256sum < $(DIST)/$(ARCH)/$$fn.zip | cut -c1-64)" "dist/$(ARCH)/$$fn.zip" "$$size"; \
	done

.PHONY: reproducible
reproducible: ## Prove the zips are reproducible: rebuild from a fresh copy of the tree elsewhere and compare.
	@$(MAKE) build ARCH=$(ARCH) >/dev/null
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -x -C $$tmp; \
	  echo "==> rebuilding from a fresh copy in $$tmp (other path, other file times)"; \
	  $(MAKE) -C $$tmp build ARCH=$(ARCH) DIST=$$tmp/dist >/dev/null; \
	  for fn in $(FUNCTIONS) $(SCRIPT_WORKERS); do \
	    a=$$(sha256sum < $(DIST)/$(ARCH)/$$fn.zip | cut -c1-64); b=$$(sha256sum < $$tmp/dist/$(ARCH)/$$fn.zip | cut -c1-64); \
	    if [ "$$a" != "$$b" ]; then echo "$$fn.zip differs between builds: $$a vs $$b" >&2; exit 1; fi; \
	    echo "$$fn.zip ($(ARCH)): identical, sha256 $$a"; \
	  done

.PHONY: tools
tools: ## Install terraform, the hashicorp/aws provider, tflint, terraform-docs and staticcheck.
	@scripts/tools.sh

.PHONY: fmt
fmt: tools ## Format Go and Terraform code.
	gofmt -w $$(git ls-files '*.go')
	terraform fmt -recursive

.PHONY: docs
docs: tools ## Regenerate the inputs and outputs in every README.md.
	@terraform-docs . >/dev/null
	@for e in $(wildcard examples/*); do terraform-docs -c examples/.terraform-docs.yml $$e >/dev/null; done
	@echo "README inputs and outputs regenerated"

.PHONY: lint
lint: tools ## gofmt, go vet, staticcheck, terraform fmt, tflint, terraform-docs check.
	@echo "==> gofmt"; out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^tools/')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:" >&2; echo "$$out" >&2; exit 1; fi
	@echo "==> go vet"; $(GO) vet ./...
	@echo "==> go vet (e2e tag)"; $(GO) vet -tags e2e ./test/... ./internal/e2e/...
	@echo "==> staticcheck"; staticcheck ./...
	@echo "==> terraform fmt"; terraform fmt -check -recursive -diff
	@echo "==> tflint"; tflint --init >/dev/null; tflint --recursive --config $(CURDIR)/.tflint.hcl
	@echo "==> terraform-docs"; { terraform-docs --output-check . && \
	  for e in $(wildcard examples/*); do terraform-docs --output-check -c examples/.terraform-docs.yml $$e; done; } >/dev/null || \
	  { echo "README inputs/outputs are stale: run 'make docs'" >&2; exit 1; }

.PHONY: validate
validate: tools ## terraform init + validate the root, every submodule and every example, offline.
	@for d in $(TF_DIRS); do \
	  echo "==> validate $$d"; \
	  data=$$(mktemp -d); \
	  TF_DATA_DIR=$$data terraform -chdir=$$d init -backend=false -input=false -lockfile=readonly >/dev/null 2>$$data/err || \
	    TF_DATA_DIR=$$data terraform -chdir=$$d init -backend=false -input=false >/dev/null 2>$$data/err || { cat $$data/err >&2; exit 1; }; \
	  TF_DATA_DIR=$$data terraform -chdir=$$d validate -no-color; \
	  rm -rf $$data; rm -f $$d/.terraform.lock.hcl; \
	done

.PHONY: test-module
test-module: tools ## terraform test with a mock provider in the root and every module with tests/: checks and plan shape, offline.
	@scripts/module-tests.sh

.PHONY: unit
unit: ## Go unit tests, localaws tests and benchmarks smoke (no Terraform needed).
	$(GO) test -race -count=1 ./internal/... ./isolation/... ./lambda/...
	$(GO) test -count=1 ./localaws/... ./cmd/...
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x ./internal/... ./localaws/...

.PHONY: e2e
e2e: tools ## Plan tests, provider round trip and the isolation proof (TEST_TARGET=localaws|aws).
	@$(if $(E2E_BUILT),,$(MAKE) build ARCH=$(E2E_ARCH))
	DIST_DIR=$(DIST) LAMBDA_ARCH=$(E2E_ARCH) $(GO) test -tags e2e -count=1 -timeout $(E2E_TIMEOUT) -parallel 6 -v ./test/... 2>&1 | tee $(DIST)/e2e.log

.PHONY: e2e-rehearsal
e2e-rehearsal: tools ## The suite's TEST_TARGET=aws path against a separate localaws it reaches only by AWS_ENDPOINT_URL.
	@$(if $(E2E_BUILT),,$(MAKE) build ARCH=$(HOST_ARCH))
	DIST_DIR=$(DIST) LAMBDA_ARCH=$(HOST_ARCH) scripts/e2e-rehearsal.sh 2>&1 | tee $(DIST)/e2e-rehearsal.log

# localaws runs bootstraps on this host, so the e2e zips match the host; in AWS, arm64.
ifeq ($(TEST_TARGET),aws)
E2E_ARCH ?= arm64
else
E2E_ARCH ?= $(HOST_ARCH)
endif

.PHONY: test
test: ## Everything CI runs: lint, validate, module tests, unit, reproducibility, e2e, the rehearsal of the account path.
	@$(MAKE) tools
	@$(MAKE) lint
	@$(MAKE) validate
	@$(MAKE) test-module
	@$(MAKE) unit
	@$(MAKE) reproducible ARCH=arm64
	@$(MAKE) reproducible ARCH=amd64
	@$(MAKE) build ARCH=$(E2E_ARCH) >/dev/null
	@$(MAKE) build ARCH=$(HOST_ARCH) >/dev/null
	@# Side by side: both mostly wait on Terraform and the provider. Each prints when it is done.
	@$(MAKE) -j2 --output-sync=target e2e e2e-rehearsal E2E_BUILT=1

.PHONY: demo
demo: tools ## Apply examples/complete on localaws, send tenant traffic, print the isolation table (RUNTIME=go|python|node, DEMO_DESTROY=1 destroys).
	@$(MAKE) build ARCH=$(HOST_ARCH)
	@DIST_DIR=$(DIST) LAMBDA_ARCH=$(HOST_ARCH) RUNTIME=$(RUNTIME) $(GO) run ./cmd/demo

.PHONY: bench
bench: ## Benchmarks with the figures of docs/architecture.md: router CPU and fan-out, localaws invoke, cold start, SQS.
	$(GO) test -run '^$$' -bench . -benchmem ./internal/tenant/ ./localaws/lambda/execenv/
	$(GO) test -run '^$$' -bench 'RouteRecord|HandleSQSBatch' -benchmem ./internal/router/
	$(GO) test -run '^$$' -bench FanOut -benchtime 5x ./internal/router/
	$(GO) test -run '^$$' -bench SendReceiveDelete -benchtime 20000x ./localaws/sqs/

.PHONY: bench-runtimes
bench-runtimes: ## Cold start and warm-invoke overhead of Go, Python and Node.js functions on localaws, side by side.
	$(GO) test -run '^$$' -bench 'ColdStart|WarmInvoke' -benchtime 20x ./localaws/lambda/execenv/

.PHONY: bench-e2e
bench-e2e: tools ## End-to-end throughput on localaws: SQS send to backend completion, 50 tenants (THROUGHPUT_MESSAGES), and IAM on vs off.
	@$(MAKE) build ARCH=$(E2E_ARCH)
	DIST_DIR=$(DIST) LAMBDA_ARCH=$(E2E_ARCH) $(GO) test -tags e2e -run '^$$' -bench Throughput -benchtime 1x -timeout 40m ./test/

SOAK_MESSAGES ?= 10000

.PHONY: soak
soak: tools ## Soak examples/complete with SOAK_MESSAGES messages, poison, spoofing and injected faults; print the accounting.
	@$(MAKE) build ARCH=$(E2E_ARCH)
	@DIST_DIR=$(DIST) LAMBDA_ARCH=$(E2E_ARCH) $(GO) run ./cmd/soak -messages $(SOAK_MESSAGES)

.PHONY: tenantctl
tenantctl: tools ## Run tenantctl with ARGS, e.g. make tenantctl ARGS="list -chdir examples/complete" (terraform from the tools cache).
	@$(GO) run ./cmd/tenantctl $(ARGS)

.PHONY: localaws
localaws: ## Run localaws on 127.0.0.1:4566 in the foreground.
	$(GO) run ./cmd/localaws -addr 127.0.0.1:4566 -state-dir $(CURDIR)/.localaws

.PHONY: clean
clean: ## Remove build output (the tools cache is kept).
	rm -rf $(DIST) .localaws

# Upwards — one command to run, one to test.
GO      ?= go
BIN     := bin/upwards
# A semantic version always (plugins' min_core_version is checked against it):
# the tag's for a tagged build (v0.4.0 → 0.4.0), else 0.4.0-dev+<short hash>.
VERSION ?= $(shell scripts/version.sh)
LDFLAGS := -X github.com/challengepartners/upwards/core/app.Version=$(VERSION)

BUF_VERSION            := v1.75.0
PROTOC_GEN_GO_VERSION  := v1.36.12
PROTOC_GEN_GRPC_VERSION := v1.6.2
TOOLS := $(CURDIR)/bin/tools
# Every module of the workspace (go.work): the core (root), the plugin SDK and
# each programme plugin, each versioned and built on its own.
MODULES := $(shell $(GO) list -m -f '{{.Dir}}' 2>/dev/null)
PKGS    := $(addsuffix /...,$(MODULES))
# The programme plugins: every plugins/<id> with a main package.
PLUGINS := $(notdir $(patsubst %/main.go,%,$(wildcard plugins/*/main.go)))

.PHONY: run build test test-short bench services test-deps vet fmt clean proto proto-check tools modules-check contract-release

## run: build the binary, build the demo install (once) and serve it at http://127.0.0.1:8080
run: build
	./$(BIN) demo --serve

## build: compile the upwards binary (cgo, for SQLite) and the plugins (pure Go)
build:
	CGO_ENABLED=1 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./core/cmd/upwards
	@echo "build bin/plugins: $(PLUGINS)"
	@mkdir -p bin/plugins
	@# One go build for every plugin: their compiles and links run in parallel.
	CGO_ENABLED=0 $(GO) build -o bin/plugins/ $(addprefix ./plugins/,$(PLUGINS))

## test: every test (with the race detector), on SQLite and the real PostgreSQL and Redis (started if stopped), with the browser test
test: services test-deps proto-check modules-check
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 40m $(PKGS)

## test-short: the tests without starting services (for a quick loop)
test-short:
	$(GO) test -count=1 $(PKGS)

## bench: the benchmarks in bench/ (ratios against a baseline measured in the same run)
bench: services
	$(GO) test -run '^$$' -bench . -benchtime 3s ./bench/...
	$(GO) run ./bench/startup
	$(GO) run ./bench/coldstart
	$(GO) run ./bench/home
	$(GO) run ./bench/pluginrls
	$(GO) run ./bench/pupilimport
	bench/qaallocation/run.sh

## tools: install the pinned protobuf tools into bin/tools
tools:
	@mkdir -p $(TOOLS)
	@test -x $(TOOLS)/buf || GOBIN=$(TOOLS) GOFLAGS= $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
	@test -x $(TOOLS)/protoc-gen-go || GOBIN=$(TOOLS) GOFLAGS= $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	@test -x $(TOOLS)/protoc-gen-go-grpc || GOBIN=$(TOOLS) GOFLAGS= $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GRPC_VERSION)

## proto: lint the contract and regenerate its Go code
proto: tools
	cd plugins/sdk/proto && PATH=$(TOOLS):$$PATH buf lint && PATH=$(TOOLS):$$PATH buf generate

## proto-check: fail when the generated code is stale, lint fails, or the contract breaks the released one
proto-check: tools
	@scripts/proto-check.sh $(TOOLS)

## contract-release: record the contract as released (the image buf breaking compares against)
contract-release: tools
	cd plugins/sdk/proto && PATH=$(TOOLS):$$PATH buf build -o released/contract-v1.binpb

## modules-check: each module builds on its own (no workspace) and its go.mod is tidy
modules-check:
	@scripts/modules-check.sh $(MODULES)

services:
	@scripts/ensure-services.sh

test-deps:
	@scripts/ensure-test-deps.sh

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin var

# Upwards — one command to run, one to test.
GO      ?= go
BIN     := bin/upwards
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/challengepartners/upwards/core/app.Version=$(VERSION)

BUF_VERSION            := v1.75.0
PROTOC_GEN_GO_VERSION  := v1.36.12
PROTOC_GEN_GRPC_VERSION := v1.6.2
TOOLS := $(CURDIR)/bin/tools

.PHONY: run build test test-short bench services test-deps vet fmt clean proto proto-check tools

## run: build the binary, build the demo install (once) and serve it at http://127.0.0.1:8080
run: build
	./$(BIN) demo --serve

## build: compile the upwards binary (cgo, for SQLite) and the plugins (pure Go)
build:
	CGO_ENABLED=1 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./core/cmd/upwards
	CGO_ENABLED=0 $(GO) build -o bin/plugins/challengegap ./plugins/challengegap

## test: every test (with the race detector), on SQLite and the real PostgreSQL and Redis (started if stopped), with the browser test
test: services test-deps proto-check
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 40m ./...

## test-short: the tests without starting services (for a quick loop)
test-short:
	$(GO) test -count=1 ./...

## bench: the benchmarks in bench/ (ratios against a baseline measured in the same run)
bench: services
	$(GO) test -run '^$$' -bench . -benchtime 3s ./bench/...
	$(GO) run ./bench/startup
	$(GO) run ./bench/pupilimport

## tools: install the pinned protobuf tools into bin/tools
tools:
	@mkdir -p $(TOOLS)
	@test -x $(TOOLS)/buf || GOBIN=$(TOOLS) GOFLAGS= $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
	@test -x $(TOOLS)/protoc-gen-go || GOBIN=$(TOOLS) GOFLAGS= $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	@test -x $(TOOLS)/protoc-gen-go-grpc || GOBIN=$(TOOLS) GOFLAGS= $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GRPC_VERSION)

## proto: lint the contract and regenerate its Go code
proto: tools
	cd plugins/proto && PATH=$(TOOLS):$$PATH buf lint && PATH=$(TOOLS):$$PATH buf generate

## proto-check: fail when the committed generated code is not what the .proto files generate, or lint fails
proto-check: tools
	@scripts/proto-check.sh $(TOOLS)

services:
	@scripts/ensure-services.sh

test-deps:
	@scripts/ensure-test-deps.sh

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin var

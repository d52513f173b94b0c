# Upwards — one command to run, one to test.
GO      ?= go
BIN     := bin/upwards
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/challengepartners/upwards/core/app.Version=$(VERSION)

.PHONY: run build test test-short bench services test-deps vet fmt clean

## run: build the binary, build the demo install (once) and serve it at http://127.0.0.1:8080
run: build
	./$(BIN) demo --serve

## build: compile the upwards binary (pure Go, no cgo)
build:
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./core/cmd/upwards

## test: every test (with the race detector), on SQLite and the real PostgreSQL and Redis (started if stopped), with the browser test
test: services test-deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 40m ./...

## test-short: the tests without starting services (for a quick loop)
test-short:
	$(GO) test -count=1 ./...

## bench: the benchmarks in bench/ (ratios against a baseline measured in the same run)
bench: services
	$(GO) test -run '^$$' -bench . -benchtime 3s ./bench/...
	$(GO) run ./bench/startup

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

# fleetaudit — developer targets. `make test` is what CI runs (.ci/run).
GO       ?= go
PKGS     := ./...
BIN      := bin/fleetaudit
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all build test unit lint fmt fmt-rego generate bench demo test-binaries clean

all: lint build test

build:
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/fleetaudit

## test: lint, then every test (unit, Rego, integration against real kube-apiserver/etcd).
## Integration tests need `make test-binaries` first; under CI=1 they fail instead of skipping.
test: lint
	$(GO) test -count=1 -timeout 60m $(PKGS)

## unit: the fast tests only (integration tests skip when the binaries are absent).
unit:
	$(GO) test -short $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run ./cmd/fleetaudit rules test

fmt:
	gofmt -w $$(git ls-files '*.go')
	$(GO) run ./hack/regofmt rules

fmt-rego:
	$(GO) run ./hack/regofmt rules

## generate: regenerate the committed artifacts (dashboard JSON, docs/metrics.md,
## docs/config.schema.json).
generate:
	$(GO) run ./cmd/fleetaudit dashboards --output-dir dashboards/json
	$(GO) test ./cmd/fleetaudit -run TestConfigSchemaUpToDate -update
	$(GO) test ./internal/metrics -run TestEveryMetricDocumented -update
	$(GO) run ./hack/renderchart

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

demo:
	$(GO) run ./cmd/fleetaudit audit --demo

## test-binaries: build kube-apiserver, etcd (Debian) and kube-bench into .cache/bin.
test-binaries:
	bash hack/build-test-binaries.sh

clean:
	rm -rf bin

# fleetaudit — developer targets. `make test` is what CI runs (.ci/run).
GO       ?= go
PKGS     := ./...
BIN      := bin/fleetaudit
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all build test unit test-race fuzz lint fmt fmt-rego generate bench demo test-binaries image clean

all: lint build test

build:
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/fleetaudit

## test: lint, then every test (unit, Rego, integration against real kube-apiserver/etcd).
## Integration tests need `make test-binaries` first; under CI=1 they fail instead of skipping.
## Then the race detector on the concurrent packages, and every fuzz target for a short time.
test: lint
	$(GO) test -count=1 -timeout 60m $(PKGS)
	$(MAKE) test-race
	$(MAKE) fuzz

## test-race: -race on the concurrent parts: fleet workers, the server (gate, webhook, hook,
## limiter, reloads), metrics, and the collectors' listing against the real API server.
RACE_PKGS := ./internal/fleet/... ./internal/server/... ./internal/metrics/... ./collectors/...
test-race:
	$(GO) test -race -count=1 -timeout 30m $(RACE_PKGS)

## fuzz: every fuzz target for about 10s each (FUZZTIME=1m for longer); crashing inputs land
## in testdata/fuzz.
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash hack/fuzz.sh

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

## image: the default and cloud images (Dockerfile, docs/images.md) for linux/amd64 and
## linux/arm64, each with an SBOM and provenance attestation, as OCI archives in bin/; PUSH=1
## pushes them to $(IMAGE) (default ghcr.io/fleetaudit/fleetaudit) as VERSION and
## VERSION-cloud instead. Needs docker buildx with a builder that keeps attestations
## (docker buildx create --use).
image:
	@mkdir -p bin
	for target in default cloud; do \
	  suffix=$$( [ $$target = cloud ] && echo -cloud ); \
	  out="--output type=oci,dest=bin/fleetaudit-$(VERSION)$$suffix.oci.tar"; \
	  [ -n "$(PUSH)" ] && out=--push; \
	  docker buildx build --platform linux/amd64,linux/arm64 --target $$target \
	    --build-arg VERSION=$(VERSION) --sbom=true --provenance=true \
	    --tag $(or $(IMAGE),ghcr.io/fleetaudit/fleetaudit):$(VERSION)$$suffix $$out . || exit 1; \
	done

clean:
	rm -rf bin

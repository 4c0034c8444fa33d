# authconform: run `make` for the list of targets.

GO        ?= go
ADDR      ?= 127.0.0.1:8080
TEST_FLAGS ?= -race -count=1

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## run every check against the embedded reference server
	$(GO) run ./harness run

.PHONY: serve
serve: ## run the reference server on $(ADDR)
	$(GO) run ./reference-server --addr $(ADDR)

.PHONY: test
test: ## run the unit tests and the feature suite (race detector on)
	$(GO) test $(TEST_FLAGS) ./...

.PHONY: detect
detect: ## prove every deliberate fault of the reference server is caught by exactly its checks (~1 min)
	$(GO) test -count=1 -v -run 'TestDetection|TestTable|TestCompare' ./harness/internal/detection -detect.all

.PHONY: detect-update
detect-update: ## rerun the fault matrix and rewrite its table in the README
	$(GO) test -count=1 ./harness/internal/detection -detect.all -update

.PHONY: lint
lint: ## check formatting and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

.PHONY: check
check: lint test detect ## what CI runs

.PHONY: bench
bench: ## measure the harness and reference server beside their references (~1.5 min); writes harness/bench/RESULTS.md
	$(GO) run ./harness/bench -out harness/bench/RESULTS.md $(BENCH_FLAGS)

.PHONY: build
build: ## build bin/harness and bin/reference-server
	$(GO) build -o bin/harness ./harness
	$(GO) build -o bin/reference-server ./reference-server

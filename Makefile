# pactwatch: run 'make' or 'make help' for the targets.
.DEFAULT_GOAL := help

build: ## build ./pactwatch
	go build -o pactwatch ./cmd/pactwatch

demo: ## run the demo in a temporary database
	go run ./cmd/pactwatch demo

test: ## run every test, as CI does
	bash scripts/test.sh

bench: ## run the Go benchmarks of the hot paths
	go test -run XXX -bench . ./internal/sweep ./internal/telemetry/... ./internal/store/...

fmt: ## format the code
	gofmt -w cmd internal

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

.PHONY: build demo test bench fmt help

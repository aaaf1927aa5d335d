#!/usr/bin/env bash
# Runs every pactwatch test: formatting, vet, unit, golden, fuzz seed corpora,
# CLI scripts and the integration tests over ../shared/data when present.
# It installs what the tests need by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PACTWATCH_SHARED_DATA:-}" ] && [ -d ../shared/data ]; then
	PACTWATCH_SHARED_DATA="$(cd ../shared/data && pwd)"
	export PACTWATCH_SHARED_DATA
fi

unformatted=$(gofmt -l cmd internal)
if [ -n "$unformatted" ]; then
	echo "gofmt: these files need 'gofmt -w':" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
go test -count=1 ./...

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

# The PDF dialogue report is printed by headless Chromium (Debian package).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	echo "installing chromium for the PDF report test" >&2
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
	if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >&2; then
		echo "warning: could not install chromium; the PDF report test will be skipped" >&2
	fi
fi

unformatted=$(gofmt -l cmd internal)
if [ -n "$unformatted" ]; then
	echo "gofmt: these files need 'gofmt -w':" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
# The binary builds for the other systems it is made for (build tags and
# syscall differences show only there).
for target in darwin/arm64 windows/amd64; do
	GOOS=${target%/*} GOARCH=${target#*/} go build -o /dev/null ./cmd/pactwatch
done
go test -count=1 ./...

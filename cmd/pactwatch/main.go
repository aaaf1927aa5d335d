// Command pactwatch makes cyber agreements enforceable: it sweeps
// telemetry for threat indicators, attributes intrusions, judges intent and
// evaluates them against agreements. See 'pactwatch --help'.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pactwatch/pactwatch/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

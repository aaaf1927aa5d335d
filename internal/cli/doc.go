// Package cli implements the pactwatch command line: one file per command
// group, exit codes decided in Run.
package cli

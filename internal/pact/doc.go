// Package pact holds the agreements (embedded data files plus the user's
// own), evaluates intrusions against them into findings with the five-link
// enforcement chain, and computes before/after statistics.
package pact

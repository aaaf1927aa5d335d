// Package telemetry defines the normalised Event that every telemetry reader
// produces, the typed ParseError for bad input, and format detection. One
// subpackage per input format (eve, zeek, ndjson) turns raw lines into Events.
package telemetry

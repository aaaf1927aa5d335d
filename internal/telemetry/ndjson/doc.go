// Package ndjson decodes generic newline-delimited JSON records into
// telemetry Events through a FieldMap that names, for each Event field, the
// dotted JSON path holding it. DefaultFieldMap follows the Elastic Common
// Schema; ParseFieldMap and LoadFieldMap build maps from a CLI flag or a
// JSON file.
package ndjson

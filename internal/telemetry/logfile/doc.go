// Package logfile is the entry point for reading telemetry files: it opens a
// path (or stdin), transparently decompresses gzip (detected by its magic
// bytes), detects the format from content and file name, splits lines with a
// length cap in constant memory, and decodes them into telemetry Events that
// keep the file, line number and byte offset of their raw line. Readers can
// resume at an earlier Offset/Line, and Key identifies an input by its
// content for checkpoints.
package logfile

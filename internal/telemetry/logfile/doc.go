// Package logfile is the entry point for reading telemetry files: it opens a
// path (or stdin), transparently decompresses gzip (detected by its magic
// bytes), detects the format from content and file name, splits lines with a
// length cap in constant memory, and decodes them into telemetry Events that
// keep the file, line number and byte offset of their raw line.
//
// Readers can resume at an earlier Offset/Line. Offset and Line only ever
// count newline-terminated lines: a final line without a newline is still
// decoded and returned (a complete file may lack its last newline), but it
// may be a line a sensor is still writing, so it stays beyond Offset (Tail
// gives its length) and a checkpoint taken at Offset reads it again, whole,
// next time.
//
// Key identifies an input by its content for checkpoints: the SHA-256 of
// its first HeadLen (up to HeadSize) decompressed bytes. A file smaller than
// HeadSize gets a new key as it grows; PrefixKeys gives the keys its earlier
// versions had, so a caller can find their checkpoints and continue them.
package logfile

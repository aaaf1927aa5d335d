package telemetry

// Decoder turns raw lines of one format into Events. A Decoder is stateful
// per input (Zeek TSV reads its #fields header) and is not safe for
// concurrent use; create one per file.
type Decoder interface {
	// Decode parses one raw line (without its line ending) into ev, which the
	// caller has reset and whose Source is already set. It returns ok=false
	// with a nil error for lines that carry no event (headers, comments,
	// blank lines). It returns a *ParseError-compatible error (the caller
	// adds file and line) for malformed input; reading goes on after it.
	Decode(line []byte, ev *Event) (ok bool, err error)
}

// Format is one telemetry format the readers know.
type Format interface {
	// Name is the format's identifier: "eve", "zeek-json", "zeek-tsv", "ndjson".
	Name() string
	// Sniff reports whether the first bytes of a (decompressed) input look
	// like this format. path may help (e.g. conn.log) but must not be required.
	Sniff(path string, head []byte) bool
	// NewDecoder returns a decoder for one input.
	NewDecoder() Decoder
}

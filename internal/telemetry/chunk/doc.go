// Package chunk reads telemetry files in parallel: a plain file is split
// into byte ranges at line boundaries and each range is decoded on its own
// worker, with its own clone of the format's decoder and reused buffers,
// while results are handed back in file order with exact line numbers and
// byte offsets.
//
// Run is the entry point. A Worker receives the events and malformed lines
// of one chunk at a time, with line numbers counted from 1 within the
// chunk; Run's done callback then sees the chunks in input order with
// LineBase set, the number of lines before the chunk, so line numbers are
// made absolute cheaply when merging. Compressed input, standard input and
// pipes, which can be read only once, are read (and decompressed) by one
// goroutine that cuts them after newlines into chunks held in memory, which
// the workers decode like a plain file's; an input whose format cannot be
// told from its start, or whose decoder cannot be cloned, is read
// sequentially as one chunk. Zeek TSV chunks start from a clone of the decoder
// after the file's leading header block; a chunk that meets a later header
// line makes Run decode the chunks after it again, in order, from the
// decoder state that header left, so results are always those of one
// sequential read.
package chunk

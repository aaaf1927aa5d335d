// Package dedup finds near-duplicate texts: syndicated copies of one
// article, copies with an added title, inserted advertisements or a cut
// ending. It sketches each text with MinHash over word shingles (xxh3
// hashes, one multiply-add per hash function), finds candidate pairs by
// banded locality-sensitive hashing over two signatures (the whole text
// and its lead, so that a copy cut to a fraction of the original still
// meets it), and checks every candidate exactly by the containment of
// their shingle sets. Texts that share a passage without being copies are
// reported as related, which is what groups different articles into one
// story.
//
// The Index is incremental (Add one text at a time, safe to query while
// growing) and Cluster runs it over a batch, sketching on every core.
package dedup

// Package prefault asks the kernel to back memory with pages before the
// program first writes to it.
//
// Building a sweep set of millions of indicators writes to hundreds of
// megabytes of fresh memory, and where a page fault is dear (virtual
// machines: about 13 µs a page was measured on the 2-core machine the
// benchmarks run on, 0.5 s for 160 MB) faulting it in a page at a time
// costs more than all the parsing. On Linux 5.14 and later,
// madvise(MADV_POPULATE_WRITE) maps a whole range in one call (15 ms for
// the same 160 MB). Elsewhere, and where the kernel refuses, the functions
// do nothing: memory is then faulted in as it is written, as usual.
//
// The first prefault of an array also asks for transparent huge pages for
// all of it (madvise(MADV_HUGEPAGE)), which kernels often give only on
// request: a fault and a TLB entry per 2 MiB instead of per 4 KiB, so that
// lookups at random in the indexes miss the TLB less (1M indicators, 315 MB
// EVE, -j 1: 0.87 s to 0.76 s).
//
// Prefaulting changes no contents; it only makes the range resident, so
// callers prefault what they are about to write, not what they might.
package prefault

package prefault

import (
	"syscall"
	"unsafe"
)

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14).
const madvPopulateWrite = 23

// pageSize is the smallest page size of Linux on the architectures Go
// supports; ranges are shrunk to whole pages of it.
const pageSize = 4096

// populate prefaults the whole pages among the n bytes at p. Errors (an
// old kernel, a range the kernel will not populate) are ignored: the
// pages are then faulted in when written.
func populate(p unsafe.Pointer, n uintptr) {
	d := (pageSize - uintptr(p)%pageSize) % pageSize
	if n < d+16*pageSize {
		return // not worth a system call
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, d)), (n-d)&^(pageSize-1))
	_ = syscall.Madvise(b, madvPopulateWrite)
}

// madvHugepage is MADV_HUGEPAGE.
const madvHugepage = 14

// hugePage is the size of a transparent huge page on amd64 and arm64
// (with 4 KiB base pages).
const hugePage = 2 << 20

// hugepages asks for transparent huge pages for the whole 2 MiB pages
// among the n bytes at p, where the kernel gives them only on request
// (transparent_hugepage "madvise", a common default): a page fault, and a
// TLB entry, per 2 MiB instead of per 4 KiB. Lookups at random in an index
// of tens of megabytes then miss the TLB far less. Errors are ignored.
func hugepages(p unsafe.Pointer, n uintptr) {
	d := (hugePage - uintptr(p)%hugePage) % hugePage
	if n < d+hugePage {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, d)), (n-d)&^(hugePage-1))
	_ = syscall.Madvise(b, madvHugepage)
}

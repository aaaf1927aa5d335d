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

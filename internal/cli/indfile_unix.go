//go:build unix

package cli

import (
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapFile maps size bytes of f, read-only and shared.
func mapFile(f *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
}

// dropPages drops the pages of data[lo:hi] that lie wholly in it from
// the process's memory, data being (part of) a file mapping: they are
// read back from the file if they are touched again.
func dropPages(data []byte, lo, hi int) {
	ps := os.Getpagesize()
	base := int(uintptr(unsafe.Pointer(unsafe.SliceData(data))) % uintptr(ps))
	lo = (base+lo+ps-1)/ps*ps - base
	hi = (base+hi)/ps*ps - base
	if lo < hi {
		_ = unix.Madvise(data[lo:hi], unix.MADV_DONTNEED) // advice: nothing to do if refused
	}
}

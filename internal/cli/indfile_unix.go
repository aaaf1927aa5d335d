//go:build unix

package cli

import (
	"os"
	"syscall"
)

// mapFile maps size bytes of f, read-only and shared.
func mapFile(f *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
}

//go:build !amd64

package sweep

import "unsafe"

// prefetch does nothing here.
func prefetch(p unsafe.Pointer) {}

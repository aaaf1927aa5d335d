//go:build !unix

package cli

import (
	"errors"
	"os"
)

// mapFile is not done here: files are read.
func mapFile(f *os.File, size int) ([]byte, error) { return nil, errors.ErrUnsupported }

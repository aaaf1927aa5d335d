package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
)

// readRawLine returns the line starting at byte offset of path's
// (decompressed) content: the raw evidence behind an event.
func readRawLine(path string, offset int64) (string, error) {
	if path == "-" || path == "" {
		return "", fmt.Errorf("the input was standard input")
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var r io.Reader = f
	magic := make([]byte, 2)
	if n, _ := io.ReadFull(f, magic); n == 2 && bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return "", err
		}
		gz, err := gzip.NewReader(f)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		if _, err := io.CopyN(io.Discard, gz, offset); err != nil {
			return "", fmt.Errorf("%s is shorter than offset %d: %w", path, offset, err)
		}
		r = gz
	} else if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return "", err
	}
	line, err := bufio.NewReaderSize(r, 64<<10).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// mapMin is the size from which an indicator file is mapped rather than
// read.
const mapMin = 1 << 20

// indicatorFile is the contents of an indicator file. A regular file of
// mapMin bytes or more is mapped (read-only, shared) rather than read:
// its pages are the page cache's, which costs neither a copy nor fresh
// memory (on a virtual machine whose host takes freed memory back, every
// fresh page faults twice: a list of ten million indicators, 170 MB,
// compiled a third slower read than mapped). The sweep's Set keeps values
// in the contents, so a mapping lives as long as the process; while the
// file stays open, check tells whether it was written since.
type indicatorFile struct {
	name string
	data []byte
	f    *os.File // open while mapped
	size int64
	mod  time.Time
}

// openIndicators returns the contents of the indicator file name, mapped
// or read (see indicatorFile); a file read is read in parts on up to jobs
// goroutines.
func openIndicators(name string, jobs int) (*indicatorFile, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.Mode().IsRegular() && fi.Size() >= mapMin && int64(int(fi.Size())) == fi.Size() {
		if data, err := mapFile(f, int(fi.Size())); err == nil {
			return &indicatorFile{name: name, data: data, f: f, size: fi.Size(), mod: fi.ModTime()}, nil
		} // else read it
	}
	defer f.Close()
	size := 0
	if fi.Mode().IsRegular() {
		size = int(fi.Size())
	}
	data, err := readPrefaulted(f, size, jobs)
	if err != nil {
		return nil, err
	}
	return &indicatorFile{name: name, data: data}, nil
}

// check returns an error if the file is mapped and was written since it
// was opened (its size or modification time differ): values read from it
// may then be neither the old ones nor the new. A file replaced by
// renaming another over it is not changed: the mapping is of the old one.
func (x *indicatorFile) check() error {
	if x.f == nil {
		return nil
	}
	fi, err := x.f.Stat()
	if err != nil {
		return fmt.Errorf("indicators %s: %w", x.name, err)
	}
	if fi.Size() != x.size || !fi.ModTime().Equal(x.mod) {
		return fmt.Errorf("indicators %s were written while in use (%d bytes, modified %s; now %d bytes, modified %s): "+
			"matches may be wrong, sweep again; update an indicator file by renaming a new one over it, not in place",
			x.name, x.size, x.mod.Format(time.RFC3339Nano), fi.Size(), fi.ModTime().Format(time.RFC3339Nano))
	}
	return nil
}

// readPrefaulted reads f, of size bytes if it is a regular file (else
// 0), into memory prefaulted in one go (see package prefault). A regular
// file of a few MiB or more is read in parts on up to jobs goroutines
// (the copy out of the page cache is otherwise a serial step before the
// parallel parse).
func readPrefaulted(f *os.File, size, jobs int) ([]byte, error) {
	data := prefault.MakeCap[byte](size + 512)
	if parts := min(jobs, size>>21); parts > 1 {
		errs := make([]error, parts)
		var wg sync.WaitGroup
		for k := range parts {
			from, to := size*k/parts, size*(k+1)/parts
			wg.Go(func() {
				n, err := f.ReadAt(data[from:to], int64(from))
				if err == io.EOF && n == to-from {
					err = nil
				}
				errs[k] = err
			})
		}
		wg.Wait()
		next := int64(size) // whatever the file grew by since Stat is read below
		if err := errors.Join(errs...); errors.Is(err, io.EOF) {
			next = 0 // it shrank: read it again, in one piece
		} else if err != nil {
			return nil, err
		}
		if _, err := f.Seek(next, io.SeekStart); err != nil {
			return nil, err
		}
		data = data[:next]
	}
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // grow, as os.ReadFile does
		}
	}
}

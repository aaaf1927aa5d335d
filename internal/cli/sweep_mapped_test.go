//go:build unix

package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// signalWriter is a stderr that closes seen the first time a write holds
// want.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.seen != nil && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
		w.seen = nil
	}
	return len(p), nil
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// A sweep whose mapped indicator file is written while it runs (here
// after the compile, while it waits for its log, a named pipe) ends with
// an error saying so; one whose file is replaced by a rename does not.
func TestSweepIndicatorsWrittenWhileInUse(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, path string)
		fails  bool
	}{
		{"unchanged", func(*testing.T, string) {}, false},
		{"renamed over", func(t *testing.T, path string) {
			if err := os.WriteFile(path+".new", []byte("192.0.2.1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(path+".new", path); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"appended to", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("192.0.2.1\n"); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "iocs.txt")
			var list bytes.Buffer
			for i := 0; list.Len() <= mapMin; i++ {
				fmt.Fprintf(&list, "10.%d.%d.%d\n", i>>16&255, i>>8&255, i&255)
			}
			list.WriteString("evil.com\n")
			if err := os.WriteFile(path, list.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			fifo := filepath.Join(t.TempDir(), "eve.json")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skip("no named pipes here:", err)
			}
			stderr := &signalWriter{want: "compiled", seen: make(chan struct{})}
			compiled := stderr.seen
			var stdout bytes.Buffer
			code := make(chan int, 1)
			go func() {
				code <- Run(context.Background(), []string{"sweep", "--indicators", path, "-j", "2", fifo}, nil, &stdout, stderr)
			}()
			select {
			case <-compiled:
			case c := <-code:
				t.Fatalf("sweep ended (%d) before compiling: %s", c, stderr)
			}
			tc.change(t, path)
			logW, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(logW, `{"timestamp":"2015-10-01T10:00:02Z","event_type":"dns","src_ip":"10.0.0.5","dest_ip":"10.0.0.53","dns":{"type":"query","rrname":"c2.evil.com"}}`)
			logW.Close()
			c := <-code
			if !strings.Contains(stdout.String(), `"indicator":"evil.com"`) {
				t.Errorf("no match printed: %s", stdout.String())
			}
			if failed := c != 0; failed != tc.fails {
				t.Errorf("exit status %d, stderr:\n%s", c, stderr)
			}
			if tc.fails && !strings.Contains(stderr.String(), "were written while in use") {
				t.Errorf("stderr does not say the indicators were written:\n%s", stderr)
			}
		})
	}
}

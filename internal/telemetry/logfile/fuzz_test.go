package logfile_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"testing"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

// FuzzReader runs detection, line splitting and decoding over arbitrary
// input: it must end in io.EOF after ParseErrors only, with positions that
// add up.
func FuzzReader(f *testing.F) {
	f.Add("eve.json", []byte(eveLines))
	f.Add("dns.log", []byte(tsvLog))
	f.Add("conn.log", []byte("ts\tuid\n1\tC\n"))
	f.Add("x", []byte(`{"_path":"conn","ts":1}`+"\r\n{bad\n"))
	f.Add("x.gz", gzBytes(f, eveLines))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		r, err := logfile.NewReader(name, bytes.NewReader(data), logfile.Options{MaxLineSize: 1 << 12})
		if err != nil {
			return
		}
		for range len(data) + 2 {
			var ev telemetry.Event
			err := r.Next(&ev)
			if errors.Is(err, io.EOF) {
				if r.Offset() > int64(len(data)) && data[0] != 0x1f {
					t.Fatalf("Offset %d beyond input length %d", r.Offset(), len(data))
				}
				return
			}
			var pe *telemetry.ParseError
			if err != nil && !errors.As(err, &pe) {
				if data[0] == 0x1f { // corrupt gzip ends the input
					return
				}
				t.Fatalf("Next = %v, want event, ParseError or EOF", err)
			}
			if ev.Source.Line < 1 || ev.Source.Line > r.Line() || ev.Source.Offset >= r.Offset() && ev.Source.Length > 0 {
				t.Fatalf("event source %+v inconsistent with reader at line %d offset %d", ev.Source, r.Line(), r.Offset())
			}
		}
		t.Fatal("Next did not reach io.EOF")
	})
}

func gzBytes(f *testing.F, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = io.WriteString(w, s)
	_ = w.Close()
	return b.Bytes()
}

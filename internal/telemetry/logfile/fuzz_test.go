package logfile_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
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
	f.Add("half.json", []byte(eveLines[:len(eveLines)-40]))
	f.Add("dns.log", []byte(tsvLog[:len(tsvLog)-1]))
	f.Add("long.json", []byte(strings.Repeat("x", 5000)))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		r, err := logfile.NewReader(name, bytes.NewReader(data), logfile.Options{MaxLineSize: 1 << 12})
		if err != nil {
			return
		}
		for range len(data) + 2 {
			var ev telemetry.Event
			err := r.Next(&ev)
			if errors.Is(err, io.EOF) {
				if len(data) > 0 && data[0] != 0x1f {
					if end := r.Offset() + r.Tail(); end != int64(len(data)) {
						t.Fatalf("Offset %d + Tail %d = %d, want the input length %d", r.Offset(), r.Tail(), end, len(data))
					}
					if unterminated := data[len(data)-1] != '\n'; unterminated != (r.Tail() > 0) {
						t.Fatalf("Tail = %d for input ending in %q", r.Tail(), data[len(data)-1])
					}
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
			lines, end := r.Line(), r.Offset()
			if r.Tail() > 0 { // the unterminated last line
				lines, end = lines+1, end+r.Tail()
				if ev.Source.Line != lines || ev.Source.Offset != r.Offset() {
					t.Fatalf("unterminated line's source %+v, want line %d at offset %d", ev.Source, lines, r.Offset())
				}
			}
			if ev.Source.Line < 1 || ev.Source.Line > lines || ev.Source.Offset >= end && ev.Source.Length > 0 {
				t.Fatalf("event source %+v inconsistent with reader at line %d offset %d tail %d", ev.Source, r.Line(), r.Offset(), r.Tail())
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

package logfile_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

// corpus repeats sample files to about size bytes.
func corpus(b *testing.B, size int, files ...string) []byte {
	var one []byte
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("testdata", "samples", f))
		if err != nil {
			b.Fatal(err)
		}
		one = append(one, data...)
	}
	out := append([]byte(nil), one...)
	for len(out) < size {
		out = append(out, one...)
	}
	return out
}

func benchRead(b *testing.B, name string, data []byte) {
	b.SetBytes(int64(len(data)))
	events := 0
	for b.Loop() {
		r, err := logfile.NewReader(name, bytes.NewReader(data), logfile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var ev telemetry.Event
		for {
			err := r.Next(&ev)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkReadEVE reads real EVE (alerts with flow, http, tls, dns,
// fileinfo, stats) through the whole reader: line splitting, JSON parsing,
// mapping. MB/s is per core.
func BenchmarkReadEVE(b *testing.B) {
	benchRead(b, "eve.json", corpus(b, 4<<20, "eve/eve.json", "eve/eve-6.0.log", "eve/wrccdc2018-alerts.json", "synthetic/eve-v2.json"))
}

func BenchmarkReadZeekJSON(b *testing.B) {
	benchRead(b, "dns.json", corpus(b, 4<<20, "zeek-json/dns.json", "zeek-json/ssl.json", "zeek-json/notice.json"))
}

func BenchmarkReadZeekTSV(b *testing.B) {
	data := corpus(b, 0, "zeek-unmasked/http.log")
	var body []byte
	for _, l := range bytes.SplitAfter(data, []byte("\n")) {
		if len(l) > 0 && l[0] != '#' {
			body = append(body, l...)
		}
	}
	head := data[:bytes.Index(data, []byte("\n1325376000"))+1]
	if len(body) == 0 || len(head) == 0 {
		b.Fatal("http.log sample has no header or body")
	}
	all := append([]byte(nil), head...)
	for len(all) < 4<<20 {
		all = append(all, body...)
	}
	benchRead(b, "http.log", all)
}

func BenchmarkReadEVEGzip(b *testing.B) {
	data := corpus(b, 4<<20, "eve/eve.json", "eve/wrccdc2018-alerts.json")
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(data)
	w.Close()
	b.SetBytes(int64(len(data))) // decompressed bytes
	for b.Loop() {
		r, err := logfile.NewReader("eve.json.gz", bytes.NewReader(z.Bytes()), logfile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var ev telemetry.Event
		for r.Next(&ev) == nil {
		}
	}
}

// BenchmarkPrefixKeys digests a full 64 KiB head at 10, 1000 and every
// possible prefix length: the cost stays one pass over the head plus one
// digest finalisation per length.
func BenchmarkPrefixKeys(b *testing.B) {
	data := corpus(b, 2*logfile.HeadSize, "eve/eve.json")
	r, err := logfile.NewReader("eve.json", bytes.NewReader(data), logfile.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10, 1000, logfile.HeadSize} {
		lengths := make([]int64, n)
		for i := range lengths {
			lengths[i] = int64(i+1) * logfile.HeadSize / int64(n)
		}
		b.Run(fmt.Sprintf("lengths=%d", n), func(b *testing.B) {
			for b.Loop() {
				if keys := r.PrefixKeys(lengths); len(keys) != n {
					b.Fatalf("PrefixKeys gave %d keys, want %d", len(keys), n)
				}
			}
		})
	}
}

package eve_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/eve"
)

// BenchmarkDecode decodes the sample lines (no I/O, no line splitting):
// the cost of JSON parsing and mapping alone.
func BenchmarkDecode(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("testdata", "samples", "*.json"))
	var lines [][]byte
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(l) > 0 {
				lines = append(lines, l)
				size += len(l) + 1
			}
		}
	}
	d := eve.NewDecoder()
	b.SetBytes(int64(size))
	n := 0
	for b.Loop() {
		for _, l := range lines {
			var ev telemetry.Event
			if _, err := d.Decode(l, &ev); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

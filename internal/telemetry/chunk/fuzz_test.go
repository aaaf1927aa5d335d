package chunk_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/telemetry/chunk"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

// FuzzRun checks on arbitrary content that chunked reading with any chunk
// size gives what the sequential reader gives.
func FuzzRun(f *testing.F) {
	for _, p := range []string{"eve/eve.json", "zeek-unmasked/dns.log", "synthetic/ecs.ndjson", "zeek-json/dns.json"} {
		b, err := os.ReadFile(filepath.Join("../logfile/testdata/samples", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(p), b[:min(len(b), 3000)], uint8(17))
	}
	f.Add("x.json", []byte("{\"timestamp\":\"2015-01-01T00:00:00Z\",\"event_type\":\"dns\"}\r\n\n{bad\n{\"a\":1}"), uint8(3))
	f.Fuzz(func(t *testing.T, name string, content []byte, size uint8) {
		base := filepath.Base(name)
		if base == "." || base == "/" || base == "-" || base == "" {
			base = "in.log"
		}
		path := filepath.Join(t.TempDir(), base)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Skip(err)
		}
		r, err := logfile.Open(path, logfile.Options{MaxLineSize: 512})
		if err != nil {
			t.Skip("the reader rejects it too:", err)
		}
		r.Close()
		want := sequential(t, path, logfile.Options{MaxLineSize: 512})
		got := parallel(t, []string{path}, chunk.Options{Jobs: 2, Size: int64(size%64) + 1, MaxLineSize: 512})
		g := got[path]
		if g == nil {
			g = &result{}
		}
		if diff := cmp.Diff(want, *g); diff != "" {
			t.Errorf("chunked reading differs from the sequential reader (-want +got):\n%s", diff)
		}
		// The same gzipped: read as a stream cut into chunks in memory.
		gz := path + ".gz"
		writeGzip(t, gz, content)
		want = sequential(t, gz, logfile.Options{MaxLineSize: 512})
		got = parallel(t, []string{gz}, chunk.Options{Jobs: 2, Size: int64(size%64) + 1, MaxLineSize: 512})
		g = got[gz]
		if g == nil {
			g = &result{}
		}
		if diff := cmp.Diff(want, *g); diff != "" {
			t.Errorf("chunked reading of the gzipped input differs from the sequential reader (-want +got):\n%s", diff)
		}
	})
}

package logfile_test

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pactwatch/pactwatch/internal/shareddata"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
	"github.com/pactwatch/pactwatch/internal/telemetry/zeek"
)

// sharedData returns the shared test data directory (PACTWATCH_SHARED_DATA
// or ../shared/data above the repository), skipping the test when missing.
func sharedData(t testing.TB) string {
	t.Helper()
	return filepath.Dir(shareddata.Dir(t, "suricata"))
}

// odd reports whether a ParseError is one the btest baselines provoke on
// purpose: masked timestamps, zeek-cut output without header, masked JSON.
func odd(line string, err error) bool {
	return strings.Contains(line, "XXXXXXXXXX") || errors.Is(err, zeek.ErrNoHeader)
}

// rawLine returns line n (1-based) of path, decompressed.
func rawLine(t *testing.T, path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for i := int64(1); sc.Scan(); i++ {
		if i == n {
			return sc.Text()
		}
	}
	return ""
}

func TestSharedData(t *testing.T) {
	dir := sharedData(t)
	type counts struct{ files, unknown, events, wellFormedErrs, oddErrs int }
	total := map[string]*counts{}
	for _, sub := range []string{"suricata", "zeek"} {
		err := filepath.WalkDir(filepath.Join(dir, sub), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			r, err := logfile.Open(path, logfile.Options{})
			if errors.Is(err, telemetry.ErrUnknownFormat) {
				c := total["(not telemetry)"]
				if c == nil {
					c = &counts{}
					total["(not telemetry)"] = c
				}
				c.files++
				c.unknown++
				ext := filepath.Ext(path)
				if ext == ".log" || strings.Contains(path, "zed-sample-data") && ext == ".json" && !strings.Contains(path, "README") {
					// Every Zeek log and JSON log must be recognised, except
					// the one btest baseline written with '|' and no header
					// (recognised as Zeek TSV by name) or masked JSON.
					t.Errorf("Open(%s) = %v, want a known format", path, err)
				}
				return nil
			}
			if err != nil {
				t.Errorf("Open(%s) = %v", path, err)
				return nil
			}
			defer r.Close()
			c := total[r.Format()]
			if c == nil {
				c = &counts{}
				total[r.Format()] = c
			}
			c.files++
			for {
				var ev telemetry.Event
				err := r.Next(&ev)
				if errors.Is(err, io.EOF) {
					break
				}
				var pe *telemetry.ParseError
				if errors.As(err, &pe) {
					if line := rawLine(t, path, pe.Line); odd(line, err) {
						c.oddErrs++
					} else {
						c.wellFormedErrs++
						t.Errorf("well-formed line gave %v:\n%.300s", pe, line)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: Next = %v", path, err)
					break
				}
				if ev.Source.Line < 1 || ev.Format != r.Format() {
					t.Errorf("%s: event %+v lacks its source or format", path, ev)
				}
				c.events++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for f, c := range total {
		t.Logf("%-16s files %4d  events %6d  errors on odd btest lines %5d  errors on well-formed lines %d  unknown-format files %d",
			f, c.files, c.events, c.oddErrs, c.wellFormedErrs, c.unknown)
	}
	for _, f := range []string{"eve", "zeek-json", "zeek-tsv"} {
		if total[f] == nil || total[f].events == 0 {
			t.Errorf("no %s events read from %s", f, dir)
		}
	}
}

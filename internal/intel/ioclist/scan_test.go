package ioclist_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
)

// item is one indicator as Scan reports it.
type item struct {
	T           intel.Type
	Value, Name string
}

// refScan is the plain-list reader as it was written first, line by line
// with bufio.Scanner and ParseLine: the reference ScanParts is checked
// against.
func refScan(data []byte, file string) ([]item, []intel.Unsupported, error) {
	var items []item
	var uns []intel.Unsupported
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	var (
		line        int64
		section     string
		defaultType intel.Type
		content     bool
	)
	for sc.Scan() {
		line++
		text := sc.Text()
		t, v, comment, err := ioclist.ParseLine(text)
		if errors.Is(err, ioclist.ErrNoValue) {
			s := strings.TrimSpace(text)
			switch {
			case s == "":
				section = ""
			case strings.HasPrefix(s, "#"):
				section = strings.TrimSpace(strings.TrimLeft(s, "#"))
			case strings.HasPrefix(s, "//"):
				section = strings.TrimSpace(strings.TrimLeft(s, "/"))
			}
			continue
		}
		if err != nil && !content {
			if typ, ok := ioclist.TypeName(strings.TrimSpace(text)); ok {
				defaultType = typ
				continue
			}
		}
		content = true
		if err == nil && defaultType == intel.JA3 && t == intel.MD5 {
			t = intel.JA3
		}
		if err != nil {
			input := strings.TrimSpace(text)
			if len(input) > 200 {
				input = strings.ToValidUTF8(input[:200], "") + "…"
			}
			uns = append(uns, intel.Unsupported{File: file, Line: line, Input: input, Reason: err.Error()})
			continue
		}
		name := comment
		if name == "" {
			name = section
		}
		items = append(items, item{t, v, name})
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read ioc list %s: line %d: %w", file, line+1, err)
	}
	return items, uns, nil
}

// scanParts runs ScanParts and joins its parts in order.
func scanParts(t testing.TB, data []byte, parts int) ([]item, []intel.Unsupported, error) {
	t.Helper()
	got := make([][]item, parts)
	uns, err := ioclist.ScanParts(context.Background(), data, "f.txt", parts, func(k int, typ intel.Type, v, name string) {
		if k < 0 || k >= parts {
			t.Fatalf("ScanParts called fn with part %d of %d", k, parts)
		}
		got[k] = append(got[k], item{typ, v, name})
	})
	var all []item
	for _, g := range got {
		all = append(all, g...)
	}
	return all, uns, err
}

func checkScan(t *testing.T, data []byte) {
	t.Helper()
	wantItems, wantUns, wantErr := refScan(data, "f.txt")
	for _, parts := range []int{1, 2, 3, 5} {
		items, uns, err := scanParts(t, data, parts)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("ScanParts(%q, %d) error = %v, want %v", data, parts, err, wantErr)
		}
		if err != nil {
			continue
		}
		if diff := cmp.Diff(wantItems, items); diff != "" {
			t.Fatalf("ScanParts(%q, %d) indicators differ from the line-by-line reader (-ref +got):\n%s", data, parts, diff)
		}
		if diff := cmp.Diff(wantUns, uns); diff != "" {
			t.Fatalf("ScanParts(%q, %d) unsupported lines differ (-ref +got):\n%s", data, parts, diff)
		}
	}
}

// ScanParts, cut into any number of parts, reads plain lists as the
// line-by-line reader does: sections across cuts, headers, comments,
// defanged and upper-case values, bad lines with their numbers.
func TestScanPartsLikeLineReader(t *testing.T) {
	defer ioclist.SetMinPart(1)()
	var big strings.Builder
	big.WriteString("\ufeff# feed\n\nja3\n")
	for i := range 400 {
		switch i % 13 {
		case 0:
			fmt.Fprintf(&big, "# section %d\n", i)
		case 1:
			big.WriteString("\n")
		case 2:
			fmt.Fprintf(&big, "bad value %d\n", i)
		case 3:
			fmt.Fprintf(&big, "10.0.%d.1;loki comment\r\n", i%256)
		case 4:
			fmt.Fprintf(&big, "EVIL%d.example.COM\n", i)
		case 5:
			fmt.Fprintf(&big, "host%d[.]example[.]net\n", i)
		case 6:
			fmt.Fprintf(&big, "%032x\n", i)
		case 7:
			fmt.Fprintf(&big, "%064x\n", i)
		case 8:
			fmt.Fprintf(&big, "1.2.%d\n", i)
		case 9:
			fmt.Fprintf(&big, "010.1.1.%d\n", i%256)
		default:
			fmt.Fprintf(&big, "%d.%d.%d.%d\n", i%223+1, i%256, i%7, i%250)
		}
	}
	big.WriteString("last.example.org") // no final newline
	// Runs of addresses longer than one Value.IPv4s holds, ended by
	// sections, names and the end of the text.
	var runs strings.Builder
	for i := range 5000 {
		switch {
		case i == 2600:
			runs.WriteString("# section\n")
		case i == 3700:
			runs.WriteString("evil.example\n")
		}
		fmt.Fprintf(&runs, "%d.%d.%d.%d\n", i%223+1, i/256%256, i%256, i%7)
	}
	// A list with a section only at its top, long enough for the parts
	// to be cut shorter the later they start.
	var plain strings.Builder
	plain.WriteString("# top\n")
	for i := range 20000 {
		fmt.Fprintf(&plain, "%d.%d.%d.%d\nh%d.example.org\n", i%223+1, i/256%256, i%256, i%7, i)
	}
	for _, data := range []string{"", "\n", "# only a comment\n", "sha256\n", big.String(), "a.example.com\n#c\n\n1.2.3.4\n", runs.String(), plain.String()} {
		checkScan(t, []byte(data))
	}
}

// FuzzScanParts checks ScanParts against the line-by-line reader on any
// input, cut into parts of a few bytes.
func FuzzScanParts(f *testing.F) {
	f.Add("# s\n1.2.3.4\n\nevil.com\n")
	f.Add("JA3\n" + strings.Repeat("e7d705a3286e19ea42f587b344ee6865\n", 3))
	f.Add("#a\n1.1.1.1\n# b\n2.2.2.2\n\n3.3.3.3\nx y\n")
	f.Add("\ufeffip\n1.2.3.4;c\r\n hxxp://a.b/c\nA.B\n.a.b\na.b.\n")
	f.Fuzz(func(t *testing.T, data string) {
		defer ioclist.SetMinPart(1)()
		if maybeCSV(data) {
			t.Skip("a CSV header: the line-by-line reference does not read CSV")
		}
		checkScan(t, []byte(data))
	})
}

// maybeCSV reports whether Scan could take data for CSV: its first line
// that is not blank or a comment has a comma.
func maybeCSV(data string) bool {
	for line := range strings.Lines(data) {
		s := strings.TrimSpace(line)
		if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "//") {
			continue
		}
		return strings.Contains(s, ",")
	}
	return false
}

package ioclist

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// checkFast reports a line fastLine reads otherwise than ParseLine.
func checkFast(t *testing.T, line string) {
	t.Helper()
	ft, fv, ok := fastLine(line)
	if !ok {
		return
	}
	pt, pv, comment, err := ParseLine(line)
	if err != nil || ft != pt || fv != pv || comment != "" {
		t.Errorf("fastLine(%q) = %s %q, ParseLine = %s %q %q %v", line, ft, fv, pt, pv, comment, err)
	}
	// What the fast path reads is canonical (ScanPartsCanonical says so).
	for _, typ := range []intel.Type{ft, intel.JA3} {
		if typ == intel.JA3 && ft != intel.MD5 {
			continue // a "ja3" header makes MD5s JA3s, nothing else
		}
		if n, err := intel.Normalise(typ, fv); err != nil || n != fv {
			t.Errorf("fastLine(%q) = %s %q, but Normalise gives %q, %v", line, typ, fv, n, err)
		}
	}
}

// The fast path reads what it reads as ParseLine does, and leaves the
// rest to it.
func TestFastLine(t *testing.T) {
	for _, tc := range []struct {
		line string
		fast bool
	}{
		{"1.2.3.4", true},
		{"10.0.0.0/8", true},
		{"0.0.0.0/0", true},
		{"192.0.2.1/32", true},
		{"198.51.100.0/24", true},
		{"198.51.100.1/24", false}, // Detect masks it
		{"10.0.0.0/08", false},
		{"10.0.0.0/33", false},
		{"10.0.0.0/", false},
		{"010.0.0.0/8", false},
		{"10.0.0/8", false},
		{"10.0.0.0/8/8", false},
		{"2001:db8::/32", false},
		{"evil.com/x", false},
		{"evil.com", true},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", true},
	} {
		if _, _, ok := fastLine(tc.line); ok != tc.fast {
			t.Errorf("fastLine(%q) ok = %v, want %v", tc.line, ok, tc.fast)
		}
		checkFast(t, tc.line)
	}
}

// FuzzFastLine checks that whatever fastLine reads, ParseLine reads the
// same way.
func FuzzFastLine(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "10.0.0.0/8", "198.51.100.1/24", "a.evil.com", "0.0.0.0/0", "255.255.255.255/32"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkFast(t, line)
	})
}

// ScanPartsCanonical says canonical for the values of the fast path, whose
// Normalise is themselves, and not for values that needed normalising.
func TestScanPartsCanonical(t *testing.T) {
	data := []byte("# feed\n1.2.3.4\nEVIL.example\nevil.example\n10.0.0.0/8\n10.0.0.1/8\nDA39A3EE5E6B4B0D3255BFEF95601890AFD80709\nda39a3ee5e6b4b0d3255bfef95601890afd80709\nhxxp://a.b/c\n")
	want := map[string]bool{"1.2.3.4": true, "evil.example": true, "10.0.0.0/8": true, "da39a3ee5e6b4b0d3255bfef95601890afd80709": true}
	got := map[string]bool{}
	_, err := ScanPartsCanonical(context.Background(), data, "f.txt", 2, func(_ int, typ intel.Type, v, _ string, canonical bool) {
		if canonical {
			got[v] = true
			if n, err := intel.Normalise(typ, v); err != nil || n != v {
				t.Errorf("ScanPartsCanonical: %s %q canonical, but Normalise gives %q, %v", typ, v, n, err)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ScanPartsCanonical canonical values differ (-want +got):\n%s", diff)
	}
}

// refSectionBefore is sectionBefore as it was: every line, back to the
// last comment or blank one, trimmed.
func refSectionBefore(text string) string {
	for text != "" {
		text = strings.TrimSuffix(text, "\n")
		i := strings.LastIndexByte(text, '\n')
		line := strings.TrimSpace(text[i+1:])
		text = text[:i+1]
		switch {
		case line == "":
			return ""
		case strings.HasPrefix(line, "#"):
			return strings.Clone(strings.TrimSpace(strings.TrimLeft(line, "#")))
		case strings.HasPrefix(line, "//"):
			return strings.Clone(strings.TrimSpace(strings.TrimLeft(line, "/")))
		}
	}
	return ""
}

// FuzzSectionBefore checks the byte-walking sectionBefore against the
// line-by-line one.
func FuzzSectionBefore(f *testing.F) {
	for _, s := range []string{
		"", "\n", "1.2.3.4\n", "# APT1\n1.2.3.4\nevil.com\n", "// x\n\n1.2.3.4\n", "# a\n \t\n1.2.3.4",
		"#a\r\n1.2.3.4\r\n", "\u00a0\n1.2.3.4\n", "\u0085#b\n1.2.3.4\n", " # c \n 1.2.3.4 \n", "/x\n1.2.3.4\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := sectionBefore(text), refSectionBefore(text); got != want {
			t.Errorf("sectionBefore(%q) = %q, want %q", text, got, want)
		}
	})
}

// TestSectionBeforeRandom compares sectionBefore with the line-by-line
// reference on lists of values, comments, blank and white-space lines of
// every length, so that newlines fall at every place of the eight-byte
// words.
func TestSectionBeforeRandom(t *testing.T) {
	pieces := []string{"1.2.3.4", "evil.com", "a", "", " ", "\t", "\r", "# sec", "#", "// two", "/x", "\u00a0", "\u0085# u", " # sp", "abcdefghijklmnop"}
	r := rand.New(rand.NewPCG(5, 6))
	var sb strings.Builder
	for range 20000 {
		sb.Reset()
		for range r.IntN(12) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(6) > 0 {
				sb.WriteByte('\n')
			}
		}
		text := sb.String()
		if got, want := sectionBefore(text), refSectionBefore(text); got != want {
			t.Fatalf("sectionBefore(%q) = %q, want %q", text, got, want)
		}
	}
}

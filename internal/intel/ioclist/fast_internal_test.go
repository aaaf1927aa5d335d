package ioclist

import "testing"

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

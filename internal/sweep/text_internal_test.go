package sweep

import (
	"testing"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// FuzzIsNormalURL checks the URL fast path: whenever isNormalURL accepts a
// URL, intel.Normalise must give it back unchanged.
func FuzzIsNormalURL(f *testing.F) {
	for _, s := range []string{
		"http://evil.com/", "http://evil.com/a/(b)?c=%20&d", "https://evil.com:8443/x", "http://evil.com:80/",
		"HTTP://evil.com/", "http://evil.com", "http://evil.com/#x", "http://u@evil.com/", "hxxp://evil.com/",
		"http://evil.com/a(.)b", "http://1.2.3.4/x", "ftp://evil.com:21/x", "http://evil.com./", "http://evil.com/%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) {
		if !isNormalURL(u) {
			return
		}
		if n, err := intel.Normalise(intel.URL, u); err != nil || n != u {
			t.Fatalf("isNormalURL(%q) = true, but Normalise gives %q, %v", u, n, err)
		}
	})
}

func TestIsNormalURL(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"http://evil.com/", true},
		{"http://evil.com/a/(b)?c=%20&d", true},
		{"https://evil.com:8443/x", true},
		{"http://1.2.3.4/x", true},
		{"http://evil.com:80/", false},
		{"https://evil.com:443/", false},
		{"HTTP://evil.com/", false},
		{"http://Evil.com/", false},
		{"http://evil.com", false},
		{"http://evil.com?q", false},
		{"http://evil.com/#x", false},
		{"http://u@evil.com/", false},
		{"hxxp://evil.com/", false},
		{"http://evil.com/a(.)b", false},
		{"http://evil.com/a[.]b", false},
		{"http://evil.com./", false},
		{"http://evil.com/%zz", false},
		{"http://evil.com/a b", false},
		{"http://[::1]/", false},
	}
	for _, tt := range tests {
		if got := isNormalURL(tt.in); got != tt.want {
			t.Errorf("isNormalURL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

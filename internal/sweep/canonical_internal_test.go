package sweep

import (
	"testing"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// FuzzCanonical checks the shortcuts that skip intel.Normalise: what they
// accept, Normalise leaves as it is.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"evil.com", "a-b.c_d.example", "1.2.3.4", "x.123", "EVIL.com", ".a.b", "a.b.", "hxxpa.com",
		"a..b", "*.a.b", "a[.]b", "d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E", "xn--p1ai.xn--p1ai"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if canonicalDomain(v) {
			if n, err := intel.Normalise(intel.Domain, v); err != nil || n != v {
				t.Errorf("canonicalDomain(%q) = true, but Normalise gives %q, %v", v, n, err)
			}
		}
		for _, typ := range []intel.Type{intel.MD5, intel.SHA1, intel.SHA256, intel.JA3} {
			if hexLen[strKind(typ)] == len(v) && lowerHex(v) {
				if n, err := intel.Normalise(typ, v); err != nil || n != v {
					t.Errorf("lowerHex(%q) = true for %s, but Normalise gives %q, %v", v, typ, n, err)
				}
			}
		}
	})
}

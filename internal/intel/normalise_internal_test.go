package intel

import (
	"net/netip"
	"testing"
)

// canonicalIPv4 takes what netip writes back unchanged, and nothing
// else, so Normalise's shortcut returns what its parse would.
func TestCanonicalIPv4(t *testing.T) {
	for _, v := range []string{"1.2.3.4", "0.0.0.0", "255.255.255.255", "10.0.10.100", "256.1.1.1", "01.2.3.4",
		"1.2.3", "1.2.3.4.5", "1..3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.04", "1.2.3.1000", "a.b.c.d", "1.2.3.4.", ".1.2.3",
		"192.168.001.1", "::ffff:1.2.3.4", "1.2.3.-4", "99.99.99.99", "100.200.250.255", "0.0.0.00", "300.1.1.1", "1.2.3.260"} {
		a, err := netip.ParseAddr(v)
		want := err == nil && a.Is4() && a.String() == v
		if got := canonicalIPv4(v); got != want {
			t.Errorf("canonicalIPv4(%q) = %v, want %v", v, got, want)
		}
	}
}

func FuzzCanonicalIPv4(f *testing.F) {
	f.Add("192.0.2.1")
	f.Add("1.02.3.4")
	f.Fuzz(func(t *testing.T, v string) {
		a, err := netip.ParseAddr(v)
		want := err == nil && a.Is4() && a.String() == v
		if got := canonicalIPv4(v); got != want {
			t.Errorf("canonicalIPv4(%q) = %v, want %v", v, got, want)
		}
	})
}

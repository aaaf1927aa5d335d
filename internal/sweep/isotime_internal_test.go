package sweep

import (
	"fmt"
	"testing"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// FuzzISOTime checks that a run isoTime skips holds nothing the token
// lookup would find, even in a set made of every piece of the run that is
// a value of some type (as IPv4, IPv6, CIDR, domain or hash).
func FuzzISOTime(f *testing.F) {
	for _, s := range []string{"2015-09-26T00:00:00", "2015-09-26T00:00:00.003000", "1999-12-31T23:59:59.9",
		"2015-09-26T00:00:00.", "2015-09-26T00:00:0a", "2015-09-26 00:00:00", "0000-00-00T00:00:00.000000000000000000000000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, r string) {
		if !isoTime([]byte(r)) {
			return
		}
		var inds []intel.Indicator
		for i := range len(r) {
			for j := i + 1; j <= len(r); j++ {
				if typ, v, err := intel.Detect(r[i:j]); err == nil {
					inds = append(inds, intel.Indicator{ID: fmt.Sprint(len(inds)), Type: typ, Value: v})
				}
				for _, typ := range []intel.Type{intel.Domain, intel.JA3} {
					inds = append(inds, intel.Indicator{ID: fmt.Sprint(len(inds)), Type: typ, Value: r[i:j]})
				}
			}
		}
		s, err := Compile(inds)
		if err != nil {
			t.Fatal(err)
		}
		var cl uint8
		for _, c := range []byte(r) {
			cl |= class[c]
		}
		if s.colonToken([]byte(r), cl) {
			t.Errorf("isoTime(%q) = true, but a set of its pieces has a value in it", r)
		}
	})
}

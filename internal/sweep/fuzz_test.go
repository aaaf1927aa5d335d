package sweep_test

import (
	"net/netip"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// FuzzMatch checks that Match never panics and agrees with naiveMatch, on
// the fixture plus indicators made from the fuzzer's input.
func FuzzMatch(f *testing.F) {
	f.Add("evil.com", "198.51.100.7", "a.evil.com", "http://evil.com/x", md5Upper, uint8(2), "x.evil.com")
	f.Add("203.0.113.0/28", "203.0.113.9", "", "HTTP://Bad.Example.org:80/payload.exe#f", sha256Hex, uint8(1), "203.0.113.200")
	f.Add("http://a.b/c?d", "::ffff:203.0.113.1", "EVIL.COM.", "http://a.b/c?d", ja3Hex, uint8(5), ja3Hex)
	f.Add("x@y.example", "2001:db8:ff::1", "notevil.com", "http://u@notevil.com:81/", sha1Hex, uint8(6), "<X@Y.example>")
	f.Add("2001:db8::/32", "2001:db8::1%eth0", "evil.com.au", "https://[2001:db8::1]/", "", uint8(3), "hxxp://a.b/c")
	f.Fuzz(func(t *testing.T, ioc, src, domain, u, hash string, extraType uint8, extraValue string) {
		inds := fixture()
		if typ, v, err := intel.Detect(ioc); err == nil {
			inds = append(inds,
				intel.Indicator{ID: "fuzz-1", Type: typ, Value: v},
				intel.Indicator{ID: "fuzz-2", Type: typ, Value: ioc})
		}
		for _, typ := range []intel.Type{intel.JA3, intel.Email, intel.Domain} {
			inds = append(inds, intel.Indicator{ID: "fuzz-" + string(typ), Type: typ, Value: ioc})
		}
		set, err := sweep.Compile(inds)
		if err != nil {
			t.Fatalf("Compile: %v", err)
		}
		if got, want := set.Len()+len(set.Rejected()), len(inds); got != want {
			t.Fatalf("Len() + len(Rejected()) = %d, want %d", got, want)
		}
		ev := telemetry.Event{Domain: domain, URL: u, MD5: hash, SHA1: hash, SHA256: hash, JA3: hash,
			Extra: []telemetry.Observable{{Field: "extra", Type: telemetry.ValueType(extraType % 8), Value: extraValue}}}
		ev.SrcIP, _ = netip.ParseAddr(src)
		got := set.Match(&ev, nil)
		want := naiveMatch(compiled(set), &ev)
		// The reference finds a URL's host with net/url; Match reads it
		// from malformed URLs too. Compare host matches only where
		// net/url accepts the URL.
		if _, err := url.Parse(u); err != nil {
			got = dropHostMatches(set, got, telemetry.FieldURL)
			want = dropHostMatches(set, want, telemetry.FieldURL)
		}
		if ev.Extra[0].Type == telemetry.TypeURL {
			if _, err := url.Parse(extraValue); err != nil {
				got = dropHostMatches(set, got, "extra")
				want = dropHostMatches(set, want, "extra")
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Match(%+v) differs from the reference (-ref +got):\n%s", ev, diff)
		}
	})
}

func dropHostMatches(set *sweep.Set, ms []sweep.Match, field string) []sweep.Match {
	return slices.DeleteFunc(ms, func(m sweep.Match) bool {
		return m.Field == field && set.Indicator(m.Indicator).Type == intel.Domain
	})
}

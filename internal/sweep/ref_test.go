package sweep_test

import (
	"net/netip"
	"net/url"
	"strings"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// naiveMatch is the reference the Set is checked against: for every event
// field in order, it tries every indicator in order with the plainest code
// that states the matching rules. inds are the compiled indicators (values
// normalised), numbered as in the Set.
func naiveMatch(inds []intel.Indicator, ev *telemetry.Event) []sweep.Match {
	var out []sweep.Match
	try := func(field, value string, ok func(ind *intel.Indicator) bool) {
		for i := range inds {
			if ok(&inds[i]) {
				out = append(out, sweep.Match{Field: field, Value: value, Indicator: int32(i)})
			}
		}
	}
	ip := func(field string, a netip.Addr, value string) {
		a = a.Unmap().WithZone("")
		try(field, value, func(ind *intel.Indicator) bool {
			switch ind.Type {
			case intel.IPv4, intel.IPv6:
				return netip.MustParseAddr(ind.Value) == a
			case intel.CIDR:
				return netip.MustParsePrefix(ind.Value).Contains(a)
			}
			return false
		})
	}
	domainOK := func(name string) func(ind *intel.Indicator) bool {
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		return func(ind *intel.Indicator) bool {
			return ind.Type == intel.Domain && (name == ind.Value || strings.HasSuffix(name, "."+ind.Value))
		}
	}
	urlOK := func(u string) func(ind *intel.Indicator) bool {
		host := ""
		if p, err := url.Parse(u); err == nil {
			host = p.Hostname()
			if _, err := netip.ParseAddr(host); err == nil {
				host = ""
			}
		}
		n, nerr := intel.Normalise(intel.URL, u)
		dom := domainOK(host)
		return func(ind *intel.Indicator) bool {
			if ind.Type == intel.URL {
				return nerr == nil && n == ind.Value
			}
			return host != "" && dom(ind)
		}
	}
	hashOK := func(h string) func(ind *intel.Indicator) bool {
		var t intel.Type
		switch len(h) {
		case 32:
			t = intel.MD5
		case 40:
			t = intel.SHA1
		case 64:
			t = intel.SHA256
		}
		return func(ind *intel.Indicator) bool { return ind.Type == t && strings.EqualFold(h, ind.Value) }
	}
	if ev.SrcIP.IsValid() {
		ip(telemetry.FieldSrcIP, ev.SrcIP, ev.SrcIP.String())
	}
	if ev.DstIP.IsValid() {
		ip(telemetry.FieldDstIP, ev.DstIP, ev.DstIP.String())
	}
	if ev.Domain != "" {
		try(telemetry.FieldDomain, ev.Domain, domainOK(ev.Domain))
	}
	if ev.URL != "" {
		try(telemetry.FieldURL, ev.URL, urlOK(ev.URL))
	}
	for _, f := range []struct{ name, v string }{
		{telemetry.FieldMD5, ev.MD5}, {telemetry.FieldSHA1, ev.SHA1}, {telemetry.FieldSHA256, ev.SHA256},
	} {
		if f.v != "" {
			try(f.name, f.v, hashOK(f.v))
		}
	}
	if ev.JA3 != "" {
		try(telemetry.FieldJA3, ev.JA3, func(ind *intel.Indicator) bool {
			return ind.Type == intel.JA3 && strings.EqualFold(ev.JA3, ind.Value)
		})
	}
	for _, o := range ev.Extra {
		if o.Value == "" {
			continue
		}
		switch o.Type {
		case telemetry.TypeIP:
			if a, err := netip.ParseAddr(strings.TrimSpace(o.Value)); err == nil {
				ip(o.Field, a, o.Value)
			}
		case telemetry.TypeDomain:
			try(o.Field, o.Value, domainOK(o.Value))
		case telemetry.TypeURL:
			try(o.Field, o.Value, urlOK(o.Value))
		case telemetry.TypeHash:
			try(o.Field, o.Value, hashOK(o.Value))
		case telemetry.TypeJA3:
			try(o.Field, o.Value, func(ind *intel.Indicator) bool {
				return ind.Type == intel.JA3 && strings.EqualFold(o.Value, ind.Value)
			})
		case telemetry.TypeEmail:
			e := strings.TrimSpace(o.Value)
			if len(e) >= 2 && e[0] == '<' && e[len(e)-1] == '>' {
				e = e[1 : len(e)-1]
			}
			e = strings.ToLower(e)
			try(o.Field, o.Value, func(ind *intel.Indicator) bool { return ind.Type == intel.Email && ind.Value == e })
		}
	}
	return out
}

// compiled returns the indicators of s in its numbering.
func compiled(s *sweep.Set) []intel.Indicator {
	out := make([]intel.Indicator, s.Len())
	for i := range out {
		out[i] = *s.Indicator(int32(i))
	}
	return out
}

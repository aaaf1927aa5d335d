package ioclist_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		line    string
		typ     intel.Type
		value   string
		comment string
		err     error
	}{
		{"", "", "", "", ioclist.ErrNoValue},
		{"   # comment", "", "", "", ioclist.ErrNoValue},
		{"// comment", "", "", "", ioclist.ErrNoValue},
		{"198.51.100.7", intel.IPv4, "198.51.100.7", "", nil},
		{"198.51.100[.]7 ", intel.IPv4, "198.51.100.7", "", nil},
		{"evil[.]example.com;APT10 C2", intel.Domain, "evil.example.com", "APT10 C2", nil},
		{"0c2674c3a97c53082187d930efb645c2;DEEP PANDA Sakula", intel.MD5, "0c2674c3a97c53082187d930efb645c2", "DEEP PANDA Sakula", nil},
		{"ja3:E7D705A3286E19EA42F587B344EE6865", intel.JA3, "e7d705a3286e19ea42f587b344ee6865", "", nil},
		{"e7d705a3286e19ea42f587b344ee6865,ja3", intel.JA3, "e7d705a3286e19ea42f587b344ee6865", "", nil},
		{"ipv6:2001:DB8::1", intel.IPv6, "2001:db8::1", "", nil},
		{"2001:db8::1", intel.IPv6, "2001:db8::1", "", nil},
		{"ip-dst:192.0.2.0/24", intel.CIDR, "192.0.2.0/24", "", nil},
		{"hxxps://Evil.example.com/a", intel.URL, "https://evil.example.com/a", "", nil},
		{"url:http://a.example/x", intel.URL, "http://a.example/x", "", nil},
		{"domain:a.example.com", intel.Domain, "a.example.com", "", nil},
		{"md5:abc", "", "", "", intel.ErrBadValue},
		{"not a value", "", "", "", intel.ErrBadValue},
		{";comment only", "", "", "comment only", intel.ErrBadValue},
	}
	for _, tt := range tests {
		typ, v, c, err := ioclist.ParseLine(tt.line)
		if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
			t.Errorf("ParseLine(%q) error = %v, want %v", tt.line, err, tt.err)
			continue
		}
		if typ != tt.typ || v != tt.value || c != tt.comment {
			t.Errorf("ParseLine(%q) = %q, %q, %q, want %q, %q, %q", tt.line, typ, v, c, tt.typ, tt.value, tt.comment)
		}
	}
}

func TestReadMixed(t *testing.T) {
	opt := ioclist.Options{Actor: "Deep Panda", TLP: "amber", Confidence: 50}
	c, err := ioclist.ReadFile(context.Background(), "testdata/mixed.txt", opt)
	if err != nil {
		t.Fatal(err)
	}
	type tv struct {
		Type  intel.Type
		Value string
		Name  string
	}
	var got []tv
	for _, i := range c.Indicators {
		got = append(got, tv{i.Type, i.Value, i.Name})
		if i.ID != intel.IndicatorID(i.Type, i.Value) || i.Source != "mixed.txt" || i.TLP != "amber" || i.Confidence != 50 ||
			!slices.Equal(i.Indicates, []string{"Deep Panda"}) {
			t.Errorf("indicator %+v: want derived id, source mixed.txt, amber, 50, indicates Deep Panda", i)
		}
	}
	slices.SortFunc(got, func(a, b tv) int { return strings.Compare(string(a.Type)+a.Value, string(b.Type)+b.Value) })
	want := []tv{
		{intel.CIDR, "203.0.113.0/24", "C2 infrastructure"},
		{intel.Email, "bad@example.com", "C2 infrastructure"},
		{intel.IPv4, "198.51.100.7", "C2 infrastructure"},
		{intel.IPv6, "2001:db8::1", "C2 infrastructure"},
		{intel.JA3, "e7d705a3286e19ea42f587b344ee6865", "C2 infrastructure"},
		{intel.SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty file hash"},
		{intel.URL, "http://evil.example.com/gate.php", "C2 infrastructure"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadFile(mixed.txt) mismatch (-want +got):\n%s", diff)
	}
	if len(c.Unsupported) != 1 || c.Unsupported[0].Line != 10 || c.Unsupported[0].File != "testdata/mixed.txt" {
		t.Errorf("unsupported = %+v, want line 10 of testdata/mixed.txt", c.Unsupported)
	}
}

func TestReadLOKI(t *testing.T) {
	ctx := context.Background()
	c, err := ioclist.ReadFile(ctx, "testdata/loki-c2.txt", ioclist.Options{Source: "signature-base"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Unsupported) != 0 || len(c.Indicators) < 6 {
		t.Fatalf("loki-c2: %d indicators, unsupported %+v", len(c.Indicators), c.Unsupported)
	}
	var apt10 int
	for _, i := range c.Indicators {
		if i.Source != "signature-base" {
			t.Errorf("%+v: Source %q, want signature-base", i, i.Source)
		}
		if i.Value == "anvprn.com" && i.Name == "APT10 C2 IOCs - Source: AlienVault OTX" {
			apt10++
		}
	}
	if apt10 != 1 {
		t.Errorf("anvprn.com not named after its LOKI block title")
	}
	h, err := ioclist.ReadFile(ctx, "testdata/loki-hash.txt", ioclist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, i := range h.Indicators {
		if i.Value == "ce583821191345274cd954b2db7da9742c239fe413fc17dcb97ffdd7b51cb072" {
			found = i.Type == intel.SHA256 && i.Name == "Dark Caracal - MS Windows HtmlHelp Data"
		}
		if i.Value == "0c2674c3a97c53082187d930efb645c2" {
			t.Errorf("commented-out hash imported: %+v", i)
		}
	}
	if !found {
		t.Errorf("loki-hash: Dark Caracal hash with its comment not found in %+v", h.Indicators)
	}
}

func TestReadCitizenLabCSV(t *testing.T) {
	c, err := ioclist.ReadFile(context.Background(), "testdata/citizenlab-keyboy.csv", ioclist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[intel.Type]int{}
	for _, i := range c.Indicators {
		counts[i.Type]++
	}
	if diff := cmp.Diff(map[intel.Type]int{intel.MD5: 3, intel.IPv4: 4, intel.Domain: 4}, counts); diff != "" {
		t.Errorf("KeyBoy CSV types mismatch (-want +got):\n%s", diff)
	}
	if len(c.Unsupported) != 1 {
		t.Fatalf("unsupported %+v, want the text row", c.Unsupported)
	}
	for _, u := range c.Unsupported {
		if u.Line == 0 || !strings.Contains(u.Reason, "is not an indicator type") || len(u.Input) > 210 {
			t.Errorf("unsupported %+v: want a line, the type reason and a bounded input", u)
		}
	}
	for _, i := range c.Indicators {
		if i.Value == "103.40.102.233" && i.Name != "C2 IP" {
			t.Errorf("CSV comment column not used as name: %+v", i)
		}
	}
}

func TestIndicatorIDStable(t *testing.T) {
	// UUIDv5(UUIDv5(DNS, "pactwatch.dev"), "ipv4:1.2.3.4"), computed with
	// Python's uuid module.
	if got, want := intel.IndicatorID(intel.IPv4, "1.2.3.4"), "indicator--bd5d6ae1-0537-5bbb-96b3-63079ee7f69b"; got != want {
		t.Errorf("IndicatorID(ipv4, 1.2.3.4) = %s, want %s", got, want)
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		"198.51.100.7", "evil[.]example.com;APT10", "ja3:e7d705a3286e19ea42f587b344ee6865",
		"203.0.113.0/24,cidr", "hxxp://a[.]b/c", "# c", "ipv6:2001:db8::1", "a@b.c", ";", ":", ",",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		typ, v, _, err := ioclist.ParseLine(line)
		if err != nil {
			if !errors.Is(err, ioclist.ErrNoValue) && !errors.Is(err, intel.ErrBadValue) {
				t.Fatalf("ParseLine(%q) error %v wraps neither ErrNoValue nor ErrBadValue", line, err)
			}
			return
		}
		if n, err := intel.Normalise(typ, v); err != nil || n != v {
			t.Fatalf("ParseLine(%q) = %s %q, not normalised (%q, %v)", line, typ, v, n, err)
		}
		// A value read back on its own line, with its type, gives the same.
		typ2, v2, _, err := ioclist.ParseLine(string(typ) + ":" + v)
		if err != nil || typ2 != typ || v2 != v {
			t.Fatalf("ParseLine(%q) = %s %q; re-reading gives %s %q %v", line, typ, v, typ2, v2, err)
		}
	})
}

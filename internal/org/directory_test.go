package org_test

import (
	"errors"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

func testDirectory(t testing.TB) *org.Directory {
	t.Helper()
	orgs, err := org.LoadFile(filepath.Join("testdata", "orgs.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := org.NewDirectory(orgs)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func ev(sensor, src, dst string) telemetry.Event {
	var e telemetry.Event
	e.Sensor = sensor
	if src != "" {
		e.SrcIP = netip.MustParseAddr(src)
	}
	if dst != "" {
		e.DstIP = netip.MustParseAddr(dst)
	}
	return e
}

func TestDirectoryLookup(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		name       string
		ev         telemetry.Event
		wantOrg    string
		wantOK     bool
		wantVictim string
	}{
		{"sensor wins", ev("wt-edge", "10.1.2.3", "198.51.100.1"), "widget-tech", true, "10.1.2.3"},
		{"src network", ev("", "10.1.2.3", "198.51.100.1"), "acme-pharma", true, "10.1.2.3"},
		{"dst network inbound", ev("", "198.51.100.1", "10.1.2.3"), "acme-pharma", true, "10.1.2.3"},
		{"most specific nested", ev("", "198.51.100.1", "10.1.7.9"), "acme-lab", true, "10.1.7.9"},
		{"most specific across sides", ev("", "10.1.2.3", "10.1.7.9"), "acme-lab", true, "10.1.7.9"},
		{"tie goes to source", ev("", "10.1.2.3", "10.1.9.9"), "acme-pharma", true, "10.1.2.3"},
		{"host network", ev("", "198.51.100.1", "203.0.113.7"), "widget-tech", true, "203.0.113.7"},
		{"ipv6", ev("", "2001:db8:1::5", "2001:db8:ff::1"), "acme-pharma", true, "2001:db8:1::5"},
		{"ipv4-mapped", ev("", "::ffff:10.1.2.3", "198.51.100.1"), "acme-pharma", true, "10.1.2.3"},
		{"sensor only, private side", ev("gov-tap", "172.16.0.9", "198.51.100.1"), "ministry", true, "172.16.0.9"},
		{"sensor only, both public", ev("gov-tap", "198.51.100.2", "198.51.100.1"), "ministry", true, ""},
		{"unknown sensor falls back to networks", ev("other", "198.51.100.1", "192.168.10.4"), "widget-tech", true, "192.168.10.4"},
		{"no match", ev("", "198.51.100.1", "198.51.100.2"), "", false, ""},
		{"no addresses", ev("", "", ""), "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := d.Lookup(&tt.ev)
			if got != tt.wantOrg || ok != tt.wantOK {
				t.Errorf("Lookup(%v %v %v) = %q, %v, want %q, %v", tt.ev.Sensor, tt.ev.SrcIP, tt.ev.DstIP, got, ok, tt.wantOrg, tt.wantOK)
			}
			var want netip.Addr
			if tt.wantVictim != "" {
				want = netip.MustParseAddr(tt.wantVictim)
			}
			if v := d.VictimAddr(&tt.ev); v != want {
				t.Errorf("VictimAddr(%v %v %v) = %v, want %v", tt.ev.Sensor, tt.ev.SrcIP, tt.ev.DstIP, v, want)
			}
		})
	}
}

func TestDirectoryOrg(t *testing.T) {
	d := testDirectory(t)
	o, ok := d.Org("acme-lab")
	if !ok || o.Name != "Acme Research Lab" {
		t.Errorf("Org(acme-lab) = %+v, %v, want Acme Research Lab", o, ok)
	}
	if _, ok := d.Org("nope"); ok {
		t.Errorf("Org(nope) found, want not found")
	}
	if n := len(d.Orgs()); n != 4 {
		t.Errorf("len(Orgs()) = %d, want 4", n)
	}
}

func TestNewDirectoryErrors(t *testing.T) {
	p := netip.MustParsePrefix("10.0.0.0/8")
	tests := []struct {
		name string
		orgs []org.Organisation
		want error
	}{
		{"missing id", []org.Organisation{{Name: "x"}}, org.ErrMissing},
		{"duplicate id", []org.Organisation{{ID: "a"}, {ID: "a"}}, org.ErrDuplicateID},
		{"shared sensor", []org.Organisation{{ID: "a", Sensors: []string{"s"}}, {ID: "b", Sensors: []string{"s"}}}, org.ErrDuplicateSensor},
		{"shared network", []org.Organisation{{ID: "a", Networks: []netip.Prefix{p}}, {ID: "b", Networks: []netip.Prefix{p}}}, org.ErrDuplicateNet},
		{"invalid network", []org.Organisation{{ID: "a", Networks: []netip.Prefix{{}}}}, org.ErrBadCIDR},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := org.NewDirectory(tt.orgs); !errors.Is(err, tt.want) {
				t.Errorf("NewDirectory(%+v) = %v, want %v", tt.orgs, err, tt.want)
			}
		})
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	d := testDirectory(t)
	events := []telemetry.Event{
		ev("wt-edge", "10.1.2.3", "198.51.100.1"),
		ev("", "198.51.100.1", "10.1.7.9"),
		ev("", "198.51.100.1", "198.51.100.2"),
	}
	for i := range events {
		if n := testing.AllocsPerRun(100, func() {
			d.Lookup(&events[i])
			d.VictimAddr(&events[i])
		}); n != 0 {
			t.Errorf("Lookup/VictimAddr on event %d allocate %v times, want 0", i, n)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	d := testDirectory(b)
	e := ev("", "198.51.100.1", "10.1.7.9")
	for b.Loop() {
		d.Lookup(&e)
	}
}

package org_test

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/org"
)

func TestLoadFile(t *testing.T) {
	got, err := org.LoadFile(filepath.Join("testdata", "orgs.json"))
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	want := []org.Organisation{
		{ID: "acme-pharma", Name: "Acme Pharmaceuticals", Country: "US", Sector: "pharmaceuticals",
			Networks: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("2001:db8:1::/48")},
			Sensors:  []string{"acme-sensor-1"}},
		{ID: "acme-lab", Name: "Acme Research Lab", Country: "US", Sector: "pharmaceuticals",
			Networks: []netip.Prefix{netip.MustParsePrefix("10.1.7.0/24")}},
		{ID: "widget-tech", Name: "Widget Technologies", Country: "GB", Sector: "technology",
			Networks: []netip.Prefix{netip.MustParsePrefix("192.168.10.0/24"), netip.MustParsePrefix("203.0.113.7/32")},
			Sensors:  []string{"wt-edge"}},
		{ID: "ministry", Name: "ministry", Country: "US", Sector: "government-national", Sensors: []string{"gov-tap"}},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("LoadFile mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := org.LoadFile(filepath.Join(t.TempDir(), "nope.json"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile(missing) = %v, want os.ErrNotExist", err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  error
		// parts that must appear in the error text
		parts []string
	}{
		{"bad cidr", `{"organisations":[{"id":"a","country":"US","sector":"technology","networks":["10.0.0.0/8","10.1.0.0/33"]}]}`,
			org.ErrBadCIDR, []string{"orgs.json:1", "organisations[0] (a)", "networks[1]", "10.1.0.0/33"}},
		{"bad country", `{"organisations":[{"id":"a","country":"USA","sector":"technology"}]}`,
			org.ErrBadCountry, []string{"organisations[0] (a)", "country", `"USA"`}},
		{"uk is not iso", `{"organisations":[{"id":"a","country":"UK","sector":"technology"}]}`,
			org.ErrBadCountry, []string{"GB"}},
		{"missing country", `{"organisations":[{"id":"a","sector":"technology"}]}`,
			org.ErrMissing, []string{"country"}},
		{"missing id", "{\"organisations\":[\n{\"id\":\"a\",\"country\":\"US\",\"sector\":\"technology\"},\n{\"country\":\"US\",\"sector\":\"technology\"}]}",
			org.ErrMissing, []string{"orgs.json:3", "organisations[1]", ": id:"}},
		{"duplicate id", `{"organisations":[{"id":"a","country":"US","sector":"technology"},{"id":"a","country":"US","sector":"energy"}]}`,
			org.ErrDuplicateID, []string{"organisations[1] (a)", "also organisations[0]"}},
		{"bad sector", `{"organisations":[{"id":"a","country":"US","sector":"pharma"}]}`,
			org.ErrBadSector, []string{"sector", `"pharma"`, "pharmaceuticals", "government-national", "utilities"}},
		{"duplicate sensor", `{"organisations":[{"id":"a","country":"US","sector":"energy","sensors":["s1"]},{"id":"b","country":"US","sector":"energy","sensors":["s1"]}]}`,
			org.ErrDuplicateSensor, []string{"organisations[1] (b)", "sensors[0]"}},
		{"duplicate network", `{"organisations":[{"id":"a","country":"US","sector":"energy","networks":["10.0.0.0/8"]},{"id":"b","country":"US","sector":"energy","networks":["10.9.9.9/8"]}]}`,
			org.ErrDuplicateNet, []string{"organisations[1] (b)", "networks[0]", `"a"`}},
		{"unknown field", `{"organisations":[{"id":"a","country":"US","sector":"energy","sektor":"x"}]}`,
			org.ErrSyntax, []string{"organisations[0]", "sektor"}},
		{"syntax", "{\"organisations\":[\n{\"id\":\"a\",}]}", org.ErrSyntax, []string{"orgs.json:2"}},
		{"no list", `{}`, org.ErrMissing, []string{"organisations"}},
		{"wrong top-level", `{"orgs":[]}`, org.ErrSyntax, []string{`"orgs"`}},
		{"not an object", `[]`, org.ErrSyntax, []string{"orgs.json"}},
		{"trailing data", `{"organisations":[]} {}`, org.ErrSyntax, []string{"after"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := org.Load(strings.NewReader(tt.input), "orgs.json")
			if !errors.Is(err, tt.want) {
				t.Fatalf("Load(%q) = %v, want %v", tt.input, err, tt.want)
			}
			if got != nil {
				t.Errorf("Load(%q) returned %d organisations with an error, want none", tt.input, len(got))
			}
			var e *org.Error
			if !errors.As(err, &e) {
				t.Errorf("Load(%q) error %T is not an *org.Error", tt.input, err)
			}
			for _, p := range tt.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("Load(%q) error %q does not contain %q", tt.input, err, p)
				}
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	in := `{"organisations":[{"id":"a","country":"X","sector":"y"},{"id":"b","country":"US","sector":"energy","networks":["nope"]}]}`
	_, err := org.Load(strings.NewReader(in), "f.json")
	for _, want := range []error{org.ErrBadCountry, org.ErrBadSector, org.ErrBadCIDR} {
		if !errors.Is(err, want) {
			t.Errorf("Load(%q) = %v, want it to include %v", in, err, want)
		}
	}
}

func TestLoadNormalises(t *testing.T) {
	in := `{"organisations":[{"id":"a","country":"cn","sector":"Energy","networks":["10.1.2.3/16","::ffff:192.0.2.0/120","2001:db8::1"]}]}`
	got, err := org.Load(strings.NewReader(in), "f.json")
	if err != nil {
		t.Fatalf("Load(%q) = %v", in, err)
	}
	var nets []string
	for _, p := range got[0].Networks {
		nets = append(nets, p.String())
	}
	want := []string{"10.1.0.0/16", "192.0.2.0/24", "2001:db8::1/128"}
	if diff := cmp.Diff(want, nets); diff != "" {
		t.Errorf("networks mismatch (-want +got):\n%s", diff)
	}
	if got[0].Country != "CN" || got[0].Sector != "energy" || got[0].Name != "a" {
		t.Errorf("Load(%q) = %+v, want country CN, sector energy, name a", in, got[0])
	}
}

func TestValidSector(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"pharmaceuticals", true}, {"government-national", true}, {"utilities", true},
		{"agriculture", true}, {"pharma", false}, {"", false}, {"Technology", false},
	}
	for _, tt := range tests {
		if got := org.ValidSector(tt.in); got != tt.want {
			t.Errorf("ValidSector(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if len(org.Sectors) != 34 {
		t.Errorf("len(Sectors) = %d, want 34", len(org.Sectors))
	}
}

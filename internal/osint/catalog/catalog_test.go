package catalog_test

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/osint"
	"github.com/pactwatch/pactwatch/internal/osint/catalog"
)

func read(t *testing.T, file string) ([]catalog.Entry, []error) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return catalog.Read(file, bytes.NewReader(b))
}

func find(es []catalog.Entry, title string) *catalog.Entry {
	for i := range es {
		if es[i].Title == title {
			return &es[i]
		}
	}
	return nil
}

func TestReadCFR(t *testing.T) {
	es, errs := read(t, "testdata/cfr.csv")
	if len(es) != 5 {
		t.Fatalf("Read(cfr.csv) = %d entries, want 5", len(es))
	}
	if len(errs) != 1 {
		t.Fatalf("Read(cfr.csv) = %d errors (%v), want 1", len(errs), errs)
	}
	var pe *catalog.ParseError
	if !errors.As(errs[0], &pe) || pe.Field != "Date" || pe.Line < 7 || !strings.HasPrefix(errs[0].Error(), "testdata/cfr.csv:") {
		t.Errorf("Read(cfr.csv) error = %v, want a ParseError on field Date with file:line", errs[0])
	}
	tests := []struct {
		title string
		want  catalog.Entry
	}{
		{"Compromise of Anthem", catalog.Entry{Date: "2015-02-06", Actors: []string{"Deep Panda"}, Sponsors: []string{"CN"}, Victims: []string{"Anthem"}, Type: "Espionage"}},
		{"Deep Panda", catalog.Entry{Date: "2013-01-01", Actors: []string{"Deep Panda", "Shell Crew", "Web Masters", "APT 19", "Kung Fu Kittens", "Black Vine", "Temp.Avengers", "Group 13"}, Sponsors: []string{"CN"}, Victims: []string{"United States"}, Type: "Espionage"}},
		// Ghana is not in intel's country table: kept as written.
		{"Targeting of dissidents and opposition political candidates in Ghana", catalog.Entry{Date: "2022-01-20", Sponsors: []string{"Ghana"}, Type: "Espionage",
			Victims: []string{"Political dissidents and opposition leaders in Ghana"}}},
	}
	for _, tc := range tests {
		e := find(es, tc.title)
		if e == nil {
			t.Errorf("Read(cfr.csv) has no entry %q", tc.title)
			continue
		}
		got := catalog.Entry{Date: e.Date, Actors: e.Actors, Sponsors: e.Sponsors, Victims: e.Victims, Type: e.Type}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Read(cfr.csv) entry %q mismatch (-want +got):\n%s", tc.title, diff)
		}
		if e.Catalog != catalog.CFR || e.ID == "" || e.Line < 2 || len(e.URLs) == 0 {
			t.Errorf("entry %q: catalog %q, id %q, line %d, %d urls; want cfr, an id, a line and sources", tc.title, e.Catalog, e.ID, e.Line, len(e.URLs))
		}
	}
}

func TestReadEuRepoC(t *testing.T) {
	es, errs := read(t, "testdata/eurepoc.csv")
	if len(es) != 3 || len(errs) != 0 {
		t.Fatalf("Read(eurepoc.csv) = %d entries, %v; want 3 and no errors", len(es), errs)
	}
	e := es[0]
	if e.ID != "23" || e.Date != "2006-01-01" || !slices.Equal(e.Sponsors, []string{"CN"}) || !slices.Contains(e.Victims, "United States") {
		t.Errorf("entry 23 = id %q date %q sponsors %v victims %v; want 23, 2006-01-01, [CN], United States", e.ID, e.Date, e.Sponsors, e.Victims)
	}
	for _, n := range []string{"APT1", "Comment Crew", "G0006", "PLA Unit 61398"} {
		if !slices.Contains(e.Actors, n) {
			t.Errorf("entry 23 actors = %v, want %q among them", e.Actors, n)
		}
	}
	if !strings.HasPrefix(e.URLs[0], "http") || e.Basis == "" {
		t.Errorf("entry 23 urls %v basis %q; want URLs and a basis", e.URLs, e.Basis)
	}
	for _, e := range es[1:] {
		if !slices.Contains(e.Actors, "Deep Panda") || !slices.Contains(e.Actors, "APT19") {
			t.Errorf("entry %s actors = %v, want Deep Panda and APT19 (EuRepoC folds them)", e.ID, e.Actors)
		}
	}
}

func TestReadBadInput(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
		entries  int
		errs     int
	}{
		{"unknown header", "a,b,c\n1,2,3\n", catalog.ErrUnknown, 0, 1},
		{"empty", "", nil, 0, 1},
		{"short row", "Title,Date,Affiliations,Description,Response,Victims,Sponsor,Type,Category,Sources_1,Sources_2,Sources_3\nx,1/2/2015\nA,1/2/2015,APT3,d,,v,China,Espionage,c,,,\n", nil, 1, 1},
		{"bad quote", "Title,Date,Affiliations,Description,Response,Victims,Sponsor,Type,Category,Sources_1,Sources_2,Sources_3\nA,1/2/2015,APT3,\"d\"x,,v,China,Espionage,c,,,\n", nil, 0, 1},
		{"no id", "ID,name,start_date,initiator_country,attributed_initiator\n,x,2015-01-01,['China'],APT3\n", nil, 0, 1},
	}
	for _, tc := range tests {
		es, errs := catalog.Read("in.csv", strings.NewReader(tc.in))
		if len(es) != tc.entries || len(errs) != tc.errs {
			t.Errorf("Read(%s) = %d entries, %d errors (%v); want %d, %d", tc.name, len(es), len(errs), errs, tc.entries, tc.errs)
			continue
		}
		for _, err := range errs {
			if !strings.HasPrefix(err.Error(), "in.csv:") {
				t.Errorf("Read(%s) error %q does not start with file:line", tc.name, err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Read(%s) error = %v, want %v", tc.name, err, tc.want)
			}
		}
	}
}

func TestReport(t *testing.T) {
	es, _ := read(t, "testdata/cfr.csv")
	e := find(es, "Compromise of Anthem")
	r := e.Report(osint.UsuallyReliable)
	if r.Kind != catalog.KindAttribution || r.Key != "cfr:"+e.ID || r.Date != "2015-02-06" || r.IndependentSources != 1 || r.Grade != "B3" {
		t.Errorf("Report() = kind %q key %q date %q sources %d grade %q; want attribution, cfr:%s, 2015-02-06, 1, B3", r.Kind, r.Key, r.Date, r.IndependentSources, r.Grade, e.ID)
	}
	if !slices.Equal(r.Links.Actors, []string{"Deep Panda"}) || !slices.Equal(r.Links.States, []string{"CN"}) || !strings.Contains(r.Text, "Deep Panda") {
		t.Errorf("Report() links %+v text %q; want Deep Panda and CN", r.Links, r.Text)
	}
	if r.Articles[0] != "cfr:line "+strconv.Itoa(e.Line) || r.Claim.Sentence != e.Description || r.Claim.Mention != e.Attribution {
		t.Errorf("Report() articles %v, sentence %q; want the catalogue row first and the description", r.Articles, r.Claim.Sentence)
	}
	if g := e.Report("Z").Grade; g != "F6" {
		t.Errorf("Report(invalid grade).Grade = %q, want F6", g)
	}
}

func FuzzRead(f *testing.F) {
	for _, file := range []string{"testdata/cfr.csv", "testdata/eurepoc.csv"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("ID,name,start_date,initiator_country,attributed_initiator\n1,x,2015-01-01,\"['China', [\"\"a\"\"]]\",A/B (c); D\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		es, errs := catalog.Read("f.csv", bytes.NewReader(in))
		for _, err := range errs {
			var pe *catalog.ParseError
			if !errors.As(err, &pe) || pe.File != "f.csv" {
				t.Errorf("Read error %v is not a ParseError naming the file", err)
			}
		}
		for _, e := range es {
			if e.ID == "" || e.Line < 2 {
				t.Errorf("entry without id or line: %+v", e)
			}
			if r := e.Report(osint.UsuallyReliable); r.Key == "" || r.IndependentSources != 1 {
				t.Errorf("Report() = %+v, want a key and one source", r)
			}
		}
	})
}

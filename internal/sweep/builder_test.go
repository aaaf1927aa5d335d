package sweep_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// An IOC list streamed into a Builder with AddDerived gives the same
// indicators and the same matches as ioclist.Read followed by Compile.
func TestAddDerivedMatchesReadAndCompile(t *testing.T) {
	gen := genIndicators(3000, 7)
	var list bytes.Buffer
	list.WriteString("# feed header\n\nSHA256\n")
	for i, ind := range gen {
		v := ind.Value
		switch i % 7 {
		case 0:
			v = strings.ToUpper(v) // normalised on reading
		case 1:
			v = strings.ReplaceAll(v, ".", "[.]") // defanged
		}
		fmt.Fprintln(&list, v)
		if i%10 == 0 {
			fmt.Fprintln(&list, ind.Value) // a duplicate
		}
		if i%500 == 0 {
			fmt.Fprintln(&list, "not an indicator at all")
			fmt.Fprintf(&list, "# section %d\n", i)
		}
	}
	data := list.Bytes()
	ctx := context.Background()
	c, err := ioclist.Read(ctx, bytes.NewReader(data), "feed.txt", ioclist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := sweep.Compile(c.Indicators)
	if err != nil {
		t.Fatal(err)
	}
	b := sweep.NewBuilder(len(gen))
	ind := intel.Indicator{Source: "feed.txt"}
	uns, err := ioclist.Scan(ctx, data, "feed.txt", func(typ intel.Type, v, name string) {
		ind.Type, ind.Value, ind.Name = typ, v, name
		b.AddDerived(&ind)
	})
	if err != nil {
		t.Fatal(err)
	}
	got := b.Set()
	// The same in shards, with the values the fast path read added as
	// canonical (ioclist.ScanValues, Shard.AddCanonical and AddRun), the
	// shards over the list's text (values kept in place) or not (copied).
	canonical := 0
	inShards := func(over bool) *sweep.Set {
		b2 := sweep.NewBuilder(0)
		shards := make([]*sweep.Shard, 3)
		inds := make([]intel.Indicator, len(shards))
		for k := range shards {
			shards[k] = sweep.NewShard(0)
			if over {
				shards[k] = sweep.NewShardOver(0, data)
			}
			inds[k].Source = "feed.txt"
		}
		canonical = 0
		if _, err := ioclist.ScanValues(ctx, data, "feed.txt", len(shards), func(k int, v *ioclist.Value) {
			inds[k].Type, inds[k].Value, inds[k].Name = v.Type, v.Value, v.Name
			switch {
			case v.Run != nil:
				canonical += shards[k].AddRun(&inds[k], data, v.Run)
			case v.Canonical:
				canonical++
				shards[k].AddCanonical(&inds[k])
			default:
				shards[k].AddDerived(&inds[k])
			}
		}); err != nil {
			t.Fatal(err)
		}
		for _, sh := range shards {
			b2.AddShard(sh)
		}
		return b2.Set()
	}
	got3 := inShards(false)
	got2 := inShards(true)
	if canonical < 1000 {
		t.Errorf("%d values read as canonical, want most of 3000", canonical)
	}
	if diff := cmp.Diff(c.Unsupported, uns); diff != "" {
		t.Errorf("Scan's unsupported lines differ from Read's (-Read +Scan):\n%s", diff)
	}
	if got.Len() != want.Len() || got.Len() < 2900 {
		t.Fatalf("Len() = %d, want %d (about 3000)", got.Len(), want.Len())
	}
	all := func(s *sweep.Set) []intel.Indicator {
		out := make([]intel.Indicator, s.Len())
		for i := range out {
			out[i] = *s.Indicator(int32(i))
		}
		slices.SortFunc(out, func(a, b intel.Indicator) int { return strings.Compare(a.ID, b.ID) })
		return out
	}
	if diff := cmp.Diff(all(want), all(got)); diff != "" {
		t.Errorf("indicators differ (-Compile +AddDerived):\n%s", diff)
	}
	if diff := cmp.Diff(all(want), all(got2)); diff != "" {
		t.Errorf("indicators differ (-Compile +AddCanonical in shards):\n%s", diff)
	}
	if diff := cmp.Diff(all(want), all(got3)); diff != "" {
		t.Errorf("indicators differ (-Compile +AddCanonical in shards that copy):\n%s", diff)
	}
	// The prefilter lets through a line with any of the values (names
	// as the parents of longer ones: the last two labels' filter).
	for _, set := range []*sweep.Set{got2, got3} {
		for i := range set.Len() {
			ind := set.Indicator(int32(i))
			v := ind.Value
			if ind.Type == intel.Domain {
				v = "www." + v
			}
			if line := fmt.Sprintf(`{"event_type":"dns","dns":{"rrname":%q}}`, v); !set.MayMatch([]byte(line)) {
				t.Fatalf("MayMatch(%s) = false, but %s %s is an indicator", line, ind.Type, ind.Value)
			}
		}
	}
	type hit struct{ Field, ID string }
	hits := func(s *sweep.Set, evs int) [][]hit {
		var out [][]hit
		for _, ev := range genEvents(evs, gen, 30, 9) {
			var hs []hit
			for _, m := range s.Match(&ev, nil) {
				hs = append(hs, hit{m.Field, s.ID(m.Indicator)})
			}
			slices.SortFunc(hs, func(a, b hit) int { return strings.Compare(a.Field+a.ID, b.Field+b.ID) })
			out = append(out, hs)
		}
		return out
	}
	w, g := hits(want, 2000), hits(got, 2000)
	n := 0
	for _, h := range w {
		n += len(h)
	}
	if n < 100 {
		t.Fatalf("only %d matches in the events", n)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("matches differ (-Compile +AddDerived):\n%s", diff)
	}
	if diff := cmp.Diff(w, hits(got2, 2000)); diff != "" {
		t.Errorf("matches differ (-Compile +AddCanonical in shards):\n%s", diff)
	}
	if diff := cmp.Diff(w, hits(got3, 2000)); diff != "" {
		t.Errorf("matches differ (-Compile +AddCanonical in shards that copy):\n%s", diff)
	}
}

// Add keeps given IDs and duplicates, as Compile does.
func TestBuilderAdd(t *testing.T) {
	inds := []intel.Indicator{
		{ID: "x", Type: intel.IPv4, Value: "1.2.3.4", Source: "a"},
		{ID: "y", Type: intel.IPv4, Value: "1.2.3.4", Source: "a"},
		{ID: "z", Type: intel.Domain, Value: "not a domain"},
	}
	b := sweep.NewBuilder(0)
	for i := range inds {
		b.Add(&inds[i])
	}
	s := b.Set()
	if s.Len() != 2 || s.ID(0) != "x" || s.ID(1) != "y" || len(s.Rejected()) != 1 || s.Rejected()[0].Index != 2 {
		t.Errorf("Builder.Add: Len %d, IDs %q %q, rejected %v; want 2, x y, one at index 2", s.Len(), s.ID(0), s.ID(1), s.Rejected())
	}
}

// A Builder without a size hint, fed directly and through shards, keeps
// its indicators in many segments (records, and values long enough to
// fill a segment's bytes first): the Set is still the one Compile builds.
func TestBuilderSegments(t *testing.T) {
	inds := genIndicators(30000, 5)
	for i := 0; i < 400; i++ {
		inds = append(inds, intel.Indicator{ID: fmt.Sprintf("long-%d", i), Type: intel.URL,
			Value: fmt.Sprintf("http://long%d.example/%s", i, strings.Repeat("p", 900+i))})
	}
	inds = append(inds, genIndicators(5000, 6)...)
	want := mustCompile(t, inds)
	b := sweep.NewBuilder(0)
	sh1, sh2 := sweep.NewShard(0), sweep.NewShard(0)
	for i := range inds {
		switch {
		case i < 9000:
			b.Add(&inds[i])
		case i < 20000:
			sh1.Add(&inds[i])
		default:
			sh2.Add(&inds[i])
		}
	}
	b.AddShard(sh1)
	b.AddShard(sh2)
	got := b.Set()
	if got.Len() != want.Len() {
		t.Fatalf("Len() = %d, want %d", got.Len(), want.Len())
	}
	for i := range int32(got.Len()) {
		if diff := cmp.Diff(want.Indicator(i), got.Indicator(i)); diff != "" {
			t.Fatalf("Indicator(%d) differs (-Compile +Builder):\n%s", i, diff)
		}
	}
	if diff := cmp.Diff(want.Stats(), got.Stats()); diff != "" {
		t.Errorf("Stats() differ (-Compile +Builder):\n%s", diff)
	}
	for _, ev := range genEvents(3000, inds, 40, 4) {
		if diff := cmp.Diff(want.Match(&ev, nil), got.Match(&ev, nil)); diff != "" {
			t.Fatalf("Match(%+v) differs (-Compile +Builder):\n%s", ev, diff)
		}
	}
}

// Duplicates are dropped and the rest renumbered alike whether there are
// few of them or very many (a table instead of a list of the dropped).
func TestAddDerivedManyDuplicates(t *testing.T) {
	for _, n := range []int{5000, 70000} {
		gen := genIndicators(n, 8)
		b := sweep.NewBuilder(0)
		for round := range 2 {
			for i := range gen {
				if round == 1 && i%2 == 1 && n < 10000 {
					continue // few duplicates: only every other value again
				}
				ind := gen[i]
				ind.ID, ind.Source, ind.Indicates = "", "list", nil
				b.AddDerived(&ind)
			}
		}
		s := b.Set()
		var want []string // the distinct values, in order
		seen := map[string]bool{}
		for _, ind := range gen {
			if k := string(ind.Type) + " " + ind.Value; !seen[k] {
				seen[k] = true
				want = append(want, ind.Value)
			}
		}
		if s.Len() != len(want) {
			t.Fatalf("%d values added twice or more: Len() = %d, want %d", n, s.Len(), len(want))
		}
		for _, i := range []int{0, n / 3, len(want) - 1} {
			if got := s.Indicator(int32(i)); got.Value != want[i] {
				t.Errorf("%d values: Indicator(%d).Value = %q, want %q", n, i, got.Value, want[i])
			}
		}
		for _, ev := range genEvents(500, gen, 50, 2) {
			for _, m := range s.Match(&ev, nil) {
				if m.Indicator < 0 || int(m.Indicator) >= n {
					t.Fatalf("%d values: match of indicator %d, out of range", n, m.Indicator)
				}
			}
		}
	}
}

// A segment keeps one meta and no extras for a run of list indicators
// and makes the per-indicator arrays once one differs: the fields of every
// indicator come back as added, before and after, with duplicates dropped.
func TestBuilderFieldsChangeMidSegment(t *testing.T) {
	gen := genIndicators(9000, 11)
	b := sweep.NewBuilder(0)
	var want []intel.Indicator
	seen := map[string]bool{}
	for i := range gen {
		ind := gen[i]
		ind.ID, ind.Source, ind.Indicates, ind.TLP, ind.Confidence = "", "list", nil, "", 0
		switch {
		case i >= 3000 && i%7 == 0:
			ind.Source = "other" // metas differ from here on
		case i >= 5000 && i%5 == 0:
			ind.Name = "section" // and extras
		}
		if i%11 == 0 && i > 0 {
			dup := want[len(want)/2] // an earlier value with its fields: dropped
			b.AddDerived(&dup)
		}
		b.AddDerived(&ind)
		k := string(ind.Type) + " " + ind.Value + " " + ind.Source
		if !seen[k] {
			seen[k] = true
			ind.ID = intel.IndicatorID(ind.Type, ind.Value)
			want = append(want, ind)
		}
	}
	checkIndicators(t, b.Set(), want)
}

// checkIndicators checks that s holds want, in order, fields and IDs.
func checkIndicators(t *testing.T, s *sweep.Set, want []intel.Indicator) {
	t.Helper()
	if s.Len() != len(want) {
		t.Fatalf("Len() = %d, want %d", s.Len(), len(want))
	}
	for i := range want {
		got := s.Indicator(int32(i))
		if diff := cmp.Diff(&want[i], got); diff != "" {
			t.Fatalf("Indicator(%d) differs (-want +got):\n%s", i, diff)
		}
		if id := s.ID(int32(i)); id != want[i].ID {
			t.Fatalf("ID(%d) = %q, want %q", i, id, want[i].ID)
		}
	}
}

// A list without sections reaches Shard.AddRun in runs of mixed kinds
// with no name, which take the run fast path (records written without
// branching on kinds, then the others indexed) while they fit their
// segment, and after a section line runs with a name, which do not: the
// shards give what AddDerived gives, indicator by indicator, with the
// same statistics and matches, whatever the shards' presize.
func TestAddRunPlainRuns(t *testing.T) {
	gen := genIndicators(6000, 11)
	r := rand.New(rand.NewPCG(12, 13))
	r.Shuffle(len(gen), func(i, j int) { gen[i], gen[j] = gen[j], gen[i] })
	var list bytes.Buffer
	for i, ind := range gen {
		fmt.Fprintln(&list, ind.Value)
		if i%7 == 0 {
			fmt.Fprintln(&list, gen[r.IntN(i+1)].Value) // a duplicate
		}
		if i == 5000 {
			fmt.Fprintln(&list, "# APT1") // names the values after it
		}
	}
	data := list.Bytes()
	ctx := context.Background()
	b := sweep.NewBuilder(0)
	ind := intel.Indicator{Source: "plain.txt"}
	if _, err := ioclist.Scan(ctx, data, "plain.txt", func(typ intel.Type, v, name string) {
		ind.Type, ind.Value, ind.Name = typ, v, name
		b.AddDerived(&ind)
	}); err != nil {
		t.Fatal(err)
	}
	want := b.Set()
	events := genEvents(3000, gen, 30, 14)
	for _, hint := range []int{0, 100, 20000} {
		b2 := sweep.NewBuilder(0)
		shards := make([]*sweep.Shard, 3)
		inds := make([]intel.Indicator, len(shards))
		for k := range shards {
			shards[k] = sweep.NewShardOver(hint, data)
			inds[k].Source = "plain.txt"
		}
		runs, named := 0, 0
		if _, err := ioclist.ScanValues(ctx, data, "plain.txt", len(shards), func(k int, v *ioclist.Value) {
			inds[k].Type, inds[k].Value, inds[k].Name = v.Type, v.Value, v.Name
			if v.Run == nil {
				t.Fatalf("line %q not in a run", v.Value)
			}
			if v.Name != "" {
				named++
			}
			runs++
			shards[k].AddRun(&inds[k], data, v.Run)
		}); err != nil {
			t.Fatal(err)
		}
		for _, sh := range shards {
			b2.AddShard(sh)
		}
		got := b2.Set()
		if runs < 3 || named == 0 || named == runs || got.Len() != want.Len() || want.Len() < 5900 {
			t.Fatalf("hint %d: %d runs (%d named), Len %d, want %d (about 6000)", hint, runs, named, got.Len(), want.Len())
		}
		for i := range want.Len() {
			if g, w := got.Indicator(int32(i)), want.Indicator(int32(i)); !cmp.Equal(g, w) {
				t.Fatalf("hint %d: indicator %d is %+v, want %+v", hint, i, g, w)
			}
		}
		if diff := cmp.Diff(want.Stats(), got.Stats()); diff != "" {
			t.Errorf("hint %d: stats differ (-AddDerived +AddRun):\n%s", hint, diff)
		}
		n := 0
		for i := range events {
			w, g := want.Match(&events[i], nil), got.Match(&events[i], nil)
			n += len(w)
			if !cmp.Equal(w, g) {
				t.Fatalf("hint %d: event %d matches %v, want %v", hint, i, g, w)
			}
		}
		if n < 100 {
			t.Fatalf("only %d matches in the events", n)
		}
	}
}

// Duplicates of every type are dropped, whatever index finds them: the
// set numbers the first of each value in order, counts each type once,
// and a match names the first (its number and ID).
func TestDuplicatesDroppedEveryType(t *testing.T) {
	values := []struct {
		typ intel.Type
		v   string
	}{
		{intel.IPv4, "198.51.100.7"}, {intel.IPv6, "2001:db8::7"}, {intel.CIDR, "203.0.113.0/24"},
		{intel.CIDR, "2001:db8:1::/48"}, {intel.Domain, "evil.example"},
		{intel.SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{intel.MD5, "d41d8cd98f00b204e9800998ecf8427e"}, {intel.IPv6, "2001:db8::8"},
	}
	b := sweep.NewBuilder(0)
	for round := range 3 {
		for i, x := range values {
			if round == 2 && i%2 == 0 {
				continue
			}
			b.AddDerived(&intel.Indicator{Type: x.typ, Value: x.v, Source: "list"})
		}
	}
	s := b.Set()
	if s.Len() != len(values) {
		t.Fatalf("Len() = %d, want %d", s.Len(), len(values))
	}
	byType := map[intel.Type]int{}
	for i, x := range values {
		byType[x.typ]++
		if got := s.Indicator(int32(i)); got.Value != x.v {
			t.Errorf("Indicator(%d).Value = %q, want %q", i, got.Value, x.v)
		}
	}
	if diff := cmp.Diff(byType, s.Stats().ByType); diff != "" {
		t.Errorf("Stats().ByType differ (-want +got):\n%s", diff)
	}
	if got := s.Stats().Indicators; got != len(values) {
		t.Errorf("Stats().Indicators = %d, want %d", got, len(values))
	}
	for i, ev := range []telemetry.Event{
		{SrcIP: netip.MustParseAddr("198.51.100.7")}, {SrcIP: netip.MustParseAddr("2001:db8::7")},
		{SrcIP: netip.MustParseAddr("203.0.113.9")}, {SrcIP: netip.MustParseAddr("2001:db8:1::9")},
		{Domain: "a.evil.example"}, {SHA256: values[5].v}, {MD5: values[6].v}, {DstIP: netip.MustParseAddr("2001:db8::8")},
	} {
		ms := s.Match(&ev, nil)
		if len(ms) != 1 || ms[0].Indicator != int32(i) || s.ID(ms[0].Indicator) != intel.IndicatorID(values[i].typ, values[i].v) {
			t.Errorf("event %d: matches %+v, want indicator %d only", i, ms, i)
		}
	}
}

// STIX indicators' IDs, patterns, names and validity are kept compactly
// (UUID ids in 16 bytes, patterns and names as templates around the value
// or shared with the previous indicator's, times as numbers): every field
// comes back as added, whatever form it takes, across segments.
func TestBuilderSTIXFieldsRoundTrip(t *testing.T) {
	gen := genIndicators(12000, 5)
	est := time.FixedZone("EST", -5*3600)
	b := sweep.NewBuilder(0)
	var want []intel.Indicator
	for i := range gen {
		ind := gen[i]
		v := ind.Value
		if ind.Type == intel.IPv4 && i%13 == 0 {
			ind.Value = "  " + v // normalised before it is templated
		}
		switch i % 9 {
		case 0: // the IDs UUIDs packed and not
			ind.ID = strings.ToUpper(ind.ID[:11]) + ind.ID[11:]
		case 1:
			ind.ID = "indicator--" + strings.ToUpper(ind.ID[11:])
		case 2:
			ind.ID = "indicator--00000000-0000-0000-0000-000000000000"
		case 3:
			ind.ID = ""
		case 4:
			ind.ID = "indicator--" + ind.ID[11:30] + "x" + ind.ID[31:]
		case 5:
			ind.ID = "malware--" + ind.ID[11:]
		}
		switch i % 7 {
		case 0:
			ind.Pattern = "[x:value = '" + v + "']"
		case 1:
			ind.Pattern = "[x:value = '" + v + "'] OR [y:value = 'other.example']"
		case 2:
			ind.Pattern = "[x:value = 'something else']"
		case 3:
			if i%500 == 3 {
				ind.Pattern = strings.Repeat("p", 70000) // longer than a value
			}
		case 4:
			ind.Pattern = fmt.Sprintf("[x%d:value = '%s']", i, v) // more affixes than are kept
		}
		switch i % 5 {
		case 0:
			ind.Name = v
		case 1:
			ind.Name = "C2 " + v
		case 2:
			ind.Name = "Malicious IP"
		case 3:
			ind.Name = fmt.Sprintf("n%d", i/3) // as the previous one's, at times
		}
		switch i % 4 {
		case 0:
			ind.ValidFrom = time.Date(2015, 9, 25, 1, 2, 3, 456789, time.UTC)
			if i%3 == 0 { // runs of indicators that share all but a nanosecond
				ind.ValidUntil = time.Date(2016, 9, 25, 1, 2, 3, i%2, time.UTC)
			}
		case 1:
			ind.ValidFrom = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)
			ind.ValidUntil = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
		case 2:
			ind.ValidUntil = time.Date(1960, 1, 1, 0, 0, 0, 0, est)
		}
		if i >= 9000 { // runs that share their extras but the value
			ind.Pattern = "[x:value = '" + v + "']"
			ind.Name = ""
			ind.ValidFrom, ind.ValidUntil = time.Date(2015, 9, 25, 0, 0, 0, 0, time.UTC), time.Time{}
			if i%7 == 0 {
				ind.Name = "odd one"
			}
		}
		if !b.Add(&ind) {
			t.Fatalf("Add(%d) rejected %+v", i, ind)
		}
		ind.Value = v
		ind.ValidUntil = ind.ValidUntil.UTC()
		if ind.ValidUntil.Equal(time.Time{}) {
			ind.ValidUntil = time.Time{}
		}
		want = append(want, ind)
	}
	checkIndicators(t, b.Set(), want)

	long := intel.Indicator{ID: "indicator--long", Type: intel.Domain, Value: "evil.com", Pattern: strings.Repeat("x", 1<<24)}
	b = sweep.NewBuilder(0)
	if b.Add(&long) {
		t.Errorf("Add took a pattern of %d bytes", len(long.Pattern))
	}
	if s := b.Set(); s.Len() != 0 || len(s.Rejected()) != 1 || !errors.Is(s.Rejected()[0].Err, intel.ErrBadValue) {
		t.Errorf("a pattern too long: Len %d, Rejected %v", s.Len(), s.Rejected())
	}
}

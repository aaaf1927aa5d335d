package intrusion

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// DefaultWindow is the gap that starts a new intrusion when Group is given
// no window: three days without a matched event.
const DefaultWindow = 72 * time.Hour

// ExfilThreshold is the number of bytes sent to matched infrastructure
// above which an intrusion is judged Exfiltrated.
const ExfilThreshold int64 = 1 << 20

// PreventedMaxBytes is the most an intrusion may send to matched
// infrastructure and still count as Prevented (handshakes, beacons).
const PreventedMaxBytes int64 = 64 << 10

// MaxTimeline caps an intrusion's timeline: the first MaxTimeline-MaxTimeline/5
// entries and the last MaxTimeline/5 are kept, so both the entry and the
// end of a long intrusion remain visible.
const MaxTimeline = 500

// MaxSightingEvents caps the event references kept per sighting; Count
// keeps the full number.
const MaxSightingEvents = 200

// MaxFiles caps the file names kept per intrusion.
const MaxFiles = 200

// ActivitySlots is the length of Intrusion.Activity: half hours in a week.
const ActivitySlots = 7 * 48

// Group turns hits into intrusions. Hits are grouped per organisation;
// within one, two hits belong together when they share a connection and
// are at most window apart (DefaultWindow if window <= 0), or share a host
// on the organisation's side and are at most HostWindowFactor windows
// apart; an intrusion is a connected run of such hits. Concurrent unrelated activity (two
// compromised hosts, benign visits from others) stays apart; so do two
// actors meeting on one shared server. Indicators themselves do not tie
// hosts together: that is attribution's business.
//
// A hit whose every indicator is widespread at the time (see Widespread:
// many organisations reach it within days, as they reach shared hosting
// or an address handed to a popular site) is background: it joins an
// intrusion only through its connection, and never starts one. The hits
// stay stored; they are just not intrusions.
//
// The same event given twice (same organisation, file, offset, line and
// time) counts once. The result is sorted by organisation, then start
// time, and is the same for the same hits in any order.
func Group(hits []Hit, window time.Duration) []Intrusion {
	out, _ := Assign(hits, window)
	return out
}

// Assign is Group that also says where each hit went: member[i] is the
// index in the result of the intrusion hits[i] belongs to, or -1 for a
// background hit outside every intrusion. Scoring against ground truth
// reads it; the intrusions are exactly Group's.
func Assign(hits []Hit, window time.Duration) (out []Intrusion, member []int) {
	if window <= 0 {
		window = DefaultWindow
	}
	idx := make([]int, len(hits))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return compareHits(&hits[a], &hits[b]) })
	member = make([]int, len(hits))
	// Duplicates (the same event twice) join the intrusion of the first copy.
	var uniq []int
	for j, i := range idx {
		if j > 0 && hits[i].Event.Source.File != "" && compareHits(&hits[idx[j-1]], &hits[i]) == 0 {
			continue
		}
		uniq = append(uniq, j)
	}
	prev := newPrevalence(hits)
	var hs []*Hit
	for lo := 0; lo < len(uniq); {
		hi := lo + 1
		for hi < len(uniq) && hits[idx[uniq[hi]]].OrgID == hits[idx[uniq[lo]]].OrgID {
			hi++
		}
		comps, background := components(hits, idx, uniq[lo:hi], window, prev)
		for _, u := range background {
			member[idx[u]] = -1
		}
		for _, comp := range comps {
			hs = hs[:0]
			for _, u := range comp {
				hs = append(hs, &hits[idx[u]])
			}
			n := len(out)
			in := build(hs)
			for i := range in.Sightings {
				s := &in.Sightings[i]
				s.Prevalence = prev.max(s.IndicatorID, s.FirstSeen, s.LastSeen)
			}
			out = append(out, in)
			for _, u := range comp {
				member[idx[u]] = n
			}
		}
		lo = hi
	}
	// Duplicates join the intrusion of the copy kept before them.
	for j := 1; j < len(idx); j++ {
		if hits[idx[j]].Event.Source.File != "" && compareHits(&hits[idx[j-1]], &hits[idx[j]]) == 0 {
			member[idx[j]] = member[idx[j-1]]
		}
	}
	return out, member
}

// Widespread is how many organisations must reach an indicator within
// PrevalenceDays days either side of a hit for the indicator to be
// widespread then: intrusions reach one victim or a few, while shared
// hosting, content networks and addresses reassigned to popular sites are
// reached by many at once. WidespreadHosts is the same test by internal
// hosts, for deployments with few organisations.
const (
	Widespread      = 5
	WidespreadHosts = 25
	PrevalenceDays  = 3
)

// prevalence counts, per indicator and day, the organisations and their
// hosts that reached it.
type prevalence struct {
	orgs  map[string]map[int]map[string]bool // indicator -> day -> org
	hosts map[string]map[int]map[string]bool // indicator -> day -> org/host
}

func dayOf(t time.Time) int { return int(t.Unix() / 86400) }

func newPrevalence(hits []Hit) *prevalence {
	p := &prevalence{orgs: map[string]map[int]map[string]bool{}, hosts: map[string]map[int]map[string]bool{}}
	add := func(m map[string]map[int]map[string]bool, id string, d int, k string) {
		byDay := m[id]
		if byDay == nil {
			byDay = map[int]map[string]bool{}
			m[id] = byDay
		}
		set := byDay[d]
		if set == nil {
			set = map[string]bool{}
			byDay[d] = set
		}
		set[k] = true
	}
	for i := range hits {
		h := &hits[i]
		d := dayOf(h.Event.Time)
		hs := hostAnchors(h)
		for _, m := range h.Matches {
			add(p.orgs, m.IndicatorID, d, h.OrgID)
			for _, a := range hs {
				add(p.hosts, m.IndicatorID, d, h.OrgID+"/"+a)
			}
		}
	}
	return p
}

// count returns how many organisations and hosts reached the indicator
// within PrevalenceDays of day d.
func (p *prevalence) count(id string, d int) (orgs, hosts int) {
	o, h := map[string]bool{}, map[string]bool{}
	for k := d - PrevalenceDays; k <= d+PrevalenceDays; k++ {
		for x := range p.orgs[id][k] {
			o[x] = true
		}
		for x := range p.hosts[id][k] {
			h[x] = true
		}
	}
	return len(o), len(h)
}

func (p *prevalence) widespread(id string, t time.Time) bool {
	o, h := p.count(id, dayOf(t))
	return o >= Widespread || h >= WidespreadHosts
}

// max is the most organisations that reached the indicator within
// PrevalenceDays of any day from first to last.
func (p *prevalence) max(id string, first, last time.Time) int {
	best := 0
	for d := dayOf(first); d <= dayOf(last); d++ {
		if len(p.orgs[id][d]) == 0 {
			continue
		}
		o, _ := p.count(id, d)
		best = max(best, o)
	}
	return best
}

// components splits one organisation's hits (positions in idx, in time
// order) into runs joined by shared anchors: two hits join when they have
// an anchor in common and are at most window apart. A component's hits,
// in time order, are never more than window apart, as with the plain gap
// rule, but concurrent unrelated activity (two actors, or benign visits to
// a listed address from other hosts) stays apart. Background hits anchor
// only by their connection, and a component of background hits alone is
// returned apart, as background. Components are returned in the order of
// their first hit.
func components(hits []Hit, idx, pos []int, window time.Duration, prev *prevalence) (comps [][]int, background []int) {
	u := newUnion[int]()
	type seen struct {
		at int
		t  time.Time
	}
	bg := make([]bool, len(pos))
	for i, p := range pos {
		h := &hits[idx[p]]
		bg[i] = len(h.Matches) > 0
		for _, m := range h.Matches {
			if !prev.widespread(m.IndicatorID, h.Event.Time) {
				bg[i] = false
			}
		}
	}
	last := map[string]seen{}
	for i, p := range pos {
		h := &hits[idx[p]]
		var as []string
		if h.Event.UID != "" {
			as = append(as, "uid:"+h.Event.UID)
		}
		if !bg[i] {
			as = append(as, hostAnchors(h)...)
			if len(as) == 0 {
				as = append(as, "org")
			}
		}
		for _, a := range as {
			// A compromised host stays compromised through a quiet spell:
			// a lure opened on Friday, beacons from Monday.
			win := window
			if strings.HasPrefix(a, "host:") {
				win = HostWindowFactor * window
			}
			if s, ok := last[a]; ok && h.Event.Time.Sub(s.t) <= win {
				u.join(s.at, i)
			}
			last[a] = seen{i, h.Event.Time}
		}
	}
	fore := map[int]bool{} // roots with a hit that is not background
	for i := range pos {
		if !bg[i] {
			fore[u.find(i)] = true
		}
	}
	byRoot := map[int]int{}
	for i, p := range pos {
		r := u.find(i)
		if !fore[r] {
			background = append(background, p)
			continue
		}
		k, ok := byRoot[r]
		if !ok {
			k = len(comps)
			byRoot[r] = k
			comps = append(comps, nil)
		}
		comps[k] = append(comps[k], p)
	}
	return comps, background
}

// HostWindowFactor stretches the window for one host: after a lure or an
// exploit, beacons may start days later, or resume after a quiet week,
// and that is still the same compromise.
const HostWindowFactor = 3

// hostAnchors are the hosts that tie a hit to others of the same
// intrusion: the event's endpoints that are not themselves matched
// indicators (so the victim's side), leaving out a DNS resolver (the side
// on port 53, the query's destination or the answer's source), which every
// host of the organisation shares. An event with neither
// endpoint and no tying indicator has one anchor for the whole
// organisation, which gives the plain gap rule.
func hostAnchors(h *Hit) []string {
	e := &h.Event
	matched := func(a netip.Addr) bool {
		for _, m := range h.Matches {
			if (m.Field == telemetry.FieldSrcIP || m.Field == telemetry.FieldDstIP) && m.Value == a.String() {
				return true
			}
		}
		return false
	}
	// The resolver is the DNS side on port 53: the destination of a query,
	// the source of an answer (Suricata logs both).
	dns := e.Kind == "dns"
	resolver := func(a netip.Addr, port uint16) bool {
		return dns && (port == 53 || (port == 0 && a == e.DstIP))
	}
	var out []string
	if e.SrcIP.IsValid() && !matched(e.SrcIP) && !resolver(e.SrcIP, e.SrcPort) {
		out = append(out, "host:"+e.SrcIP.String())
	}
	if e.DstIP.IsValid() && !matched(e.DstIP) && !resolver(e.DstIP, e.DstPort) {
		out = append(out, "host:"+e.DstIP.String())
	}
	return out
}

func compareHits(a, b *Hit) int {
	return cmp.Or(
		strings.Compare(a.OrgID, b.OrgID),
		a.Event.Time.Compare(b.Event.Time),
		strings.Compare(a.Event.Source.File, b.Event.Source.File),
		cmp.Compare(a.Event.Source.Offset, b.Event.Source.Offset),
		cmp.Compare(a.Event.Source.Line, b.Event.Source.Line),
	)
}

// ID returns the stable intrusion id for an organisation and the first
// event of the intrusion: "INT-" and ten hex digits of a SHA-256.
func ID(orgID string, first telemetry.Event) string {
	h := sha256.New()
	// The file's base name, not its path, so the same data ingested from
	// another directory keeps its ids.
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s", orgID, filepath.Base(first.Source.File), first.Source.Offset,
		first.Time.UTC().Format(time.RFC3339Nano))
	return "INT-" + hex.EncodeToString(h.Sum(nil))[:10]
}

// build makes one intrusion of sorted hits of one organisation.
func build(hs []*Hit) Intrusion {
	first, last := &hs[0].Event, &hs[len(hs)-1].Event
	in := Intrusion{
		ID:         ID(hs[0].OrgID, *first),
		OrgID:      hs[0].OrgID,
		Start:      first.Time,
		End:        last.Time,
		EventCount: len(hs),
		Activity:   make([]int, ActivitySlots),
	}
	sightings := map[string]*Sighting{}
	servers := newUnion[string]()
	techniques := map[string]bool{}
	files := map[string]bool{}
	keepHead := MaxTimeline - MaxTimeline/5
	for i, h := range hs {
		e := &h.Event
		ref := EventRef{File: e.Source.File, Line: e.Source.Line, Offset: e.Source.Offset, Time: e.Time}
		var ids []string
		for _, m := range h.Matches {
			if slices.Contains(ids, m.IndicatorID) {
				continue // one event counts once per indicator
			}
			ids = append(ids, m.IndicatorID)
			s := sightings[m.IndicatorID]
			if s == nil {
				s = &Sighting{OrgID: in.OrgID, IndicatorID: m.IndicatorID, Type: m.Type, Value: m.Indicator, FirstSeen: e.Time}
				sightings[m.IndicatorID] = s
			}
			s.LastSeen = e.Time
			s.Count++
			if len(s.Events) < MaxSightingEvents {
				s.Events = append(s.Events, ref)
			}
		}
		slices.Sort(ids)
		var infra []string
		for _, m := range h.Matches {
			if !isHashType(m.Type) {
				infra = append(infra, m.IndicatorID)
			}
		}
		for _, id := range infra[min(1, len(infra)):] {
			servers.join(infra[0], id)
		}
		if i < keepHead || len(hs)-i <= MaxTimeline/5 || len(hs) <= MaxTimeline {
			in.Timeline = append(in.Timeline, TimelineEntry{EventRef: ref, Kind: e.Kind, Summary: Summarise(e), Indicator: ids})
		} else {
			in.TimelineOmitted++
		}
		for _, t := range e.Techniques {
			techniques[strings.ToUpper(strings.TrimSpace(t))] = true
		}
		for _, f := range e.Files {
			if f != "" {
				files[f] = true
			}
		}
		if isAlert(e) {
			in.Alerts++
			if blocked(e.Action) {
				in.AlertsBlocked++
			}
		}
		in.BytesOut += victimBytes(h)
		in.Activity[slot(e.Time)]++
	}
	for _, s := range sightings {
		in.Sightings = append(in.Sightings, *s)
	}
	slices.SortFunc(in.Sightings, func(a, b Sighting) int {
		return cmp.Or(a.FirstSeen.Compare(b.FirstSeen), strings.Compare(a.IndicatorID, b.IndicatorID))
	})
	in.Servers = servers.groups()
	in.Techniques = sortedKeys(techniques, 0)
	delete(files, "")
	in.Files = sortedKeys(files, MaxFiles)
	in.Status = status(in)
	return in
}

func sortedKeys(m map[string]bool, limit int) []string {
	var ks []string
	for k := range m {
		if k != "" {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	if limit > 0 && len(ks) > limit {
		ks = ks[:limit]
	}
	return ks
}

// status judges how far the intrusion got.
func status(in Intrusion) Status {
	switch {
	case in.BytesOut > ExfilThreshold:
		return Exfiltrated
	case in.Alerts > 0 && in.AlertsBlocked == in.Alerts && in.BytesOut <= PreventedMaxBytes:
		return Prevented
	}
	return Detected
}

func isAlert(e *telemetry.Event) bool {
	return e.Kind == "alert" || e.Kind == "notice" || (e.Signature != "" && e.Action != "")
}

func blocked(action string) bool {
	switch strings.ToLower(action) {
	case "blocked", "block", "drop", "dropped", "reject", "rejected", "deny", "denied":
		return true
	}
	return false
}

// victimBytes estimates what the victim side of a hit's event sent to the
// matched infrastructure. A matched destination address means the victim
// is the source (BytesOut); a matched source address means the victim is
// the destination (BytesIn). A matched domain, URL or JA3 in a non-DNS
// event means the victim is the client (BytesOut). DNS lookups go to a
// resolver and file hashes describe what came in: they count nothing.
func victimBytes(h *Hit) int64 {
	e := &h.Event
	var dst, src, client bool
	for _, m := range h.Matches {
		switch m.Field {
		case telemetry.FieldDstIP:
			dst = true
		case telemetry.FieldSrcIP:
			src = true
		case telemetry.FieldDomain, telemetry.FieldURL, telemetry.FieldJA3:
			client = true
		}
	}
	switch {
	case dst:
		return max(e.BytesOut, 0)
	case src:
		return max(e.BytesIn, 0)
	case client && e.Kind != "dns":
		return max(e.BytesOut, 0)
	}
	return 0
}

// slot returns t's half hour of the UTC week, Monday 00:00 being 0.
func slot(t time.Time) int {
	t = t.UTC()
	day := (int(t.Weekday()) + 6) % 7 // Monday 0
	return day*48 + t.Hour()*2 + t.Minute()/30
}

// Summarise describes an event in one line for a timeline:
// "dns query evil.example -> 1.2.3.4", "alert ET TROJAN Derusbi (blocked)",
// "http GET http://evil.example/a.php", "file report.doc sha256 4f3a…" (hashes in full).
func Summarise(e *telemetry.Event) string {
	var b strings.Builder
	flow := func() {
		if e.SrcIP.IsValid() || e.DstIP.IsValid() {
			fmt.Fprintf(&b, " %s -> %s", hostPort(e.SrcIP, e.SrcPort), hostPort(e.DstIP, e.DstPort))
		}
	}
	switch {
	case isAlert(e):
		b.WriteString("alert ")
		b.WriteString(cmp.Or(e.Signature, "(no signature)"))
		if e.Action != "" {
			fmt.Fprintf(&b, " (%s)", strings.ToLower(e.Action))
		}
		flow()
	case e.Kind == "dns":
		b.WriteString("dns query ")
		b.WriteString(cmp.Or(e.Domain, "?"))
		var answers []string
		for _, o := range e.Extra {
			if strings.HasPrefix(o.Field, "dns.answer") {
				answers = append(answers, o.Value)
			}
		}
		if len(answers) > 0 {
			if len(answers) > 4 {
				answers = append(answers[:4], "...")
			}
			b.WriteString(" -> ")
			b.WriteString(strings.Join(answers, ", "))
		}
	case e.Kind == "http" || (e.URL != "" && e.Kind != "files" && e.Kind != "fileinfo"):
		b.WriteString("http ")
		if m := extra(e, "http.method", "http_method", "method"); m != "" {
			b.WriteString(strings.ToUpper(m))
			b.WriteString(" ")
		}
		b.WriteString(cmp.Or(e.URL, e.Domain, "?"))
		flow()
	case e.Kind == "tls" || e.Kind == "ssl":
		b.WriteString("tls ")
		b.WriteString(cmp.Or(e.Domain, "(no sni)"))
		if e.JA3 != "" {
			fmt.Fprintf(&b, " ja3 %s", short(e.JA3))
		}
		flow()
	case e.SHA256 != "" || e.SHA1 != "" || e.MD5 != "" || len(e.Files) > 0:
		b.WriteString("file")
		if len(e.Files) > 0 {
			b.WriteString(" ")
			b.WriteString(e.Files[0])
		}
		switch {
		case e.SHA256 != "":
			fmt.Fprintf(&b, " sha256 %s", e.SHA256)
		case e.SHA1 != "":
			fmt.Fprintf(&b, " sha1 %s", e.SHA1)
		case e.MD5 != "":
			fmt.Fprintf(&b, " md5 %s", e.MD5)
		}
		flow()
	default:
		b.WriteString(cmp.Or(e.Kind, "event"))
		if e.Proto != "" {
			b.WriteString(" ")
			b.WriteString(strings.ToLower(e.Proto))
		}
		flow()
	}
	if e.BytesOut > 0 || e.BytesIn > 0 {
		fmt.Fprintf(&b, " (%d bytes out, %d in)", e.BytesOut, e.BytesIn)
	}
	return b.String()
}

func extra(e *telemetry.Event, fields ...string) string {
	for _, o := range e.Extra {
		if slices.Contains(fields, o.Field) {
			return o.Value
		}
	}
	return ""
}

func hostPort(a netip.Addr, port uint16) string {
	if !a.IsValid() {
		return "?"
	}
	host := a.String()
	if port == 0 {
		return host
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(int(port))
	}
	return host + ":" + strconv.Itoa(int(port))
}

// short abbreviates a hash for a summary line.
func short(h string) string {
	if len(h) <= 16 {
		return h
	}
	return h[:12] + "..."
}

func isHashType(t string) bool { return t == "md5" || t == "sha1" || t == "sha256" }

// union joins keys into groups (union-find with path halving).
type union[K cmp.Ordered] struct{ parent map[K]K }

func newUnion[K cmp.Ordered]() *union[K] { return &union[K]{parent: map[K]K{}} }

func (u *union[K]) find(x K) K {
	if _, ok := u.parent[x]; !ok {
		u.parent[x] = x
	}
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

// join puts a and b in one group, whose root is the smaller key.
func (u *union[K]) join(a, b K) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		u.parent[max(ra, rb)] = min(ra, rb)
	}
}

// groups returns the groups of two or more, each sorted, sorted by first member.
func (u *union[K]) groups() [][]K {
	by := map[K][]K{}
	for x := range u.parent {
		r := u.find(x)
		by[r] = append(by[r], x)
	}
	var out [][]K
	for _, g := range by {
		if len(g) > 1 {
			slices.Sort(g)
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b []K) int { return cmp.Compare(a[0], b[0]) })
	return out
}

// Merge joins intrusions of one organisation that share a key (the actor
// they were attributed to, say) and an indicator that is not widespread,
// and are at most window apart (DefaultWindow if window <= 0): one actor's
// work on several hosts of one victim through the same servers, which
// grouping by host keeps apart, is one intrusion. An empty key joins
// nothing. It takes Assign's result and returns the same shapes: the
// merged intrusions rebuilt from their hits, sorted by organisation and
// start, and each hit's new index (-1 stays -1).
func Merge(hits []Hit, ins []Intrusion, member []int, key []string, window time.Duration) ([]Intrusion, []int) {
	if window <= 0 {
		window = DefaultWindow
	}
	u := newUnion[int]()
	for i := range ins {
		for j := i + 1; j < len(ins); j++ {
			if ins[j].OrgID != ins[i].OrgID {
				break // sorted by organisation
			}
			if key[i] == "" || key[i] != key[j] || !shareIndicator(ins[i], ins[j]) {
				continue
			}
			gap := max(ins[j].Start.Sub(ins[i].End), ins[i].Start.Sub(ins[j].End))
			if gap <= window {
				u.join(i, j)
			}
		}
	}
	// Rebuild each group from its hits, in the hits' grouping order.
	root := make([]int, len(ins))
	for i := range ins {
		root[i] = u.find(i)
	}
	groups := map[int][]int{} // root -> hit indexes
	for h, m := range member {
		if m >= 0 {
			groups[root[m]] = append(groups[root[m]], h)
		}
	}
	type built struct {
		in   Intrusion
		hits []int
	}
	var out []built
	for r, hs := range groups {
		members := 0
		for i := range ins {
			if root[i] == r {
				members++
			}
		}
		ptrs := make([]*Hit, 0, len(hs))
		slices.SortStableFunc(hs, func(a, b int) int { return compareHits(&hits[a], &hits[b]) })
		// Duplicates (the same event twice) count once, as in Assign.
		var uniq []int
		for k, h := range hs {
			if k > 0 && hits[h].Event.Source.File != "" && compareHits(&hits[hs[k-1]], &hits[h]) == 0 {
				continue
			}
			uniq = append(uniq, h)
		}
		for _, h := range uniq {
			ptrs = append(ptrs, &hits[h])
		}
		var in Intrusion
		if members == 1 {
			in = ins[member[hs[0]]]
		} else {
			in = build(ptrs)
			// Keep the prevalence grouping computed.
			prev := map[string]int{}
			for i := range ins {
				if root[i] == r {
					for _, s := range ins[i].Sightings {
						prev[s.IndicatorID] = max(prev[s.IndicatorID], s.Prevalence)
					}
				}
			}
			for i := range in.Sightings {
				in.Sightings[i].Prevalence = prev[in.Sightings[i].IndicatorID]
			}
		}
		out = append(out, built{in, hs})
	}
	slices.SortFunc(out, func(a, b built) int {
		return cmp.Or(strings.Compare(a.in.OrgID, b.in.OrgID), a.in.Start.Compare(b.in.Start), strings.Compare(a.in.ID, b.in.ID))
	})
	merged := make([]Intrusion, len(out))
	newMember := make([]int, len(member))
	for i := range newMember {
		newMember[i] = -1
	}
	for i, b := range out {
		merged[i] = b.in
		for _, h := range b.hits {
			newMember[h] = i
		}
	}
	return merged, newMember
}

// shareIndicator reports whether two intrusions matched a common indicator
// that was not widespread.
func shareIndicator(a, b Intrusion) bool {
	for _, x := range a.Sightings {
		if x.Prevalence >= Widespread {
			continue
		}
		for _, y := range b.Sightings {
			if x.IndicatorID == y.IndicatorID {
				return true
			}
		}
	}
	return false
}

package stix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fastjson"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// ErrNotSTIX is returned for JSON that is neither a STIX bundle, a STIX
// object nor an array of STIX objects.
var ErrNotSTIX = errors.New("not a STIX bundle or object")

// TLP marking-definition ids: TLP 2.0 (OASIS cti-stix-common-objects) and
// the TLP 1.0 ids predefined by STIX 2.1 (WHITE maps to clear).
var tlpByID = map[string]string{
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
	"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}

// tlpRank orders TLP levels from least to most restrictive.
var tlpRank = map[string]int{"clear": 1, "green": 2, "amber": 3, "amber+strict": 4, "red": 5}

// TLP returns the TLP level ("clear", "green", "amber", "amber+strict",
// "red") of a well-known marking-definition id.
func TLP(markingID string) (string, bool) {
	l, ok := tlpByID[markingID]
	return l, ok
}

type extRef struct {
	SourceName string `json:"source_name"`
	ExternalID string `json:"external_id"`
}

type killChainPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`
}

// object is the union of the STIX properties pactwatch reads. Unknown
// properties are ignored; each object decodes on its own.
type object struct {
	Type               string           `json:"type"`
	ID                 string           `json:"id"`
	Modified           string           `json:"modified"`
	CreatedByRef       string           `json:"created_by_ref"`
	Revoked            bool             `json:"revoked"`
	XMitreDeprecated   bool             `json:"x_mitre_deprecated"`
	Name               string           `json:"name"`
	Description        string           `json:"description"`
	Aliases            []string         `json:"aliases"`
	XMitreAliases      []string         `json:"x_mitre_aliases"`
	ExternalReferences []extRef         `json:"external_references"`
	ObjectMarkingRefs  []string         `json:"object_marking_refs"`
	Confidence         json.RawMessage  `json:"confidence"`
	Pattern            string           `json:"pattern"`
	PatternType        string           `json:"pattern_type"`
	ValidFrom          string           `json:"valid_from"`
	ValidUntil         string           `json:"valid_until"`
	RelationshipType   string           `json:"relationship_type"`
	SourceRef          string           `json:"source_ref"`
	TargetRef          string           `json:"target_ref"`
	Country            string           `json:"country"`
	Nationality        string           `json:"nationality"`
	XNationality       string           `json:"x_nationality"`
	Sectors            []string         `json:"sectors"`
	KillChainPhases    []killChainPhase `json:"kill_chain_phases"`
	DefinitionType     string           `json:"definition_type"`
	Definition         struct {
		TLP string `json:"tlp"`
	} `json:"definition"`
}

// known lists the object types the reader uses; others are counted in
// Collection.Ignored.
var known = map[string]bool{
	"intrusion-set": true, "threat-actor": true, "malware": true, "tool": true,
	"attack-pattern": true, "indicator": true, "relationship": true,
	"identity": true, "marking-definition": true, "location": true,
}

// ReadFile reads a STIX bundle file; see Decode.
func ReadFile(ctx context.Context, path string) (*intel.Collection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read stix: %w", err)
	}
	return Decode(ctx, data, path)
}

// Read reads a STIX bundle from r; file names it in Unsupported entries,
// in errors and as the fallback Source. See Decode.
func Read(ctx context.Context, r io.Reader, file string) (*intel.Collection, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read stix %s: %w", file, err)
	}
	return Decode(ctx, data, file)
}

// Decode turns a STIX 2.1 bundle (or a lone STIX object, or a JSON array
// of objects) into a Collection. It tolerates STIX 2.0 input (bundle-level
// spec_version, objects without spec_version, non-standard properties).
// An object that does not decode, or an indicator whose pattern cannot be
// compiled, becomes an Unsupported entry; only input that is not JSON or
// not STIX at all is an error. Of several versions of one object the one
// with the latest modified time is kept. Every list is sorted by id.
func Decode(ctx context.Context, data []byte, file string) (*intel.Collection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c, ok, err := DecodeBundle(ctx, data, file); ok || err != nil {
		return c, err
	}
	return decodeWhole(ctx, data, file)
}

// DecodeBundle is Decode for a bundle, {"type": "bundle", "objects":
// [...]}, which it decodes an object at a time: ok is false, and nothing
// done, for other input, and for a bundle whose text it does not read
// exactly as encoding/json would or that is not valid JSON (Decode then
// reads it as a whole). A caller that would check that data is JSON
// before decoding it can try DecodeBundle first: what it decodes it has
// checked.
func DecodeBundle(ctx context.Context, data []byte, file string) (_ *intel.Collection, ok bool, _ error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	spans, ok := bundleSpans(data)
	if !ok {
		return nil, false, nil
	}
	return decodeSpans(ctx, data, spans, file)
}

// decodeSpans decodes a bundle's objects, spans of data, on up to
// GOMAXPROCS goroutines, into one array made at once (decoding the
// objects array as one value grows it by copying, hundreds of megabytes
// for a million objects, in copies the garbage collector cannot
// interrupt). An object that does not decode is Unsupported, as in
// decodeWhole; ok is false if one is not even JSON (decodeWhole then says
// what it says about such input).
func decodeSpans(ctx context.Context, data []byte, spans []span, file string) (_ *intel.Collection, ok bool, _ error) {
	objs := make([]object, len(spans))
	errs := make([]error, len(spans))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(spans)/256))
	var (
		syntax atomic.Bool
		wg     sync.WaitGroup
	)
	for w := range workers {
		lo, hi := len(spans)*w/workers, len(spans)*(w+1)/workers
		wg.Go(func() {
			var p fastjson.Parser
			for i := lo; i < hi; i++ {
				if (i-lo)%1024 == 0 && (ctx.Err() != nil || syntax.Load()) {
					return
				}
				err := decodeObject(&p, data[spans[i].start:spans[i].end], &objs[i])
				if _, bad := err.(*json.SyntaxError); bad {
					syntax.Store(true)
					return
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	if syntax.Load() {
		return nil, false, nil
	}
	c := &intel.Collection{}
	ptrs := make([]*object, 0, len(objs))
	for i := range objs {
		if bad := unusable(c, &objs[i], errs[i], data[spans[i].start:spans[i].end], i, file); !bad {
			ptrs = append(ptrs, &objs[i])
		}
	}
	return finish(c, ptrs, file), true, nil
}

// unusable records o, object i decoded from raw with error err, as
// Unsupported if it did not decode or has no type or id, and reports
// whether it did.
func unusable(c *intel.Collection, o *object, err error, raw []byte, i int, file string) bool {
	u, bad := whyUnusable(o, err, raw, i, file)
	if bad {
		c.Unsupported = append(c.Unsupported, u)
	}
	return bad
}

// whyUnusable is unusable returning the entry instead of recording it.
func whyUnusable(o *object, err error, raw []byte, i int, file string) (intel.Unsupported, bool) {
	if err != nil {
		var head struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &head) // best effort: the id, if any
		return intel.Unsupported{
			File: file, ID: head.ID, Input: "object " + strconv.Itoa(i),
			Reason: fmt.Sprintf("object does not decode: %v", err),
		}, true
	}
	if o.Type == "" || o.ID == "" {
		return intel.Unsupported{
			File: file, ID: o.ID, Input: "object " + strconv.Itoa(i),
			Reason: "object has no type or id",
		}, true
	}
	return intel.Unsupported{}, false
}

// decodeWhole is Decode for any input: a bundle that decodes as a whole
// in one pass, else the objects of a bundle or array, or a lone object,
// one by one.
func decodeWhole(ctx context.Context, data []byte, file string) (*intel.Collection, error) {
	c := &intel.Collection{}
	// Fast path: a well-formed bundle decodes in one pass.
	var whole struct {
		Type    string   `json:"type"`
		Objects []object `json:"objects"`
	}
	if err := json.Unmarshal(data, &whole); err == nil && whole.Type == "bundle" && validObjects(whole.Objects) {
		objs := make([]*object, len(whole.Objects))
		for i := range whole.Objects {
			objs[i] = &whole.Objects[i]
		}
		return finish(c, objs, file), nil
	}
	raws, err := splitObjects(data)
	if err != nil {
		return nil, fmt.Errorf("stix %s: %w", file, err)
	}
	objs := make([]*object, 0, len(raws))
	for i, raw := range raws {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		o := &object{}
		if !unusable(c, o, json.Unmarshal(raw, o), raw, i, file) {
			objs = append(objs, o)
		}
	}
	return finish(c, objs, file), nil
}

func validObjects(objs []object) bool {
	for i := range objs {
		if objs[i].Type == "" || objs[i].ID == "" {
			return false
		}
	}
	return true
}

func finish(c *intel.Collection, objs []*object, file string) *intel.Collection {
	objs = latestVersions(objs)
	b := &builder{c: c, file: file, source: filepath.Base(file), byID: map[string]*object{}, tlp: map[string]string{}}
	for _, o := range objs {
		// Nothing looks indicators up by id (relationships and
		// created_by_ref point at actors, software, identities and
		// locations), and they may be millions.
		if o.Type != "indicator" {
			b.byID[o.ID] = o
		}
		if o.Type == "marking-definition" {
			b.marking(o)
		}
	}
	b.build(objs)
	intel.SortCollection(c)
	return c
}

// splitObjects returns the objects of a bundle, of an array, or the lone
// object.
func splitObjects(data []byte) ([]json.RawMessage, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) > 0 && data[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(data, &arr); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotSTIX, err)
		}
		for _, r := range arr {
			var h struct {
				Type string `json:"type"`
				ID   string `json:"id"`
			}
			if json.Unmarshal(r, &h) != nil || h.Type == "" || !strings.Contains(h.ID, "--") {
				return nil, fmt.Errorf("%w: array element is not a STIX object", ErrNotSTIX)
			}
		}
		return arr, nil
	}
	var top struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotSTIX, err)
	}
	switch {
	case top.Type == "bundle":
		return top.Objects, nil
	case top.Type != "" && strings.HasPrefix(top.ID, top.Type+"--"):
		return []json.RawMessage{data}, nil
	}
	return nil, ErrNotSTIX
}

// latestVersions keeps, for each id, the objects with the latest modified
// time. Distinct objects that share an id and a modified time (a producer
// reusing ids) are all kept, in input order.
func latestVersions(objs []*object) []*object {
	if !repeatsID(objs) {
		return objs
	}
	latest := map[string]time.Time{}
	for _, o := range objs {
		t := parseTime(o.Modified)
		if cur, ok := latest[o.ID]; !ok || t.After(cur) {
			latest[o.ID] = t
		}
	}
	out := objs[:0]
	for _, o := range objs {
		if parseTime(o.Modified).Equal(latest[o.ID]) {
			out = append(out, o)
		}
	}
	return out
}

// repeatsID reports whether two objects may share an id: whether two
// ids' hashes are equal. Most bundles give every object once, and a
// million ids are hashed and checked (repeated) in a fraction of the time
// a map of them takes to build.
func repeatsID(objs []*object) bool {
	seed := maphash.MakeSeed()
	h := make([]uint64, len(objs))
	for i, o := range objs {
		h[i] = maphash.String(seed, o.ID) | 1 // repeated skips 0
	}
	return len(repeated([][]uint64{h}, false)) > 0
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

type builder struct {
	c      *intel.Collection
	file   string
	source string // fallback source: the file's base name
	byID   map[string]*object
	tlp    map[string]string // marking-definition id -> level, from the bundle
}

func (b *builder) marking(o *object) {
	if l, ok := markingTLP(o); ok {
		b.tlp[o.ID] = l
	}
}

// markingTLP returns the TLP level marking-definition o defines, if it
// defines one.
func markingTLP(o *object) (string, bool) {
	if strings.EqualFold(o.DefinitionType, "tlp") && o.Definition.TLP != "" {
		return normaliseTLP(o.Definition.TLP), true
	}
	if n := strings.ToLower(o.Name); strings.HasPrefix(n, "tlp:") {
		return normaliseTLP(n[len("tlp:"):]), true
	}
	return "", false
}

func normaliseTLP(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "white" {
		return "clear"
	}
	return s
}

func (b *builder) tlpOf(refs []string) string {
	best := ""
	for _, r := range refs {
		l, ok := tlpByID[r]
		if !ok {
			l, ok = b.tlp[r]
		}
		if ok && tlpRank[l] > tlpRank[best] {
			best = l
		}
	}
	return best
}

// sourceOf names who claims o: its creator identity's name, else the file.
func (b *builder) sourceOf(o *object) string {
	if id, ok := b.byID[o.CreatedByRef]; ok && id.Type == "identity" && id.Name != "" {
		return id.Name
	}
	return b.source
}

func mitreID(refs []extRef) string {
	for _, r := range refs {
		if r.SourceName == "mitre-attack" && r.ExternalID != "" {
			return r.ExternalID
		}
	}
	return ""
}

func aliasesOf(name string, lists ...[]string) []string {
	var out []string
	seen := map[string]bool{intel.NameKey(name): true}
	for _, l := range lists {
		for _, a := range l {
			k := intel.NameKey(a)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

func confidence(raw json.RawMessage) int {
	if len(raw) == 0 {
		return 0
	}
	s := strings.Trim(string(raw), `"`)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 100 {
		return 0
	}
	return int(f)
}

func (b *builder) build(objs []*object) {
	actors := map[string]*intel.Actor{}
	var actorOrder []string
	var inds []*object
	for _, o := range objs {
		switch o.Type {
		case "intrusion-set", "threat-actor":
			a := &intel.Actor{
				ID: o.ID, Name: o.Name, Source: b.sourceOf(o), ExternalID: mitreID(o.ExternalReferences),
				Description: o.Description, Aliases: aliasesOf(o.Name, o.Aliases),
				Revoked: o.Revoked || o.XMitreDeprecated,
			}
			for _, nat := range []string{o.Nationality, o.XNationality, o.Country} {
				if code, ok := intel.CountryCode(nat); ok {
					a.Sponsors = append(a.Sponsors, intel.SponsorClaim{
						Country: code, Source: a.Source, Basis: o.Type + " nationality " + nat,
						Confidence: confidence(o.Confidence),
					})
					break
				}
			}
			if _, dup := actors[o.ID]; !dup {
				actorOrder = append(actorOrder, o.ID)
			}
			actors[o.ID] = a
		case "malware", "tool":
			b.c.Software = append(b.c.Software, intel.Software{
				ID: o.ID, Name: o.Name, Kind: o.Type, Aliases: aliasesOf(o.Name, o.Aliases, o.XMitreAliases),
				ExternalID: mitreID(o.ExternalReferences), Source: b.sourceOf(o),
			})
		case "attack-pattern":
			t := intel.Technique{ID: o.ID, ExternalID: mitreID(o.ExternalReferences), Name: o.Name}
			for _, k := range o.KillChainPhases {
				if !slices.Contains(t.Tactics, k.PhaseName) {
					t.Tactics = append(t.Tactics, k.PhaseName)
				}
			}
			b.c.Techniques = append(b.c.Techniques, t)
		case "indicator":
			inds = append(inds, o)
		case "relationship":
			b.c.Relationships = append(b.c.Relationships, intel.Relationship{
				ID: o.ID, Type: o.RelationshipType, From: o.SourceRef, To: o.TargetRef, Source: b.sourceOf(o),
			})
		case "identity", "marking-definition", "location":
		default:
			if !known[o.Type] {
				if b.c.Ignored == nil {
					b.c.Ignored = map[string]int{}
				}
				b.c.Ignored[o.Type]++
			}
		}
	}

	// Indicators are made in the order of their ids (each one's terms in
	// the collection's order), so that the collection, which is sorted
	// by id, type and value, is so already.
	slices.SortStableFunc(inds, func(a, b *object) int { return strings.Compare(a.ID, b.ID) })
	b.c.Indicators = slices.Grow(b.c.Indicators, len(inds))
	for _, o := range inds {
		b.indicator(o)
	}

	// Relationships fill in the actors and indicators.
	indicates := indicatesOf(objs)
	for _, o := range objs {
		if o.Type != "relationship" {
			continue
		}
		from, to := b.byID[o.SourceRef], b.byID[o.TargetRef]
		a := actors[o.SourceRef]
		switch o.RelationshipType {
		case "uses":
			if a == nil || to == nil {
				continue
			}
			switch to.Type {
			case "attack-pattern":
				if id := mitreID(to.ExternalReferences); id != "" && !slices.Contains(a.Techniques, id) {
					a.Techniques = append(a.Techniques, id)
				}
			case "malware", "tool":
				if to.Name != "" && !slices.Contains(a.Software, to.Name) {
					a.Software = append(a.Software, to.Name)
				}
			}
		case "attributed-to", "originates-from":
			if a == nil || to == nil || to.Type != "location" {
				continue
			}
			code, ok := intel.CountryCode(to.Country)
			if !ok {
				continue
			}
			basis := fmt.Sprintf("%s %s location %q", from.Type, o.RelationshipType, firstNonEmpty(to.Name, to.Country))
			a.Sponsors = append(a.Sponsors, intel.SponsorClaim{
				Country: code, Confidence: confidence(o.Confidence), Source: b.sourceOf(o), Basis: basis,
			})
		case "targets":
			if a == nil || to == nil {
				continue
			}
			switch to.Type {
			case "identity":
				for _, s := range to.Sectors {
					if !slices.Contains(a.TargetSectors, s) {
						a.TargetSectors = append(a.TargetSectors, s)
					}
				}
			case "location":
				if code, ok := intel.CountryCode(to.Country); ok && !slices.Contains(a.TargetCountries, code) {
					a.TargetCountries = append(a.TargetCountries, code)
				}
			}
		}
	}
	for _, id := range actorOrder {
		a := actors[id]
		slices.Sort(a.Techniques)
		slices.Sort(a.Software)
		b.c.Actors = append(b.c.Actors, *a)
	}
	for i := range b.c.Indicators {
		b.c.Indicators[i].Indicates = slices.Clone(indicates[b.c.Indicators[i].ID])
	}
}

// indicatesOf returns what the "indicates" relationships among objs say
// each object indicates, by the object's id: each target once, sorted.
func indicatesOf(objs []*object) map[string][]string {
	indicates := map[string][]string{}
	for _, o := range objs {
		if o.Type == "relationship" && o.RelationshipType == "indicates" && !slices.Contains(indicates[o.SourceRef], o.TargetRef) {
			indicates[o.SourceRef] = append(indicates[o.SourceRef], o.TargetRef)
		}
	}
	for _, l := range indicates {
		slices.Sort(l)
	}
	return indicates
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func (b *builder) indicator(o *object) {
	start := len(b.c.Indicators)
	var t termBuf
	reason := b.terms(o, nil, &t, func(ind *intel.Indicator) { b.c.Indicators = append(b.c.Indicators, *ind) })
	if reason != "" {
		b.c.Unsupported = append(b.c.Unsupported, b.unsupported(o, reason))
		return
	}
	// In the collection's order, so that it is sorted already.
	slices.SortStableFunc(b.c.Indicators[start:], intel.CompareIndicators)
}

func (b *builder) unsupported(o *object, reason string) intel.Unsupported {
	return intel.Unsupported{File: b.file, ID: o.ID, Input: o.Pattern, Reason: reason}
}

// termBuf is what terms reuses from one call to the next.
type termBuf struct {
	ind   intel.Indicator
	terms []Term
}

// terms calls emit with an indicator for each term of o's pattern, with
// indicates as its Indicates, and returns "", or returns why o cannot be
// evaluated. emit may not keep ind, which is buf's.
func (b *builder) terms(o *object, indicates []string, buf *termBuf, emit func(ind *intel.Indicator)) (reason string) {
	if pt := strings.ToLower(o.PatternType); pt != "" && pt != "stix" {
		return "pattern_type " + o.PatternType + " is not a STIX pattern"
	}
	if strings.TrimSpace(o.Pattern) == "" {
		return "indicator has no pattern"
	}
	var err error
	buf.terms, err = compileAppend(buf.terms[:0], o.Pattern)
	if err != nil {
		return err.Error()
	}
	ind := &buf.ind
	*ind = intel.Indicator{
		ID: o.ID, Pattern: o.Pattern, Name: o.Name,
		ValidFrom: parseTime(o.ValidFrom), ValidUntil: parseTime(o.ValidUntil),
		Confidence: confidence(o.Confidence), TLP: b.tlpOf(o.ObjectMarkingRefs),
		Source: b.sourceOf(o), Indicates: indicates,
	}
	for _, t := range buf.terms {
		ind.Type, ind.Value = t.Type, t.Value
		emit(ind)
	}
	return ""
}

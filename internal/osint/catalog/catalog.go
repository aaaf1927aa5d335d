package catalog

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/osint"
)

// Name identifies a catalogue.
type Name string

// The catalogues pactwatch reads.
const (
	CFR     Name = "cfr"     // CFR Cyber Operations Tracker
	EuRepoC Name = "eurepoc" // European Repository of Cyber Incidents
)

// Titles are the catalogues' names for people.
var Titles = map[Name]string{
	CFR:     "CFR Cyber Operations Tracker",
	EuRepoC: "EuRepoC Global Database",
}

// KindAttribution is the claim kind of catalogue entries.
const KindAttribution osint.Kind = "attribution"

// ErrUnknown is returned when a header is neither catalogue's.
var ErrUnknown = errors.New("not a CFR Cyber Operations Tracker or EuRepoC global database CSV")

// ParseError is a row or field that could not be read: the same error the
// article readers report, naming file, line and field.
type ParseError = osint.ParseError

// Entry is one catalogued operation.
type Entry struct {
	Catalog Name   `json:"catalog"`
	ID      string `json:"id"` // the catalogue's id (EuRepoC) or a digest of title, date, affiliations and description (CFR)
	File    string `json:"file"`
	Line    int    `json:"line"` // where the row starts
	Title   string `json:"title"`
	Date    string `json:"date,omitempty"` // YYYY-MM-DD the operation began or was reported
	// Actors are the names of the groups held responsible, with their
	// aliases as the catalogue gives them.
	Actors []string `json:"actors,omitempty"`
	// Sponsors are the states held responsible, ISO 3166 alpha-2 where the
	// name is known, else as written.
	Sponsors    []string `json:"sponsors,omitempty"`
	Victims     []string `json:"victims,omitempty"`
	Type        string   `json:"type,omitempty"`
	Attribution string   `json:"attribution"` // the catalogue's words for who did it
	Basis       string   `json:"basis,omitempty"`
	Description string   `json:"description,omitempty"`
	URLs        []string `json:"urls,omitempty"`
}

// Detect names the catalogue a CSV header belongs to.
func Detect(header []string) (Name, error) {
	has := func(cols ...string) bool {
		for _, c := range cols {
			if !slices.Contains(header, c) {
				return false
			}
		}
		return true
	}
	switch {
	case has("Title", "Date", "Affiliations", "Victims", "Sponsor"):
		return CFR, nil
	case has("name", "start_date", "initiator_country", "attributed_initiator"):
		return EuRepoC, nil
	}
	return "", ErrUnknown
}

// Read reads a catalogue CSV. It returns the entries it could read and a
// *ParseError for every row it could not; a header it does not know is
// one error wrapping ErrUnknown.
func Read(name string, r io.Reader) ([]Entry, []error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, []error{&ParseError{File: name, Line: 1, Err: fmt.Errorf("%w: read header: %w", ErrUnknown, err)}}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	cat, err := Detect(header)
	if err != nil {
		return nil, []error{&ParseError{File: name, Line: 1, Err: err}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	var out []Entry
	var errs []error
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line, err = pe.StartLine, pe.Err
			}
			errs = append(errs, &ParseError{File: name, Line: line, Err: err})
			continue
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		if len(rec) != len(header) {
			errs = append(errs, &ParseError{File: name, Line: line, Err: fmt.Errorf("%d fields, the header has %d", len(rec), len(header))})
			continue
		}
		get := func(c string) string {
			return strings.TrimSpace(strings.ToValidUTF8(rec[col[c]], "\uFFFD"))
		}
		var e Entry
		var ferr error
		switch cat {
		case CFR:
			e, ferr = cfrEntry(get)
		case EuRepoC:
			e, ferr = eurepocEntry(get)
		}
		if ferr != nil {
			var fe fieldError
			field := ""
			if errors.As(ferr, &fe) {
				field, ferr = fe.field, fe.err
			}
			errs = append(errs, &ParseError{File: name, Line: line, Field: field, Err: ferr})
			continue
		}
		e.Catalog, e.File, e.Line = cat, name, line
		out = append(out, e)
	}
	return out, errs
}

type fieldError struct {
	field string
	err   error
}

func (e fieldError) Error() string { return e.field + ": " + e.err.Error() }

var attributionPrefix = regexp.MustCompile(`(?i)^(?:(?:believed|suspected|confirmed|thought|alleged|assessed|reported)(?: to be)?(?: the work of)?|attributed to|the work of)\s+`)

func cfrEntry(get func(string) string) (Entry, error) {
	e := Entry{Title: get("Title"), Attribution: get("Affiliations"), Description: get("Description"), Type: get("Type")}
	if e.Title == "" {
		return e, fieldError{"Title", errors.New("empty")}
	}
	if d := get("Date"); d != "" {
		t, err := time.Parse("1/2/2006", d)
		if err != nil {
			return e, fieldError{"Date", fmt.Errorf("%q is not M/D/YYYY", d)}
		}
		e.Date = t.Format(time.DateOnly)
	}
	e.Actors = cfrActors(e.Title, e.Attribution)
	for _, s := range splitList(get("Sponsor")) {
		e.Sponsors = appendNew(e.Sponsors, countryCode(s))
	}
	if v := get("Victims"); v != "" {
		e.Victims = []string{v}
	}
	for _, c := range []string{"Sources_1", "Sources_2", "Sources_3"} {
		if u := get(c); u != "" {
			e.URLs = append(e.URLs, u)
		}
	}
	h := sha256.Sum256([]byte(e.Title + "\x00" + e.Date + "\x00" + e.Attribution + "\x00" + e.Description))
	e.ID = hex.EncodeToString(h[:6])
	return e, nil
}

// cfrActors reads the groups out of CFR's Affiliations: "Believed to be
// the work of Deep Panda", "Mustang Panda", or for an actor's own row
// "Also known as Shell Crew, Web Masters ...".
func cfrActors(title, aff string) []string {
	if rest, ok := strings.CutPrefix(aff, "Also known as "); ok {
		return appendNew([]string{title}, splitList(rest)...)
	}
	a := attributionPrefix.ReplaceAllString(aff, "")
	a = strings.TrimRight(a, ". ")
	low := strings.ToLower(a)
	if a == "" || strings.HasPrefix(low, "the ") || strings.Contains(low, "government") || strings.Contains(low, "unknown") {
		return nil // a state or nobody, not a group
	}
	return splitList(a)
}

func eurepocEntry(get func(string) string) (Entry, error) {
	e := Entry{ID: get("ID"), Title: get("name"), Description: get("description"), Type: get("incident_type"),
		Attribution: get("attributed_initiator"), Basis: firstPart(get("attribution_basis"))}
	if e.ID == "" {
		return e, fieldError{"ID", errors.New("empty")}
	}
	if d := get("start_date"); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return e, fieldError{"start_date", fmt.Errorf("%q is not YYYY-MM-DD", d)}
		}
		e.Date = t.Format(time.DateOnly)
	}
	names := get("attributed_initiator")
	if names == "" {
		names = strings.Join(pyList(get("initiator_name")), "; ")
	}
	for _, part := range strings.Split(names, ";") {
		part = parenthetical.ReplaceAllString(part, "")
		for _, n := range strings.Split(part, "/") {
			if n = strings.TrimSpace(n); n != "" && !strings.EqualFold(n, "unknown") && !strings.EqualFold(n, "not available") {
				e.Actors = appendNew(e.Actors, n)
			}
		}
	}
	countries := splitSemi(get("attributed_initiator_country"))
	if len(countries) == 0 {
		countries = pyList(get("initiator_country"))
	}
	for _, c := range countries {
		if !strings.EqualFold(c, "unknown") && !strings.EqualFold(c, "not available") {
			e.Sponsors = appendNew(e.Sponsors, countryCode(c))
		}
	}
	e.Victims = pyList(get("receiver_country"))
	e.URLs = pyList(get("sources_url"))
	return e, nil
}

var parenthetical = regexp.MustCompile(`\([^)]*\)`)

var pyString = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`)

// pyList reads a Python list literal of strings as EuRepoC writes them
// ("['China', 'China']"), flattening nested lists; a plain value is a
// one-element list.
func pyList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || s == "[]" {
		return nil
	}
	if !strings.HasPrefix(s, "[") {
		return []string{s}
	}
	var out []string
	for _, m := range pyString.FindAllStringSubmatch(s, -1) {
		v := strings.TrimSpace(m[1] + m[2])
		if v != "" {
			out = appendNew(out, v)
		}
	}
	return out
}

func splitSemi(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = appendNew(out, p)
		}
	}
	return out
}

func firstPart(s string) string {
	p, _, _ := strings.Cut(s, ";")
	return strings.TrimSpace(p)
}

// splitList splits "A, B, and C" or "A and B".
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		for _, q := range strings.Split(p, " and ") {
			q = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q), "and "))
			if q != "" {
				out = appendNew(out, q)
			}
		}
	}
	return out
}

func countryCode(name string) string {
	if c, ok := intel.CountryCode(name); ok {
		return c
	}
	return name
}

func appendNew(dst []string, vs ...string) []string {
	for _, v := range vs {
		if v != "" && !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

// Key is the entry's natural key: catalogue and id.
func (e Entry) Key() string { return string(e.Catalog) + ":" + e.ID }

// Report turns an entry into a sourced claim of kind "attribution" graded
// with the catalogue's reliability rel: one source, so its credibility is
// 3 (possibly true) for A to C, 4 for D and E, 6 for F. Articles lists
// the catalogue row ("cfr:line 613"), then the sources it cites; Evidence
// holds the catalogue's description.
func (e Entry) Report(rel osint.Reliability) osint.Report {
	if !rel.Valid() {
		rel = osint.CannotBeJudged
	}
	cred := osint.PossiblyTrue
	switch {
	case rel == osint.CannotBeJudged:
		cred = osint.CannotBeJudged6
	case rel > osint.FairlyReliable:
		cred = osint.Doubtful
	}
	who := "unattributed"
	if len(e.Actors) > 0 {
		who = e.Actors[0]
	}
	text := e.Title + ": " + who
	if len(e.Sponsors) > 0 {
		text += ", sponsor " + strings.Join(e.Sponsors, ", ")
	}
	if len(e.Victims) > 0 {
		text += "; victims: " + strings.Join(e.Victims, ", ")
	}
	value := who
	if len(e.Actors) == 0 && len(e.Sponsors) > 0 {
		value = e.Sponsors[0]
	}
	var states []string
	for _, s := range e.Sponsors {
		if len(s) == 2 {
			states = append(states, s)
		}
	}
	ref := fmt.Sprintf("%s:line %d", e.Catalog, e.Line)
	links := osint.Links{Actors: e.Actors, States: states}
	claim := osint.Claim{ID: e.Key(), Kind: KindAttribution, Key: e.Key(), Text: text, Mention: e.Attribution,
		ArticleID: ref, Sentence: e.Description, Date: e.Date, Value: value, Links: links}
	return osint.Report{
		Key: e.Key(), Kind: KindAttribution, Text: text, Date: e.Date, Value: value,
		IndependentSources: 1, Sources: []string{string(e.Catalog)}, Articles: append([]string{ref}, e.URLs...),
		Outlets: []string{Titles[e.Catalog]}, Claims: []string{e.Key()}, Links: links, Evidence: []string{e.Description},
		Reliability: rel, Credibility: cred, Grade: fmt.Sprintf("%s%d", rel, cred), Claim: claim,
	}
}

package osint

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pactwatch/pactwatch/internal/lazyre"
)

// Article is one open-source report as read.
type Article struct {
	ID        string    `json:"id"`             // from the input, else derived from the file name (and line)
	File      string    `json:"file,omitempty"` // the input file
	Line      int       `json:"line,omitempty"` // the NDJSON line, 1-based
	Format    Format    `json:"format"`
	Title     string    `json:"title,omitempty"`
	Text      string    `json:"text"` // the body: paragraphs separated by a blank line, boilerplate removed
	Outlet    string    `json:"outlet,omitempty"`
	URL       string    `json:"url,omitempty"`
	Published time.Time `json:"published,omitzero"` // zero when unknown
	// Stripped lists the boilerplate paragraphs removed from the body.
	Stripped []string `json:"stripped,omitempty"`
	// Digest is the SHA-256 of Title and Text, hex, a natural key for
	// storing the article once.
	Digest string `json:"digest"`
}

// Format is an article input format.
type Format string

// Article formats.
const (
	Text   Format = "text"
	HTML   Format = "html"
	NDJSON Format = "ndjson"
)

// ParseError is bad input in an article file: the file, the line (for
// NDJSON, else 0), the field and what is wrong. Readers report it and go on
// with the next record.
type ParseError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *ParseError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Field != "" {
		s += ": field " + e.Field
	}
	return s + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrEmpty is the cause of a ParseError for an article with no text.
var ErrEmpty = errors.New("no article text")

// ReadOptions are the facts the user gives about an input on the command
// line (--outlet, --published). They fill what the input's own metadata
// leaves out; metadata in the file wins.
type ReadOptions struct {
	Outlet    string
	Published time.Time
	// Format forces a format; empty detects it from the name and content.
	Format Format
}

// DetectFormat guesses the format of an input from its name and its first
// bytes: .ndjson/.jsonl/.json or a leading '{' is NDJSON, .html/.htm or a
// leading tag is HTML, anything else plain text.
func DetectFormat(name string, data []byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".ndjson", ".jsonl", ".json":
		return NDJSON
	case ".html", ".htm", ".xhtml":
		return HTML
	case ".txt", ".text":
		return Text
	}
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	t = bytes.TrimPrefix(t, []byte("\ufeff"))
	switch {
	case len(t) > 0 && t[0] == '{':
		return NDJSON
	case len(t) > 0 && t[0] == '<' && looksHTML(t):
		return HTML
	}
	return Text
}

func looksHTML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 1024)])
	for _, tag := range []string{"<!doctype", "<html", "<head", "<body", "<p>", "<p ", "<div", "<article", "<meta", "<title"} {
		if bytes.Contains(head, []byte(tag)) {
			return true
		}
	}
	return false
}

// Read reads the articles in one input named name, in the given or
// detected format. Bad records are returned as *ParseError values next to
// the good ones.
func Read(name string, data []byte, opt ReadOptions) ([]Article, []error) {
	f := opt.Format
	if f == "" {
		f = DetectFormat(name, data)
	}
	switch f {
	case NDJSON:
		return ReadNDJSON(name, bytes.NewReader(data), opt)
	case HTML:
		a, err := ReadHTML(name, data, opt)
		if err != nil {
			return nil, []error{err}
		}
		return []Article{a}, nil
	case Text:
		a, err := ReadText(name, data, opt)
		if err != nil {
			return nil, []error{err}
		}
		return []Article{a}, nil
	}
	return nil, []error{&ParseError{File: name, Field: "format", Err: fmt.Errorf("unknown article format %q", f)}}
}

// FileID is the id an article read from a whole file gets: the file's base
// name without its extension ("seeds/000_847f.txt" -> "000_847f").
func FileID(name string) string {
	base := filepath.Base(name)
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// ReadText reads a plain-text article. The first line is taken as the
// title when it looks like a headline: short, followed by more text, and
// not ending like a sentence.
func ReadText(name string, data []byte, opt ReadOptions) (Article, error) {
	s := cleanText(data)
	a := Article{ID: FileID(name), File: name, Format: Text, Outlet: opt.Outlet, Published: opt.Published}
	lines := strings.SplitN(strings.TrimLeft(s, "\n"), "\n", 2)
	if len(lines) == 2 && isHeadline(lines[0]) && strings.TrimSpace(lines[1]) != "" {
		a.Title = strings.TrimSpace(lines[0])
		s = lines[1]
	}
	a.Text, a.Stripped = stripBoilerplate(paragraphs(s))
	if a.Text == "" {
		return a, &ParseError{File: name, Field: "text", Err: ErrEmpty}
	}
	a.Digest = digest(a)
	return a, nil
}

// isHeadline reports whether a line looks like a title rather than the
// first sentence of the body.
func isHeadline(line string) bool {
	line = strings.TrimSpace(line)
	n := len(strings.Fields(line))
	if n == 0 || n > 20 || len(line) > 160 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(line)
	if strings.ContainsRune(".!:;,”\"'’)…•", r) {
		return false
	}
	f, _ := utf8.DecodeRuneInString(line)
	return unicode.IsUpper(f) || unicode.IsDigit(f)
}

// cleanText makes input valid UTF-8 with "\n" line ends and no control
// characters other than newline and tab.
func cleanText(data []byte) string {
	s := strings.ToValidUTF8(string(data), "\uFFFD")
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00a0", " ", "\u2028", "\n", "\u2029", "\n\n").Replace(s)
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}

// paragraphs splits text on blank lines and joins each paragraph's lines
// with spaces, collapsing runs of white space.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// boilerplate matches whole paragraphs that are page furniture rather than
// reporting. Only short paragraphs are tested (see maxBoilerplate).
var boilerplate = []*lazyre.Regexp{
	lazyre.New(`(?i)^(advertisement|advert|sponsored( content)?|ad|ads|promoted|story continues below( advertisement)?|continue reading( below)?|scroll to continue.*)$`),
	lazyre.New(`(?i)^(like|follow|join) (us|\w+( \w+)?) on (facebook|twitter|x|instagram|linkedin|youtube|telegram|whatsapp)`),
	lazyre.New(`(?i)^(share|tweet|email|e-mail|print|comment|comments|save|copy link|reprints?)( (this|on|via) .*)?$`),
	lazyre.New(`(?i)^share (this|on|via|the) `),
	lazyre.New(`(?i)\bdonat(e|ions?|ing)\b.*\b(tax[- ]deductible|support|today|now|give)\b|\btax[- ]deductible\b`),
	lazyre.New(`(?i)^(subscribe|sign up|register)( now)? (to|for) `),
	lazyre.New(`(?i)\b(newsletter|unsubscribe|all rights reserved|cookie policy|privacy policy|terms of (use|service))\b`),
	lazyre.New(`(?i)^(written|posted|reported|edited) by:?$`),
	lazyre.New(`(?i)^(what['’]s hot|most popular|most read|trending|related( articles| stories| posts)?|read more|recommended( for you)?|more stories|you may also like|see also|click here)\b`),
	lazyre.New(`(?i)^\(?(photo|image|picture|credit|source|photograph)s? ?:.*\)?$`),
	lazyre.New(`(?i)^(copyright|©|\(c\))`),
	lazyre.New(`(?i)^to the full extent allowed by law\.?$`),
	lazyre.New(`(?i)^follow \w+ on twitter @\w+$`),
}

// maxBoilerplate is the longest paragraph tested against boilerplate, in
// bytes: longer paragraphs are reporting, whatever words they contain.
const maxBoilerplate = 120

// inlineBoilerplate is furniture inside a paragraph, such as a trailing
// photo credit.
var inlineBoilerplate = lazyre.New(`(?i)\s*\((photo|image|credit|source) ?: [^)]{1,80}\)\s*$`)

// stripBoilerplate drops furniture paragraphs and returns the body joined
// with blank lines and what was dropped.
func stripBoilerplate(paras []string) (string, []string) {
	var keep, dropped []string
	for _, p := range paras {
		if isBoilerplate(p) {
			dropped = append(dropped, p)
			continue
		}
		if loc := inlineBoilerplate.FindStringIndex(p); loc != nil && loc[0] > 0 {
			dropped = append(dropped, strings.TrimSpace(p[loc[0]:]))
			p = strings.TrimSpace(p[:loc[0]])
		}
		keep = append(keep, p)
	}
	return strings.Join(keep, "\n\n"), dropped
}

func isBoilerplate(p string) bool {
	if len(p) > maxBoilerplate {
		return false
	}
	for _, re := range boilerplate {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}

func digest(a Article) string {
	h := sha256.New()
	io.WriteString(h, a.Title)
	h.Write([]byte{0})
	io.WriteString(h, a.Text)
	return hex.EncodeToString(h.Sum(nil))
}

// ndjsonRecord is one NDJSON line. Every field but text is optional.
type ndjsonRecord struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Outlet    string `json:"outlet"`
	URL       string `json:"url"`
	Published string `json:"published"`
}

// maxLine is the longest NDJSON line read, 16 MiB.
const maxLine = 16 << 20

// ReadNDJSON reads one article per line: {"id", "title", "text", "outlet",
// "url", "published"}, only text required. An article without an id gets
// "<file>:<line>". A text that is HTML is stripped like an HTML file.
// Blank lines are skipped; bad lines become *ParseError values.
func ReadNDJSON(name string, r io.Reader, opt ReadOptions) ([]Article, []error) {
	var out []Article
	var errs []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec ndjsonRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			var te *json.UnmarshalTypeError
			field := ""
			if errors.As(err, &te) {
				field = te.Field
			}
			errs = append(errs, &ParseError{File: name, Line: line, Field: field, Err: err})
			continue
		}
		a := Article{ID: rec.ID, File: name, Line: line, Format: NDJSON, Title: strings.TrimSpace(rec.Title), Outlet: rec.Outlet, URL: rec.URL}
		if a.ID == "" {
			a.ID = fmt.Sprintf("%s:%d", FileID(name), line)
		}
		if a.Outlet == "" {
			a.Outlet = opt.Outlet
		}
		if rec.Published != "" {
			t, err := ParsePublished(rec.Published)
			if err != nil {
				errs = append(errs, &ParseError{File: name, Line: line, Field: "published", Err: err})
			}
			a.Published = t
		}
		if a.Published.IsZero() {
			a.Published = opt.Published
		}
		body := []byte(rec.Text)
		if looksHTML(bytes.TrimSpace(body)) {
			h, err := ReadHTML(name, body, ReadOptions{})
			if err == nil {
				a.Text, a.Stripped = h.Text, h.Stripped
				if a.Title == "" {
					a.Title = h.Title
				}
			}
		} else {
			a.Text, a.Stripped = stripBoilerplate(paragraphs(cleanText(body)))
		}
		if a.Text == "" {
			errs = append(errs, &ParseError{File: name, Line: line, Field: "text", Err: ErrEmpty})
			continue
		}
		a.Digest = digest(a)
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &ParseError{File: name, Line: line + 1, Err: fmt.Errorf("read: %w", err)})
	}
	return out, errs
}

// publishedLayouts are the date forms accepted for a publication date.
var publishedLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z0700",
	"2006-01-02", "2006/01/02", time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700",
	"January 2, 2006", "Jan 2, 2006", "2 January 2006", "20060102",
}

// ParsePublished parses a publication date in the common forms (RFC 3339,
// "2015-10-20", RFC 1123, "October 20, 2015" ...). The result is in UTC.
func ParsePublished(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range publishedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date %q (want e.g. 2015-10-20 or RFC 3339)", s)
}

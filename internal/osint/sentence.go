package osint

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence is one sentence of an article's text, with its place.
type Sentence struct {
	Index     int    `json:"index"`     // 0-based, over the whole text
	Paragraph int    `json:"paragraph"` // 0-based paragraph
	Start     int    `json:"start"`     // byte offset in the text
	End       int    `json:"end"`       // byte offset just past it
	Text      string `json:"text"`
}

// abbreviations end with a period that does not end a sentence when a
// capital follows ("U.S. President", "Sept. 26", "Mr. Alperovitch").
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sen": true, "rep": true, "gov": true,
	"gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "st": true, "jr": true, "sr": true,
	"pres": true, "rev": true, "hon": true, "amb": true, "messrs": true, "no": true, "vs": true, "v": true,
	"inc": true, "corp": true, "co": true, "ltd": true, "bros": true, "dept": true, "univ": true, "est": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "mon": true, "tue": true, "tues": true, "wed": true,
	"thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
	"u.s": true, "u.k": true, "u.n": true, "e.u": true, "p.r.c": true, "d.c": true, "u.s.a": true,
	"e.g": true, "i.e": true, "etc": true, "approx": true, "a.m": true, "p.m": true, "ph.d": true,
}

// closers may follow a sentence's final mark before the space.
const closers = "\"'”’)]»"

// Sentences splits text into sentences: paragraphs (blank lines or single
// newlines) first, then at '.', '!', '?' or '…' followed by closing quotes
// or brackets, space and a capital letter, digit or opening quote, except
// after a known abbreviation or a single initial.
func Sentences(text string) []Sentence {
	var out []Sentence
	para := 0
	pos := 0
	for pos < len(text) {
		// a paragraph runs to the next newline
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		if strings.TrimSpace(text[pos:end]) != "" {
			out = splitParagraph(text, pos, end, para, out)
			para++
		}
		pos = end + 1
	}
	for i := range out {
		out[i].Index = i
	}
	return out
}

func splitParagraph(text string, lo, hi, para int, out []Sentence) []Sentence {
	start := lo
	add := func(a, b int) {
		s := text[a:b]
		t := strings.TrimSpace(s)
		if t == "" {
			return
		}
		off := a + strings.Index(s, t)
		out = append(out, Sentence{Paragraph: para, Start: off, End: off + len(t), Text: t})
	}
	for i := lo; i < hi; {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r != '.' && r != '!' && r != '?' && r != '…' {
			i += n
			continue
		}
		j := i + n
		for j < hi && (text[j] == '.' || text[j] == '!' || text[j] == '?') {
			j++
		}
		for j < hi {
			c, m := utf8.DecodeRuneInString(text[j:])
			if !strings.ContainsRune(closers, c) {
				break
			}
			j += m
		}
		k := j
		for k < hi && (text[k] == ' ' || text[k] == '\t') {
			k++
		}
		if k == j || k >= hi { // no space after, or the paragraph ends
			i = max(j, i+n)
			continue
		}
		next, _ := utf8.DecodeRuneInString(text[k:])
		if !(unicode.IsUpper(next) || unicode.IsDigit(next) || strings.ContainsRune("\"“‘'(•[", next)) {
			i = j
			continue
		}
		if r == '.' && j == i+1 && isAbbreviation(text[start:i]) {
			i = j
			continue
		}
		add(start, j)
		start = k
		i = k
	}
	add(start, hi)
	return out
}

// isAbbreviation reports whether the text before a period ends with an
// abbreviation or a single initial.
func isAbbreviation(before string) bool {
	w := before
	if k := strings.LastIndexAny(w, " \t(\"“‘-—–"); k >= 0 {
		w = w[k+1:]
	}
	w = strings.ToLower(strings.TrimLeft(w, "'’"))
	if w == "" {
		return false
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsLetter(r)
	}
	return abbreviations[w]
}

// SentenceAt returns the index of the sentence holding byte offset off, or
// -1.
func SentenceAt(ss []Sentence, off int) int {
	for i, s := range ss {
		if off >= s.Start && off < s.End+1 {
			return i
		}
	}
	return -1
}

package osint_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pactwatch/pactwatch/internal/osint"
)

func addSeeds(f *testing.F, extra ...string) {
	files, _ := filepath.Glob("testdata/seeds/*.txt")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	for _, e := range extra {
		f.Add([]byte(e))
	}
}

// checkArticle asserts what every reader promises of an article.
func checkArticle(t *testing.T, a osint.Article) {
	if a.Text == "" {
		t.Errorf("article %q has no text but no error", a.ID)
	}
	if !utf8.ValidString(a.Text) || !utf8.ValidString(a.Title) {
		t.Errorf("article %q is not valid UTF-8", a.ID)
	}
	if strings.Contains(a.Text, "\n\n\n") || strings.TrimSpace(a.Text) != a.Text {
		t.Errorf("article %q text is not normalised: %q", a.ID, a.Text)
	}
	if len(a.Digest) != 64 {
		t.Errorf("article %q digest %q", a.ID, a.Digest)
	}
}

func FuzzReadText(f *testing.F) {
	addSeeds(f, "", "\n\n", "Title\nBody.", "\ufeffx\r\ny", "ADVERTISEMENT", "\xff\xfe")
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := osint.ReadText("f.txt", data, osint.ReadOptions{})
		if err != nil {
			var pe *osint.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, osint.ErrEmpty) {
				t.Fatalf("ReadText error %v is not a ParseError for empty text", err)
			}
			return
		}
		checkArticle(t, a)
	})
}

func FuzzReadHTML(f *testing.F) {
	addSeeds(f, page, "<", "<p", "<p>x", "<div class='share'>", "<script>", "<!--", "<![CDATA[x", "<a b='c>d</a>", "<title>t</title><p>x</p>", "&amp;&#x27;&#99999999;")
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := osint.ReadHTML("f.html", data, osint.ReadOptions{})
		if err != nil {
			if !errors.Is(err, osint.ErrEmpty) {
				t.Fatalf("ReadHTML error %v", err)
			}
			return
		}
		checkArticle(t, a)
	})
}

func FuzzReadNDJSON(f *testing.F) {
	f.Add([]byte(`{"id":"a","text":"x","published":"2015-10-20"}` + "\n" + `{"text":"<p>y</p>"}`))
	f.Add([]byte(`{"text":1}`))
	f.Add([]byte("{\n}\n\n{"))
	f.Add([]byte(`{"text":"a","published":"Oct 20, 2015"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		as, errs := osint.ReadNDJSON("f.ndjson", bytes.NewReader(data), osint.ReadOptions{Published: time.Unix(0, 0)})
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(as)+len(errs) > lines+1 {
			t.Fatalf("%d articles and %d errors from %d lines", len(as), len(errs), lines)
		}
		for _, e := range errs {
			var pe *osint.ParseError
			if !errors.As(e, &pe) || pe.Line < 1 || pe.File != "f.ndjson" {
				t.Fatalf("error %v is not a ParseError with a line", e)
			}
		}
		for _, a := range as {
			checkArticle(t, a)
			if a.ID == "" || a.Line < 1 {
				t.Fatalf("article without id or line: %+v", a)
			}
		}
	})
}

func FuzzSentences(f *testing.F) {
	addSeeds(f, "", "...", "a. B", "U.S. A. b", "“x.” “Y.”", "\n\n.\n", "e.g. Foo", "A.\u00a0B", "…Z")
	f.Fuzz(func(t *testing.T, data []byte) {
		text := string(data)
		prevEnd := 0
		for i, s := range osint.Sentences(text) {
			if s.Index != i || s.Start < prevEnd || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("sentence %d bad place %+v after %d in %q", i, s, prevEnd, text)
			}
			if text[s.Start:s.End] != s.Text || strings.TrimSpace(s.Text) != s.Text {
				t.Fatalf("sentence %d text %q does not match offsets", i, s.Text)
			}
			prevEnd = s.End
		}
	})
}

// FuzzExtract runs extraction over arbitrary text: it must not panic and
// every claim must point into its article.
func FuzzExtract(f *testing.F) {
	// short seeds: whole articles cost seconds per run under coverage
	// instrumentation (regexp is instrumented too), which starves the fuzzer
	for _, s := range []string{"“a b c d e,” he said.", `"x y z w v," said`, "According to , ", "the very next day", "Sept. 99", "Seven of the",
		"“The very first intrusion took place the very next day — Saturday, Sept. 26,” CrowdStrike CEO Dmitri Alperovitch wrote in a Monday blogpost.",
		"Seven of the recently hacked companies were technology or pharmaceutical firms after the deal between Obama and Xi.",
		"F-Secure security adviser, Tom Gaffney, argued that.\n\n“Just like in the cold war, spying carried on,” he told Infosecurity."} {
		f.Add([]byte(s))
	}
	x := osint.NewExtractor(testActors(), builtinAgreements())
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := osint.ReadText("f.txt", data, osint.ReadOptions{Published: time.Date(2015, 10, 22, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return
		}
		ss := osint.Sentences(a.Text)
		for _, c := range x.Extract(a) {
			if c.SentIndex < 0 || c.SentIndex >= len(ss) || ss[c.SentIndex].Text != c.Sentence || c.Key == "" || c.ID == "" {
				t.Fatalf("claim %+v does not point to a sentence of the article", c)
			}
		}
	})
}

package osint_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pactwatch/pactwatch/internal/osint"
)

func TestReadText(t *testing.T) {
	tests := []struct {
		name, in, title, text string
		stripped              []string
	}{
		{"title line", "UK, China mirror US anti-hacking pact\nChina and the UK have inked an agreement.\n", "UK, China mirror US anti-hacking pact", "China and the UK have inked an agreement.", nil},
		{"first line is a sentence", "China and the UK have inked an agreement.\n\nMore here.", "", "China and the UK have inked an agreement.\n\nMore here.", nil},
		{"ads and share lines", "Body one.\n\nADVERTISEMENT\n\nLike Us on Facebook\n\nBody two.\n\nShare this article\n", "", "Body one.\n\nBody two.", []string{"ADVERTISEMENT", "Like Us on Facebook", "Share this article"}},
		{"donation lines joined", "Body.\n\nDonations tax deductible\nto the full extent allowed by law.", "", "Body.", []string{"Donations tax deductible to the full extent allowed by law."}},
		{"photo credit", "Obama shakes hands with Xi. (Photo : www.china.org.cn)\n\nBody.", "", "Obama shakes hands with Xi.\n\nBody.", []string{"(Photo : www.china.org.cn)"}},
		{"CRLF and NBSP", "Head Line\r\nBody\u00a0text here.\r\n", "Head Line", "Body text here.", nil},
		{"long paragraph with ad words kept", "The newsletter " + strings.Repeat("of the firm said many things about hacking ", 5) + "today.", "", "The newsletter " + strings.Repeat("of the firm said many things about hacking ", 5) + "today.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := osint.ReadText("x.txt", []byte(tt.in), osint.ReadOptions{})
			if err != nil {
				t.Fatalf("ReadText(%q) error %v", tt.in, err)
			}
			if a.Title != tt.title || a.Text != tt.text {
				t.Errorf("ReadText(%q) = title %q text %q, want %q %q", tt.in, a.Title, a.Text, tt.title, tt.text)
			}
			if diff := cmp.Diff(tt.stripped, a.Stripped); diff != "" {
				t.Errorf("ReadText(%q) stripped (-want +got):\n%s", tt.in, diff)
			}
			if a.ID != "x" || a.Digest == "" {
				t.Errorf("ReadText id %q digest %q", a.ID, a.Digest)
			}
		})
	}
	if _, err := osint.ReadText("e.txt", []byte("ADVERTISEMENT\n\n"), osint.ReadOptions{}); !errors.Is(err, osint.ErrEmpty) {
		t.Errorf("ReadText(only an ad) error = %v, want ErrEmpty", err)
	}
}

const page = `<!DOCTYPE html><html><head><title>Ignored &amp; fallback</title>
<meta property="og:title" content="UK and China Shake Hands on Cyber IP-Theft Deal">
<meta property="og:site_name" content="Infosecurity Magazine">
<meta property="article:published_time" content="2015-10-22T10:00:00Z">
<link rel="canonical" href="https://example.org/a">
<script>var x = "<p>not text</p>";</script><style>p{}</style></head>
<body><nav><a href="/">Home</a></nav>
<header><h1>UK and China Shake Hands on Cyber IP-Theft Deal</h1></header>
<article><p>The UK and China have agreed not to engage in economic cybercrime &mdash; a deal.</p>
<div class="ad-slot"><p>Buy things</p><div>nested</div></div>
<p>ADVERTISEMENT</p>
<p>Threat intelligence firm <b>CrowdStrike</b> warned on Monday.<br>Second line.</p>
<!-- a comment <p>hidden</p> -->
<div class="share-bar"><a>Share on Facebook</a></div>
<p>Done &lt;here&gt;.</p></article>
<footer>Copyright 2015</footer></body></html>`

func TestReadHTML(t *testing.T) {
	a, err := osint.ReadHTML("p.html", []byte(page), osint.ReadOptions{Outlet: "flag outlet"})
	if err != nil {
		t.Fatal(err)
	}
	want := osint.Article{
		ID: "p", File: "p.html", Format: osint.HTML,
		Title:     "UK and China Shake Hands on Cyber IP-Theft Deal",
		Text:      "The UK and China have agreed not to engage in economic cybercrime — a deal.\n\nThreat intelligence firm CrowdStrike warned on Monday.\n\nSecond line.\n\nDone <here>.",
		Outlet:    "Infosecurity Magazine",
		URL:       "https://example.org/a",
		Published: time.Date(2015, 10, 22, 10, 0, 0, 0, time.UTC),
		Stripped:  []string{"ADVERTISEMENT"},
	}
	a.Digest = ""
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("ReadHTML (-want +got):\n%s", diff)
	}
	// an unclosed furniture element must not swallow the page
	b, err := osint.ReadHTML("u.html", []byte(`<div class="share"><p>Real text of the article.</p>`), osint.ReadOptions{})
	if err != nil || b.Text != "Real text of the article." {
		t.Errorf("ReadHTML(unclosed share div) = %q, %v", b.Text, err)
	}
}

func TestReadNDJSON(t *testing.T) {
	in := `{"id":"a1","title":"T","text":"Body one.\n\nADVERTISEMENT","outlet":"O","url":"u","published":"2015-10-20"}

{"text":"Second body.","published":"not a date"}
{"id":"a3","text":""}
{"id":5}
not json
{"id":"a6","text":"<p>Html <b>body</b>.</p><p>Like Us on Facebook</p>"}
`
	as, errs := osint.ReadNDJSON("f.ndjson", strings.NewReader(in), osint.ReadOptions{Outlet: "Default", Published: time.Date(2015, 9, 26, 0, 0, 0, 0, time.UTC)})
	var ids []string
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{"a1", "f:3", "a6"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if as[0].Outlet != "O" || as[0].Published.Format(time.DateOnly) != "2015-10-20" || as[0].Text != "Body one." {
		t.Errorf("a1 = %+v", as[0])
	}
	if as[1].Outlet != "Default" || as[1].Published.Format(time.DateOnly) != "2015-09-26" {
		t.Errorf("f:3 outlet %q published %v, want the defaults", as[1].Outlet, as[1].Published)
	}
	if as[2].Text != "Html body." || len(as[2].Stripped) != 1 {
		t.Errorf("a6 text %q stripped %q", as[2].Text, as[2].Stripped)
	}
	type where struct {
		Line  int
		Field string
	}
	var got []where
	for _, e := range errs {
		var pe *osint.ParseError
		if !errors.As(e, &pe) || pe.File != "f.ndjson" {
			t.Fatalf("error %v is not a ParseError of f.ndjson", e)
		}
		got = append(got, where{pe.Line, pe.Field})
	}
	if diff := cmp.Diff([]where{{3, "published"}, {4, "text"}, {5, "id"}, {6, ""}}, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s\n%v", diff, errs)
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, data string
		want       osint.Format
	}{
		{"a.ndjson", "", osint.NDJSON}, {"a.html", "", osint.HTML}, {"a.txt", "<p>", osint.Text},
		{"a", `{"text":"x"}`, osint.NDJSON}, {"a", "<!doctype html><p>x", osint.HTML}, {"a", "<3 you", osint.Text}, {"a", "Plain.", osint.Text},
	}
	for _, tt := range tests {
		if got := osint.DetectFormat(tt.name, []byte(tt.data)); got != tt.want {
			t.Errorf("DetectFormat(%q, %q) = %v, want %v", tt.name, tt.data, got, tt.want)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"U.S. President Barack Obama said on Sept. 25 that it stops. Then more.", []string{"U.S. President Barack Obama said on Sept. 25 that it stops.", "Then more."}},
		{"“It ends here,” he said. “And here.” Next one!", []string{"“It ends here,” he said.", "“And here.”", "Next one!"}},
		{"Mr. Alperovitch wrote it. Dr. J. Smith agreed? Yes.", []string{"Mr. Alperovitch wrote it.", "Dr. J. Smith agreed?", "Yes."}},
		{"One para.\n\nTwo para.", []string{"One para.", "Two para."}},
		{"the value is 3.5 percent. ok", []string{"the value is 3.5 percent. ok"}},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range osint.Sentences(tt.in) {
			got = append(got, s.Text)
			if tt.in[s.Start:s.End] != s.Text {
				t.Errorf("Sentences(%q): offsets %d:%d give %q, not %q", tt.in, s.Start, s.End, tt.in[s.Start:s.End], s.Text)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Sentences(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

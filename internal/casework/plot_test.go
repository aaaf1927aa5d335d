package casework_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/pact"
)

// svgTexts parses b as XML, checks that the root is <svg>, and returns the
// content of its <text> elements.
func svgTexts(t *testing.T, b []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var texts []string
	var root string
	inText := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			if tok.Name.Local == "text" {
				inText = true
				texts = append(texts, "")
			}
		case xml.EndElement:
			if tok.Name.Local == "text" {
				inText = false
			}
		case xml.CharData:
			if inText {
				texts[len(texts)-1] += string(tok)
			}
		}
	}
	if root != "svg" {
		t.Fatalf("SVG root element = %q, want svg", root)
	}
	return texts
}

func TestWeeklyPlot(t *testing.T) {
	us, gb := builtin(t, "us-cn-2015"), builtin(t, "gb-cn-2015")
	start := us.Effective.AddDate(0, 0, -7*8)
	series := []pact.Series{
		{Name: "Deep Panda", Start: start, Counts: []int{2, 3, 2, 2, 3, 2, 2, 3, 1, 0, 0, 1, 0, 0, 0, 1}},
		{Name: "APT3 & friends", Start: start, Counts: []int{0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}},
	}
	b, err := casework.WeeklyPlot(series, casework.AgreementMarkers(us, gb), casework.PlotOptions{Title: "Intrusions against US and GB victims"})
	if err != nil {
		t.Fatalf("WeeklyPlot: %v", err)
	}
	texts := svgTexts(t, b)
	for _, want := range []string{"Intrusions against US and GB victims", "Deep Panda", "APT3 & friends", "us-cn-2015 2015-09-25", "gb-cn-2015 2015-10-22"} {
		if !slices.Contains(texts, want) {
			t.Errorf("WeeklyPlot SVG texts %q lack %q", texts, want)
		}
	}
	again, _ := casework.WeeklyPlot(series, casework.AgreementMarkers(us, gb), casework.PlotOptions{Title: "Intrusions against US and GB victims"})
	if !bytes.Equal(b, again) {
		t.Errorf("WeeklyPlot is not deterministic")
	}
	if empty, err := casework.WeeklyPlot(nil, nil, casework.PlotOptions{}); err != nil || !slices.Contains(svgTexts(t, empty), "Intrusions per week") {
		t.Errorf("WeeklyPlot with no data = %v, want an empty plot with the default title", err)
	}
}

func TestCasesByStateAndPlot(t *testing.T) {
	ref := reach(t, casework.Referred)  // referred 10-21, overdue after 11-20 if checked
	ans := reach(t, casework.Answered)  // answered 10-30
	closed := reach(t, casework.Closed) // closed at 10-21
	over, _ := casework.CheckOverdue(ref, deadline.Add(time.Hour))
	cases := []casework.Case{over, ans, closed}

	from := at("2015-10-19T00:00:00Z")
	samples, counts := casework.CasesByState(cases, from, from.AddDate(0, 0, 42), 0)
	if len(samples) != 7 || !samples[6].Equal(from.AddDate(0, 0, 42)) {
		t.Fatalf("CasesByState sampled %v, want 7 weekly samples including the end", samples)
	}
	// Samples: 10-19 (nothing opened), 10-26, 11-02, 11-09, 11-16, 11-23, 11-30.
	want := map[casework.State][]int{
		casework.Draft:        {0, 0, 0, 0, 0, 0, 0},
		casework.Referred:     {0, 2, 1, 1, 1, 0, 0},
		casework.Acknowledged: {0, 0, 0, 0, 0, 0, 0},
		casework.Answered:     {0, 0, 1, 1, 1, 1, 1},
		casework.Overdue:      {0, 0, 0, 0, 0, 1, 1},
		casework.Closed:       {0, 1, 1, 1, 1, 1, 1},
	}
	for s, w := range want {
		if !slices.Equal(counts[s], w) {
			t.Errorf("CasesByState %s = %v, want %v", s, counts[s], w)
		}
	}

	b, err := casework.CasesPlot(cases, from, from.AddDate(0, 0, 42), 24*time.Hour, casework.AgreementMarkers(builtin(t, "us-cn-2015"), builtin(t, "g20-2015")), casework.PlotOptions{})
	if err != nil {
		t.Fatalf("CasesPlot: %v", err)
	}
	texts := svgTexts(t, b)
	for _, w := range []string{"Cases by state", "referred", "answered", "overdue", "closed", "g20-2015 2015-11-16"} {
		if !slices.Contains(texts, w) {
			t.Errorf("CasesPlot SVG texts %q lack %q", texts, w)
		}
	}
	if slices.Contains(texts, "acknowledged") {
		t.Errorf("CasesPlot legend has acknowledged though no case was ever in it")
	}
	if slices.Contains(texts, "us-cn-2015 2015-09-25") {
		t.Errorf("CasesPlot marks us-cn-2015 (2015-09-25), before the plotted period")
	}
}

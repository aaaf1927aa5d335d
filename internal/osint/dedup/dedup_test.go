package dedup_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/pactwatch/pactwatch/internal/osint/dedup"
	"github.com/pactwatch/pactwatch/internal/osint/synth"
)

func TestClusterEdits(t *testing.T) {
	base := strings.Repeat("The first intrusion after the agreement took place the very next day according to the firm. ", 1) +
		"Seven of the recently hacked companies were technology or pharmaceutical firms, the report said.\n\n" +
		"Those attacks were traced back to several groups linked to Beijing, including the Deep Panda gang.\n\n" +
		"Some security experts caution that the claims should be taken with a grain of salt because methods are closed.\n\n" +
		"The agreement is seen as significant because it marks the first time such a distinction was drawn."
	other := "Officials met in Washington to discuss guidelines for requests and a hotline, and held a tabletop exercise.\n\n" +
		"The dialogue will meet twice a year, co-chaired by the attorney general and the secretary of homeland security.\n\n" +
		"Seven of the recently hacked companies were technology or pharmaceutical firms, the report said."
	texts := []string{
		base,
		"Headline About The Pact\n" + base,
		strings.Replace(base, "\n\n", "\n\nADVERTISEMENT\n\n", 2),
		base[:strings.LastIndex(base, "\n\n")],
		other,
		"",
		"",
	}
	res := dedup.Cluster(texts, dedup.Options{})
	want := []int{0, 0, 0, 0, 1, 2, 3}
	for i, g := range res.Group {
		if (g == res.Group[0]) != (want[i] == 0) {
			t.Errorf("text %d in group %d, want it %s the original's group %d", i, g, map[bool]string{true: "in", false: "outside"}[want[i] == 0], res.Group[0])
		}
	}
	if res.Group[5] == res.Group[6] {
		t.Errorf("two empty texts were made one group")
	}
}

func TestWordsFold(t *testing.T) {
	var a, b []uint64
	dedup.Words("China’s  U.S.-China deal", func(h uint64) { a = append(a, h) })
	dedup.Words("CHINA'S u s china DEAL", func(h uint64) { b = append(b, h) })
	if fmt.Sprint(a) != fmt.Sprint(b) || len(a) != 5 {
		t.Errorf("Words folded differently: %v vs %v", a, b)
	}
}

func TestPairScore(t *testing.T) {
	p, r, _, _, _ := dedup.PairScore([]int{0, 0, 1, 1}, []int{0, 0, 0, 1})
	// predicted pairs (0,1),(2,3); actual (0,1),(0,2),(1,2): one shared
	if p != 0.5 || r != 1.0/3 {
		t.Errorf("PairScore = %v, %v, want 0.5, 0.333", p, r)
	}
}

// TestSynthQuality runs the measurement of the benchmark on a small
// corpus, so that a regression in quality fails plain go test.
func TestSynthQuality(t *testing.T) {
	arts := synth.Generate(3000, 7)
	texts, truth := make([]string, len(arts)), make([]int, len(arts))
	for i, a := range arts {
		texts[i], truth[i] = a.Text, a.Source
	}
	res := dedup.Cluster(texts, dedup.Options{})
	p, r, _, _, _ := dedup.PairScore(res.Group, truth)
	if p < 0.95 || r < 0.95 {
		t.Errorf("pair precision %.4f, recall %.4f on 3000 synthetic articles, want both >= 0.95", p, r)
	}
}

var nArticles = flag.Int("articles", 20000, "articles generated for BenchmarkCluster")

// BenchmarkCluster generates -articles synthetic articles with known edits
// and reports pair precision, pair recall and articles per second of
// Cluster (sketch, index, exact check, grouping).
func BenchmarkCluster(b *testing.B) {
	arts := synth.Generate(*nArticles, 1)
	texts, truth := make([]string, len(arts)), make([]int, len(arts))
	words := 0
	for i, a := range arts {
		texts[i], truth[i] = a.Text, a.Source
		words += len(strings.Fields(a.Text))
	}
	var res dedup.Result
	for b.Loop() {
		res = dedup.Cluster(texts, dedup.Options{})
	}
	p, r, tp, pred, act := dedup.PairScore(res.Group, truth)
	b.ReportMetric(p, "precision")
	b.ReportMetric(r, "recall")
	b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(res.Candidates)/float64(len(texts)), "candidates/article")
	b.Logf("%d articles (%d words avg): %d true pairs, %d predicted, %d correct; %d copy pairs, %d related pairs",
		len(texts), words/len(texts), act, pred, tp, len(res.Copies), len(res.Related))
}

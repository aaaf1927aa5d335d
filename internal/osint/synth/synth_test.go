package synth_test

import (
	"slices"
	"testing"

	"github.com/pactwatch/pactwatch/internal/osint/synth"
)

func TestGenerate(t *testing.T) {
	a, b := synth.Generate(500, 3), synth.Generate(500, 3)
	if len(a) != 500 {
		t.Fatalf("Generate(500) gave %d articles", len(a))
	}
	copies, sources := 0, map[int]int{}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Text != b[i].Text || a[i].Source != b[i].Source {
			t.Fatalf("Generate is not deterministic at %d", i)
		}
		if len(a[i].Edits) > 0 {
			copies++
		}
		sources[a[i].Source]++
	}
	if copies < 100 || copies > 300 {
		t.Errorf("%d copies among 500, want about a third", copies)
	}
	for _, e := range []synth.Edit{synth.Verbatim, synth.Retouched, synth.AddTitle, synth.InsertAds, synth.CutEnding} {
		if !slices.ContainsFunc(a, func(x synth.Article) bool { return slices.Contains(x.Edits, e) }) {
			t.Errorf("no copy with edit %s", e)
		}
	}
	if c := synth.Generate(500, 4); c[0].Text == a[0].Text {
		t.Errorf("different seeds gave the same first article")
	}
}

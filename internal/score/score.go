package score

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/simulate"
)

// Input is what a run concluded about a scenario, with the truth to judge
// it by.
type Input struct {
	Truth simulate.Truth
	// Hits are the matched events and Member[i] the index in Intrusions of
	// the intrusion Hits[i] was grouped into, or -1 for background
	// (intrusion.Assign).
	Hits   []intrusion.Hit
	Member []int

	Intrusions   []intrusion.Intrusion
	Attributions []attribution.Result
	Intents      []intent.Assessment
	Findings     []pact.Finding
}

// Report is the score of one run. Every rate is a number from 0 to 1; a
// rate whose denominator is empty is 0.
type Report struct {
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`

	TruthIntrusions    int `json:"truth_intrusions"`
	DetectedIntrusions int `json:"detected_intrusions"` // intrusions the run found
	TrueIntrusions     int `json:"true_intrusions"`     // of those, ones that are mostly a planted intrusion
	TruthDetected      int `json:"truth_detected"`      // planted intrusions some found intrusion stands for
	Attributed         int `json:"attributed"`          // found intrusions given an actor
	CorrectAttributed  int `json:"correct_attributed"`  // ... the right one
	WrongAttributed    int `json:"wrong_attributed"`    // ... a wrong actor, or benign activity given one
	UnattributedTrue   int `json:"unattributed_true"`   // true intrusions left without an actor
	TruthCorrect       int `json:"truth_correct"`       // planted intrusions whose main found intrusion names the right actor
	IntentJudged       int `json:"intent_judged"`
	IntentCorrect      int `json:"intent_correct"`
	VerdictsJudged     int `json:"verdicts_judged"`
	VerdictsCorrect    int `json:"verdicts_correct"`
	// Background counts matched events left out of every intrusion as
	// widespread (intrusion.Widespread); BackgroundPlanted those of them
	// that belong to a planted intrusion.
	Background        int `json:"background_events"`
	BackgroundPlanted int `json:"background_planted_events"`

	IntrusionRecall      float64 `json:"intrusion_recall"`
	IntrusionPrecision   float64 `json:"intrusion_precision"`
	AttributionPrecision float64 `json:"attribution_precision"`
	AttributionRecall    float64 `json:"attribution_recall"`
	AttributionF1        float64 `json:"attribution_f1"`
	WrongAttributionRate float64 `json:"wrong_attribution_rate"`
	UnattributedRate     float64 `json:"unattributed_rate"`
	IntentAccuracy       float64 `json:"intent_accuracy"`
	VerdictAccuracy      float64 `json:"verdict_accuracy"`
	ECE                  float64 `json:"ece"`

	// Reliability bins the found intrusions that have a best candidate by
	// its confidence: how often the best candidate was right in each band.
	Reliability []Band `json:"reliability"`
	// Actors breaks attribution down by the planted actor.
	Actors []ActorRow `json:"actors"`
	// Mistakes lists every error, most serious kind first.
	Mistakes []Mistake `json:"mistakes"`
}

// Band is one row of the reliability table.
type Band struct {
	Lo         float64 `json:"lo"` // confidence band [Lo, Hi)
	Hi         float64 `json:"hi"`
	N          int     `json:"n"`
	Confidence float64 `json:"confidence"` // mean stated confidence
	Accuracy   float64 `json:"accuracy"`   // share whose best candidate was right
}

// ActorRow is attribution for the intrusions of one planted actor.
type ActorRow struct {
	Actor        string `json:"actor"`
	Intrusions   int    `json:"intrusions"`
	Detected     int    `json:"detected"`
	Correct      int    `json:"correct"`
	Wrong        int    `json:"wrong"`
	Unattributed int    `json:"unattributed"`
}

// Mistake kinds, most serious first.
const (
	WrongActor     = "wrong-actor"       // a planted intrusion given another actor
	BenignActor    = "benign-attributed" // benign activity given an actor
	WrongVerdict   = "wrong-verdict"
	WrongIntent    = "wrong-intent"
	Unattributed   = "unattributed" // a planted intrusion left without an actor
	Missed         = "missed"       // a planted intrusion nothing stands for
	FalseIntrusion = "false-intrusion"
)

var kindRank = map[string]int{WrongActor: 0, BenignActor: 1, WrongVerdict: 2, WrongIntent: 3, Unattributed: 4, Missed: 5, FalseIntrusion: 6}

// Mistake is one error of the run.
type Mistake struct {
	Kind        string `json:"kind"`
	IntrusionID string `json:"intrusion_id,omitempty"` // the found intrusion
	TruthID     string `json:"truth_id,omitempty"`     // the planted intrusion or look-alike
	OrgID       string `json:"org_id"`
	Want        string `json:"want,omitempty"`
	Got         string `json:"got,omitempty"`
	Confidence  int    `json:"confidence,omitempty"`
	Detail      string `json:"detail,omitempty"`
}

// found is one intrusion of the run with what it stands for.
type found struct {
	in     *intrusion.Intrusion
	attr   *attribution.Result
	intent *intent.Assessment
	label  string // truth intrusion or look-alike id it mostly is; "" benign
	share  int    // hits of that label
	hits   int
}

// Score compares a run with the truth. A found intrusion stands for the
// planted intrusion most of its matched events belong to (by connection
// id); if most belong to none, it is benign activity. A planted intrusion
// is detected when a found intrusion stands for it; the one with the most
// of its events is its main one, whose actor, intent and verdicts are
// judged.
func Score(in Input) (Report, error) {
	if len(in.Member) != len(in.Hits) {
		return Report{}, fmt.Errorf("score: %d memberships for %d hits", len(in.Member), len(in.Hits))
	}
	t := &in.Truth
	r := Report{Scenario: t.Scenario, Seed: t.Seed, TruthIntrusions: len(t.Intrusions), DetectedIntrusions: len(in.Intrusions)}

	label := map[string]string{} // connection id -> truth id
	truthByID := map[string]*simulate.TruthIntrusion{}
	for i := range t.Intrusions {
		ti := &t.Intrusions[i]
		truthByID[ti.ID] = ti
		for _, f := range ti.Flows {
			label[f] = ti.ID
		}
	}
	lookalike := map[string]bool{}
	for _, l := range t.Lookalikes {
		lookalike[l.ID] = true
		for _, f := range l.Flows {
			if _, dup := label[f]; !dup {
				label[f] = l.ID
			}
		}
	}

	fs := make([]found, len(in.Intrusions))
	byID := map[string]*found{}
	for i := range in.Intrusions {
		fs[i].in = &in.Intrusions[i]
		byID[in.Intrusions[i].ID] = &fs[i]
	}
	for i := range in.Attributions {
		if f := byID[in.Attributions[i].IntrusionID]; f != nil {
			f.attr = &in.Attributions[i]
		}
	}
	for i := range in.Intents {
		if f := byID[in.Intents[i].IntrusionID]; f != nil {
			f.intent = &in.Intents[i]
		}
	}
	findings := map[string][]*pact.Finding{}
	for i := range in.Findings {
		findings[in.Findings[i].IntrusionID] = append(findings[in.Findings[i].IntrusionID], &in.Findings[i])
	}

	// Per found intrusion, count its hits by label.
	counts := make([]map[string]int, len(fs))
	for i, h := range in.Hits {
		m := in.Member[i]
		if m == -1 {
			r.Background++
			if truthByID[label[h.Event.UID]] != nil {
				r.BackgroundPlanted++
			}
			continue
		}
		if m < 0 || m >= len(fs) {
			return Report{}, fmt.Errorf("score: hit %d assigned to intrusion %d of %d", i, m, len(fs))
		}
		if counts[m] == nil {
			counts[m] = map[string]int{}
		}
		counts[m][label[h.Event.UID]]++
		fs[m].hits++
	}
	for i := range fs {
		best, n := "", 0
		for l, c := range counts[i] {
			if c > n || (c == n && l < best) {
				best, n = l, c
			}
		}
		fs[i].label, fs[i].share = best, n
		if truthByID[best] == nil {
			fs[i].label = labelBenign(best, lookalike)
		}
	}

	// The main found intrusion of each planted one.
	main := map[string]*found{}
	for i := range fs {
		f := &fs[i]
		if truthByID[f.label] == nil {
			continue
		}
		r.TrueIntrusions++
		if m := main[f.label]; m == nil || f.share > m.share || (f.share == m.share && f.in.ID < m.in.ID) {
			main[f.label] = f
		}
	}
	r.TruthDetected = len(main)

	actors := map[string]*ActorRow{}
	row := func(name string) *ActorRow {
		a := actors[name]
		if a == nil {
			a = &ActorRow{Actor: name}
			actors[name] = a
		}
		return a
	}
	var cal []calPoint
	for i := range fs {
		f := &fs[i]
		ti := truthByID[f.label]
		top, attributed := f.top()
		best, hasBest := f.best()
		if hasBest {
			cal = append(cal, calPoint{conf: float64(best.Confidence) / 100, right: ti != nil && sameActor(best, ti)})
		}
		switch {
		case attributed && ti != nil && sameActor(top, ti):
			r.Attributed++
			r.CorrectAttributed++
		case attributed && ti != nil:
			r.Attributed++
			r.WrongAttributed++
			r.Mistakes = append(r.Mistakes, Mistake{Kind: WrongActor, IntrusionID: f.in.ID, TruthID: ti.ID, OrgID: f.in.OrgID,
				Want: ti.ActorName, Got: top.ActorName, Confidence: top.Confidence, Detail: ti.Description})
		case attributed:
			r.Attributed++
			r.WrongAttributed++
			r.Mistakes = append(r.Mistakes, Mistake{Kind: BenignActor, IntrusionID: f.in.ID, TruthID: f.label, OrgID: f.in.OrgID,
				Want: "(benign)", Got: top.ActorName, Confidence: top.Confidence, Detail: fmt.Sprintf("%d matched events", f.hits)})
		case ti != nil:
			r.UnattributedTrue++
			m := Mistake{Kind: Unattributed, IntrusionID: f.in.ID, TruthID: ti.ID, OrgID: f.in.OrgID, Want: ti.ActorName, Detail: ti.Description}
			if hasBest {
				m.Got, m.Confidence = "(below threshold) "+best.ActorName, best.Confidence
			}
			r.Mistakes = append(r.Mistakes, m)
		default:
			r.Mistakes = append(r.Mistakes, Mistake{Kind: FalseIntrusion, IntrusionID: f.in.ID, TruthID: f.label, OrgID: f.in.OrgID,
				Detail: fmt.Sprintf("%d matched events, none planted", f.hits)})
		}
	}

	for i := range t.Intrusions {
		ti := &t.Intrusions[i]
		a := row(ti.ActorName)
		a.Intrusions++
		f := main[ti.ID]
		if f == nil {
			r.Mistakes = append(r.Mistakes, Mistake{Kind: Missed, TruthID: ti.ID, OrgID: ti.OrgID, Want: ti.ActorName,
				Detail: fmt.Sprintf("%d indicators present; %s", len(ti.Indicators), ti.Description)})
			continue
		}
		a.Detected++
		top, attributed := f.top()
		switch {
		case attributed && sameActor(top, ti):
			a.Correct++
			r.TruthCorrect++
		case attributed:
			a.Wrong++
		default:
			a.Unattributed++
		}
		if f.intent != nil {
			r.IntentJudged++
			if f.intent.Class == ti.Intent {
				r.IntentCorrect++
			} else {
				r.Mistakes = append(r.Mistakes, Mistake{Kind: WrongIntent, IntrusionID: f.in.ID, TruthID: ti.ID, OrgID: ti.OrgID,
					Want: string(ti.Intent), Got: string(f.intent.Class), Confidence: f.intent.Confidence, Detail: strings.Join(f.intent.Reasons, "; ")})
			}
		}
		got := map[string]pact.Verdict{}
		for _, fd := range findings[f.in.ID] {
			got[fd.AgreementID] = fd.Verdict
		}
		for _, e := range ti.Expected {
			r.VerdictsJudged++
			if g := got[e.AgreementID]; g == e.Verdict {
				r.VerdictsCorrect++
			} else {
				r.Mistakes = append(r.Mistakes, Mistake{Kind: WrongVerdict, IntrusionID: f.in.ID, TruthID: ti.ID, OrgID: ti.OrgID,
					Want: e.AgreementID + ": " + string(e.Verdict), Got: cmp.Or(string(g), "(no finding)"), Detail: e.Reason})
			}
		}
	}

	r.IntrusionRecall = rate(r.TruthDetected, r.TruthIntrusions)
	r.IntrusionPrecision = rate(r.TrueIntrusions, r.DetectedIntrusions)
	r.AttributionPrecision = rate(r.CorrectAttributed, r.Attributed)
	r.AttributionRecall = rate(r.TruthCorrect, r.TruthIntrusions)
	if p, q := r.AttributionPrecision, r.AttributionRecall; p+q > 0 {
		r.AttributionF1 = 2 * p * q / (p + q)
	}
	r.WrongAttributionRate = rate(r.WrongAttributed, r.DetectedIntrusions)
	r.UnattributedRate = rate(r.UnattributedTrue, r.TrueIntrusions)
	r.IntentAccuracy = rate(r.IntentCorrect, r.IntentJudged)
	r.VerdictAccuracy = rate(r.VerdictsCorrect, r.VerdictsJudged)
	r.Reliability, r.ECE = reliability(cal)

	for _, a := range actors {
		r.Actors = append(r.Actors, *a)
	}
	slices.SortFunc(r.Actors, func(a, b ActorRow) int { return strings.Compare(a.Actor, b.Actor) })
	slices.SortStableFunc(r.Mistakes, func(a, b Mistake) int {
		return cmp.Or(cmp.Compare(kindRank[a.Kind], kindRank[b.Kind]), strings.Compare(a.TruthID, b.TruthID), strings.Compare(a.IntrusionID, b.IntrusionID))
	})
	return r, nil
}

// labelBenign names what a found intrusion that stands for no planted one is.
func labelBenign(l string, lookalike map[string]bool) string {
	if lookalike[l] {
		return l
	}
	return ""
}

// top is the attributed actor, if any.
func (f *found) top() (attribution.Candidate, bool) {
	if f.attr == nil {
		return attribution.Candidate{}, false
	}
	return f.attr.Top()
}

// best is the highest-ranked candidate, attributed or not.
func (f *found) best() (attribution.Candidate, bool) {
	if f.attr == nil || len(f.attr.Candidates) == 0 {
		return attribution.Candidate{}, false
	}
	return f.attr.Candidates[0], true
}

// sameActor compares by STIX id, then by name (an IOC list may name the
// actor without an id).
func sameActor(c attribution.Candidate, ti *simulate.TruthIntrusion) bool {
	if c.ActorID != "" && c.ActorID == ti.ActorID {
		return true
	}
	return intel.NameKey(c.ActorName) != "" && intel.NameKey(c.ActorName) == intel.NameKey(ti.ActorName)
}

func rate(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

type calPoint struct {
	conf  float64
	right bool
}

// Bands is the number of equal-width confidence bands of the reliability table.
const Bands = 10

// reliability bins the points into Bands bands and returns the table and
// the expected calibration error: the bands' gaps between mean confidence
// and accuracy, weighted by how many points each holds.
func reliability(ps []calPoint) ([]Band, float64) {
	bands := make([]Band, Bands)
	for i := range bands {
		bands[i].Lo, bands[i].Hi = float64(i)/Bands, float64(i+1)/Bands
	}
	right := make([]int, Bands)
	for _, p := range ps {
		b := min(int(math.Floor(p.conf*Bands)), Bands-1)
		b = max(b, 0)
		bands[b].N++
		bands[b].Confidence += p.conf
		if p.right {
			right[b]++
		}
	}
	var ece float64
	for i := range bands {
		if bands[i].N == 0 {
			continue
		}
		n := float64(bands[i].N)
		bands[i].Confidence /= n
		bands[i].Accuracy = float64(right[i]) / n
		ece += n / float64(len(ps)) * math.Abs(bands[i].Accuracy-bands[i].Confidence)
	}
	return bands, ece
}

package score_test

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/score"
	"github.com/pactwatch/pactwatch/internal/simulate"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

var t0 = time.Date(2015, 10, 1, 3, 0, 0, 0, time.UTC)

func hit(org, uid string, min int) intrusion.Hit {
	return intrusion.Hit{OrgID: org, Event: telemetry.Event{
		UID: uid, Time: t0.Add(time.Duration(min) * time.Minute),
		Source: telemetry.Source{File: "eve.json", Line: int64(min + 1), Offset: int64(min * 100)},
	}}
}

func attributed(id, actorID, name string, conf int) attribution.Result {
	return attribution.Result{IntrusionID: id, Attributed: true,
		Candidates: []attribution.Candidate{{ActorID: actorID, ActorName: name, Confidence: conf, Score: float64(conf) / 100}}}
}

// scenario: planted A (X, economic), B (Y, economic), C (X, missed) and a
// look-alike L. Found: I0 = A plus one benign event, right actor; I1 = B,
// wrong actor; I2 = L, given an actor; I3 = A's stray event, unattributed.
func scenario() score.Input {
	exp := func(v pact.Verdict) []simulate.Expectation {
		return []simulate.Expectation{{AgreementID: "us-cn-2015", Verdict: v}}
	}
	truth := simulate.Truth{
		Scenario: "test", Seed: 7,
		Intrusions: []simulate.TruthIntrusion{
			{ID: "A", OrgID: "acme", ActorID: "intrusion-set--x", ActorName: "Actor X", Intent: intent.Economic, Flows: []string{"a1", "a2", "a3", "a4"}, Expected: exp(pact.PotentialViolation)},
			{ID: "B", OrgID: "bolt", ActorID: "intrusion-set--y", ActorName: "Actor Y", Intent: intent.Economic, Flows: []string{"b1", "b2"}, Expected: exp(pact.PotentialViolation)},
			{ID: "C", OrgID: "cato", ActorID: "intrusion-set--x", ActorName: "Actor X", Intent: intent.NationalSecurity, Flows: []string{"c1"}, Expected: exp(pact.OutsideScope)},
		},
		Lookalikes: []simulate.TruthLookalike{{ID: "L", Flows: []string{"l1", "l2"}, Expected: "unattributed"}},
	}
	hits := []intrusion.Hit{
		hit("acme", "a1", 0), hit("acme", "a2", 1), hit("acme", "a3", 2), hit("acme", "u1", 3), // I0
		hit("bolt", "b1", 0), hit("bolt", "b2", 1), // I1
		hit("dune", "l1", 0), hit("dune", "l2", 5), // I2
		hit("acme", "a4", 9000), // I3
	}
	ins := []intrusion.Intrusion{{ID: "I0", OrgID: "acme"}, {ID: "I1", OrgID: "bolt"}, {ID: "I2", OrgID: "dune"}, {ID: "I3", OrgID: "acme"}}
	return score.Input{
		Truth: truth, Hits: hits, Member: []int{0, 0, 0, 0, 1, 1, 2, 2, 3},
		Intrusions: ins,
		Attributions: []attribution.Result{
			attributed("I0", "intrusion-set--x", "Actor X", 90),
			attributed("I1", "intrusion-set--x", "Actor X", 60),
			attributed("I2", "intrusion-set--y", "Actor Y", 55),
			{IntrusionID: "I3", Candidates: []attribution.Candidate{{ActorID: "intrusion-set--x", ActorName: "Actor X", Confidence: 30}}},
		},
		Intents: []intent.Assessment{
			{IntrusionID: "I0", Class: intent.Economic},
			{IntrusionID: "I1", Class: intent.NationalSecurity},
			{IntrusionID: "I2", Class: intent.Economic},
		},
		Findings: []pact.Finding{
			{IntrusionID: "I0", AgreementID: "us-cn-2015", Verdict: pact.PotentialViolation},
			{IntrusionID: "I1", AgreementID: "us-cn-2015", Verdict: pact.OutsideScope},
		},
	}
}

func TestScore(t *testing.T) {
	r, err := score.Score(scenario())
	if err != nil {
		t.Fatal(err)
	}
	type counts struct {
		Truth, Found, True, TruthDetected, Attributed, Correct, Wrong, Unattributed, TruthCorrect int
		IntentJudged, IntentCorrect, VerdictsJudged, VerdictsCorrect                              int
	}
	got := counts{r.TruthIntrusions, r.DetectedIntrusions, r.TrueIntrusions, r.TruthDetected, r.Attributed, r.CorrectAttributed,
		r.WrongAttributed, r.UnattributedTrue, r.TruthCorrect, r.IntentJudged, r.IntentCorrect, r.VerdictsJudged, r.VerdictsCorrect}
	want := counts{Truth: 3, Found: 4, True: 3, TruthDetected: 2, Attributed: 3, Correct: 1, Wrong: 2, Unattributed: 1, TruthCorrect: 1,
		IntentJudged: 2, IntentCorrect: 1, VerdictsJudged: 2, VerdictsCorrect: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	rates := map[string][2]float64{
		"intrusion_recall":       {r.IntrusionRecall, 2.0 / 3},
		"intrusion_precision":    {r.IntrusionPrecision, 3.0 / 4},
		"attribution_precision":  {r.AttributionPrecision, 1.0 / 3},
		"attribution_recall":     {r.AttributionRecall, 1.0 / 3},
		"attribution_f1":         {r.AttributionF1, 1.0 / 3},
		"wrong_attribution_rate": {r.WrongAttributionRate, 2.0 / 4},
		"unattributed_rate":      {r.UnattributedRate, 1.0 / 3},
		"intent_accuracy":        {r.IntentAccuracy, 0.5},
		"verdict_accuracy":       {r.VerdictAccuracy, 0.5},
		// Bands: 0.9 right, 0.6 wrong, 0.55 wrong, 0.3 right (I3 is A's).
		"ece": {r.ECE, (0.1 + 0.6 + 0.55 + 0.7) / 4},
	}
	for k, v := range rates {
		if math.Abs(v[0]-v[1]) > 1e-12 {
			t.Errorf("%s = %v, want %v", k, v[0], v[1])
		}
	}
	var kinds []string
	for _, m := range r.Mistakes {
		kinds = append(kinds, m.Kind+" "+m.IntrusionID+" "+m.TruthID)
	}
	wantKinds := []string{
		"wrong-actor I1 B", "benign-attributed I2 L", "wrong-verdict I1 B", "wrong-intent I1 B",
		"unattributed I3 A", "missed  C",
	}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("mistakes (-want +got):\n%s", diff)
	}
	wantActors := []score.ActorRow{
		{Actor: "Actor X", Intrusions: 2, Detected: 1, Correct: 1},
		{Actor: "Actor Y", Intrusions: 1, Detected: 1, Wrong: 1},
	}
	if diff := cmp.Diff(wantActors, r.Actors); diff != "" {
		t.Errorf("actors (-want +got):\n%s", diff)
	}
}

func TestScoreBadMembership(t *testing.T) {
	in := scenario()
	in.Member = in.Member[:3]
	if _, err := score.Score(in); err == nil {
		t.Error("Score with too few memberships succeeded")
	}
	in = scenario()
	in.Member[0] = 9
	if _, err := score.Score(in); err == nil {
		t.Error("Score with a membership out of range succeeded")
	}
}

// A perfect run scores 1 everywhere but calibration, which is the gap
// between the stated confidence and the (perfect) accuracy.
func TestScorePerfect(t *testing.T) {
	in := scenario()
	in.Truth.Intrusions = in.Truth.Intrusions[:1]
	in.Truth.Lookalikes = nil
	in.Hits = in.Hits[:3]
	in.Member = in.Member[:3]
	in.Intrusions = in.Intrusions[:1]
	r, err := score.Score(in)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]float64{"precision": r.AttributionPrecision, "recall": r.AttributionRecall, "f1": r.AttributionF1,
		"intrusion recall": r.IntrusionRecall, "intrusion precision": r.IntrusionPrecision, "intent": r.IntentAccuracy, "verdict": r.VerdictAccuracy} {
		if v != 1 {
			t.Errorf("%s = %v, want 1", k, v)
		}
	}
	if math.Abs(r.ECE-0.1) > 1e-12 || r.WrongAttributionRate != 0 || len(r.Mistakes) != 0 {
		t.Errorf("ece %v, wrong %v, mistakes %v; want 0.1, 0, none", r.ECE, r.WrongAttributionRate, r.Mistakes)
	}
}

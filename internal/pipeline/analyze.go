package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/store"
)

// Agreements returns the built-in agreements followed by the user's own
// from the store; a user agreement with a built-in id replaces it.
func Agreements(ctx context.Context, st store.Store) ([]pact.Agreement, error) {
	user, err := st.Agreements(ctx)
	if err != nil {
		return nil, fmt.Errorf("load agreements: %w", err)
	}
	all := pact.Builtin()
	for _, a := range user {
		replaced := false
		for i := range all {
			if all[i].ID == a.ID {
				all[i], replaced = a, true
			}
		}
		if !replaced {
			all = append(all, a)
		}
	}
	return all, nil
}

// Analyze recomputes every derived result from the stored hits and intel:
// intrusions, attributions, intent and findings against every agreement,
// and replaces them in the store in one transaction.
func Analyze(ctx context.Context, st store.Store, window time.Duration) (store.Analysis, error) {
	a, _, _, err := AnalyzeHits(ctx, st, window)
	return a, err
}

// AnalyzeHits is Analyze that also returns the hits it read and, for each,
// the index of the intrusion it ended in (-1: widespread background), for
// scoring against ground truth.
func AnalyzeHits(ctx context.Context, st store.Store, window time.Duration) (store.Analysis, []intrusion.Hit, []int, error) {
	var a store.Analysis
	hits, err := st.Hits(ctx)
	if err != nil {
		return a, nil, nil, fmt.Errorf("load hits: %w", err)
	}
	k, actors, err := LoadKnowledge(ctx, st)
	if err != nil {
		return a, nil, nil, err
	}
	orgs, err := st.Organisations(ctx)
	if err != nil {
		return a, nil, nil, fmt.Errorf("load organisations: %w", err)
	}
	agreements, err := Agreements(ctx, st)
	if err != nil {
		return a, nil, nil, err
	}
	a, member := Conclude(hits, k, actors, orgs, agreements, window)
	if err := st.ReplaceAnalysis(ctx, a); err != nil {
		return a, nil, nil, fmt.Errorf("store analysis: %w", err)
	}
	return a, hits, member, nil
}

// MergeWindow is how close in time two intrusions of one victim,
// attributed to one actor through a common server, must be to count as
// one: the same operation reaching several hosts at once.
const MergeWindow = 24 * time.Hour

// Conclude runs the stages on hits: grouping, attribution, a second
// grouping that joins one actor's intrusions into one victim (Merge),
// intent and findings. It returns the analysis and each hit's intrusion.
func Conclude(hits []intrusion.Hit, k *attribution.Knowledge, actors []intel.Actor, orgs []org.Organisation, agreements []pact.Agreement, window time.Duration) (store.Analysis, []int) {
	var a store.Analysis
	byOrg := make(map[string]org.Organisation, len(orgs))
	for _, o := range orgs {
		byOrg[o.ID] = o
	}
	byActor := make(map[string]*intel.Actor, len(actors))
	for i := range actors {
		if _, dup := byActor[actors[i].ID]; !dup {
			byActor[actors[i].ID] = &actors[i]
		}
	}
	victimOf := func(in intrusion.Intrusion) org.Organisation {
		if v, ok := byOrg[in.OrgID]; ok {
			return v
		}
		return org.Organisation{ID: in.OrgID, Name: in.OrgID}
	}
	ins, member := intrusion.Assign(hits, window)
	keys := make([]string, len(ins))
	// An intrusion Merge leaves alone keeps its attribution: same id, same
	// events.
	type shape struct {
		id     string
		events int
	}
	first := make(map[shape]attribution.Result, len(ins))
	for i, in := range ins {
		res := attribution.Attribute(in, victimOf(in), k)
		first[shape{in.ID, in.EventCount}] = res
		if top, ok := res.Top(); ok {
			keys[i] = top.ActorID
		}
	}
	ins, member = intrusion.Merge(hits, ins, member, keys, MergeWindow)

	a.Intrusions = ins
	for _, m := range member {
		if m < 0 {
			a.Background++
		}
	}
	for _, in := range a.Intrusions {
		victim := victimOf(in)
		res, ok := first[shape{in.ID, in.EventCount}]
		if !ok {
			res = attribution.Attribute(in, victim, k)
		}
		// The attributed actor, or the most likely one for intent.
		var actor *intel.Actor
		if len(res.Candidates) > 0 && res.Candidates[0].Score >= attribution.Threshold {
			actor = byActor[res.Candidates[0].ActorID]
		}
		it := intent.Assess(in, victim, res, actor)
		a.Attributions = append(a.Attributions, res)
		a.Intents = append(a.Intents, it)
		for _, ag := range agreements {
			a.Findings = append(a.Findings, pact.Evaluate(ag, in, res, it, victim))
		}
	}
	return a, member
}

// LoadKnowledge builds the attribution knowledge from the store's intel and
// returns the actor records it was built from.
func LoadKnowledge(ctx context.Context, st store.Store) (*attribution.Knowledge, []intel.Actor, error) {
	actors, err := st.Actors(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load actors: %w", err)
	}
	inds, err := st.Indicators(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load indicators: %w", err)
	}
	sw, err := st.Software(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load software: %w", err)
	}
	rels, err := st.Relationships(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load relationships: %w", err)
	}
	return attribution.NewKnowledge(actors, inds, sw, rels), actors, nil
}

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
	var a store.Analysis
	hits, err := st.Hits(ctx)
	if err != nil {
		return a, fmt.Errorf("load hits: %w", err)
	}
	k, actors, err := LoadKnowledge(ctx, st)
	if err != nil {
		return a, err
	}
	orgs, err := st.Organisations(ctx)
	if err != nil {
		return a, fmt.Errorf("load organisations: %w", err)
	}
	byOrg := make(map[string]org.Organisation, len(orgs))
	for _, o := range orgs {
		byOrg[o.ID] = o
	}
	agreements, err := Agreements(ctx, st)
	if err != nil {
		return a, err
	}
	byActor := make(map[string]*intel.Actor, len(actors))
	for i := range actors {
		if _, dup := byActor[actors[i].ID]; !dup {
			byActor[actors[i].ID] = &actors[i]
		}
	}

	a.Intrusions = intrusion.Group(hits, window)
	for _, in := range a.Intrusions {
		victim, ok := byOrg[in.OrgID]
		if !ok {
			victim = org.Organisation{ID: in.OrgID, Name: in.OrgID}
		}
		res := attribution.Attribute(in, victim, k)
		var actor *intel.Actor
		if top, ok := res.Top(); ok {
			actor = byActor[top.ActorID]
		}
		it := intent.Assess(in, victim, res, actor)
		a.Attributions = append(a.Attributions, res)
		a.Intents = append(a.Intents, it)
		for _, ag := range agreements {
			a.Findings = append(a.Findings, pact.Evaluate(ag, in, res, it, victim))
		}
	}
	if err := st.ReplaceAnalysis(ctx, a); err != nil {
		return a, fmt.Errorf("store analysis: %w", err)
	}
	return a, nil
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

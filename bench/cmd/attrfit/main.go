// Command attrfit fits the attribution model (attribution.Model) by
// maximum likelihood on simulated scenarios whose truth is known, so that
// the probabilities it gives are calibrated.
//
// Each argument is DIR=DB: a scenario directory written by 'pactwatch
// simulate' and a database it was ingested into (for example by
// 'pactwatch score --scenario DIR --keep-db DB'). attrfit regroups the
// stored hits, computes every candidate's features with the current code,
// labels each intrusion with the planted actor most of its events belong
// to (or "none" for benign activity and actors intel does not name), and
// fits the model's bias and weights. It prints the fitted model as Go and
// JSON, with the log-loss and calibration of the current and the fitted
// model on the data.
//
//	go run ./bench/cmd/attrfit /tmp/h101=/tmp/h101.db /tmp/h102=/tmp/h102.db ...
//
// Fit on scenarios whose seeds are not the ones you score on.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/simulate"
	"github.com/pactwatch/pactwatch/internal/store/sqlite"
)

// example is one intrusion: its candidates' features and which is right
// (-1: none of them).
type example struct {
	xs    [][attribution.NumFeatures]float64
	label int
}

func main() {
	l2 := flag.Float64("l2", 0.0001, "L2 penalty on the weights (not the bias)")
	iters := flag.Int("iters", 20000, "gradient steps")
	bias := flag.Float64("bias", -2.708, "fix the bias at this value (the log-odds of an actor with no evidence against none of them: simulated scenarios hold almost no intrusion by nobody, so the data cannot set it); NaN fits it")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: attrfit [-l2 X] DIR=DB ...")
		os.Exit(2)
	}
	ctx := context.Background()
	var data []example
	for _, arg := range flag.Args() {
		dir, db, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "attrfit: %q is not DIR=DB\n", arg)
			os.Exit(2)
		}
		ex, err := load(ctx, dir, db)
		if err != nil {
			fmt.Fprintf(os.Stderr, "attrfit: %s: %v\n", arg, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "%s: %d intrusions\n", dir, len(ex))
		data = append(data, ex...)
	}
	cur := attribution.DefaultModel
	start := cur
	fixed := !math.IsNaN(*bias)
	if fixed {
		start.Bias = *bias
	}
	fit := fitModel(data, start, *l2, *iters, fixed)
	report("current", cur, data)
	report("fitted", fit, data)
	fmt.Println("var DefaultModel = Model{")
	fmt.Printf("\tBias: %.3f,\n\tWeights: [NumFeatures]float64{\n", fit.Bias)
	for f := range attribution.NumFeatures {
		name := map[attribution.Feature]string{
			attribution.FeatInfrastructure: "FeatInfrastructure", attribution.FeatMalware: "FeatMalware",
			attribution.FeatFamily: "FeatFamily", attribution.FeatTiming: "FeatTiming", attribution.FeatSector: "FeatSector",
			attribution.FeatCountry: "FeatCountry", attribution.FeatTechnique: "FeatTechnique",
		}[f]
		fmt.Printf("\t\t%s: %.3f,\n", name, fit.Weights[f])
	}
	fmt.Println("\t},\n}")
	j, _ := json.Marshal(fit)
	fmt.Println(string(j))
}

func load(ctx context.Context, dir, db string) ([]example, error) {
	raw, err := os.ReadFile(filepath.Join(dir, simulate.FileTruth))
	if err != nil {
		return nil, err
	}
	var truth simulate.Truth
	if err := json.Unmarshal(raw, &truth); err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	hits, err := st.Hits(ctx)
	if err != nil {
		return nil, err
	}
	k, _, err := pipeline.LoadKnowledge(ctx, st)
	if err != nil {
		return nil, err
	}
	orgs, err := st.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	byOrg := map[string]org.Organisation{}
	for _, o := range orgs {
		byOrg[o.ID] = o
	}
	actorOf := map[string]string{} // flow -> planted actor id
	for _, ti := range truth.Intrusions {
		for _, f := range ti.Flows {
			actorOf[f] = ti.ActorID
		}
	}
	ins, member := intrusion.Assign(hits, 0)
	votes := make([]map[string]int, len(ins))
	for i, h := range hits {
		if m := member[i]; m >= 0 {
			if votes[m] == nil {
				votes[m] = map[string]int{}
			}
			votes[m][actorOf[h.Event.UID]]++
		}
	}
	var out []example
	for i, in := range ins {
		best, n := "", 0
		for a, c := range votes[i] {
			if c > n || (c == n && a < best) {
				best, n = a, c
			}
		}
		evs, _ := k.Evidence(in, byOrg[in.OrgID])
		if len(evs) == 0 {
			continue
		}
		ex := example{label: -1}
		for j, e := range evs {
			ex.xs = append(ex.xs, e.X)
			if best != "" && e.ActorID == best {
				ex.label = j
			}
		}
		out = append(out, ex)
	}
	return out, nil
}

// params flattens a model: bias first, then the weights.
func params(m attribution.Model) []float64 {
	return append([]float64{m.Bias}, m.Weights[:]...)
}

func model(p []float64) attribution.Model {
	var m attribution.Model
	m.Bias = p[0]
	copy(m.Weights[:], p[1:])
	return m
}

// fitModel maximises the penalised log-likelihood by projected gradient
// ascent with Adam steps, keeping the weights non-negative.
func fitModel(data []example, start attribution.Model, l2 float64, iters int, fixedBias bool) attribution.Model {
	p := params(start)
	mom, vel := make([]float64, len(p)), make([]float64, len(p))
	const rate, b1, b2 = 0.02, 0.9, 0.999
	for t := 1; t <= iters; t++ {
		g := make([]float64, len(p))
		m := model(p)
		for _, ex := range data {
			ps := m.Probabilities(ex.xs)
			for j, x := range ex.xs {
				coef := -ps[j]
				if j == ex.label {
					coef++
				}
				g[0] += coef
				for f := range x {
					g[f+1] += coef * x[f]
				}
			}
		}
		if fixedBias {
			g[0] = 0
		}
		for i := range g {
			g[i] /= float64(len(data))
			if i > 0 {
				g[i] -= 2 * l2 * p[i]
			}
			mom[i] = b1*mom[i] + (1-b1)*g[i]
			vel[i] = b2*vel[i] + (1-b2)*g[i]*g[i]
			mh := mom[i] / (1 - math.Pow(b1, float64(t)))
			vh := vel[i] / (1 - math.Pow(b2, float64(t)))
			p[i] += rate * mh / (math.Sqrt(vh) + 1e-8)
			if i > 0 {
				// Every kind of evidence can only speak for an actor in
				// proportion to its feature: a negative weight would be
				// unexplainable ("the actor's techniques count against it").
				p[i] = max(0, p[i])
			}
		}
	}
	return model(p)
}

// report prints log-loss, top-1 accuracy of attributed intrusions and the
// expected calibration error of the best candidate's probability.
func report(name string, m attribution.Model, data []example) {
	var loss float64
	var attributed, right, unattributedTrue int
	const bands = 10
	var n, conf, acc [bands]float64
	for _, ex := range data {
		ps := m.Probabilities(ex.xs)
		pl := 1.0
		for _, p := range ps {
			pl -= p
		}
		best := 0
		for j := range ps {
			if ps[j] > ps[best] {
				best = j
			}
		}
		if ex.label >= 0 {
			loss -= math.Log(max(ps[ex.label], 1e-12))
		} else {
			loss -= math.Log(max(pl, 1e-12))
		}
		b := min(int(ps[best]*bands), bands-1)
		n[b]++
		conf[b] += ps[best]
		if best == ex.label {
			acc[b]++
		}
		switch {
		case ps[best] >= attribution.Threshold:
			attributed++
			if best == ex.label {
				right++
			}
		case ex.label >= 0:
			unattributedTrue++
		}
	}
	var ece float64
	for b := range bands {
		if n[b] > 0 {
			ece += math.Abs(acc[b]-conf[b]) / float64(len(data))
		}
	}
	fmt.Fprintf(os.Stderr, "%s: log-loss %.4f, attributed %d (precision %.3f), unattributed true %d, ECE %.3f over %d intrusions\n",
		name, loss/float64(len(data)), attributed, float64(right)/math.Max(1, float64(attributed)), unattributedTrue, ece, len(data))
}

package pact

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
)

// maxEvidence caps the items of one kind listed in a link's evidence.
const maxEvidence = 8

// FindingID returns the stable id of the finding of one intrusion under one
// agreement: "F-" and the first 12 hex digits of a SHA-256 over both ids.
func FindingID(intrusionID, agreementID string) string {
	h := sha256.Sum256([]byte(intrusionID + "\x00" + agreementID))
	return "F-" + hex.EncodeToString(h[:6])
}

// Evaluate judges one intrusion against one agreement.
//
// The intrusion is in scope when every condition holds: the victim's
// country is a party; the attributed actor's sponsor (the top candidate's
// Sponsor) is a party other than the victim's own state; the intrusion
// started on or after the effective date (compared in UTC, by instant, with
// the date at 00:00 UTC); and, when the prohibited text has an intent
// clause ("with the intent of ..."), the intent is economic.
//
// The verdict is outside-scope when any condition fails, needs-assessment
// when none fails but one cannot be decided (no attribution to a party, an
// actor with no assessed sponsor, mixed or undetermined intent, an intrusion
// that began before the effective date and continued after it), and
// potential-violation otherwise. Reasons gives one sentence per condition.
// InScope is false exactly when the verdict is outside-scope.
//
// Chain holds the five links of the enforcement chain in order; benefit and
// use are never established from telemetry alone, and their evidence says
// what would establish them.
func Evaluate(a Agreement, in intrusion.Intrusion, attr attribution.Result, it intent.Assessment, victim org.Organisation) Finding {
	f := Finding{
		ID:          FindingID(in.ID, a.ID),
		IntrusionID: in.ID,
		AgreementID: a.ID,
		OrgID:       in.OrgID,
		Start:       in.Start,
		End:         in.End,
		Intent:      it.Class,
	}
	if f.OrgID == "" {
		f.OrgID = victim.ID
	}
	var outside, needs bool

	// The victim.
	name := victimName(victim, in)
	victimParty := a.IsParty(victim.Country)
	switch {
	case victim.Country == "":
		outside = true
		f.Reasons = append(f.Reasons, fmt.Sprintf("victim %s has no country on record, so it cannot be shown to be in a party", name))
	case victimParty:
		f.Victim = victim.Country
		f.Reasons = append(f.Reasons, fmt.Sprintf("victim %s is in %s, a party", name, victim.Country))
	default:
		outside = true
		f.Reasons = append(f.Reasons, fmt.Sprintf("victim %s is in %s, not a party to %s", name, victim.Country, a.ID))
	}

	// The attribution.
	top, attributed := attr.Top()
	switch {
	case !attributed:
		needs = true
		r := "no attribution to a party"
		if len(attr.Candidates) > 0 {
			c := attr.Candidates[0]
			r += fmt.Sprintf(": the best candidate, %s, is below the attribution threshold (%s confidence)", c.ActorName, confidenceWords(c))
		} else {
			r += ": no candidate actor"
		}
		f.Reasons = append(f.Reasons, r)
	default:
		f.ActorID, f.Actor, f.Sponsor = top.ActorID, top.ActorName, top.Sponsor
		actor := top.ActorName
		if actor == "" {
			actor = top.ActorID
		}
		words := confidenceWords(top)
		switch {
		case top.Sponsor == "":
			needs = true
			f.Reasons = append(f.Reasons, fmt.Sprintf("attributed to %s (%s confidence), which is not assessed to serve any state: no attribution to a party", actor, words))
		case !a.IsParty(top.Sponsor):
			outside = true
			f.Reasons = append(f.Reasons, fmt.Sprintf("attributed to %s, assessed to serve %s (%s confidence), not a party", actor, top.Sponsor, words))
		case top.Sponsor == victim.Country:
			outside = true
			f.Reasons = append(f.Reasons, fmt.Sprintf("attributed to %s, assessed to serve %s (%s confidence), the victim's own state: the agreement binds each party towards the others", actor, top.Sponsor, words))
		case !victimParty:
			f.Reasons = append(f.Reasons, fmt.Sprintf("attributed to %s, assessed to serve %s (%s confidence), a party", actor, top.Sponsor, words))
		default:
			f.Counterparty = top.Sponsor
			other := "the other party"
			if len(a.Parties) > 2 {
				other = "another party"
			}
			f.Reasons = append(f.Reasons, fmt.Sprintf("attributed to %s, assessed to serve %s (%s confidence), %s", actor, top.Sponsor, words, other))
		}
	}

	// The dates.
	assumed := ""
	if !a.EffectiveKnown {
		assumed = " (effective date not stated; signing date assumed)"
	}
	effDay := a.Effective.UTC().Format(DateLayout)
	end := in.End
	if end.Before(in.Start) {
		end = in.Start // no end recorded
	}
	switch {
	case in.Start.IsZero():
		needs = true
		f.Reasons = append(f.Reasons, "the intrusion has no start time, so it cannot be placed before or after the agreement took effect")
	case !in.Start.Before(a.Effective):
		d := DaysBetween(a.Effective, in.Start)
		if d == 0 {
			f.Reasons = append(f.Reasons, fmt.Sprintf("started %s, the day the agreement took effect%s", day(in.Start), assumed))
		} else {
			f.Reasons = append(f.Reasons, fmt.Sprintf("started %s, %s after the agreement took effect%s", day(in.Start), days(d), assumed))
		}
	case !end.Before(a.Effective):
		needs = true
		f.Reasons = append(f.Reasons, fmt.Sprintf("started %s, %s before the agreement took effect%s, and continued until %s: only the activity on or after %s is in scope", day(in.Start), days(DaysBetween(in.Start, a.Effective)), assumed, day(end), effDay))
	default:
		outside = true
		f.Reasons = append(f.Reasons, fmt.Sprintf("started %s and ended %s, %s before the agreement took effect on %s%s", day(in.Start), day(end), days(DaysBetween(end, a.Effective)), effDay, assumed))
	}

	// The intent.
	clause, hasClause := IntentClause(a)
	conf := ""
	if it.Confidence > 0 {
		conf = fmt.Sprintf(" (confidence %d)", it.Confidence)
	}
	switch {
	case !hasClause:
		f.Reasons = append(f.Reasons, fmt.Sprintf("intent assessed as %s%s; the agreement's text sets no intent condition", classOrUndetermined(it.Class), conf))
	case it.Class == intent.Economic:
		f.Reasons = append(f.Reasons, fmt.Sprintf("intent assessed as economic%s: theft %q is the conduct the agreement prohibits", conf, clause))
	case it.Class == intent.NationalSecurity:
		outside = true
		f.Reasons = append(f.Reasons, fmt.Sprintf("intent assessed as national-security%s: outside the scope, which in the agreement's own words covers only theft %q", conf, clause))
	default:
		needs = true
		f.Reasons = append(f.Reasons, fmt.Sprintf("intent assessed as %s%s: whether the theft was %q needs assessment", classOrUndetermined(it.Class), conf, clause))
	}

	// The conduct: the agreements prohibit theft. An attempt that was
	// detected and prevented took nothing, so whether it breaches the
	// pledge is a judgement for people, not a potential violation.
	if in.Status == intrusion.Prevented {
		needs = true
		f.Reasons = append(f.Reasons, "the intrusion was detected and prevented and nothing is known to have been taken: the agreement prohibits theft, so whether this attempt breaches it needs assessment")
	}

	switch {
	case outside:
		f.Verdict = OutsideScope
	case needs:
		f.Verdict = NeedsAssessment
	default:
		f.Verdict = PotentialViolation
	}
	f.InScope = !outside

	f.Chain = []Link{
		incursionLink(in),
		attributionLink(a, attr, victim),
		exfiltrationLink(in),
		{Name: LinkBenefit, Status: NotEstablished, Evidence: []string{
			"no evidence of a benefit conferred is attached: telemetry cannot show it",
			"would be established by outside evidence that a company or commercial sector gained from the information taken, e.g. a competitor's product launch, patent filing or winning bid that draws on it",
		}},
		{Name: LinkUse, Status: NotEstablished, Evidence: []string{
			"no evidence that the information was used is attached: telemetry cannot show it",
			"would be established by outside evidence that the information taken was put to use, e.g. a product, process or patent filing matching the victim's research, or a negotiating position reflecting its confidential business information",
		}},
	}
	return f
}

// IntentClause returns the agreement's intent condition, the prohibited
// text from "with the intent" on (without a final full stop), and whether
// the text has one.
func IntentClause(a Agreement) (string, bool) {
	i := strings.Index(strings.ToLower(a.Prohibited), "with the intent")
	if i < 0 {
		return "", false
	}
	return strings.TrimRight(strings.TrimSpace(a.Prohibited[i:]), "."), true
}

func incursionLink(in intrusion.Intrusion) Link {
	l := Link{Name: LinkIncursion}
	values := indicatorValues(in)
	var alerts, traffic, dns int
	var picked []intrusion.TimelineEntry
	for _, e := range in.Timeline {
		switch kindClass(e.Kind) {
		case "alert":
			alerts++
		case "dns":
			dns++
		default:
			traffic++
		}
	}
	alerts = max(alerts, in.Alerts)
	// List alerts and traffic first, DNS lookups after.
	for _, want := range []string{"alert", "traffic", "dns"} {
		for _, e := range in.Timeline {
			if kindClass(e.Kind) == want && len(picked) < maxEvidence {
				picked = append(picked, e)
			}
		}
	}
	switch {
	case alerts+traffic > 0:
		l.Status = Established
	case dns > 0:
		l.Status = Supported
	case len(in.Sightings) > 0:
		l.Status = Supported
	default:
		l.Status = NotEstablished
	}
	events := max(in.EventCount, len(in.Timeline))
	if events > 0 {
		item := fmt.Sprintf("%s from %s to %s: %s, %s with matched infrastructure, %s",
			plural(events, "matched event"), stamp(in.Start), stamp(in.End), plural(alerts, "alert"), plural(traffic, "connection"), plural(dns, "DNS lookup"))
		if in.TimelineOmitted > 0 {
			item += fmt.Sprintf(" (kinds counted over the %s the timeline keeps)", plural(len(in.Timeline), "event"))
		}
		l.Evidence = append(l.Evidence, item)
	}
	if l.Status == Supported && dns > 0 {
		l.Evidence = append(l.Evidence, "only DNS lookups of matched names: a lookup shows intent to connect, not a connection")
	}
	for i, s := range in.Sightings {
		if i == maxEvidence {
			l.Evidence = append(l.Evidence, fmt.Sprintf("and %d more indicators", len(in.Sightings)-i))
			break
		}
		item := fmt.Sprintf("indicator %s %s matched %s, %s to %s", s.Type, s.Value, plural(s.Count, "time"), stamp(s.FirstSeen), stamp(s.LastSeen))
		if len(s.Events) > 0 {
			item += " (first at " + ref(s.Events[0]) + ")"
		}
		l.Evidence = append(l.Evidence, item)
	}
	for _, e := range picked {
		item := fmt.Sprintf("%s %s", stamp(e.Time), e.Kind)
		if e.Summary != "" {
			item += ": " + e.Summary
		}
		if len(e.Indicator) > 0 {
			item += " [" + strings.Join(valuesOf(e.Indicator, values), ", ") + "]"
		}
		l.Evidence = append(l.Evidence, item+" ("+ref(e.EventRef)+")")
	}
	if more := events - len(picked); more > 0 {
		l.Evidence = append(l.Evidence, fmt.Sprintf("and %d more matched events", more))
	}
	if len(in.Techniques) > 0 {
		l.Evidence = append(l.Evidence, "ATT&CK techniques named by the events: "+strings.Join(in.Techniques, ", "))
	}
	if l.Status == NotEstablished {
		l.Evidence = append(l.Evidence, "no matched events")
	}
	return l
}

// indicatorValues maps the intrusion's indicator ids to their values.
func indicatorValues(in intrusion.Intrusion) map[string]string {
	m := make(map[string]string, len(in.Sightings))
	for _, s := range in.Sightings {
		if s.Value != "" {
			m[s.IndicatorID] = s.Value
		}
	}
	return m
}

// valuesOf returns the values of indicator ids, or the ids where unknown.
func valuesOf(ids []string, values map[string]string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if v, ok := values[id]; ok {
			out[i] = v
		}
	}
	return out
}

func attributionLink(a Agreement, attr attribution.Result, victim org.Organisation) Link {
	l := Link{Name: LinkAttribution, Status: NotEstablished}
	top, ok := attr.Top()
	if !ok {
		l.Evidence = append(l.Evidence, "unattributed")
		if attr.Summary != "" {
			l.Evidence = append(l.Evidence, attr.Summary)
		}
		if len(attr.Candidates) > 0 {
			l.Evidence = append(l.Evidence, "best candidate below the threshold: "+candidateText(attr.Candidates[0]))
		}
		return l
	}
	l.Evidence = append(l.Evidence, candidateText(top))
	switch {
	case top.Sponsor == "":
		l.Evidence = append(l.Evidence, "the actor is not assessed to serve any state")
	case !a.IsParty(top.Sponsor):
		l.Evidence = append(l.Evidence, fmt.Sprintf("assessed to serve %s, not a party to %s", top.Sponsor, a.ID))
	case top.Sponsor == victim.Country:
		l.Evidence = append(l.Evidence, fmt.Sprintf("assessed to serve %s, the victim's own state", top.Sponsor))
	default:
		l.Evidence = append(l.Evidence, fmt.Sprintf("assessed to serve %s, a party", top.Sponsor))
		switch confidenceWords(top) {
		case "high":
			l.Status = Established
		case "moderate":
			l.Status = Supported
		}
	}
	for i, fc := range top.Factors {
		if i == maxEvidence {
			l.Evidence = append(l.Evidence, fmt.Sprintf("and %d more factors", len(top.Factors)-i))
			break
		}
		item := fmt.Sprintf("%s (%+.2f): %s", fc.Kind, fc.Weight, fc.Detail)
		if len(fc.Refs) > 0 {
			item += " [" + strings.Join(fc.Refs, ", ") + "]"
		}
		l.Evidence = append(l.Evidence, item)
	}
	if len(attr.Candidates) > 1 {
		l.Evidence = append(l.Evidence, "next candidate: "+candidateText(attr.Candidates[1]))
	}
	return l
}

func exfiltrationLink(in intrusion.Intrusion) Link {
	l := Link{Name: LinkExfiltration}
	switch {
	case in.Status == intrusion.Exfiltrated:
		l.Status = Established
		l.Evidence = append(l.Evidence, "status exfiltrated: substantial data sent to matched infrastructure")
	case in.Status == intrusion.Prevented:
		l.Status = NotEstablished
		item := "status prevented: every alert blocked, nothing of note sent out"
		if in.Alerts > 0 {
			item = fmt.Sprintf("status prevented: %d of %s blocked, nothing of note sent out", in.AlertsBlocked, plural(in.Alerts, "alert"))
		}
		l.Evidence = append(l.Evidence, item)
	case in.BytesOut > 0:
		l.Status = Supported
		l.Evidence = append(l.Evidence, fmt.Sprintf("status %s: some data sent to matched infrastructure", statusOrUnknown(in.Status)))
	default:
		l.Status = NotEstablished
		l.Evidence = append(l.Evidence, fmt.Sprintf("status %s: nothing sent to matched infrastructure", statusOrUnknown(in.Status)))
	}
	l.Evidence = append(l.Evidence, fmt.Sprintf("%s bytes sent by the victim to matched infrastructure", thousands(in.BytesOut)))
	if len(in.Files) > 0 {
		l.Evidence = append(l.Evidence, "file names in the matched events: "+strings.Join(in.Files, ", "))
	}
	values := indicatorValues(in)
	n := 0
	for _, e := range in.Timeline {
		if kindClass(e.Kind) != "traffic" {
			continue
		}
		if n == maxEvidence {
			l.Evidence = append(l.Evidence, "and more connections in the timeline")
			break
		}
		n++
		item := fmt.Sprintf("%s %s", stamp(e.Time), e.Kind)
		if len(e.Indicator) > 0 {
			item += " to " + strings.Join(valuesOf(e.Indicator, values), ", ")
		}
		l.Evidence = append(l.Evidence, item+" ("+ref(e.EventRef)+")")
	}
	return l
}

// kindClass sorts a timeline entry's event kind into alert, dns or traffic.
func kindClass(kind string) string {
	switch strings.ToLower(kind) {
	case "alert", "notice", "drop", "anomaly":
		return "alert"
	case "dns":
		return "dns"
	}
	return "traffic"
}

func candidateText(c attribution.Candidate) string {
	name := c.ActorName
	if name == "" {
		name = c.ActorID
	} else if c.ActorID != "" {
		name += " (" + c.ActorID + ")"
	}
	s := fmt.Sprintf("%s: confidence %d (%s)", name, c.Confidence, confidenceWords(c))
	if c.Likelihood != "" {
		s += ", " + c.Likelihood
	}
	return s
}

// confidenceWords returns the candidate's estimative words, derived from its
// STIX confidence (30-69 moderate, 70-100 high) when the words are missing.
func confidenceWords(c attribution.Candidate) string {
	if w := strings.ToLower(strings.TrimSpace(c.Words)); w != "" {
		return w
	}
	switch {
	case c.Confidence >= 70:
		return "high"
	case c.Confidence >= 30:
		return "moderate"
	}
	return "low"
}

func victimName(v org.Organisation, in intrusion.Intrusion) string {
	switch {
	case v.Name != "":
		return v.Name
	case v.ID != "":
		return v.ID
	case in.OrgID != "":
		return in.OrgID
	}
	return "(unnamed)"
}

func classOrUndetermined(c intent.Class) string {
	if c == "" {
		return string(intent.Undetermined)
	}
	return string(c)
}

func statusOrUnknown(s intrusion.Status) string {
	if s == "" {
		return "not recorded"
	}
	return string(s)
}

// DaysBetween returns the calendar days (in UTC) from a to b: 1 when b is
// the day after a, negative when b is earlier.
func DaysBetween(a, b time.Time) int {
	da := time.Date(a.UTC().Year(), a.UTC().Month(), a.UTC().Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.UTC().Year(), b.UTC().Month(), b.UTC().Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Round(time.Hour).Hours() / 24)
}

func day(t time.Time) string   { return t.UTC().Format(DateLayout) }
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func days(n int) string { return plural(n, "day") }

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func ref(e intrusion.EventRef) string {
	if e.File == "" {
		return fmt.Sprintf("line %d", e.Line)
	}
	return fmt.Sprintf("%s:%d", e.File, e.Line)
}

// thousands formats n with comma separators: 1,234,567.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

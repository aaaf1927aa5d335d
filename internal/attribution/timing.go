package attribution

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/pactwatch/pactwatch/internal/intrusion"
)

// OfficeHours returns the share of an intrusion's matched events that fell
// between 08:00 and 19:00 on a working day in loc (Monday to Friday; see
// Workweek for the states whose weekend differs), and how many events that
// share rests on. It reads Intrusion.Activity (half-hour slots, shifted by
// loc's offset at the intrusion's start) and falls back to the timeline's
// times when Activity is empty.
func OfficeHours(in intrusion.Intrusion, loc *time.Location) (share float64, n int) {
	return officeHours(in, loc, monFri)
}

// Workweek lists the working days of states whose week is not Monday to
// Friday (as of 2015).
var Workweek = map[string][]time.Weekday{
	"IR": {time.Saturday, time.Sunday, time.Monday, time.Tuesday, time.Wednesday},
	"IL": {time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday},
	"SA": {time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday},
	"AE": {time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday},
}

var monFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func workdays(country string) []time.Weekday {
	if w, ok := Workweek[country]; ok {
		return w
	}
	return monFri
}

// officeSlots marks the half hours of the UTC week (Monday 00:00 UTC is
// slot 0) that are office hours in loc on the given days, with loc's
// offset at t.
func officeSlots(loc *time.Location, days []time.Weekday, t time.Time) []bool {
	_, off := t.In(loc).Zone()
	shift := int(math.Round(float64(off) / 1800))
	out := make([]bool, intrusion.ActivitySlots)
	for s := range out {
		local := ((s+shift)%intrusion.ActivitySlots + intrusion.ActivitySlots) % intrusion.ActivitySlots
		day, half := local/48, local%48
		wd := time.Weekday((day + 1) % 7) // slot day 0 is Monday
		out[s] = slices.Contains(days, wd) && half >= 16 && half < 38
	}
	return out
}

func officeHours(in intrusion.Intrusion, loc *time.Location, days []time.Weekday) (share float64, n int) {
	work := 0
	if len(in.Activity) == intrusion.ActivitySlots {
		office := officeSlots(loc, days, in.Start)
		for s, c := range in.Activity {
			n += c
			if office[s] {
				work += c
			}
		}
	} else {
		for _, e := range in.Timeline {
			t := e.Time.In(loc)
			n++
			if slices.Contains(days, t.Weekday()) && t.Hour() >= 8 && t.Hour() < 19 {
				work++
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(work) / float64(n), n
}

// Timing model. Under the actor's hypothesis an active half hour of the
// week is an operator's (office hours in the sponsor's capital), a user's
// (the victim opening a lure or browsing a watering hole, in the victim's
// office hours) or at any time; under the alternative, benign use, it is
// the victim's people in their office hours or at any time. Each active
// half hour counts once: events cluster in sessions and are not
// independent draws.
const (
	operatorShare  = 0.55
	userShare      = 0.30
	benignOffice   = 0.85
	timingClip     = 6.0
	minTimingSlots = 1
)

// timingItem weighs the intrusion's active half hours for an actor.
func timingItem(in intrusion.Intrusion, r *actorRec, sponsor, victimCountry string) (item, bool) {
	loc, ok := Zone(sponsor)
	if !ok || len(in.Activity) != intrusion.ActivitySlots {
		return item{}, false
	}
	days := workdays(sponsor)
	operator := officeSlots(loc, days, in.Start)
	var victim []bool
	vloc, vok := Zone(victimCountry)
	if vok {
		victim = officeSlots(vloc, workdays(victimCountry), in.Start)
	}
	uniform := 1.0 / intrusion.ActivitySlots
	density := func(office []bool, s int) float64 {
		if office == nil {
			return uniform
		}
		k := 0
		for _, o := range office {
			if o {
				k++
			}
		}
		if office[s] {
			return 1 / float64(k)
		}
		return 0
	}
	var llr float64
	slots := 0
	for s, c := range in.Activity {
		if c == 0 {
			continue
		}
		slots++
		actor := operatorShare*density(operator, s) + userShare*density(victim, s) + (1-operatorShare-userShare)*uniform
		benign := benignOffice*density(victim, s) + (1-benignOffice)*uniform
		llr += math.Log(actor / benign)
	}
	if slots < minTimingSlots {
		return item{}, false
	}
	share, n := officeHours(in, loc, days)
	d := fmt.Sprintf("%.0f%% of %d events (%d distinct half hours of the week) fell in %s office hours (08:00–19:00 %s, %s), where %s's assessed sponsor %s sits",
		share*100, n, slots, capitals[sponsor], dayRange(days), loc.String(), r.name, sponsor)
	if vok {
		vshare, _ := officeHours(in, vloc, workdays(victimCountry))
		d += fmt.Sprintf("; %.0f%% in the victim's own office hours (%s), when its staff, not operators abroad, would be at work", vshare*100, vloc.String())
	}
	return item{feat: FeatTiming, kind: KindTiming, raw: llr, detail: d}, true
}

func dayRange(days []time.Weekday) string {
	return days[0].String()[:3] + "–" + days[len(days)-1].String()[:3]
}

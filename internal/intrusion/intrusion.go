package intrusion

import (
	"time"

	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// Hit is one matched event of one organisation: the input of grouping.
type Hit struct {
	Event   telemetry.Event `json:"event"`
	OrgID   string          `json:"org_id"`
	Matches []Match         `json:"matches"`
}

// Match is one indicator found in one field of an event.
type Match struct {
	Field       string `json:"field"` // event field that matched: src_ip, domain, dns.answers ...
	Value       string `json:"value"` // the event's value
	IndicatorID string `json:"indicator_id"`
	Type        string `json:"type"`      // intel.Type of the indicator
	Indicator   string `json:"indicator"` // the indicator's value
}

// EventRef points at an event's raw line.
type EventRef struct {
	File   string    `json:"file"`
	Line   int64     `json:"line"`
	Offset int64     `json:"offset"`
	Time   time.Time `json:"time"`
}

// Sighting is one indicator matched in events of one organisation.
type Sighting struct {
	OrgID       string     `json:"org_id"`
	IndicatorID string     `json:"indicator_id"`
	Type        string     `json:"type"`
	Value       string     `json:"value"`
	FirstSeen   time.Time  `json:"first_seen"`
	LastSeen    time.Time  `json:"last_seen"`
	Count       int        `json:"count"`
	Events      []EventRef `json:"events"`
	// Prevalence is the most organisations that reached the indicator
	// within a few days of this sighting (see Widespread): high for shared
	// hosting and reassigned addresses, low for an actor's own servers.
	Prevalence int `json:"prevalence,omitempty"`
}

// Status says how far an intrusion got.
type Status string

// Intrusion statuses.
const (
	Detected    Status = "detected"    // seen, traffic allowed
	Prevented   Status = "prevented"   // every alert blocked, nothing of note sent out
	Exfiltrated Status = "exfiltrated" // substantial data sent to matched infrastructure
)

// Intrusion is a run of sightings in one organisation.
type Intrusion struct {
	ID        string     `json:"id"` // stable: derived from organisation and first event
	OrgID     string     `json:"org_id"`
	Start     time.Time  `json:"start"`
	End       time.Time  `json:"end"`
	Sightings []Sighting `json:"sightings"`
	// Timeline is every matched event in time order (capped by the grouper).
	Timeline []TimelineEntry `json:"timeline"`
	// BytesOut estimates exfiltration: bytes the victim sent to matched infrastructure.
	BytesOut int64  `json:"bytes_out"`
	Status   Status `json:"status"`

	// EventCount is the number of matched events, however many the
	// timeline keeps; TimelineOmitted says how many it left out.
	EventCount      int `json:"event_count"`
	TimelineOmitted int `json:"timeline_omitted,omitempty"`
	// Alerts counts IDS alert events; AlertsBlocked those whose action was
	// to block or drop.
	Alerts        int `json:"alerts,omitempty"`
	AlertsBlocked int `json:"alerts_blocked,omitempty"`
	// Techniques are the ATT&CK technique ids the matched events name, sorted.
	Techniques []string `json:"techniques,omitempty"`
	// Files are file names the matched events carry, sorted, capped.
	Files []string `json:"files,omitempty"`
	// Servers groups the infrastructure indicators (addresses, domains,
	// URLs: not file hashes) that matched together in one event, such as a
	// domain and the address it resolved to: one server, which attribution
	// counts once. Only groups of two or more are listed, each sorted.
	Servers [][]string `json:"servers,omitempty"`
	// Activity counts matched events per half hour of the week in UTC:
	// ActivitySlots slots, slot 0 being Monday 00:00–00:30 UTC. Attribution
	// reads working hours from it.
	Activity []int `json:"activity,omitempty"`
}

// TimelineEntry is one step of an intrusion's timeline.
type TimelineEntry struct {
	EventRef
	Kind      string   `json:"kind"`
	Summary   string   `json:"summary"`
	Indicator []string `json:"indicators"`
}

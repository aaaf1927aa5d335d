package intel

import (
	"crypto/sha1"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// pactwatchNamespace is the fixed UUID namespace under which pactwatch
// derives name-based (version 5) ids: UUIDv5(DNS namespace, "pactwatch.dev")
// = d4728dcb-3bd4-5c04-afb4-0421e7ae8d1c.
var pactwatchNamespace = [16]byte{
	0xd4, 0x72, 0x8d, 0xcb, 0x3b, 0xd4, 0x5c, 0x04, 0xaf, 0xb4, 0x04, 0x21, 0xe7, 0xae, 0x8d, 0x1c,
}

// UUIDv5 returns the RFC 4122 name-based (SHA-1, version 5) UUID of name in
// namespace ns, in its canonical text form.
func UUIDv5(ns [16]byte, name string) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50 // version 5
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// IndicatorID returns the deterministic STIX id pactwatch gives an
// indicator that has none of its own (an IOC list line):
// "indicator--" + UUIDv5(pactwatch namespace, type+":"+value), value
// normalised. The same value always gets the same id.
func IndicatorID(t Type, value string) string {
	return "indicator--" + UUIDv5(pactwatchNamespace, string(t)+":"+value)
}

// SortCollection puts every list of c in a deterministic order: by ID
// (then type and value for indicators sharing an ID; file, line and input
// for unsupported entries).
func SortCollection(c *Collection) {
	SortActors(c.Actors)
	sort.SliceStable(c.Software, func(i, j int) bool { return c.Software[i].ID < c.Software[j].ID })
	sort.SliceStable(c.Techniques, func(i, j int) bool { return c.Techniques[i].ID < c.Techniques[j].ID })
	// A million indicators are often in order already (stix.Decode makes
	// them so), and moving them about is dear: check first.
	if !slices.IsSortedFunc(c.Indicators, CompareIndicators) {
		slices.SortStableFunc(c.Indicators, CompareIndicators)
	}
	sort.SliceStable(c.Relationships, func(i, j int) bool { return c.Relationships[i].ID < c.Relationships[j].ID })
	sort.SliceStable(c.Unsupported, func(i, j int) bool {
		a, b := c.Unsupported[i], c.Unsupported[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Input < b.Input
	})
}

// CompareIndicators orders indicators by ID, type and value, as
// SortCollection sorts them.
func CompareIndicators(a, b Indicator) int {
	if c := strings.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}

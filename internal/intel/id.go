package intel

import (
	"crypto/sha1"
	"encoding/hex"
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

// uuidID is the prefix of the IDs PackIndicatorID packs.
const uuidID = "indicator--"

// PackIndicatorID returns the 16 bytes of the UUID of id if id is
// "indicator--" followed by a UUID in canonical form, in lower case, as
// STIX tools write them, other than the nil UUID (so that 16 zero bytes
// can mean "not packed"): UnpackIndicatorID gives id back. A million ids
// take 16 MB so instead of 64.
func PackIndicatorID(id string) (u [16]byte, ok bool) {
	const n = len(uuidID) + 36
	if len(id) != n || id[:len(uuidID)] != uuidID {
		return u, false
	}
	s := id[len(uuidID):]
	if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	var buf [32]byte
	copy(buf[0:], s[0:8])
	copy(buf[8:], s[9:13])
	copy(buf[12:], s[14:18])
	copy(buf[16:], s[19:23])
	copy(buf[20:], s[24:36])
	for _, c := range buf {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return u, false
		}
	}
	if _, err := hex.Decode(u[:], buf[:]); err != nil || u == [16]byte{} {
		return [16]byte{}, false
	}
	return u, true
}

// UnpackIndicatorID is the inverse of PackIndicatorID.
func UnpackIndicatorID(u [16]byte) string {
	var b [len(uuidID) + 36]byte
	copy(b[:], uuidID)
	s := b[len(uuidID):]
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], u[10:16])
	return string(b[:])
}

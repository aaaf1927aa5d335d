package sweep

import (
	"encoding/binary"
	"math"
	"net/netip"
	"strings"
	"time"
	"unsafe"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// extra holds the fields that usually differ per indicator (a STIX
// indicator's pattern, name and validity), without pointers, so that a
// million of them cost the garbage collector nothing and 40 bytes each:
// strings are xrefs into the segment's xblob, or templates around the
// value (a pattern is most often "[ipv4-addr:value = '" + value + "']"),
// times are Unix seconds and nanoseconds.
type extra struct {
	pattern, name xref
	from, to      int64 // Unix seconds, noTime for the zero time
	fromNs, toNs  int32
}

// xref is a string of a segment: 0 is "", xTemplate|i is the value
// between the part's affix i, otherwise off<<xLenBits | length in xblob.
type xref uint64

const (
	xTemplate = xref(1) << 63
	xLenBits  = 24
	maxXLen   = 1<<xLenBits - 1
	maxAffix  = 1 << 12 // affixes kept per part; later strings are stored whole

	noTime = math.MinInt64 // extra.from or .to of the zero time
)

// affix is what a templated string has before and after the value.
type affix struct{ pre, suf string }

// affixes is a part's table of affixes, shared by its segments.
type affixes struct {
	list []affix
	idx  map[affix]uint32
}

// stamp returns t as Unix seconds and nanoseconds, noTime for the zero
// time.
func stamp(t time.Time) (int64, int32) {
	if t.IsZero() {
		return noTime, 0
	}
	return t.Unix(), int32(t.Nanosecond())
}

// unstamp is the inverse of stamp, in UTC.
func unstamp(s int64, ns int32) time.Time {
	if s == noTime {
		return time.Time{}
	}
	return time.Unix(s, int64(ns)).UTC()
}

// putString stores s in the segment being filled and returns its xref:
// the last one stored if s is the same (the terms of one STIX pattern
// share it, the indicators of a list section their name), a template if
// s is value with a known or new affix, else a copy of s in xblob.
// s must be at most maxXLen bytes.
func (p *part) putString(s, value string, last xref) xref {
	g := &p.cur
	switch {
	case s == "":
		return 0
	case last != 0 && last&xTemplate == 0 && g.str(last, value) == s:
		return last
	}
	if value != "" {
		if i := strings.LastIndex(s, value); i >= 0 {
			a := affix{s[:i], s[i+len(value):]}
			k, ok := p.aff.idx[a]
			if !ok && len(p.aff.list) < maxAffix {
				a = affix{strings.Clone(a.pre), strings.Clone(a.suf)}
				k, ok = uint32(len(p.aff.list)), true
				p.aff.list = append(p.aff.list, a)
				p.aff.idx[a] = k
			}
			if ok {
				return xTemplate | xref(k)
			}
		}
	}
	x := xref(len(g.xblob))<<xLenBits | xref(len(s))
	g.xblob = append(g.xblob, s...)
	return x
}

// pushExtra appends x to the segment's extras, unless it is the last one
// again (the indicators of a feed written at once often share validity,
// pattern template and name), and returns its index. The first one makes
// room for as many as the segment has room for records: growing by
// copying would fault in fresh pages for every copy.
func (g *seg) pushExtra(x extra) int32 {
	if n := len(g.extras); n > 0 && g.extras[n-1] == x {
		return int32(n - 1)
	}
	if g.extras == nil {
		g.extras = make([]extra, 0, cap(g.pos))
	}
	g.extras = append(g.extras, x)
	return int32(len(g.extras) - 1)
}

// valueOf returns the value of the record pos of the segment being
// filled, valid until the next call.
func (p *part) valueOf(pos uint64) string {
	g := &p.cur
	if typ(pos) == intel.IPv4 {
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], uint32(pos))
		b := netip.AddrFrom4(a).AppendTo(p.buf[:0])
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	b := g.bytesAt(pos)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// pushID appends the ID of the next record: none for a derived one, else
// id, packed into uids if intel.PackIndicatorID can, otherwise copied into xblob.
func (g *seg) pushID(id string, stored bool) {
	k := len(g.pos)
	var u [16]byte
	packed := false
	if stored {
		u, packed = intel.PackIndicatorID(id)
	}
	if packed && g.uids == nil {
		g.uids = make([]byte, 16*k, 16*cap(g.pos))
	}
	if g.uids != nil {
		g.uids = append(g.uids, u[:]...)
	}
	x := xref(0)
	if stored && !packed && id != "" {
		x = xref(len(g.xblob))<<xLenBits | xref(len(id))
		g.xblob = append(g.xblob, id...)
		if g.ids == nil {
			g.ids = make([]xref, k, cap(g.pos))
		}
	}
	if g.ids != nil {
		g.ids = append(g.ids, x)
	}
}

// id returns the stored ID of the segment's k-th record ("" if it has
// none).
func (g *seg) id(k int) string {
	if g.ids != nil && g.ids[k] != 0 {
		return g.str(g.ids[k], "")
	}
	if g.uids != nil {
		if u := g.uids[16*k : 16*k+16]; [16]byte(u) != [16]byte{} {
			return intel.UnpackIndicatorID([16]byte(u))
		}
	}
	return ""
}

// str returns the string of x; value is the indicator's, for templates.
// A string in xblob is not copied: it lives as long as the segment.
func (g *seg) str(x xref, value string) string {
	switch {
	case x == 0:
		return ""
	case x&xTemplate != 0:
		a := g.aff.list[x&^xTemplate]
		return a.pre + value + a.suf
	}
	off, n := int(x>>xLenBits), int(x&maxXLen)
	return unsafe.String(&g.xblob[off], n)
}

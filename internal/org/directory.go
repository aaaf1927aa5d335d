package org

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"

	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// Directory maps events to the organisation they concern. Build it once
// with NewDirectory; it is immutable and safe for concurrent use, and its
// lookups do not allocate.
type Directory struct {
	orgs     []Organisation
	byID     map[string]int
	bySensor map[string]int
	nets     bart.Table[netEntry]
}

// netEntry is the value stored per prefix: the organisation's index and
// the prefix length, so two candidate sides can be compared.
type netEntry struct {
	org  int32
	bits int16
}

// NewDirectory indexes organisations by id, sensor and network. It
// rejects a missing or duplicate id, a sensor or an identical network
// claimed by two organisations; nested networks of different
// organisations are allowed (the most specific wins).
func NewDirectory(orgs []Organisation) (*Directory, error) {
	d := &Directory{
		orgs:     slices.Clone(orgs),
		byID:     make(map[string]int, len(orgs)),
		bySensor: map[string]int{},
	}
	owner := map[netip.Prefix]int{}
	for i, o := range d.orgs {
		if o.ID == "" {
			return nil, fmt.Errorf("organisation %d: id: %w", i, ErrMissing)
		}
		if _, dup := d.byID[o.ID]; dup {
			return nil, fmt.Errorf("organisation %q: %w", o.ID, ErrDuplicateID)
		}
		d.byID[o.ID] = i
		for _, s := range o.Sensors {
			if j, dup := d.bySensor[s]; dup && j != i {
				return nil, fmt.Errorf("organisation %q: sensor %q also belongs to %q: %w", o.ID, s, d.orgs[j].ID, ErrDuplicateSensor)
			}
			d.bySensor[s] = i
		}
		for _, p := range o.Networks {
			if !p.IsValid() {
				return nil, fmt.Errorf("organisation %q: network %v: %w", o.ID, p, ErrBadCIDR)
			}
			p = p.Masked()
			if j, dup := owner[p]; dup && j != i {
				return nil, fmt.Errorf("organisation %q: network %s also belongs to %q: %w", o.ID, p, d.orgs[j].ID, ErrDuplicateNet)
			}
			owner[p] = i
			d.nets.Insert(p, netEntry{org: int32(i), bits: int16(p.Bits())})
		}
	}
	return d, nil
}

// Lookup returns the organisation an event concerns: the one owning the
// event's sensor if any, otherwise the one with the most specific network
// containing the source or destination address (the source wins a tie).
func (d *Directory) Lookup(ev *telemetry.Event) (orgID string, ok bool) {
	if i, ok := d.bySensor[ev.Sensor]; ok && ev.Sensor != "" {
		return d.orgs[i].ID, true
	}
	src, srcOK := d.lookupAddr(ev.SrcIP)
	dst, dstOK := d.lookupAddr(ev.DstIP)
	switch {
	case srcOK && (!dstOK || src.bits >= dst.bits):
		return d.orgs[src.org].ID, true
	case dstOK:
		return d.orgs[dst.org].ID, true
	}
	return "", false
}

// VictimAddr returns the address on the organisation's side of the event:
// the side inside the networks of the organisation Lookup finds, or, for
// an organisation known only by its sensor, the private (RFC 1918, ULA,
// loopback, link-local) side when exactly one side is private. It returns
// the zero Addr when it cannot tell.
func (d *Directory) VictimAddr(ev *telemetry.Event) netip.Addr {
	id, ok := d.Lookup(ev)
	if !ok {
		return netip.Addr{}
	}
	i := int32(d.byID[id])
	src, srcOK := d.lookupAddr(ev.SrcIP)
	dst, dstOK := d.lookupAddr(ev.DstIP)
	srcIn, dstIn := srcOK && src.org == i, dstOK && dst.org == i
	switch {
	case srcIn && (!dstIn || src.bits >= dst.bits):
		return ev.SrcIP.Unmap()
	case dstIn:
		return ev.DstIP.Unmap()
	}
	sp, dp := internal(ev.SrcIP), internal(ev.DstIP)
	switch {
	case sp && !dp:
		return ev.SrcIP.Unmap()
	case dp && !sp:
		return ev.DstIP.Unmap()
	}
	return netip.Addr{}
}

// Org returns the organisation with the given id.
func (d *Directory) Org(id string) (Organisation, bool) {
	i, ok := d.byID[id]
	if !ok {
		return Organisation{}, false
	}
	return d.orgs[i], true
}

// Orgs returns the organisations in the order given to NewDirectory.
func (d *Directory) Orgs() []Organisation { return slices.Clone(d.orgs) }

func (d *Directory) lookupAddr(a netip.Addr) (netEntry, bool) {
	if !a.IsValid() {
		return netEntry{}, false
	}
	return d.nets.Lookup(a.Unmap())
}

func internal(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && (a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast())
}

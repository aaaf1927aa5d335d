package sweep

import "sync/atomic"

// Holder holds the current Set of a long-running process. Workers Load it
// for each batch while a reloader Stores a newly compiled one; both are
// safe to call concurrently. The zero Holder holds nil, which matches
// nothing.
type Holder struct {
	p atomic.Pointer[Set]
}

// Load returns the current Set, or nil if none was stored.
func (h *Holder) Load() *Set { return h.p.Load() }

// Store makes s the current Set. Workers that loaded the previous one keep
// using it until they Load again.
func (h *Holder) Store(s *Set) { h.p.Store(s) }

package sweep

import "math/bits"

// mayMatchMasks is MayMatch for a line of at most maskLine bytes. It finds
// the same runs mayMatchBytes does, from bit masks of the line (classify),
// and visits only those the lookup rule keeps: runs with a ':' or a '.'
// and runs of 32 bytes or more. Those are found from the masks too: a
// '.' or ':' bit, or a run covering an aligned group of 16 token bytes
// (every run of 31 bytes or more covers one). Most of a log line (keys,
// numbers, words) is never looked at byte by byte. With q, lookups of
// addresses and names are deferred to it (see part).
func (s *Set) mayMatchMasks(line []byte, q *probes) bool {
	n := len(line)
	if n == 0 {
		return false
	}
	words := (n + 63) / 64
	var tok, dot, colon [maskWords]uint64
	if classify(line, tok[:words], dot[:words], colon[:words]) {
		return true
	}
	// A ':' that starts a run and is not followed by another ':' (JSON's
	// key-value separator) is a separator, as in mayMatchBytes.
	var carry uint64
	for k := range words {
		prevTok := tok[k]<<1 | carry
		carry = tok[k] >> 63
		nextColon := colon[k] >> 1
		if k+1 < words {
			nextColon |= colon[k+1] << 63
		}
		sep := colon[k] &^ prevTok &^ nextColon
		tok[k] &^= sep
		colon[k] &^= sep
	}
	pos := 0 // runs before pos are done
	for k := range words {
		t := tok[k]
		// Bit i of g: bits i..i+15 of t are all set.
		g := t & (t >> 1)
		g &= g >> 2
		g &= g >> 4
		g &= g >> 8
		cand := dot[k] | colon[k] | g&0x0001_0001_0001_0001
		for {
			if base := 64 * k; pos > base {
				if pos >= base+64 {
					break
				}
				cand &^= 1<<(pos-base) - 1
			}
			if cand == 0 {
				break
			}
			p := 64*k + bits.TrailingZeros64(cand)
			i, j := runAround(tok[:words], p, n)
			pos = j
			var cl uint8
			for _, c := range line[i:j] {
				cl |= class[c]
			}
			if cl&cColon != 0 || cl&cDot != 0 && j-i >= 4 || j-i >= 32 {
				if s.token(line[i:j], cl, q) {
					return true
				}
			}
		}
	}
	return false
}

// runAround returns the run of set bits in tok around bit p, which is
// set, as [i, j); j is at most n.
func runAround(tok []uint64, p, n int) (i, j int) {
	k, b := p/64, uint(p%64)
	// Back to the last clear bit below p.
	if m := ^tok[k] & (1<<b - 1); m != 0 {
		i = 64*k + bits.Len64(m)
	} else {
		for k2 := k - 1; ; k2-- {
			if k2 < 0 {
				i = 0
				break
			}
			if m := ^tok[k2]; m != 0 {
				i = 64*k2 + bits.Len64(m)
				break
			}
		}
	}
	// On to the first clear bit above it.
	if m := ^tok[k] &^ (1<<b - 1); m != 0 {
		j = 64*k + bits.TrailingZeros64(m)
	} else {
		j = n
		for k2 := k + 1; k2 < len(tok); k2++ {
			if m := ^tok[k2]; m != 0 {
				j = 64*k2 + bits.TrailingZeros64(m)
				break
			}
		}
	}
	return i, min(j, n)
}

package sweep

import (
	"testing"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// refMayMatch is MayMatch's loop one byte at a time, as it was before it
// read runs eight bytes at a time.
func refMayMatch(s *Set, line []byte) bool {
	if s.strs[kURL].len() > 0 || s.strs[kEmail].len() > 0 {
		return true
	}
	for i := 0; i < len(line); {
		c := line[i]
		cl := class[c] &^ cStop
		if cl&cTok == 0 {
			if c >= 0x80 || c == '\\' {
				return true
			}
			i++
			continue
		}
		if c == ':' && i+1 < len(line) && line[i+1] != ':' {
			i++
			continue
		}
		j := i + 1
		for j < len(line) {
			x := class[line[j]]
			if x&cTok == 0 {
				break
			}
			cl |= x
			j++
		}
		if cl&cColon != 0 || cl&cDot != 0 && j-i >= 4 || j-i >= 32 {
			if s.token(line[i:j], cl) {
				return true
			}
		}
		i = j
	}
	return false
}

// FuzzMayMatchLoop checks MayMatch against the byte-at-a-time loop.
func FuzzMayMatchLoop(f *testing.F) {
	f.Add(`{"timestamp":"2015-09-26T00:00:00.003000+0000","src_ip":"1.2.3.4","rrname":"a.evil.com"}`)
	f.Add("1443225600.0\tCx\t10.20.1.1\t53\tudp\tda39a3ee5e6b4b0d3255bfef95601890afd80709")
	f.Add(`{"fp":"da:39:a3:ee:5e:6b:4b:0d:32:55:bf:ef:95:60:18:90:af:d8:07:09","x":"abcdefgh.evil.com\u00e9"}`)
	set, err := Compile([]intel.Indicator{
		{ID: "a", Type: intel.IPv4, Value: "1.2.3.4"},
		{ID: "b", Type: intel.CIDR, Value: "10.20.0.0/16"},
		{ID: "c", Type: intel.Domain, Value: "evil.com"},
		{ID: "d", Type: intel.SHA1, Value: "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{ID: "f", Type: intel.IPv6, Value: "2001:db8::1"},
		{ID: "g", Type: intel.JA3, Value: "e7d705a3286e19ea42f587b344ee6865"},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if got, want := set.MayMatch([]byte(line)), refMayMatch(set, []byte(line)); got != want {
			t.Errorf("MayMatch(%q) = %v, byte at a time %v", line, got, want)
		}
	})
}

package sweep

import (
	"bytes"
	"math/rand/v2"
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
			if s.token(line[i:j], cl, nil) {
				return true
			}
		}
		i = j
	}
	return false
}

// prefilterIndicators is one of each kind of value the prefilter looks
// up, for the tests that compare its ways of looking.
func prefilterIndicators() []intel.Indicator {
	return []intel.Indicator{
		{ID: "a", Type: intel.IPv4, Value: "1.2.3.4"},
		{ID: "b", Type: intel.CIDR, Value: "10.20.0.0/16"},
		{ID: "c", Type: intel.Domain, Value: "evil.com"},
		{ID: "d", Type: intel.SHA1, Value: "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{ID: "f", Type: intel.IPv6, Value: "2001:db8::1"},
		{ID: "g", Type: intel.JA3, Value: "e7d705a3286e19ea42f587b344ee6865"},
	}
}

// FuzzMayMatchLoop checks MayMatch against the byte-at-a-time loop.
func FuzzMayMatchLoop(f *testing.F) {
	f.Add(`{"timestamp":"2015-09-26T00:00:00.003000+0000","src_ip":"1.2.3.4","rrname":"a.evil.com"}`)
	f.Add("1443225600.0\tCx\t10.20.1.1\t53\tudp\tda39a3ee5e6b4b0d3255bfef95601890afd80709")
	f.Add(`{"fp":"da:39:a3:ee:5e:6b:4b:0d:32:55:bf:ef:95:60:18:90:af:d8:07:09","x":"abcdefgh.evil.com\u00e9"}`)
	set, err := Compile(prefilterIndicators())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		want := refMayMatch(set, []byte(line))
		if got := set.MayMatch([]byte(line)); got != want {
			t.Errorf("MayMatch(%q) = %v, byte at a time %v", line, got, want)
		}
		if got := set.mayMatchBytes([]byte(line)); got != want {
			t.Errorf("mayMatchBytes(%q) = %v, byte at a time %v", line, got, want)
		}
		got := []bool{false, false}
		set.LineFilter().MayMatchLines([][]byte{[]byte(line), []byte(line + " evil.com")}, got)
		if got[0] != want || !got[1] {
			t.Errorf("MayMatchLines(%q, and with evil.com) = %v, byte at a time %v, true", line, got, want)
		}
	})
}

// TestMayMatchLines compares MayMatchLines with MayMatch on batches of
// random lines (as TestMayMatchMasksRandom makes them) of every size, for
// sets with and without each index the deferred lookups use.
func TestMayMatchLines(t *testing.T) {
	all := prefilterIndicators()
	sets := map[string][]intel.Indicator{
		"all":     all,
		"no IPv4": {all[2], all[3], all[4]},
		"no name": {all[0], all[1], all[3]},
		"CIDR":    {all[1]},
		"URL":     append(all[:2:2], intel.Indicator{ID: "u", Type: intel.URL, Value: "http://evil.com/x"}),
	}
	pieces := []string{
		`"`, `":"`, `:`, `,`, `.`, "\t", `\`, "\u00e9", " ", "x", "0",
		`1.2.3.4`, `1.2.3.5`, `10.20.9.9`, `10.21.9.9`, `evil.com`, `notevil.com`, `a.evil.com.`, `EVIL.COM`, `b.a.EVIL.com`,
		`2001:db8::1`, `da39a3ee5e6b4b0d3255bfef95601890afd80709`, `2015-09-26T00:00:00.003000`, `999.1.1.1`, `1.2.3.4.5`,
	}
	r := rand.New(rand.NewPCG(3, 4))
	for name, inds := range sets {
		set, err := Compile(inds)
		if err != nil {
			t.Fatal(err)
		}
		lf := set.LineFilter()
		var yes int
		for range 300 {
			lines := make([][]byte, r.IntN(60))
			for i := range lines {
				var b bytes.Buffer
				n := r.IntN(30)
				if r.IntN(30) == 0 {
					n = 300 // past maskLine
				}
				for range n {
					b.WriteString(pieces[r.IntN(len(pieces))])
				}
				lines[i] = b.Bytes()
			}
			got := make([]bool, len(lines))
			lf.MayMatchLines(lines, got)
			for i, l := range lines {
				if want := set.MayMatch(l); got[i] != want {
					t.Fatalf("%s: MayMatchLines: line %d %q: %v, MayMatch %v", name, i, l, got[i], want)
				}
				if got[i] {
					yes++
				}
			}
		}
		if yes == 0 {
			t.Errorf("%s: no line may match", name)
		}
	}
	var none *Set
	got := []bool{true}
	none.LineFilter().MayMatchLines([][]byte{[]byte("1.2.3.4")}, got)
	if got[0] {
		t.Errorf("nil Set: MayMatchLines says true")
	}
}

// TestMayMatchMasksRandom compares the mask prefilter with the byte loop
// on lines made of pieces that straddle the 64-byte words in every way:
// separators, addresses, names, hashes, fingerprints, date-times and
// escapes, up to past maskLine.
func TestMayMatchMasksRandom(t *testing.T) {
	set, err := Compile(prefilterIndicators())
	if err != nil {
		t.Fatal(err)
	}
	pieces := []string{
		`"`, `":"`, `:`, `::`, `,`, `.`, `-`, `_`, "\t", `\`, "\u00e9", " ", `\u002e`, "/", "\x00", "\x7f",
		`1.2.3.4`, `1.2.3.5`, `10.20.9.9`, `10.21.9.9`, `evil.com`, `notevil.com`, `a.evil.com.`, `EVIL.COM`,
		`2001:db8::1`, `2001:db8::2`, `::ffff:1.2.3.4`, `da39a3ee5e6b4b0d3255bfef95601890afd80709`,
		`da39a3ee5e6b4b0d3255bfef95601890afd8070`, `e7d705a3286e19ea42f587b344ee6865`,
		`da:39:a3:ee:5e:6b:4b:0d:32:55:bf:ef:95:60:18:90:af:d8:07:09`, `2015-09-26T00:00:00.003000`,
		`2015-09-26T00:00:00`, `2003151439896876`, `abcdefabcdefabcdefabcdefabcdefabcdef`, `x`, `0`, `ab`,
	}
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	var yes, no int
	for range 20000 {
		b.Reset()
		n := r.IntN(80) + 1
		if r.IntN(20) == 0 {
			n = r.IntN(400) + 1
		}
		for range n {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		line := b.Bytes()
		want := refMayMatch(set, line)
		if got := set.MayMatch(line); got != want {
			t.Fatalf("MayMatch(%q) = %v, byte at a time %v", line, got, want)
		}
		if want {
			yes++
		} else {
			no++
		}
	}
	if yes < 1000 || no < 1000 {
		t.Errorf("%d lines may match, %d not: want many of both", yes, no)
	}
}

// FuzzClassify checks the vector classifier against the table one.
func FuzzClassify(f *testing.F) {
	f.Add([]byte(`{"timestamp":"2015-09-26T00:00:00.003000+0000","src_ip":"1.2.3.4","rrname":"a.evil.com"}`))
	f.Add([]byte("\\\x80\xff:.-_/@[`{AZaz09 \t\x00"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maskLine {
			src = src[:maskLine]
		}
		w := (len(src) + 63) / 64
		var t1, d1, c1, t2, d2, c2 [maskWords]uint64
		s1 := classify(src, t1[:w], d1[:w], c1[:w])
		s2 := classifyGeneric(src, t2[:w], d2[:w], c2[:w])
		if s1 != s2 || t1 != t2 || d1 != d2 || c1 != c2 {
			t.Errorf("classify(%q) = %v %x %x %x, classifyGeneric %v %x %x %x", src, s1, t1[:w], d1[:w], c1[:w], s2, t2[:w], d2[:w], c2[:w])
		}
	})
}

// TestClassifyAllBytes checks every byte value at every position of a
// word against the table classifier.
func TestClassifyAllBytes(t *testing.T) {
	src := make([]byte, 130)
	for c := range 256 {
		for pos := range src {
			for i := range src {
				src[i] = byte(i*7 + 3)
			}
			src[pos] = byte(c)
			var t1, d1, c1, t2, d2, c2 [3]uint64
			s1 := classify(src, t1[:], d1[:], c1[:])
			s2 := classifyGeneric(src, t2[:], d2[:], c2[:])
			if s1 != s2 || t1 != t2 || d1 != d2 || c1 != c2 {
				t.Fatalf("byte %#x at %d: classify = %v %x %x %x, classifyGeneric %v %x %x %x", c, pos, s1, t1, d1, c1, s2, t2, d2, c2)
			}
		}
	}
}

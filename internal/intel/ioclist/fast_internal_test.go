package ioclist

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// fastLine is fastScan of a whole text of one line.
func fastLine(s string) (intel.Type, string, Item, bool) {
	var it Item
	next, ok := fastScan(s, 0, &it)
	if !ok || next != len(s) {
		return "", "", Item{}, false
	}
	return it.Kind.Type(), s[it.Off : it.Off+it.Len], it, true
}

// checkFast reports a line fastScan reads otherwise than the fast path
// did line by line (refFastLine) or than ParseLine, or whose address,
// prefix length or last two labels it gets wrong.
func checkFast(t *testing.T, line string) {
	t.Helper()
	ft, fv, fa, ok := fastLine(line)
	// As lines cuts a line: up to its newline, less a '\r' before it.
	cut := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if rt, rv, rok := refFastLine(cut); ok != rok || ft != rt || fv != rv {
		t.Errorf("fastScan(%q) = %s %q %v, the line-by-line fast path %s %q %v", line, ft, fv, ok, rt, rv, rok)
	}
	// The same with more lines after it, which a word at a time reads
	// into.
	if !strings.Contains(line, "\n") {
		for _, more := range []string{"\n", "\nabcdefghijklmnop.qrstuvwxyz\n", "\n1.2.3.4\n"} {
			var mi Item
			_, mok := fastScan(line+more, 0, &mi)
			if mok != ok || ok && mi != fa {
				t.Errorf("fastScan(%q) = %+v %v, of it alone %+v %v", line+more, mi, mok, fa, ok)
			}
		}
	}
	if !ok {
		return
	}
	switch ft {
	case intel.IPv4, intel.CIDR:
		addr, bits, _ := strings.Cut(fv, "/")
		if want := netip.MustParseAddr(addr).As4(); fa.Addr != binary.BigEndian.Uint32(want[:]) {
			t.Errorf("fastScan(%q) address %#x, want %v", line, fa.Addr, addr)
		}
		if ft == intel.CIDR && strconv.Itoa(int(fa.Bits)) != bits {
			t.Errorf("fastScan(%q) prefix length %d, want %s", line, fa.Bits, bits)
		}
	case intel.Domain:
		two := fv[strings.LastIndexByte(fv[:strings.LastIndexByte(fv, '.')], '.')+1:]
		if got := fv[fa.Two:]; got != two {
			t.Errorf("fastScan(%q) last two labels %q, want %q", line, got, two)
		}
	}
	pt, pv, comment, err := ParseLine(line)
	if err != nil || ft != pt || fv != pv || comment != "" {
		t.Errorf("fastLine(%q) = %s %q, ParseLine = %s %q %q %v", line, ft, fv, pt, pv, comment, err)
	}
	// What the fast path reads is canonical (ScanValues says so).
	for _, typ := range []intel.Type{ft, intel.JA3} {
		if typ == intel.JA3 && ft != intel.MD5 {
			continue // a "ja3" header makes MD5s JA3s, nothing else
		}
		if n, err := intel.Normalise(typ, fv); err != nil || n != fv {
			t.Errorf("fastLine(%q) = %s %q, but Normalise gives %q, %v", line, typ, fv, n, err)
		}
	}
}

// The fast path reads what it reads as ParseLine does, and leaves the
// rest to it.
func TestFastLine(t *testing.T) {
	for _, tc := range []struct {
		line string
		fast bool
	}{
		{"1.2.3.4", true},
		{"10.0.0.0/8", true},
		{"0.0.0.0/0", true},
		{"192.0.2.1/32", true},
		{"198.51.100.0/24", true},
		{"198.51.100.1/24", false}, // Detect masks it
		{"10.0.0.0/08", false},
		{"10.0.0.0/33", false},
		{"10.0.0.0/", false},
		{"010.0.0.0/8", false},
		{"10.0.0/8", false},
		{"10.0.0.0/8/8", false},
		{"2001:db8::/32", false},
		{"evil.com/x", false},
		{"evil.com", true},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", true},
		// Labels of 63 bytes and of 64, first, in the middle and last,
		// and names of 253 bytes and of 254.
		{strings.Repeat("a", 63) + ".com", true},
		{strings.Repeat("a", 64) + ".com", false},
		{"x." + strings.Repeat("b", 63) + ".com", true},
		{"x." + strings.Repeat("b", 64) + ".com", false},
		{"xy." + strings.Repeat("c", 63), true},
		{"xy." + strings.Repeat("c", 64), false},
		{strings.Repeat(strings.Repeat("d", 62)+".", 4) + "e", true},
		{strings.Repeat(strings.Repeat("d", 62)+".", 4) + "ef", false},
		{"a..b.com", false},
		{"a.b.123", false},
		{"a.b.12a", true},
	} {
		if _, _, _, ok := fastLine(tc.line); ok != tc.fast {
			t.Errorf("fastLine(%q) ok = %v, want %v", tc.line, ok, tc.fast)
		}
		checkFast(t, tc.line)
	}
}

// TestFastScanRandom checks fastScan on lines made of the pieces of
// addresses, prefixes, names and hashes.
func TestFastScanRandom(t *testing.T) {
	pieces := []string{"0", "1", "9", "25", "255", "256", "01", "300", ".", ".", "/", "/8", "/32", "/0", "/33",
		"a", "f", "g", "z", "-", "_", "com", "hxxp", "A", " ", "\r", "\n", "da39a3ee5e6b4b0d", "example"}
	r := rand.New(rand.NewPCG(7, 8))
	var sb strings.Builder
	nums := []string{"0", "1", "9", "10", "99", "100", "199", "200", "249", "250", "255", "256", "299", "300", "01", "001", "1000", ""}
	lens := []string{"0", "1", "8", "9", "16", "24", "31", "32", "33", "08", "99", ""}
	ends := []string{"", "", "\n", "\r", "\r\n", "\r\r", " ", ".", "a", "0", "/", "\n1"}
	for i := range 400000 {
		sb.Reset()
		if i%2 == 0 { // something like an address or prefix
			for k := range 3 + r.IntN(3) {
				if k > 0 {
					sb.WriteByte('.')
				}
				sb.WriteString(nums[r.IntN(len(nums))])
			}
			if r.IntN(3) == 0 {
				sb.WriteString("/" + lens[r.IntN(len(lens))])
			}
			sb.WriteString(ends[r.IntN(len(ends))])
		} else {
			for range 1 + r.IntN(9) {
				sb.WriteString(pieces[r.IntN(len(pieces))])
			}
		}
		checkFast(t, sb.String())
	}
}

// FuzzFastLine checks that whatever fastScan reads, ParseLine reads the
// same way, as the line-by-line fast path did.
func FuzzFastLine(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "10.0.0.0/8", "198.51.100.1/24", "a.evil.com", "0.0.0.0/0", "255.255.255.255/32"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkFast(t, line)
	})
}

// ScanValues says canonical for the values of the fast path, whose
// Normalise is themselves, and not for values that needed normalising.
func TestScanValuesCanonical(t *testing.T) {
	data := []byte("# feed\n1.2.3.4\nEVIL.example\nevil.example\n10.0.0.0/8\n10.0.0.1/8\nDA39A3EE5E6B4B0D3255BFEF95601890AFD80709\nda39a3ee5e6b4b0d3255bfef95601890afd80709\nhxxp://a.b/c\n")
	want := map[string]bool{"1.2.3.4": true, "evil.example": true, "10.0.0.0/8": true, "da39a3ee5e6b4b0d3255bfef95601890afd80709": true}
	got := map[string]bool{}
	_, err := ScanValues(context.Background(), data, "f.txt", 2, func(_ int, v *Value) {
		for _, it := range v.Run { // a run of values: canonical
			got[string(data[it.Off:it.Off+it.Len])] = true
		}
		if v.Canonical && v.Run == nil {
			got[v.Value] = true
			if n, err := intel.Normalise(v.Type, v.Value); err != nil || n != v.Value {
				t.Errorf("ScanValues: %s %q canonical, but Normalise gives %q, %v", v.Type, v.Value, n, err)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ScanValues canonical values differ (-want +got):\n%s", diff)
	}
}

// refSectionBefore is sectionBefore as it was: every line, back to the
// last comment or blank one, trimmed.
func refSectionBefore(text string) string {
	for text != "" {
		text = strings.TrimSuffix(text, "\n")
		i := strings.LastIndexByte(text, '\n')
		line := strings.TrimSpace(text[i+1:])
		text = text[:i+1]
		switch {
		case line == "":
			return ""
		case strings.HasPrefix(line, "#"):
			return strings.Clone(strings.TrimSpace(strings.TrimLeft(line, "#")))
		case strings.HasPrefix(line, "//"):
			return strings.Clone(strings.TrimSpace(strings.TrimLeft(line, "/")))
		}
	}
	return ""
}

// FuzzSectionBefore checks the byte-walking sectionBefore against the
// line-by-line one.
func FuzzSectionBefore(f *testing.F) {
	for _, s := range []string{
		"", "\n", "1.2.3.4\n", "# APT1\n1.2.3.4\nevil.com\n", "// x\n\n1.2.3.4\n", "# a\n \t\n1.2.3.4",
		"#a\r\n1.2.3.4\r\n", "\u00a0\n1.2.3.4\n", "\u0085#b\n1.2.3.4\n", " # c \n 1.2.3.4 \n", "/x\n1.2.3.4\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := sectionBefore(text), refSectionBefore(text); got != want {
			t.Errorf("sectionBefore(%q) = %q, want %q", text, got, want)
		}
	})
}

// TestSectionBeforeRandom compares sectionBefore with the line-by-line
// reference on lists of values, comments, blank and white-space lines of
// every length, so that newlines fall at every place of the eight-byte
// words.
func TestSectionBeforeRandom(t *testing.T) {
	pieces := []string{"1.2.3.4", "evil.com", "a", "", " ", "\t", "\r", "# sec", "#", "// two", "/x", "\u00a0", "\u0085# u", " # sp", "abcdefghijklmnop"}
	r := rand.New(rand.NewPCG(5, 6))
	var sb strings.Builder
	for range 20000 {
		sb.Reset()
		for range r.IntN(12) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(6) > 0 {
				sb.WriteByte('\n')
			}
		}
		text := sb.String()
		if got, want := sectionBefore(text), refSectionBefore(text); got != want {
			t.Fatalf("sectionBefore(%q) = %q, want %q", text, got, want)
		}
	}
}

// refFastLine is the fast path as it was, line by line, the reference
// for fastScan: it reads the common lines of large lists, a bare IPv4 address,
// lower-case hash or lower-case domain name, as ParseLine would and
// without allocating; ok is false for any other line, which ParseLine
// then reads.
func refFastLine(s string) (t intel.Type, v string, ok bool) {
	if len(s) == 0 || len(s) > 253 {
		return "", "", false
	}
	if k := strings.IndexByte(s, '/'); k > 0 {
		if refFastCIDR(s[:k], s[k+1:]) {
			return intel.CIDR, s, true
		}
		return "", "", false
	}
	// The character classes first (one table lookup a byte), then the
	// labels of what may be a name.
	var cl uint8
	for i := 0; i < len(s); i++ {
		c := class[s[i]]
		if c == 0 {
			return "", "", false
		}
		cl |= c
	}
	digits, hex, dots := cl&(cHex|cName) == 0, cl&(cName|cDot) == 0, cl&cDot != 0
	if digits && dots {
		if !refIsIPv4(s) {
			return "", "", false // "1.2.3" and the like: ParseLine says what
		}
		return intel.IPv4, s, true
	}
	if hex {
		switch len(s) {
		case 32:
			return intel.MD5, s, true
		case 40:
			return intel.SHA1, s, true
		case 64:
			return intel.SHA256, s, true
		}
	}
	// A name ParseLine takes as it is: Detect sends it to
	// Normalise(Domain), which would change nothing (labels of 1 to 63
	// characters, the last not all digits). Anything that may be refanged
	// ("hxxp...") or trimmed (dots at the ends) is left to it.
	if !dots || strings.HasPrefix(s, "hxxp") {
		return "", "", false
	}
	label, labelDigits := 0, true
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			if label == 0 || label > 63 {
				return "", "", false
			}
			label, labelDigits = 0, true
			continue
		}
		label++
		if class[s[i]]&(cHex|cName) != 0 {
			labelDigits = false
		}
	}
	if label == 0 || label > 63 || labelDigits {
		return "", "", false
	}
	return intel.Domain, s, true
}

// refFastCIDR reports whether addr/bits is an IPv4 prefix as Detect writes
// it: a dotted quad without leading zeros, a length of 0 to 32 without
// leading zeros, and no bits set after the length (Detect masks them).
func refFastCIDR(addr, bits string) bool {
	if !refIsIPv4(addr) || len(bits) == 0 || len(bits) > 2 || len(bits) == 2 && bits[0] == '0' {
		return false
	}
	n := 0
	for i := 0; i < len(bits); i++ {
		if bits[i] < '0' || bits[i] > '9' {
			return false
		}
		n = n*10 + int(bits[i]-'0')
	}
	if n > 32 {
		return false
	}
	var a, v uint32
	for i := 0; i < len(addr); i++ {
		if addr[i] == '.' {
			a, v = a<<8|v, 0
		} else {
			v = v*10 + uint32(addr[i]-'0')
		}
	}
	a = a<<8 | v
	return n == 32 || a<<n == 0
}

// refIsIPv4 reports whether s is a dotted quad netip.ParseAddr accepts (no
// leading zeros, each part at most 255), which is then also its
// canonical form.
func refIsIPv4(s string) bool {
	k, v, digits := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || k > 3 {
				return false
			}
			k, v, digits = k+1, 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || digits > 0 && v == 0 {
			return false
		}
		v = v*10 + int(c-'0')
		digits++
		if v > 255 {
			return false
		}
	}
	return k == 4
}

// sectionWithin finds what sectionBefore does when the section line is
// within the bytes it looks at, and says so when none is.
func TestSectionWithin(t *testing.T) {
	values := strings.Repeat("1.2.3.4\nevil.example\n", 100) // 2,100 bytes
	for _, tc := range []struct {
		text  string
		max   int
		sec   string
		found bool
	}{
		{"# a\n" + values, 4000, "a", true},
		{"# a\n" + values, 1000, "", false},
		{"# a\n" + values + "\n" + values, 3000, "", true}, // the blank line
		{"# a\n" + values + "# b\n" + values, 3000, "b", true},
		{values, 1000, "", false},
		{"# a\n1.2.3.4\n", 1000, "a", true}, // all of it
	} {
		sec, found := sectionWithin(tc.text, tc.max)
		if sec != tc.sec || found != tc.found {
			t.Errorf("sectionWithin(%.20q..., %d) = %q, %v, want %q, %v", tc.text, tc.max, sec, found, tc.sec, tc.found)
		}
		if found && sec != sectionBefore(tc.text) {
			t.Errorf("sectionWithin(%.20q..., %d) = %q, sectionBefore %q", tc.text, tc.max, sec, sectionBefore(tc.text))
		}
	}
}

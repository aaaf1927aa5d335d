package sweep

// Bit masks of a line's bytes for the prefilter: bit i of word k stands
// for byte 64k+i. classify fills them for whole lines at once, with AVX2
// where the processor has it (classify_amd64.s), so that MayMatch looks
// only at the runs that can hold a value instead of stepping through
// every byte.

// maskLine is the longest line MayMatch classifies on the stack; longer
// ones take the byte-at-a-time loop.
const maskLine = 64 * maskWords

const maskWords = 32

// classifyGeneric sets, for every byte of src, its bit in tok (a token
// byte: [A-Za-z0-9._:-]), dot ('.') and colon (':'); the words cover
// len(src) rounded up to 64, and bytes past the end count as neither. It
// reports whether src holds a stop byte (a backslash or a byte >= 0x80).
func classifyGeneric(src []byte, tok, dot, colon []uint64) bool {
	var stop uint8
	for k := range tok {
		b := src[64*k : min(64*k+64, len(src))]
		var t, d, c uint64
		for i, ch := range b {
			x := class[ch]
			t |= uint64(x&cTok) << i
			d |= uint64(x&cDot>>1) << i
			c |= uint64(x&cColon>>2) << i
			stop |= x & cStop
		}
		tok[k], dot[k], colon[k] = t, d, c
	}
	return stop != 0
}

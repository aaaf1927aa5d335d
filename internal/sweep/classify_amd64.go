package sweep

import "golang.org/x/sys/cpu"

var hasAVX2 = cpu.X86.HasAVX2

// classifyAVX2 is classifyGeneric for blocks whole 64-byte blocks at src.
//
//go:noescape
func classifyAVX2(src *byte, blocks int, tok, dot, colon *uint64) (stop bool)

// classify is classifyGeneric, with AVX2 where there is.
func classify(src []byte, tok, dot, colon []uint64) bool {
	if !hasAVX2 || len(tok) == 0 {
		return classifyGeneric(src, tok, dot, colon)
	}
	whole := len(src) / 64
	stop := false
	if whole > 0 {
		stop = classifyAVX2(&src[0], whole, &tok[0], &dot[0], &colon[0])
	}
	if whole < len(tok) {
		// The last part-block, copied into zeros (neither token nor stop).
		var pad [64]byte
		copy(pad[:], src[64*whole:])
		stop = classifyAVX2(&pad[0], 1, &tok[whole], &dot[whole], &colon[whole]) || stop
	}
	return stop
}

package ioclist

import "golang.org/x/sys/cpu"

var hasAVX2 = cpu.X86.HasAVX2

// lastLineMarkAVX2 is lastLineMark 32 positions at a time, back to
// position 1; where it finds none, positions below rest are still to look
// at.
//
//go:noescape
func lastLineMarkAVX2(b *byte, n int) (s, rest int)

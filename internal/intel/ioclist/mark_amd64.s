#include "textflag.h"

// func lastLineMarkAVX2(b *byte, n int) (s, rest int)
//
// Looks at 32 positions at a time, from the end of b[:n] back to
// position 1: s is the last position with a newline before it and one of
// " \t\n\v\f\r#/" or a byte >= 0x80 at it; else 0, and rest says that the
// positions from 1 up to (not including) rest were not looked at.
TEXT ·lastLineMarkAVX2(SB), NOSPLIT, $0-32
	MOVQ b+0(FP), SI
	MOVQ n+8(FP), CX
	MOVL $0x20, AX
	MOVQ AX, X10
	VPBROADCASTB X10, Y10 // ' '
	MOVL $0x23, AX
	MOVQ AX, X11
	VPBROADCASTB X11, Y11 // '#'
	MOVL $0x2F, AX
	MOVQ AX, X12
	VPBROADCASTB X12, Y12 // '/'
	MOVL $0x09, AX
	MOVQ AX, X13
	VPBROADCASTB X13, Y13 // '\t'
	MOVL $0x04, AX
	MOVQ AX, X14
	VPBROADCASTB X14, Y14 // '\r' - '\t'
	MOVL $0x0A, AX
	MOVQ AX, X15
	VPBROADCASTB X15, Y15 // '\n'
	SUBQ $32, CX // the first position of the block
	CMPQ CX, $1
	JL none

loop:
	VMOVDQU (SI)(CX*1), Y0     // the bytes at the positions
	VMOVDQU -1(SI)(CX*1), Y1   // the bytes before them
	VPCMPEQB Y10, Y0, Y2
	VPCMPEQB Y11, Y0, Y3
	VPOR Y3, Y2, Y2
	VPCMPEQB Y12, Y0, Y3
	VPOR Y3, Y2, Y2
	VPSUBB Y13, Y0, Y4         // x - '\t'
	VPMINUB Y14, Y4, Y5
	VPCMPEQB Y5, Y4, Y5        // x - '\t' <= 4: '\t' to '\r'
	VPOR Y5, Y2, Y2
	VPOR Y0, Y2, Y2            // bytes >= 0x80: their high bit
	VPCMPEQB Y15, Y1, Y1
	VPAND Y1, Y2, Y2
	VPMOVMSKB Y2, AX
	TESTL AX, AX
	JNZ found
	SUBQ $32, CX
	CMPQ CX, $1
	JGE loop

none:
	ADDQ $32, CX
	MOVQ $0, s+16(FP)
	MOVQ CX, rest+24(FP)
	VZEROUPPER
	RET

found:
	BSRL AX, AX
	ADDQ AX, CX
	MOVQ CX, s+16(FP)
	MOVQ $0, rest+24(FP)
	VZEROUPPER
	RET

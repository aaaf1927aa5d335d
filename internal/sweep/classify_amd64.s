#include "textflag.h"

// Nibble tables: a byte is a token byte ([A-Za-z0-9._:-]) when
// lotab[low nibble] & hitab[high nibble] != 0. The four bits stand for the
// low-nibble sets {D,E} (high 2: '-' '.'), {0-A} (high 3 and 7: digits
// and ':', p-z), {1-F} (high 4 and 6: A-O, a-o) and {0-A,F} (high 5: P-Z,
// '_'). Each table is repeated for both 128-bit lanes.
DATA lotab<>+0(SB)/8, $0x0E0E0E0E0E0E0E0A
DATA lotab<>+8(SB)/8, $0x0C050504040E0E0E
DATA lotab<>+16(SB)/8, $0x0E0E0E0E0E0E0E0A
DATA lotab<>+24(SB)/8, $0x0C050504040E0E0E
GLOBL lotab<>(SB), RODATA|NOPTR, $32

DATA hitab<>+0(SB)/8, $0x0204080402010000
DATA hitab<>+8(SB)/8, $0
DATA hitab<>+16(SB)/8, $0x0204080402010000
DATA hitab<>+24(SB)/8, $0
GLOBL hitab<>(SB), RODATA|NOPTR, $32

// func classifyAVX2(src *byte, blocks int, tok, dot, colon *uint64) (stop bool)
TEXT ·classifyAVX2(SB), NOSPLIT, $0-41
	MOVQ src+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ tok+16(FP), R8
	MOVQ dot+24(FP), R9
	MOVQ colon+32(FP), R10
	VMOVDQU lotab<>(SB), Y10
	VMOVDQU hitab<>(SB), Y11
	MOVL $0x0F, AX
	MOVQ AX, X12
	VPBROADCASTB X12, Y12
	MOVL $0x2E, AX
	MOVQ AX, X13
	VPBROADCASTB X13, Y13
	MOVL $0x3A, AX
	MOVQ AX, X14
	VPBROADCASTB X14, Y14
	MOVL $0x5C, AX
	MOVQ AX, X8
	VPBROADCASTB X8, Y8
	VPXOR Y9, Y9, Y9
	XORQ DX, DX

	TESTQ CX, CX
	JZ done

loop:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1

	// Token bytes: the class is not zero.
	VPSRLW $4, Y0, Y2
	VPAND Y12, Y2, Y2
	VPSHUFB Y2, Y11, Y2
	VPAND Y12, Y0, Y3
	VPSHUFB Y3, Y10, Y3
	VPAND Y2, Y3, Y2
	VPCMPEQB Y9, Y2, Y2
	VPMOVMSKB Y2, AX
	VPSRLW $4, Y1, Y4
	VPAND Y12, Y4, Y4
	VPSHUFB Y4, Y11, Y4
	VPAND Y12, Y1, Y5
	VPSHUFB Y5, Y10, Y5
	VPAND Y4, Y5, Y4
	VPCMPEQB Y9, Y4, Y4
	VPMOVMSKB Y4, BX
	SHLQ $32, BX
	ORQ BX, AX
	NOTQ AX
	MOVQ AX, (R8)

	// '.'
	VPCMPEQB Y13, Y0, Y2
	VPMOVMSKB Y2, AX
	VPCMPEQB Y13, Y1, Y4
	VPMOVMSKB Y4, BX
	SHLQ $32, BX
	ORQ BX, AX
	MOVQ AX, (R9)

	// ':'
	VPCMPEQB Y14, Y0, Y2
	VPMOVMSKB Y2, AX
	VPCMPEQB Y14, Y1, Y4
	VPMOVMSKB Y4, BX
	SHLQ $32, BX
	ORQ BX, AX
	MOVQ AX, (R10)

	// Stop bytes: a backslash or the high bit set.
	VPCMPEQB Y8, Y0, Y2
	VPOR Y0, Y2, Y2
	VPCMPEQB Y8, Y1, Y4
	VPOR Y1, Y4, Y4
	VPOR Y2, Y4, Y4
	VPMOVMSKB Y4, AX
	ORQ AX, DX

	ADDQ $64, SI
	ADDQ $8, R8
	ADDQ $8, R9
	ADDQ $8, R10
	DECQ CX
	JNZ loop

done:
	VZEROUPPER
	TESTQ DX, DX
	SETNE stop+40(FP)
	RET

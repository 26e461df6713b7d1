// DIVQ and IDIVQ without Go's zero and -1 checks, so the CPU raises #DE (Linux: SIGFPE with
// si_code FPE_INTDIV, which the runtime turns into "integer divide by zero").
#include "textflag.h"

// func divq(a, b uint64) uint64
TEXT ·divq(SB), NOSPLIT, $0-24
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), CX
	XORQ DX, DX
	DIVQ CX
	MOVQ AX, ret+16(FP)
	RET

// func idivq(a, b int64) int64
TEXT ·idivq(SB), NOSPLIT, $0-24
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), CX
	CQO
	IDIVQ CX
	MOVQ AX, ret+16(FP)
	RET

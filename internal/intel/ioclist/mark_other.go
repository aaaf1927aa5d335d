//go:build !amd64

package ioclist

var hasAVX2 = false

func lastLineMarkAVX2(b *byte, n int) (s, rest int) { panic("no AVX2") }

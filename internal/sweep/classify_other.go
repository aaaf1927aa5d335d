//go:build !amd64

package sweep

// classify is classifyGeneric: there is no vector version for this
// architecture.
func classify(src []byte, tok, dot, colon []uint64) bool {
	return classifyGeneric(src, tok, dot, colon)
}

package sweep

// SetKeyMask narrows the keys of the string indexes to those bits, so
// that keys of different values collide, and returns the function that
// restores them. Not for parallel tests.
func SetKeyMask(m uint32) (restore func()) {
	old := keyMask
	keyMask = m
	return func() { keyMask = old }
}

// PrefilterIndicators is prefilterIndicators for the external tests.
var PrefilterIndicators = prefilterIndicators

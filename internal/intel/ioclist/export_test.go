package ioclist

// SetMinPart sets the least input ScanParts gives a goroutine of its own
// and returns the function that restores it. Not for parallel tests.
func SetMinPart(n int) (restore func()) {
	old := minPart
	minPart = n
	return func() { minPart = old }
}

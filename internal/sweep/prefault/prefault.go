package prefault

import "unsafe"

// Step is how much Ahead prefaults at a time: 2 MiB.
const Step = 2 << 20

// Make returns make([]T, n) with its memory prefaulted.
func Make[T any](n int) []T {
	s := make([]T, n)
	Range(s, 0, n)
	return s
}

// MakeCap returns make([]T, 0, n) with its memory prefaulted.
func MakeCap[T any](n int) []T {
	s := make([]T, 0, n)
	Range(s, 0, n)
	return s
}

// Range prefaults the memory of elements from to to (exclusive) of the
// array under s; both are clipped to cap(s).
func Range[T any](s []T, from, to int) {
	to = min(to, cap(s))
	if from >= to {
		return
	}
	var zero T
	size := unsafe.Sizeof(zero)
	base := unsafe.Pointer(unsafe.SliceData(s[:cap(s)]))
	if from == 0 {
		// The first prefault of the array: huge pages for all of it,
		// before any of it is faulted in.
		hugepages(base, uintptr(cap(s))*size)
	}
	populate(unsafe.Add(base, uintptr(from)*size), uintptr(to-from)*size)
}

// Huge asks for transparent huge pages for the whole array under s, as
// the first Range of it does: call it before goroutines prefault parts of
// one array with Range, so that none of them faults small pages in first.
func Huge[T any](s []T) {
	var zero T
	if cap(s) > 0 {
		hugepages(unsafe.Pointer(unsafe.SliceData(s[:cap(s)])), uintptr(cap(s))*unsafe.Sizeof(zero))
	}
}

// Ahead prefaults the next Step bytes of the array under s from element
// mark on, when len(s) has reached mark, and returns the new mark, at most
// cap(s) (so a slice that is full has reached its mark). Call it
// before appending to a slice that grows into memory reserved by a large
// capacity:
//
//	if len(s) >= mark {
//		mark = prefault.Ahead(s, mark)
//	}
func Ahead[T any](s []T, mark int) int {
	if len(s) < mark {
		return mark
	}
	var zero T
	n := max(Step/int(max(unsafe.Sizeof(zero), 1)), 1)
	next := min(max(mark, len(s))+n, cap(s))
	Range(s, len(s), next)
	return next
}

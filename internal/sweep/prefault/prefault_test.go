package prefault_test

import (
	"testing"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// Prefaulting keeps contents and lengths; Ahead moves its mark only when
// the slice has reached it, and past the slice's length.
func TestPrefault(t *testing.T) {
	s := prefault.Make[uint64](1 << 20)
	if len(s) != 1<<20 || s[0] != 0 || s[len(s)-1] != 0 {
		t.Fatalf("Make(1<<20): len %d, ends %d %d; want 1<<20 zeros", len(s), s[0], s[len(s)-1])
	}
	c := prefault.MakeCap[byte](1 << 22)
	if len(c) != 0 || cap(c) != 1<<22 {
		t.Fatalf("MakeCap(1<<22): len %d cap %d", len(c), cap(c))
	}
	c = append(c, "written before"...)
	prefault.Range(c, 0, cap(c))
	if string(c) != "written before" {
		t.Errorf("after Range the contents are %q, want %q", c, "written before")
	}
	mark := 0
	for i := range 1 << 20 {
		if len(s[:i]) >= mark {
			next := prefault.Ahead(s[:i], mark)
			if next <= i || next > cap(s) {
				t.Fatalf("Ahead(len %d, mark %d) = %d, want beyond the length, within the capacity %d", i, mark, next, cap(s))
			}
			mark = next
		}
	}
	if got := prefault.Ahead(s, 0); got != cap(s) {
		t.Errorf("Ahead(full slice, 0) = %d, want its capacity %d", got, cap(s))
	}
	if got := prefault.Ahead(s[:10], 100); got != 100 {
		t.Errorf("Ahead(len 10, mark 100) = %d, want 100 (not reached)", got)
	}
	prefault.Range(s, 5, 2) // empty: nothing to do
	prefault.Range([]int(nil), 0, 10)
}

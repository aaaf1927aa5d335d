package prefault_test

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// anonHuge is the process's AnonHugePages in kB.
func anonHuge(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		t.Skipf("no smaps_rollup: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "AnonHugePages:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	t.Skip("no AnonHugePages in smaps_rollup")
	return 0
}

// Where transparent huge pages are given on request, a large prefaulted
// array gets them.
func TestHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skipf("transparent huge pages %q, not on request", bytes.TrimSpace(mode))
	}
	before := anonHuge(t)
	s := prefault.Make[byte](32 << 20)
	after := anonHuge(t)
	if after-before < 16<<10 {
		t.Errorf("AnonHugePages %d kB before Make(32 MiB), %d kB after: want 16 MiB more at least", before, after)
	}
	if s[0] != 0 || s[len(s)-1] != 0 {
		t.Errorf("Make(32 MiB) is not zero")
	}
}

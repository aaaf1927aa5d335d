package lazyre_test

import (
	"slices"
	"testing"

	"github.com/pactwatch/pactwatch/internal/lazyre"
)

func TestRegexp(t *testing.T) {
	re := lazyre.New(`(\w+)@(\w+)\.example`)
	if !re.MatchString("mail bob@corp.example now") || re.MatchString("nothing") {
		t.Error("MatchString disagrees with regexp")
	}
	if got := re.FindStringSubmatch("bob@corp.example"); !slices.Equal(got, []string{"bob@corp.example", "bob", "corp"}) {
		t.Errorf("FindStringSubmatch = %q", got)
	}
	if got := re.ReplaceAllString("a@b.example c@d.example", "$1"); got != "a c" {
		t.Errorf("ReplaceAllString = %q, want %q", got, "a c")
	}
	if re.Get() != re.Get() {
		t.Error("Get compiled twice")
	}
}

func TestBadExpressionPanicsOnFirstUse(t *testing.T) {
	re := lazyre.New(`(`) // no panic yet
	defer func() {
		if recover() == nil {
			t.Error("a bad expression did not panic on first use")
		}
	}()
	re.MatchString("x")
}

package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandTeaches checks that every command has a one-line summary
// and an example of real use, so that --help teaches.
func TestEveryCommandTeaches(t *testing.T) {
	a := &app{}
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			n++
			path := sub.CommandPath()
			if sub.Short == "" {
				t.Errorf("%s has no Short description", path)
			}
			if sub.Runnable() && !strings.Contains(sub.Example, "pactwatch ") {
				t.Errorf("%s has no example of use in its help", path)
			}
			walk(sub)
		}
	}
	walk(a.rootCommand())
	if n < 15 {
		t.Errorf("walked %d commands, want at least 15", n)
	}
}

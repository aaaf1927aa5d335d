package archtest_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/pactwatch/pactwatch"

// stages are the pure pipeline packages: data in, data out.
var stages = []string{
	"internal/telemetry/...",
	"internal/intel/...",
	"internal/sweep",
	"internal/org",
	"internal/intrusion",
	"internal/attribution",
	"internal/intent",
	"internal/pact",
	"internal/simulate",
	"internal/casework",
	"internal/osint/...",
}

// forbidden are what a stage must not depend on, even indirectly, and why.
var forbidden = map[string]string{
	"database/sql":                      "storage belongs to internal/store",
	"net/http":                          "HTTP belongs to internal/server",
	"modernc.org/sqlite":                "storage belongs to internal/store",
	"github.com/jackc/pgx/v5":           "storage belongs to internal/store",
	module + "/internal/store":          "stages know nothing of storage",
	module + "/internal/pipeline":       "the pipeline wires stages, not the other way round",
	module + "/internal/cli":            "the CLI wires stages, not the other way round",
	module + "/internal/server":         "the server wires stages, not the other way round",
	"github.com/spf13/cobra":            "command-line handling belongs to internal/cli",
	"github.com/nats-io/nats.go":        "streaming belongs to internal/stream",
	module + "/internal/config":         "stages take their settings as arguments",
	"github.com/schollz/progressbar/v3": "progress display belongs to internal/cli",
}

func TestStagesArePure(t *testing.T) {
	for _, pkg := range stages {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./../../"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) == 0 {
			t.Fatalf("go list %s printed no packages", pkg)
		}
		for _, d := range deps {
			for bad, why := range forbidden {
				if d == bad || strings.HasPrefix(d, bad+"/") {
					t.Errorf("%s depends on %s: %s", pkg, d, why)
				}
			}
		}
	}
}

package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of pactwatch. Each option is declared once, here,
// with its default, its environment variable and its meaning.
type Config struct {
	// DB is the SQLite database file (PACTWATCH_DB).
	DB string `json:"db"`
	// Window is the gap between sightings that starts a new intrusion (PACTWATCH_WINDOW).
	Window Duration `json:"window"`
	// BatchLines is how many input lines ingest reads between commits (PACTWATCH_BATCH_LINES).
	BatchLines int `json:"batch_lines"`
	// LogLevel is debug, info, warn or error (PACTWATCH_LOG_LEVEL).
	LogLevel string `json:"log_level"`
}

// Duration is a time.Duration that reads and prints as "72h".
type Duration time.Duration

// MarshalJSON prints the duration as a string like "72h0m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a duration string like "72h" or "3d".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"72h\": %w", err)
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ParseDuration accepts Go durations ("72h") and whole days ("3d").
func ParseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("bad duration %q: want e.g. 72h or 3d", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: want e.g. 72h or 3d", s)
	}
	return v, nil
}

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		DB:         "pactwatch.db",
		Window:     Duration(72 * time.Hour),
		BatchLines: 10000,
		LogLevel:   "info",
	}
}

// FromEnv overlays PACTWATCH_* environment variables read through getenv.
func (c *Config) FromEnv(getenv func(string) string) error {
	if v := getenv("PACTWATCH_DB"); v != "" {
		c.DB = v
	}
	if v := getenv("PACTWATCH_WINDOW"); v != "" {
		d, err := ParseDuration(v)
		if err != nil {
			return fmt.Errorf("PACTWATCH_WINDOW: %w", err)
		}
		c.Window = Duration(d)
	}
	if v := getenv("PACTWATCH_BATCH_LINES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("PACTWATCH_BATCH_LINES: %q is not a number", v)
		}
		c.BatchLines = n
	}
	if v := getenv("PACTWATCH_LOG_LEVEL"); v != "" {
		c.LogLevel = v
	}
	return nil
}

// FromFile overlays the JSON config file at path; unknown keys are errors.
func (c *Config) FromFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// Validate checks the settings together.
func (c Config) Validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, errors.New("db: empty; give a database file with --db or PACTWATCH_DB"))
	}
	if c.Window <= 0 {
		errs = append(errs, fmt.Errorf("window: %s must be positive", time.Duration(c.Window)))
	}
	if c.BatchLines < 1 {
		errs = append(errs, fmt.Errorf("batch_lines: %d must be at least 1", c.BatchLines))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log_level: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	return errors.Join(errs...)
}

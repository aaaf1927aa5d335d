package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/attack"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
	"github.com/pactwatch/pactwatch/internal/intel/misp"
	"github.com/pactwatch/pactwatch/internal/intel/stix"
)

// Options carries the options for IOC lists (a STIX bundle or MISP file
// brings its own metadata and ignores them).
type Options struct {
	ioclist.Options
}

// Format names a file format File recognises.
type Format string

// Formats File recognises, in the order it tries them.
const (
	FormatSTIX    Format = "stix"        // STIX 2.x bundle, object or array of objects
	FormatATTACK  Format = "attack"      // a STIX bundle holding ATT&CK groups
	FormatMISP    Format = "misp-galaxy" // MISP galaxy cluster file
	FormatIOCList Format = "ioc-list"    // plain or CSV indicator list
)

// Formats lists the formats File knows.
var Formats = []Format{FormatSTIX, FormatATTACK, FormatMISP, FormatIOCList}

// ErrUnknownFormat is wrapped when a file is none of the known formats.
var ErrUnknownFormat = errors.New("unknown intel format")

// File reads the intel file at path, detecting its format by content:
//   - JSON with "type": "bundle", a lone STIX object or an array of STIX
//     objects: STIX (with ATT&CK enrichment when it holds ATT&CK groups);
//   - JSON with "values" and "uuid" or "type": a MISP galaxy cluster file;
//   - other text: an IOC list read with opt.
//
// Other JSON, binary data, or a text file in which no line is an indicator
// is an error wrapping ErrUnknownFormat that names the file and the known
// formats.
func File(ctx context.Context, path string, opt Options) (*intel.Collection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load intel: %w", err)
	}
	c, _, err := Bytes(ctx, data, path, opt)
	return c, err
}

// Bytes is File for content already read; file names it. It also returns
// the format it detected.
func Bytes(ctx context.Context, data []byte, file string, opt Options) (*intel.Collection, Format, error) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	// A STIX bundle, the largest JSON there is (feeds of a million
	// indicators), is decoded without checking and probing it whole first.
	if c, ok, err := stix.DecodeBundle(ctx, trimmed, file); err != nil {
		return nil, "", fmt.Errorf("load intel: %w", err)
	} else if ok {
		return stixFormat(c)
	}
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && json.Valid(trimmed) {
		return decodeJSON(ctx, trimmed, file)
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, "", unknown(file, "binary content")
	}
	c, err := ioclist.Read(ctx, bytes.NewReader(data), file, opt.Options)
	if err != nil {
		return nil, "", fmt.Errorf("load intel %s: %w", file, err)
	}
	if len(c.Indicators) == 0 && len(c.Unsupported) > 0 {
		return nil, "", unknown(file, fmt.Sprintf("no line is an indicator (%d lines rejected, first: line %d %q: %s)",
			len(c.Unsupported), c.Unsupported[0].Line, c.Unsupported[0].Input, c.Unsupported[0].Reason))
	}
	return c, FormatIOCList, nil
}

func decodeJSON(ctx context.Context, data []byte, file string) (*intel.Collection, Format, error) {
	var probe struct {
		Type   string          `json:"type"`
		ID     string          `json:"id"`
		UUID   string          `json:"uuid"`
		Values json.RawMessage `json:"values"`
	}
	if data[0] == '{' {
		if err := json.Unmarshal(data, &probe); err != nil {
			return nil, "", unknown(file, err.Error())
		}
		if len(probe.Values) > 0 && probe.Values[0] == '[' && (probe.UUID != "" || probe.Type != "") && probe.Type != "bundle" {
			c, err := misp.Decode(ctx, data, file)
			if err != nil {
				return nil, "", fmt.Errorf("load intel: %w", err)
			}
			return c, FormatMISP, nil
		}
	}
	c, err := stix.Decode(ctx, data, file)
	if errors.Is(err, stix.ErrNotSTIX) {
		return nil, "", unknown(file, "JSON that is neither a STIX bundle nor a MISP galaxy")
	}
	if err != nil {
		return nil, "", fmt.Errorf("load intel: %w", err)
	}
	return stixFormat(c)
}

// stixFormat tells an ATT&CK bundle from other STIX, enriching the first.
func stixFormat(c *intel.Collection) (*intel.Collection, Format, error) {
	if attack.IsATTACK(c) {
		attack.Enrich(c)
		return c, FormatATTACK, nil
	}
	return c, FormatSTIX, nil
}

func unknown(file, why string) error {
	return fmt.Errorf("load intel %s: %w: %s (known: STIX 2.x bundle/object JSON, MITRE ATT&CK STIX bundle, MISP galaxy cluster JSON, IOC list one value a line or CSV with a header)",
		filepath.Clean(file), ErrUnknownFormat, why)
}

package ndjson

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// FieldMap maps Event field names (see Fields) to the dotted JSON path
// holding each in a record: "src_ip" -> "source.ip". A path may list
// alternatives separated by '|', tried in order ("observer.name|host.name").
// A path segment may itself contain dots: "id.orig_h" finds both
// {"id":{"orig_h":..}} and {"id.orig_h":..}. Fields not in the map stay zero.
type FieldMap map[string]string

// Fields are the Event field names a FieldMap may map.
var Fields = []string{
	"time", "sensor", "kind", "uid", "proto",
	"src_ip", "src_port", "dst_ip", "dst_port",
	"domain", "url", "md5", "sha1", "sha256", "ja3",
	"bytes_out", "bytes_in", "signature", "action", "techniques", "files",
}

// DefaultFieldMap returns the map for Elastic Common Schema records.
func DefaultFieldMap() FieldMap {
	return FieldMap{
		"time":       "@timestamp",
		"sensor":     "observer.name|observer.hostname|host.name|agent.name",
		"kind":       "event.dataset|event.kind",
		"uid":        "network.community_id|event.id",
		"proto":      "network.transport",
		"src_ip":     "source.ip",
		"src_port":   "source.port",
		"dst_ip":     "destination.ip",
		"dst_port":   "destination.port",
		"domain":     "dns.question.name|tls.client.server_name|url.domain|destination.domain",
		"url":        "url.full|url.original",
		"md5":        "file.hash.md5",
		"sha1":       "file.hash.sha1",
		"sha256":     "file.hash.sha256",
		"ja3":        "tls.client.ja3",
		"bytes_out":  "source.bytes",
		"bytes_in":   "destination.bytes",
		"signature":  "rule.name",
		"action":     "event.action",
		"techniques": "threat.technique.id",
		"files":      "file.name",
	}
}

// Validate reports the first unknown field name or empty path.
func (m FieldMap) Validate() error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(Fields, k) {
			return fmt.Errorf("field map: unknown event field %q (known: %s)", k, strings.Join(Fields, ", "))
		}
		if strings.TrimSpace(m[k]) == "" {
			return fmt.Errorf("field map: empty path for %q", k)
		}
	}
	return nil
}

// ParseFieldMap parses a CLI flag value "time=@timestamp,src_ip=src.addr"
// into a map: DefaultFieldMap with the listed fields replaced. "field=" (no
// path) removes a field. Spaces around names are ignored.
func ParseFieldMap(spec string) (FieldMap, error) {
	m := DefaultFieldMap()
	for entry := range strings.SplitSeq(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		k, v, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("field map %q: entry %q is not field=path", spec, entry)
		}
		if err := m.set(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
			return nil, fmt.Errorf("field map %q: %w", spec, err)
		}
	}
	return m, nil
}

// LoadFieldMap reads a JSON object {"time": "ts", "src_ip": "src.addr"}
// from a file: DefaultFieldMap with those fields replaced ("" removes one).
func LoadFieldMap(path string) (FieldMap, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load field map: %w", err)
	}
	m, err := DecodeFieldMap(b)
	if err != nil {
		return nil, fmt.Errorf("load field map %s: %w", path, err)
	}
	return m, nil
}

// DecodeFieldMap is LoadFieldMap for JSON already in memory.
func DecodeFieldMap(data []byte) (FieldMap, error) {
	var raw map[string]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("field map: %w", err)
	}
	m := DefaultFieldMap()
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if err := m.set(k, strings.TrimSpace(raw[k])); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m FieldMap) set(k, v string) error {
	if !slices.Contains(Fields, k) {
		return fmt.Errorf("unknown event field %q (known: %s)", k, strings.Join(Fields, ", "))
	}
	if v == "" {
		delete(m, k)
		return nil
	}
	m[k] = v
	return nil
}

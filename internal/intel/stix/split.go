package stix

import (
	"bytes"
	"encoding/json"
	"strings"
)

// span is the byte range of one element of a bundle's objects array.
type span struct{ start, end int }

// bundleSpans finds the elements of the objects array of a bundle,
// {"type": "bundle", ..., "objects": [...]}, without decoding them, so
// that a bundle of a million objects is decoded an object at a time (on
// several goroutines, into memory sized once) instead of as one value of
// hundreds of megabytes.
//
// ok is false for anything else, and for whatever it does not read
// exactly as encoding/json would (a key spelt in other case, written with
// escapes or given twice, control characters in a key, an escaped type):
// the caller then decodes the input as a whole. The elements themselves
// are only delimited, not checked: decoding each checks it. The other
// members' values are checked with json.Valid.
func bundleSpans(data []byte) (spans []span, ok bool) {
	ok = scanBundle(data, func(s span) { spans = append(spans, s) })
	return spans, ok
}

// scanBundle is bundleSpans calling visit with each element's span, in
// order, instead of returning them; spans count from the start of data.
func scanBundle(data []byte, visit func(span)) bool {
	bom := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		bom = 3
	}
	i := skipSpace(data, bom)
	if i == len(data) || data[i] != '{' {
		return false
	}
	i++
	haveType, haveObjects := false, false
	for first := true; ; first = false {
		i = skipSpace(data, i)
		if i == len(data) {
			return false
		}
		if first && data[i] == '}' {
			i++
			break
		}
		if data[i] != '"' {
			return false
		}
		end := stringEnd(data, i)
		if end < 0 {
			return false
		}
		key := data[i+1 : end-1]
		if !plain(key) {
			return false
		}
		i = skipSpace(data, end)
		if i == len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		if i == len(data) {
			return false
		}
		switch k := string(key); {
		case k == "type":
			if haveType || data[i] != '"' {
				return false
			}
			end := stringEnd(data, i)
			if end < 0 || !plain(data[i+1:end-1]) || string(data[i+1:end-1]) != "bundle" {
				return false // not a bundle: no need to read on
			}
			haveType, i = true, end
		case k == "objects":
			if haveObjects || data[i] != '[' {
				return false
			}
			haveObjects = true
			var ok bool
			if i, ok = elements(data, i, visit); !ok {
				return false
			}
		case strings.EqualFold(k, "type") || strings.EqualFold(k, "objects"):
			return false
		default:
			end := skipValue(data, i)
			if end < 0 || !json.Valid(data[i:end]) {
				return false
			}
			i = end
		}
		i = skipSpace(data, i)
		if i == len(data) {
			return false
		}
		if data[i] == ',' {
			i++
			continue
		}
		if data[i] != '}' {
			return false
		}
		i++
		break
	}
	return skipSpace(data, i) == len(data) && haveType
}

// elements calls visit with the span of each element of the array at
// data[i] and returns the offset after the array.
func elements(data []byte, i int, visit func(span)) (int, bool) {
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, true
	}
	for {
		if i == len(data) {
			return 0, false
		}
		end := skipValue(data, i)
		if end < 0 {
			return 0, false
		}
		visit(span{i, end})
		i = skipSpace(data, end)
		if i == len(data) {
			return 0, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// plain reports whether s is a JSON string's contents that needs no
// unescaping (no backslash, no control character).
func plain(s []byte) bool {
	for _, c := range s {
		if c == '\\' || c < 0x20 {
			return false
		}
	}
	return true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	return i
}

// stringEnd returns the offset after the string that starts at data[i]
// (a '"'), or -1 if it does not end.
func stringEnd(data []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		n := 0 // backslashes before the quote
		for n < j-i-1 && data[j-1-n] == '\\' {
			n++
		}
		j++
		if n%2 == 0 {
			return j
		}
	}
}

// skipValue returns the offset after the JSON value that starts at
// data[i], found by its delimiters alone (strings, nesting; a number or
// literal ends at the next delimiter), or -1 if it does not end.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				if i = stringEnd(data, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\n', '\r', '\t':
			return i
		}
		i++
	}
	return i
}

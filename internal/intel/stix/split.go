package stix

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
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
	ok = scanBundle(data, func(i int) (int, bool) {
		return elements(data, i, func(s span) { spans = append(spans, s) })
	})
	return spans, ok
}

// scanBundle is bundleSpans with the objects array, at data[i], left to
// objects, which returns the offset after it (elements, or
// elementsParallel); spans count from the start of data.
func scanBundle(data []byte, objects func(i int) (end int, ok bool)) bool {
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
			if i, ok = objects(i); !ok {
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
	r := runElements(data, i, len(data)+1, visit)
	return r.end, r.status == runDone
}

// runResult is how runElements ended.
type runResult struct {
	status int // runDone, runStopped or runFailed
	next   int // runStopped: the start of the element it stopped at
	end    int // runDone: the offset after the array
}

const (
	runDone = iota
	runStopped
	runFailed
)

// runElements calls visit with the span of each element of an array from
// the one that starts at data[i] on, up to the end of the array or to
// the first element that starts at stop or after.
func runElements(data []byte, i, stop int, visit func(span)) runResult {
	for {
		if i >= stop {
			return runResult{status: runStopped, next: i}
		}
		if i == len(data) {
			return runResult{status: runFailed}
		}
		end := skipValue(data, i)
		if end < 0 {
			return runResult{status: runFailed}
		}
		visit(span{i, end})
		i = skipSpace(data, end)
		if i == len(data) {
			return runResult{status: runFailed}
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return runResult{status: runDone, end: i + 1}
		default:
			return runResult{status: runFailed}
		}
	}
}

// elementsParallel is elements for a large array, delimited in parts
// on parts goroutines: visit(k, s) is called on the goroutine of part k,
// in order within it, and the parts are in order.
//
// Part k > 0 starts at the first '{' after its share of the bytes that
// follows a ',' (whitespace aside), which is where an element starts
// unless it lies in a string; part k-1 stops at the first element that
// starts in part k's share. Where the two agree, part k delimited what
// one pass would have; where they do not (a string holding such a '{'
// just there, an element that is not an object), part k and those after
// it are dropped (reset(k) is called, and visit is not called for them
// again) and part k-1 goes on to the end.
func elementsParallel(data []byte, i, parts int, visit func(k int, s span), reset func(k int)) (int, bool) {
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, true
	}
	parts = max(1, min(parts, (len(data)-i)/minPartBytes))
	bound := func(k int) int { return i + (len(data)-i)*k/parts }
	starts := make([]int, parts)
	res := make([]runResult, parts)
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() {
			start := i
			if k > 0 {
				if start = elementCandidate(data, bound(k)); start < 0 {
					res[k] = runResult{status: runFailed}
					return
				}
			}
			starts[k] = start
			stop := len(data) + 1
			if k+1 < parts {
				stop = bound(k + 1)
			}
			res[k] = runElements(data, start, stop, func(s span) { visit(k, s) })
		})
	}
	wg.Wait()
	for k := 0; ; k++ {
		r := res[k]
		switch r.status {
		case runDone:
			for j := k + 1; j < parts; j++ {
				reset(j)
			}
			return r.end, true
		case runFailed:
			return 0, false
		}
		if k+1 < parts && starts[k+1] == r.next {
			continue // part k+1 starts where part k stopped
		}
		for j := k + 1; j < parts; j++ {
			reset(j)
		}
		r = runElements(data, r.next, len(data)+1, func(s span) { visit(k, s) })
		return r.end, r.status == runDone
	}
}

// minPartBytes is the least share of an array elementsParallel gives a
// part (a variable for tests).
var minPartBytes = 1 << 20

// elementCandidate returns the offset of the first '{' at or after from
// that follows a ',' and whitespace, or -1.
func elementCandidate(data []byte, from int) int {
	for j := from; j < len(data); j++ {
		k := bytes.IndexByte(data[j:], '{')
		if k < 0 {
			return -1
		}
		j += k
		p := j - 1
		for p >= 0 && (data[p] == ' ' || data[p] == '\n' || data[p] == '\r' || data[p] == '\t') {
			p--
		}
		if p >= 0 && data[p] == ',' {
			return j
		}
	}
	return -1
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
	for j := i + 1; ; j += 2 { // past a backslash and what it escapes
		j = quoteOrBackslash(data, j)
		if j >= len(data) {
			return -1
		}
		if data[j] == '"' {
			return j + 1
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

package stix

import (
	"bytes"
	"encoding/json"
	"io"
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
	r := runElements(wholeWindow(data), i, len(data)+1, func(s span, _ []byte) { visit(s) })
	return r.end, r.status == runDone
}

// window is what runElements reads of the input: all of it, or a part
// at a time read through r into buf (reading a mapped file costs less
// than faulting its pages in, on a virtual machine several times less).
type window struct {
	r    io.ReaderAt // nil: buf is the whole input
	size int         // of the input
	buf  []byte
	base int // buf holds input[base : base+len(buf)]
	err  error
}

func wholeWindow(data []byte) *window { return &window{buf: data, size: len(data)} }

// load reads at least need bytes from from on into the window (fewer
// at the end of the input), reporting false if it cannot.
func (w *window) load(from, need int) bool {
	if w.r == nil || w.err != nil {
		return false
	}
	n := min(w.size-from, max(readBatch, need))
	if cap(w.buf) < n {
		w.buf = make([]byte, n)
	}
	w.buf = w.buf[:n]
	if err := readAt(w.r, w.buf, from); err != nil {
		w.buf, w.err = w.buf[:0], err
		return false
	}
	w.base = from
	return true
}

// readAt reads len(b) bytes of r at off; fewer is an error
// (io.ErrUnexpectedEOF: the file shrank).
func readAt(r io.ReaderAt, b []byte, off int) error {
	if n, err := r.ReadAt(b, int64(off)); n < len(b) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

// byteAt returns the input's byte at pos, if there is one.
func (w *window) byteAt(pos int) (byte, bool) {
	if pos >= w.size || pos < w.base || pos >= w.base+len(w.buf) && !w.load(pos, 0) {
		return 0, false
	}
	return w.buf[pos-w.base], true
}

// skipSpace returns the offset of the first byte from pos on that is not
// JSON whitespace.
func (w *window) skipSpace(pos int) int {
	for {
		switch c, _ := w.byteAt(pos); c {
		case ' ', '\n', '\r', '\t':
			pos++
		default:
			return pos
		}
	}
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

// runElements calls visit with the span of each element of an array, and
// its text, from the one that starts at input offset i on, up to the end
// of the array or to the first element that starts at stop or after.
func runElements(w *window, i, stop int, visit func(s span, raw []byte)) runResult {
	for {
		if i >= stop {
			return runResult{status: runStopped, next: i}
		}
		if _, ok := w.byteAt(i); !ok {
			return runResult{status: runFailed}
		}
		var end int // in buf
		for {
			// A value that ends where buf does may go on (a number)
			// unless the input ends there.
			end = skipValue(w.buf, i-w.base)
			atEnd := w.base+len(w.buf) == w.size
			if end >= 0 && (end < len(w.buf) || atEnd) {
				break
			}
			if atEnd || !w.load(i, 2*(w.base+len(w.buf)-i)) {
				return runResult{status: runFailed}
			}
		}
		visit(span{i, w.base + end}, w.buf[i-w.base:end])
		p := w.skipSpace(w.base + end)
		switch c, _ := w.byteAt(p); c {
		case ',':
			i = w.skipSpace(p + 1)
		case ']':
			return runResult{status: runDone, end: p + 1}
		default:
			return runResult{status: runFailed}
		}
	}
}

// elementsParallel is elements for a large array, delimited in parts
// on parts goroutines: visit(k, s, raw) is called on the goroutine of
// part k, in order within it, and the parts are in order. With r, data's
// bytes (r's) are read through r a part at a time, but for a few around
// the parts' bounds; err is why reading failed.
//
// Part k > 0 starts at the first '{' after its share of the bytes that
// follows a ',' (whitespace aside), which is where an element starts
// unless it lies in a string; part k-1 stops at the first element that
// starts in part k's share. Where the two agree, part k delimited what
// one pass would have; where they do not (a string holding such a '{'
// just there, an element that is not an object), part k and those after
// it are dropped (reset(k) is called, and visit is not called for them
// again) and part k-1 goes on to the end.
func elementsParallel(data []byte, r io.ReaderAt, i, parts int, visit func(k int, s span, raw []byte), reset func(k int)) (end int, ok bool, err error) {
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, true, nil
	}
	parts = max(1, min(parts, (len(data)-i)/minPartBytes))
	bound := func(k int) int { return i + (len(data)-i)*k/parts }
	starts := make([]int, parts)
	res := make([]runResult, parts)
	wins := make([]*window, parts)
	for k := range wins {
		wins[k] = wholeWindow(data)
		if r != nil {
			wins[k] = &window{r: r, size: len(data)}
		}
	}
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
			res[k] = runElements(wins[k], start, stop, func(s span, raw []byte) { visit(k, s, raw) })
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
			return r.end, true, nil
		case runFailed:
			return 0, false, wins[k].err
		}
		if k+1 < parts && starts[k+1] == r.next {
			continue // part k+1 starts where part k stopped
		}
		for j := k + 1; j < parts; j++ {
			reset(j)
		}
		r = runElements(wins[k], r.next, len(data)+1, func(s span, raw []byte) { visit(k, s, raw) })
		return r.end, r.status == runDone, wins[k].err
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

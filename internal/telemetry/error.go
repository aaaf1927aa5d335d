package telemetry

import (
	"errors"
	"fmt"
)

// ParseError reports one malformed input line, like encoding/csv's ParseError.
// Readers return it for the bad line and carry on with the next one.
type ParseError struct {
	File   string // path as given
	Line   int64  // 1-based
	Offset int64  // byte offset of the line
	Field  string // the field at fault, or "" for the whole line
	Err    error
}

func (e *ParseError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s:%d: field %s: %v", e.File, e.Line, e.Field, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrUnknownFormat is returned when no reader recognises an input.
var ErrUnknownFormat = errors.New("unknown telemetry format")

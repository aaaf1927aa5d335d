package ioclist

import (
	"context"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// Scan reads an IOC list (plain or CSV, as Read) and calls fn with the
// type, normalised value and name (LOKI comment, section or CSV name) of
// each indicator, in file order. Unlike Read it builds no Indicators: it
// derives no IDs, keeps duplicates (the same value on two lines is passed
// twice) and sorts nothing, so a caller indexing millions of values (the
// sweep) pays for none of that. It returns the lines it could not use,
// named by file, as Read's Collection.Unsupported holds them.
func Scan(ctx context.Context, data []byte, file string, fn func(t intel.Type, value, name string)) ([]intel.Unsupported, error) {
	b := &builder{c: &intel.Collection{}, file: file, emit: fn}
	var err error
	if hdr, ok := csvHeader(data); ok {
		err = b.readCSV(ctx, data, hdr)
	} else {
		err = b.readLines(ctx, data)
	}
	if err != nil {
		return nil, err
	}
	return b.c.Unsupported, nil
}

package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/load"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

// sweepRecord is one line of 'pactwatch sweep' output.
type sweepRecord struct {
	File        string    `json:"file"`
	Line        int64     `json:"line"`
	Offset      int64     `json:"offset"`
	Field       string    `json:"field"`
	Value       string    `json:"value"`
	Indicator   string    `json:"indicator"`
	Type        string    `json:"type"`
	IndicatorID string    `json:"indicator_id"`
	Time        time.Time `json:"time"`
}

type sweepTotals struct {
	bytes, lines, events, matches, malformed int64
}

func (a *app) sweepCommand() *cobra.Command {
	var (
		indFiles []string
		jobs     int
		sorted   bool
		format   string
	)
	cmd := &cobra.Command{
		Use:   "sweep --indicators FILE LOG...",
		Short: "Look for indicators in logs and print every match as NDJSON",
		Long: `Sweep logs for indicators without storing anything. Indicators come from
IOC lists or STIX 2.1 bundles (--indicators, repeatable); logs are any format
the readers know (Suricata EVE, Zeek JSON and TSV, NDJSON; gzip too; '-' is
standard input).

Matching is exact by field: IP and CIDR by address, domains by label
(evil.com matches a.evil.com, never notevil.com), hashes case-insensitive,
URLs normalised. Each match is one NDJSON object on stdout with file, line,
offset, field, value, indicator, type, indicator_id and time; a summary goes
to stderr. Exit status is 0 with or without matches.`,
		Example: `  pactwatch sweep --indicators iocs.txt eve.json
  pactwatch sweep --indicators apt.json --indicators c2.txt -j 2 --sort logs/*.log.gz
  zcat eve.json.gz | pactwatch sweep --indicators iocs.txt -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, logs []string) error {
			if len(indFiles) == 0 {
				return usagef("give at least one --indicators FILE (an IOC list or a STIX 2.1 bundle)")
			}
			if jobs < 1 {
				return usagef("-j %d: want at least 1", jobs)
			}
			ctx := cmd.Context()
			start := time.Now()
			var inds []intel.Indicator
			for _, f := range indFiles {
				c, err := load.File(ctx, f, load.Options{})
				if err != nil {
					return err
				}
				inds = append(inds, c.Indicators...)
				if len(c.Unsupported) > 0 {
					fmt.Fprintf(a.stderr, "%s: %d inputs could not be evaluated (see 'pactwatch intel import --unsupported')\n", f, len(c.Unsupported))
				}
			}
			set, err := sweep.Compile(inds)
			if err != nil {
				return fmt.Errorf("compile indicators: %w", err)
			}
			fmt.Fprintf(a.stderr, "compiled %d indicators in %.2fs\n", set.Len(), time.Since(start).Seconds())
			return a.runSweep(ctx, set, logs, jobs, sorted, format)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&indFiles, "indicators", nil, "IOC list or STIX 2.1 bundle (repeatable)")
	f.IntVarP(&jobs, "jobs", "j", 1, "files swept in parallel")
	f.BoolVar(&sorted, "sort", false, "print matches in a deterministic order (file, line, field)")
	f.StringVar(&format, "format", "", "force the log format: eve, zeek-json, zeek-tsv, ndjson (default: detect)")
	return cmd
}

func (a *app) runSweep(ctx context.Context, set *sweep.Set, logs []string, jobs int, sorted bool, format string) error {
	start := time.Now()
	out := bufio.NewWriterSize(a.stdout, 1<<16)
	var (
		mu      sync.Mutex
		all     []sweepRecord
		totals  sweepTotals
		errs    []error
		wg      sync.WaitGroup
		work    = make(chan string)
		enc     = json.NewEncoder(out)
		emitErr error
	)
	emit := func(recs []sweepRecord) {
		mu.Lock()
		defer mu.Unlock()
		if sorted {
			all = append(all, recs...)
			return
		}
		for i := range recs {
			if err := enc.Encode(&recs[i]); err != nil && emitErr == nil {
				emitErr = err
			}
		}
	}
	for range min(jobs, len(logs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range work {
				t, err := a.sweepFile(ctx, set, path, format, emit)
				mu.Lock()
				totals.bytes += t.bytes
				totals.lines += t.lines
				totals.events += t.events
				totals.matches += t.matches
				totals.malformed += t.malformed
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		}()
	}
	for _, l := range logs {
		work <- l
	}
	close(work)
	wg.Wait()
	if sorted {
		sort.SliceStable(all, func(i, j int) bool {
			x, y := all[i], all[j]
			if x.File != y.File {
				return x.File < y.File
			}
			if x.Offset != y.Offset {
				return x.Offset < y.Offset
			}
			if x.Field != y.Field {
				return x.Field < y.Field
			}
			return x.IndicatorID < y.IndicatorID
		})
		for i := range all {
			if err := enc.Encode(&all[i]); err != nil && emitErr == nil {
				emitErr = err
			}
		}
	}
	if err := out.Flush(); err != nil && emitErr == nil {
		emitErr = err
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(a.stderr, "swept %d bytes, %d lines, %d events: %d matches, %d malformed lines in %.2fs (%.1f MB/s)\n",
		totals.bytes, totals.lines, totals.events, totals.matches, totals.malformed, secs, float64(totals.bytes)/1e6/max(secs, 1e-9))
	if emitErr != nil {
		errs = append(errs, fmt.Errorf("write output: %w", emitErr))
	}
	return errors.Join(errs...)
}

func (a *app) sweepFile(ctx context.Context, set *sweep.Set, path, format string, emit func([]sweepRecord)) (sweepTotals, error) {
	var t sweepTotals
	r, err := logfile.Open(path, logfile.Options{Format: format})
	if err != nil {
		return t, err
	}
	defer r.Close()
	var (
		ev      telemetry.Event
		matches []sweep.Match
		recs    []sweepRecord
		shown   int
	)
	for {
		if t.events%4096 == 0 && ctx.Err() != nil {
			return t, ctx.Err()
		}
		ev = telemetry.Event{}
		err := r.Next(&ev)
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *telemetry.ParseError
		if errors.As(err, &pe) {
			t.malformed++
			if shown < maxReportedErrors {
				fmt.Fprintln(a.stderr, pe)
				shown++
			}
			continue
		}
		if err != nil {
			return t, fmt.Errorf("read %s: %w", path, err)
		}
		t.events++
		matches = set.Match(&ev, matches[:0])
		for _, m := range matches {
			ind := set.Indicator(m.Indicator)
			recs = append(recs, sweepRecord{File: path, Line: ev.Source.Line, Offset: ev.Source.Offset, Field: m.Field, Value: m.Value, Indicator: ind.Value, Type: string(ind.Type), IndicatorID: ind.ID, Time: ev.Time})
		}
		t.matches += int64(len(matches))
		if len(recs) >= 1024 {
			emit(recs)
			recs = nil
		}
	}
	if len(recs) > 0 {
		emit(recs)
	}
	// Offset and Line stop at the last complete line; count an unfinished
	// last line too, since the sweep read it.
	t.bytes, t.lines = r.Offset()+r.Tail(), r.Line()
	if r.Tail() > 0 {
		t.lines++
	}
	return t, nil
}

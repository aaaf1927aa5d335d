package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
	"github.com/pactwatch/pactwatch/internal/intel/load"
	"github.com/pactwatch/pactwatch/internal/intel/stix"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/chunk"
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
	bytes, lines, events, matches, malformed, skipped int64
}

func (a *app) sweepCommand() *cobra.Command {
	var (
		indFiles []string
		jobs     int
		sorted   bool
		validate bool
		format   string
		chunk    int64
		cpuprof  string
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
offset, field, value, indicator, type, indicator_id and time, in input order
(files as given, lines in file order; --sort sorts by file name instead); a
summary goes to stderr, and a progress bar when stderr is a terminal.

Plain files are split into chunks swept on -j workers (default: one per
CPU; the command never runs on more CPUs than -j, loading included);
compressed files and standard input are read (and decompressed) by one
goroutine and cut into chunks the workers sweep.
Lines in which no indicator's value appears are not parsed at all (this
never loses a match); the summary counts them apart, and --validate parses
every line to count events and malformed lines exactly. Exit status is 0
with or without matches.

A STIX bundle's indicators are read on -j goroutines straight into the
index, a megabyte of the file at a time (a million indicators: about a
second, under 200 MB); each term of a pattern's OR is an indicator, with
the source, TLP and what it indicates that the bundle's identities,
markings and relationships give it. Indicators whose patterns cannot be
evaluated on single events are counted on stderr and skipped. Of the
versions of an indicator (one id given more than once) those last modified
count; a bundle that gives another kind of object more than once is decoded
whole first, which takes several times the time and memory.

Indicator files of 1 MiB or more are mapped into memory, not copied. Update
one by renaming a new file over it (as feed downloaders should); if one is
written in place while a sweep runs, the sweep ends with an error saying its
matches may be wrong (or, if the file was cut short, with a bus error).`,
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
			if jobs < runtime.GOMAXPROCS(0) {
				// -j bounds the CPUs the whole command runs on, the
				// compile's goroutines and the garbage collector's
				// included: -j 1 is one core.
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(jobs))
			}
			ctx := cmd.Context()
			if cpuprof != "" {
				stop, err := startCPUProfile(cpuprof)
				if err != nil {
					return err
				}
				defer stop()
			}
			start := time.Now()
			set, unchanged, err := loadSweepSet(ctx, a.stderr, indFiles, jobs)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "compiled %d indicators in %.2fs\n", set.Len(), time.Since(start).Seconds())
			err = a.runSweep(ctx, set, logs, sweepOptions{jobs: jobs, sorted: sorted, validate: validate, format: format, chunk: chunk})
			return errors.Join(err, unchanged())
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&indFiles, "indicators", nil, "IOC list or STIX 2.1 bundle (repeatable)")
	f.IntVarP(&jobs, "jobs", "j", runtime.NumCPU(), "CPUs to use: worker goroutines (chunks of a file and files are swept in parallel), and at most as many running at once in the whole command")
	f.BoolVar(&sorted, "sort", false, "print matches sorted by file name, offset, field and indicator id (default: in input order)")
	f.BoolVar(&validate, "validate", false, "parse every line, also those without any indicator's value, to count events and malformed lines exactly")
	f.StringVar(&format, "format", "", "force the log format: eve, zeek-json, zeek-tsv, ndjson (default: detect)")
	f.Int64Var(&chunk, "chunk-size", 0, "bytes per chunk of a plain file (default 4 MiB; for tests)")
	_ = f.MarkHidden("chunk-size")
	f.StringVar(&cpuprof, "cpuprofile", "", "write a CPU profile of the sweep (loading included) to this file (for 'go tool pprof')")
	_ = f.MarkHidden("cpuprofile")
	return cmd
}

// startCPUProfile starts a CPU profile written to path and returns the
// function that stops it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// loadSweepSet reads the indicator files into one compiled Set. IOC lists
// stream straight into the index, in parts read on -j goroutines
// (ioclist.ScanValues into sweep.Shards over the list's text, most values
// in runs), which is what keeps a list of millions of lines within a
// second and under 50 bytes per indicator; STIX bundles stream into
// Shards too (streamBundle), and what neither takes (MISP files, bundles
// that give an object twice) goes through load.Bytes.
//
// It also returns a function that returns an error if a file mapped
// rather than read (see indicatorFile) was written since: call it after
// the Set's last use.
func loadSweepSet(ctx context.Context, stderr io.Writer, names []string, jobs int) (*sweep.Set, func() error, error) {
	// The index is most of the heap and all of it lives on: collecting
	// at half the usual growth keeps the peak, which is what RSS shows,
	// close to what remains.
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	b := sweep.NewBuilder(0)
	var files []*indicatorFile
	unchanged := func() error {
		var errs []error
		for _, x := range files {
			errs = append(errs, x.check())
		}
		return errors.Join(errs...)
	}
	for _, f := range names {
		x, err := openIndicators(f, jobs)
		if err != nil {
			return nil, nil, fmt.Errorf("load intel: %w", err)
		}
		files = append(files, x)
		data := x.data
		trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
		list := len(trimmed) > 0 && trimmed[0] != '{' && trimmed[0] != '[' && isText(data, jobs)
		var unsupported int
		if list {
			// Cut the list into parts read and indexed on their own
			// goroutines, each into a Shard; joined in order they give
			// the Set a single pass would.
			parts := max(jobs, 1)
			loaders := make([]*listLoader, parts)
			for k := range loaders {
				// Presized for lines of about 16 bytes; segments grow
				// without copying if there are more.
				loaders[k] = &listLoader{shard: sweep.NewShardOver(len(data)/parts/16, data), text: data}
				loaders[k].ind.Source = filepath.Base(f)
			}
			uns, err := ioclist.ScanValues(ctx, data, f, parts, func(k int, v *ioclist.Value) {
				loaders[k].add(v)
			})
			total := 0
			for _, l := range loaders {
				b.AddShard(l.shard)
				total += l.added
			}
			if err != nil {
				return nil, nil, fmt.Errorf("load intel %s: %w", f, err)
			}
			unsupported = len(uns)
			if total == 0 && unsupported > 0 {
				list = false // let load report it as it reports any unusable file
			}
		}
		done := list
		if !list && len(trimmed) > 0 && trimmed[0] == '{' {
			uns, ok, err := streamBundle(ctx, b, x, jobs)
			if err != nil {
				return nil, nil, fmt.Errorf("load intel: %w", err) // it names the file
			}
			done, unsupported = ok, uns
		}
		if !done {
			c, _, err := load.Bytes(ctx, data, f, load.Options{})
			if err != nil {
				return nil, nil, err
			}
			for i := range c.Indicators {
				b.Add(&c.Indicators[i])
			}
			unsupported = len(c.Unsupported)
		}
		if unsupported > 0 {
			fmt.Fprintf(stderr, "%s: %d inputs could not be evaluated (see 'pactwatch intel import --unsupported')\n", f, unsupported)
		}
	}
	set := b.Set()
	return set, unchanged, unchanged()
}

// streamBundle adds the indicators of x, if it is a STIX bundle
// stix.StreamIndicators reads, to b, decoded on jobs goroutines each into
// a Shard; a mapped file is read through the file, not its pages, so a
// bundle of hundreds of megabytes is never resident at once. It
// returns the number of inputs unsupported; ok false means nothing was
// added: decode x with load.
func streamBundle(ctx context.Context, b *sweep.Builder, x *indicatorFile, jobs int) (unsupported int, ok bool, err error) {
	parts := max(jobs, 1)
	shards := make([]*streamShard, parts)
	for k := range shards {
		// Presized for bundles of about 320 bytes an indicator: the
		// arrays' pages are only touched as they fill.
		shards[k] = &streamShard{shard: sweep.NewShard(len(x.data) / 320 / parts)}
	}
	opts := stix.StreamOptions{Workers: parts}
	if x.f != nil { // mapped: read the indicators rather than fault the pages in again
		opts.ReaderAt = x.f
	}
	uns, ok, err := stix.StreamIndicators(ctx, x.data, x.name, opts,
		func(w int, ind *intel.Indicator) { shards[w].shard.Add(ind) })
	if err != nil || !ok {
		return 0, false, err
	}
	for _, sh := range shards {
		b.AddShard(sh.shard)
	}
	return len(uns), true, nil
}

// streamShard is a Shard allocated apart (see listLoader).
type streamShard struct {
	shard *sweep.Shard
	_     [64]byte
}

// isText reports whether data is UTF-8 without NUL bytes, checking parts
// of it (cut after a newline, so no character is split) on up to jobs
// goroutines.
func isText(data []byte, jobs int) bool {
	parts := max(1, min(jobs, len(data)>>20))
	ok := make([]bool, parts)
	var wg sync.WaitGroup
	start := 0
	for k := range parts {
		end := len(data)
		if k < parts-1 {
			end = max(len(data)*(k+1)/parts, start)
			if i := bytes.IndexByte(data[end:], '\n'); i >= 0 {
				end += i + 1
			} else {
				end = len(data)
			}
		}
		part := data[start:end]
		start = end
		wg.Go(func() { ok[k] = utf8.Valid(part) && bytes.IndexByte(part, 0) < 0 })
	}
	wg.Wait()
	return !slices.Contains(ok, false)
}

// listLoader adds the indicators of one part of an IOC list to a Shard.
// Each part has its own, allocated apart, so that goroutines do not write
// to one cache line.
type listLoader struct {
	shard *sweep.Shard
	text  []byte // the list, which the shard keeps values in
	ind   intel.Indicator
	added int
	_     [64]byte
}

func (l *listLoader) add(v *ioclist.Value) {
	l.ind.Type, l.ind.Value, l.ind.Name = v.Type, v.Value, v.Name
	var ok bool
	switch {
	case v.Run != nil:
		l.added += l.shard.AddRun(&l.ind, l.text, v.Run)
	case v.Canonical:
		ok = l.shard.AddCanonical(&l.ind)
	default:
		ok = l.shard.AddDerived(&l.ind)
	}
	if ok {
		l.added++
	}
}

// sweepChunk is what a sweep worker found in one chunk. Line numbers in
// recs and errs count from 1 within the chunk until the merge.
type sweepChunk struct {
	recs      []sweepRecord
	events    int64
	matches   int64
	malformed int64
	errs      []*telemetry.ParseError // the first few
}

// sweepWorker matches the events of the chunks one goroutine reads.
type sweepWorker struct {
	set      *sweep.Set
	validate bool // decode every line, not only those MayMatch lets through
	matches  []sweep.Match
	lf       *sweep.LineFilter
}

func (w *sweepWorker) data(c *chunk.Chunk) *sweepChunk {
	d, _ := c.Data.(*sweepChunk)
	if d == nil {
		d = &sweepChunk{}
		c.Data = d
	}
	return d
}

// Want decodes only lines that may hold an indicator's value (exact: a
// line it skips has no match), unless every line is to be validated.
func (w *sweepWorker) Want(line []byte) bool { return w.validate || w.set.MayMatch(line) }

// WantLines is Want for many lines at once (sweep.LineFilter).
func (w *sweepWorker) WantLines(lines [][]byte, want []bool) {
	if w.validate {
		for i := range want {
			want[i] = true
		}
		return
	}
	if w.lf == nil {
		w.lf = w.set.LineFilter()
	}
	w.lf.MayMatchLines(lines, want)
}

func (w *sweepWorker) Event(c *chunk.Chunk, ev *telemetry.Event) {
	d := w.data(c)
	d.events++
	w.matches = w.set.Match(ev, w.matches[:0])
	for _, m := range w.matches {
		ind := w.set.Indicator(m.Indicator)
		d.recs = append(d.recs, sweepRecord{File: c.File, Line: ev.Source.Line, Offset: ev.Source.Offset, Field: m.Field,
			Value: m.Value, Indicator: ind.Value, Type: string(ind.Type), IndicatorID: ind.ID, Time: ev.Time})
	}
	d.matches += int64(len(w.matches))
}

func (w *sweepWorker) Malformed(c *chunk.Chunk, pe *telemetry.ParseError) {
	d := w.data(c)
	d.malformed++
	if len(d.errs) < maxReportedErrors {
		d.errs = append(d.errs, pe)
	}
}

// sweepOptions are the sweep's settings from the command line.
type sweepOptions struct {
	jobs             int
	sorted, validate bool
	format           string
	chunk            int64
}

func (a *app) runSweep(ctx context.Context, set *sweep.Set, logs []string, o sweepOptions) error {
	sorted, validate := o.sorted, o.validate
	start := time.Now()
	out := bufio.NewWriterSize(a.stdout, 1<<16)
	var (
		all     []sweepRecord
		totals  sweepTotals
		errs    []error
		enc     = json.NewEncoder(out)
		emitErr error
		shown   = map[string]int{}
		bar     = a.sweepProgress(logs)
	)
	enc.SetEscapeHTML(false) // URLs keep their & and <stdin> its brackets
	opt := chunk.Options{Jobs: o.jobs, Format: o.format, Size: o.chunk}
	err := chunk.Run(ctx, logs, opt, func() chunk.Worker { return &sweepWorker{set: set, validate: validate} }, func(c *chunk.Chunk) error {
		if c.Err != nil {
			errs = append(errs, c.Err)
		}
		totals.bytes += c.Bytes
		totals.lines += c.Lines
		totals.skipped += c.Skipped
		if c.Tail > 0 {
			totals.lines++ // the sweep read an unfinished last line too
		}
		if bar != nil && !c.Sequential {
			_ = bar.Add64(c.Bytes)
		}
		d, _ := c.Data.(*sweepChunk)
		if d == nil {
			return nil
		}
		totals.events += d.events
		totals.matches += d.matches
		totals.malformed += d.malformed
		for _, pe := range d.errs {
			if shown[c.File] < maxReportedErrors {
				pe.Line += c.LineBase
				fmt.Fprintln(a.stderr, pe)
				shown[c.File]++
			}
		}
		for i := range d.recs {
			d.recs[i].Line += c.LineBase
		}
		if sorted {
			all = append(all, d.recs...)
			return nil
		}
		for i := range d.recs {
			if err := enc.Encode(&d.recs[i]); err != nil {
				emitErr = err
				return err
			}
		}
		return nil
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil && emitErr == nil {
		errs = append(errs, err)
	}
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
	skipped := ""
	if totals.skipped > 0 {
		skipped = fmt.Sprintf(" (and %d lines without any indicator's value, not parsed: --validate parses them)", totals.skipped)
	}
	fmt.Fprintf(a.stderr, "swept %d bytes, %d lines, %d events%s: %d matches, %d malformed lines in %.2fs (%.1f MB/s)\n",
		totals.bytes, totals.lines, totals.events, skipped, totals.matches, totals.malformed, secs, float64(totals.bytes)/1e6/max(secs, 1e-9))
	if emitErr != nil {
		errs = append(errs, fmt.Errorf("write output: %w", emitErr))
	}
	return errors.Join(errs...)
}

// sweepProgress returns a progress bar over the logs' total size when
// stderr is a terminal and there is enough to read for it to matter.
func (a *app) sweepProgress(logs []string) *progressbar.ProgressBar {
	f, ok := a.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var total int64
	for _, l := range logs {
		if fi, err := os.Stat(l); l != "-" && err == nil && fi.Mode().IsRegular() {
			total += fi.Size()
		}
	}
	if total < 64<<20 {
		return nil
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("sweep"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

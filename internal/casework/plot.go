package casework

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/pactwatch/pactwatch/internal/pact"
)

// Marker is a date marked on a plot with a dashed vertical line and a label
// (an agreement's effective date, a dialogue meeting).
type Marker struct {
	Date  time.Time
	Label string
}

// AgreementMarkers returns a marker at each agreement's effective date,
// labelled with its id.
func AgreementMarkers(as ...pact.Agreement) []Marker {
	out := make([]Marker, len(as))
	for i, a := range as {
		out[i] = Marker{Date: a.Effective, Label: a.ID}
	}
	return out
}

// PlotOptions size and title a plot; the zero value gives a 720×360-point
// plot with the default title.
type PlotOptions struct {
	Title         string
	Width, Height float64 // in points (1/72 inch)
}

func (o PlotOptions) size() (vg.Length, vg.Length) {
	w, h := o.Width, o.Height
	if w <= 0 {
		w = 720
	}
	if h <= 0 {
		h = 360
	}
	return vg.Length(w), vg.Length(h)
}

// WeeklyPlot draws weekly intrusion counts, one line per series (typically
// one per actor, from pact.Rates' Weekly), each week plotted at its start,
// with the markers as dashed vertical lines labelled at the top (the time
// axis widened to show them all). It returns the plot as SVG.
func WeeklyPlot(series []pact.Series, markers []Marker, opt PlotOptions) ([]byte, error) {
	p := plot.New()
	p.Title.Text = opt.Title
	if p.Title.Text == "" {
		p.Title.Text = "Intrusions per week"
	}
	p.X.Label.Text = "week starting"
	p.Y.Label.Text = "intrusions"
	p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01-02"}
	p.Legend.Top = true
	p.Y.Min = 0

	ymax := 1.0
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, s := range series {
		xys := make(plotter.XYs, len(s.Counts))
		for j, c := range s.Counts {
			xys[j] = plotter.XY{X: unix(s.Week(j)), Y: float64(c)}
			ymax = math.Max(ymax, float64(c))
		}
		if len(xys) > 0 {
			xmin, xmax = math.Min(xmin, xys[0].X), math.Max(xmax, xys[len(xys)-1].X)
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("weekly plot: series %q: %w", s.Name, err)
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.Name, l)
	}
	if err := addMarkers(p, markers, ymax); err != nil {
		return nil, fmt.Errorf("weekly plot: %w", err)
	}
	if !math.IsInf(xmin, 0) {
		for _, m := range markers {
			xmin, xmax = math.Min(xmin, unix(m.Date)), math.Max(xmax, unix(m.Date))
		}
		p.X.Min, p.X.Max = xmin, xmax
	}
	return render(p, opt)
}

// addMarkers draws each marker as a dashed vertical line from 0 to just
// above ymax, its label staggered above the line so neighbours do not
// overwrite each other.
func addMarkers(p *plot.Plot, markers []Marker, ymax float64) error {
	if len(markers) == 0 {
		return nil
	}
	top := ymax * 1.08
	labels := plotter.XYLabels{}
	for i, m := range markers {
		x := unix(m.Date)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: top}})
		if err != nil {
			return fmt.Errorf("marker %q: %w", m.Label, err)
		}
		l.Color = color.Gray{Y: 80}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		text := m.Label + " " + m.Date.UTC().Format(pact.DateLayout)
		labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: top * (1 + 0.06*float64(i%3))})
		labels.Labels = append(labels.Labels, text)
	}
	ls, err := plotter.NewLabels(labels)
	if err != nil {
		return fmt.Errorf("marker labels: %w", err)
	}
	p.Add(ls)
	p.Y.Max = top * 1.25
	return nil
}

// CasesByState samples cases at from, from+step, ... up to and including
// to, and counts how many are in each state at each sample (Case.StateAt;
// cases not yet opened count nowhere). A step of zero means one week.
func CasesByState(cases []Case, from, to time.Time, step time.Duration) ([]time.Time, map[State][]int) {
	if step <= 0 {
		step = 7 * 24 * time.Hour
	}
	var at []time.Time
	for t := from; !t.After(to); t = t.Add(step) {
		at = append(at, t)
	}
	counts := map[State][]int{}
	for _, s := range States {
		counts[s] = make([]int, len(at))
	}
	for i, t := range at {
		for _, c := range cases {
			if s := c.StateAt(t); s != "" {
				counts[s][i]++
			}
		}
	}
	return at, counts
}

// CasesPlot draws the number of cases in each state over time, sampled as
// CasesByState samples them, one line per state that any case reaches
// (legend in workflow order), with the markers between from and to drawn
// as on WeeklyPlot. It returns the plot as SVG.
func CasesPlot(cases []Case, from, to time.Time, step time.Duration, markers []Marker, opt PlotOptions) ([]byte, error) {
	at, counts := CasesByState(cases, from, to, step)
	p := plot.New()
	p.Title.Text = opt.Title
	if p.Title.Text == "" {
		p.Title.Text = "Cases by state"
	}
	p.X.Label.Text = "date"
	p.Y.Label.Text = "cases"
	p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01-02"}
	p.Legend.Top = true
	p.Y.Min = 0
	ymax := 1.0
	for i, s := range States {
		used := false
		xys := make(plotter.XYs, len(at))
		for j, t := range at {
			xys[j] = plotter.XY{X: unix(t), Y: float64(counts[s][j])}
			used = used || counts[s][j] > 0
			ymax = math.Max(ymax, float64(counts[s][j]))
		}
		if !used {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("cases plot: state %s: %w", s, err)
		}
		l.StepStyle = plotter.PostStep
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(string(s), l)
	}
	var inside []Marker
	for _, m := range markers {
		if !m.Date.Before(from) && !m.Date.After(to) {
			inside = append(inside, m)
		}
	}
	if err := addMarkers(p, inside, ymax); err != nil {
		return nil, fmt.Errorf("cases plot: %w", err)
	}
	if len(at) > 0 {
		p.X.Min, p.X.Max = unix(at[0]), unix(at[len(at)-1])
	}
	return render(p, opt)
}

func render(p *plot.Plot, opt PlotOptions) ([]byte, error) {
	w, h := opt.size()
	wt, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return nil, fmt.Errorf("render svg: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render svg: %w", err)
	}
	return buf.Bytes(), nil
}

func unix(t time.Time) float64 { return float64(t.Unix()) }

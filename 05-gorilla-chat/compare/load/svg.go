package load

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"time"
)

// The colours of the techniques, the same as the /compare page's.
var colors = map[string]string{
	"short":  "#d9480f",
	"long":   "#1971c2",
	"stream": "#9c36b5",
	"ws":     "#2b8a3e",
}

// WriteSVG draws the results as three bar charts side by side (requests,
// overhead per delivered message, delivery delay), each on a logarithmic
// scale: the techniques differ by orders of magnitude, and a linear scale
// would show WebSocket as no bar at all. title goes above.
func WriteSVG(w io.Writer, rep Report, title string) error {
	const (
		width     = 1100
		labelW    = 130 // technique names
		panelW    = 320
		top       = 70 // first bar
		barH, gap = 26, 18
	)
	height := top + len(rep.Results)*(barH+gap) + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="13">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="10" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", html.EscapeString(title))
	for i, r := range rep.Results {
		y := top + i*(barH+gap)
		fmt.Fprintf(&b, `<text x="10" y="%d" fill="%s" font-weight="bold">%s</text>`+"\n", y+barH/2+5, colors[r.Technique], html.EscapeString(r.Label))
	}
	panels := []struct {
		title string
		value func(Result) float64
		p99   func(Result) float64 // a second, lighter bar behind; nil for none
		text  func(Result) string
	}{
		{"HTTP requests", func(r Result) float64 { return float64(r.Requests) }, nil,
			func(r Result) string { return fmt.Sprint(r.Requests) }},
		{"overhead per delivered message (set-up apart)", func(r Result) float64 { return r.OverheadPerMessage }, nil,
			func(r Result) string { return FormatOverhead(r.OverheadPerMessage) + " B" }},
		{"delivery delay: median (dark), p99 (light)", func(r Result) float64 { return r.P50Millis }, func(r Result) float64 { return r.P99Millis },
			func(r Result) string { return FormatDelay(r.DelayP50) + " / " + FormatDelay(r.DelayP99) }},
	}
	for p, panel := range panels {
		x0 := labelW + p*panelW
		barW := float64(panelW - 115) // room for the figure after the bar
		var values []float64
		for _, r := range rep.Results {
			values = append(values, panel.value(r))
			if panel.p99 != nil {
				values = append(values, panel.p99(r))
			}
		}
		lo, hi := decades(values)
		scale := func(v float64) float64 {
			if v <= 0 {
				return 0
			}
			return math.Max(2, (math.Log10(v)-lo)/(hi-lo)*barW)
		}
		fmt.Fprintf(&b, `<text x="%d" y="50" font-weight="bold">%s</text>`+"\n", x0, html.EscapeString(panel.title))
		// One faint line per power of ten, labelled at the bottom.
		bottom := top + len(rep.Results)*(barH+gap) - gap + 6
		for e := lo; e <= hi; e++ {
			x := float64(x0) + (e-lo)/(hi-lo)*barW
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x, top-6, x, bottom)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="#888" font-size="11" text-anchor="middle">%s</text>`+"\n", x, bottom+14, decadeLabel(e, p == 2))
		}
		for i, r := range rep.Results {
			y := top + i*(barH+gap)
			color := colors[r.Technique]
			end := scale(panel.value(r))
			if panel.p99 != nil {
				p99 := scale(panel.p99(r))
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" opacity="0.35"/>`+"\n", x0, y, p99, barH, color)
				end = math.Max(end, p99)
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", x0, y+4, scale(panel.value(r)), barH-8, color)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", float64(x0)+end+4, y+barH/2+5, html.EscapeString(panel.text(r)))
		}
	}
	fmt.Fprintf(&b, `<text x="10" y="%d" fill="#888" font-size="11">logarithmic scales: each grid line is ten times the one before</text>`+"\n", height-8)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// decades returns the powers of ten (as exponents) that enclose the
// positive values, at least one decade apart, with the smallest value at
// least a third of a decade in, so that its bar shows.
func decades(values []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v > 0 {
			lo = math.Min(lo, math.Floor(math.Log10(v/3)))
			hi = math.Max(hi, math.Ceil(math.Log10(v)))
		}
	}
	if math.IsInf(lo, 0) {
		return 0, 1
	}
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

// decadeLabel writes 10^e as a number, or as a duration when the values
// are milliseconds.
func decadeLabel(e float64, millis bool) string {
	v := math.Pow(10, e)
	if millis {
		return time.Duration(v * float64(time.Millisecond)).String()
	}
	if v < 1 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%.0f", v)
}

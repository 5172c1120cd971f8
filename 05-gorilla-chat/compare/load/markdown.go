package load

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// The READMEs quote the figures files as Markdown tables written by the
// functions below, and a test (readme_test.go) writes them again from the
// files and compares: a table cannot drift from the measurement it quotes.

// WriteMarkdown writes results as the compare README's table: one row per
// technique.
func WriteMarkdown(w io.Writer, results []Result) error {
	var b strings.Builder
	b.WriteString("| technique | requests | empty | bytes/message | set-up bytes | overhead/message | delivered/expected | median delay | p99 delay | server CPU |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f s |\n",
			r.Label, thousands(r.Requests), thousands(r.Empty), bytesEach(r.BytesPerMessage), thousands(r.SetupBytes),
			bytesEach(r.OverheadPerMessage), ratio(r), tableDelay(r.P50Millis), tableDelay(r.P99Millis), r.CPUSeconds)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSummary writes the short table of the top README and the opening
// deck's figures: what a message costs and how late it comes.
func WriteSummary(w io.Writer, results []Result) error {
	var b strings.Builder
	b.WriteString("| technique | requests | bytes/message | overhead/message | median delay |\n")
	b.WriteString("|---|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s | %s B | %s B | %s |\n",
			r.Label, thousands(r.Requests), bytesEach(r.BytesPerMessage), bytesEach(r.OverheadPerMessage), tableDelay(r.P50Millis))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tableDelay is FormatDelay with a space before the unit, as prose writes
// it: 493 ms, 1.4 ms, 2.49 s.
func tableDelay(ms float64) string {
	s := FormatDelay(time.Duration(ms * float64(time.Millisecond)))
	for _, unit := range []string{"ms", "µs", "s"} {
		if num, ok := strings.CutSuffix(s, unit); ok {
			if _, err := strconv.ParseFloat(num, 64); err == nil {
				return num + " " + unit
			}
		}
	}
	return s
}

// bytesEach writes bytes per message: one decimal below 10 (a WebSocket
// frame header is 2 bytes, and its pings add a fraction), whole bytes with
// commas from there: 2.3, 15, 1,252.
func bytesEach(b float64) string {
	if b < 10 {
		return fmt.Sprintf("%.1f", b)
	}
	return thousands(int64(math.Round(b)))
}

// thousands writes n with commas between groups of three digits: 3,102.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

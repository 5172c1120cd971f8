package load

import (
	"fmt"
	"strings"
)

// Quote is one figure of a run as the texts write it in prose, so a
// sentence can quote a figures file the way a table does (the course's
// texts mark such a sentence; slides/measured.go checks it). technique is
// a Result's Technique (short, long, stream, ws); field is one of
// QuoteFields.
func Quote(results []Result, technique, field string) (string, error) {
	for _, r := range results {
		if r.Technique != technique {
			continue
		}
		switch field {
		case "requests":
			return thousands(r.Requests), nil
		case "empty":
			return thousands(r.Empty), nil
		case "bytes":
			return bytesEach(r.BytesPerMessage) + " B", nil
		case "overhead":
			return bytesEach(r.OverheadPerMessage) + " B", nil
		case "median":
			return tableDelay(r.P50Millis), nil
		case "p99":
			return tableDelay(r.P99Millis), nil
		case "cpu":
			return fmt.Sprintf("%.2f s", r.CPUSeconds), nil
		case "delivered":
			return thousands(r.Delivered), nil
		}
		return "", fmt.Errorf("no field %q: the fields are %s", field, strings.Join(QuoteFields, ", "))
	}
	return "", fmt.Errorf("no technique %q in the results", technique)
}

// QuoteFields are the fields Quote knows.
var QuoteFields = []string{"requests", "empty", "bytes", "overhead", "median", "p99", "cpu", "delivered"}

//go:build !unix

package compare

// cpuSeconds is not measured where getrusage does not exist (Windows): the
// demo still runs, and the command shows 0 CPU seconds.
func cpuSeconds() float64 { return 0 }

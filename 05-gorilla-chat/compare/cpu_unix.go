//go:build unix

package compare

import "syscall"

// cpuSeconds is the user and system CPU time this process has used. The
// command reads it before and after each technique's run to attribute the
// difference to that technique.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 {
		return float64(t.Sec) + float64(t.Usec)/1e6
	}
	return tv(ru.Utime) + tv(ru.Stime)
}

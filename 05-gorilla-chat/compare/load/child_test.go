package load

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"
)

// TestMain lets the test binary play the command's child server: StartChild
// runs this same executable with -serve-child, as the command runs itself.
func TestMain(m *testing.M) {
	if slices.Contains(os.Args[1:], "-serve-child") {
		if err := ServeChild(os.Stdin, os.Stdout); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestChildServer runs the server the way the command does by default, in
// a process of its own, measures one technique on it, and stops it: the
// child must deliver everything, count what its clients counted, and exit
// when its standard input closes.
func TestChildServer(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	url, stop, err := StartChild(ctx, "-serve-child")
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = stop()
		}
	}()
	rep, err := Run(ctx, Config{
		URL: url, Clients: 2, Rate: 20, Duration: 250 * time.Millisecond,
		Interval: 100 * time.Millisecond, Wait: 10 * time.Second,
		Techniques: []string{"ws"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Results[0]
	if r.Delivered != r.Expected || r.Expected == 0 || !r.Agree() {
		t.Errorf("child server: delivered %d/%d, counters agree %v", r.Delivered, r.Expected, r.Agree())
	}
	stopped = true
	if err := stop(); err != nil {
		t.Errorf("stopping the child: %v", err)
	}
}

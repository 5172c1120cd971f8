// Command figures lists every measured figure of the course with the day it
// was measured and the day its code last changed, says which figures are
// older than the code they describe, and measures again the quick ones
// (those whose command takes under a minute), printing the fresh output
// beside the values the texts quote, so a reader can see whether they still
// hold. It is `make figures`; `-list` only lists.
//
//	go run ./slides/cmd/figures          # list, then measure the quick ones again
//	go run ./slides/cmd/figures -list    # list only
//
// A figure that changed is changed in its data file, and the tests
// (TestMeasuredFiguresAreQuoted, TestQuotedFiguresAreTheFigures) then name
// every README and deck that still quotes the old value.
package main

import (
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
)

func main() {
	list := flag.Bool("list", false, "list the figures and their state; measure nothing")
	root := flag.String("root", ".", "the repository's root")
	flag.Parse()
	figures, err := collect(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "figures:", err)
		os.Exit(1)
	}
	older := report(os.Stdout, figures)
	if older > 0 {
		fmt.Printf("\n%d of %d figures are older than the code they describe: measure them again with their command.\n", older, len(figures))
	} else {
		fmt.Printf("\nall %d figures are newer than the code they describe.\n", len(figures))
	}
	if *list {
		return
	}
	if err := remeasure(os.Stdout, *root, figures); err != nil {
		fmt.Fprintln(os.Stderr, "figures:", err)
		os.Exit(1)
	}
}

// report prints one line per figure and returns how many are older than
// their code.
func report(w *os.File, figures []figure) (older int) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tFIGURE\tVALUE\tMEASURED\tCODE CHANGED\tSTATE")
	for _, f := range figures {
		state := "current"
		if f.olderThanCode() {
			state = "older than its code"
			older++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.file, f.name, f.value,
			f.measured.Format("2006-01-02 15:04"), f.codeChanged.Format("2006-01-02 15:04"), state)
	}
	tw.Flush()
	return older
}

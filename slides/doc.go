// Package slides holds the course's decks (the .slide files beside this one,
// in the format of golang.org/x/tools/present) and the checks that keep them,
// and the READMEs, honest:
//
//   - CheckDeck parses a deck as the present tool does and reports every
//     .code, .play or .html reference whose file is missing or whose address
//     (a /regexp/ or a line range) matches nothing, and every .image whose
//     file is missing. Code on the slides is quoted from the chapters, never
//     pasted, so a renamed function breaks a test instead of a lecture.
//
//   - CheckReadme reads a README and reports every command in it that would
//     not work: a `-run TestX` naming a test that does not exist, a `make`
//     target the Makefile does not have, a `go run` of something that is not
//     a main package. CheckDeckCommands does the same for the commands a
//     deck shows, and CheckSections checks that a chapter README has the
//     course's sections in the course's order.
//
//   - CheckMeasured checks the measured figures a README or a deck quotes:
//     each figure is written once, in a data file beside its chapter
//     (measured.json, or a figures file of chapter 05's compare command), and
//     a quote names the file and the figures, so a new measurement fails
//     every copy that still says the old value. cmd/figures (make figures)
//     says which figures are older than the code they describe.
//
// The diagrams beside the decks are SVG drawn by hand, but the bytes they
// show are not: the tests of figures_test.go rebuild them with chapters 03
// and 04's code (the accept key, the frames, a frame Chromium sent, captured
// by chapter 04's -trace into trace-echo.txt).
//
// serve.sh (make slides) serves the decks on loopback with the present tool.
package slides

import "fmt"

// Problem is one broken reference: where it is, what it says, what is wrong.
type Problem struct {
	File string // the deck or README, as given to the check
	Line int    // 1-based line in File
	Ref  string // the directive or command, as written
	Msg  string // what is wrong with it
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Ref, p.Msg)
}

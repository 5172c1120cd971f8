package slides

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/tools/present"
)

// MaxCodeLines is how many lines of code fit on one slide under its title:
// present draws a 900x700 slide with 18px code on 24px lines, and hides
// what overflows. A quote, or the quotes of one slide together, longer than
// that would be cut off in front of the class. A quote far longer usually
// means the address went wrong: present wraps a /regexp/ search around to
// the top of the file when nothing matches below, and the slide silently
// shows the wrong span.
const MaxCodeLines = 24

// CheckDeck parses the deck at path with present, as the present tool does
// when it renders it, and returns every broken reference: a .code, .play or
// .html file that is missing, an address (a /regexp/ or a line range) that
// matches nothing or wraps around, a quote too long for a slide, an .image
// whose file is missing, and whatever else keeps present from parsing the
// deck. Files named in the deck are read relative to the deck's directory.
// The error is for a deck that cannot be read at all.
func CheckDeck(path string) ([]Problem, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dir, name := filepath.Dir(path), filepath.Base(path)
	ctx := &present.Context{ReadFile: func(file string) ([]byte, error) {
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		return os.ReadFile(file)
	}}

	// Each reference on its own first, so that one broken reference does
	// not hide the next (present stops at the first error).
	var problems []Problem
	for i, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, ".") {
			continue
		}
		fields := strings.Fields(line)
		switch fields[0] {
		case ".code", ".play", ".html":
			problems = append(problems, checkQuote(ctx, name, i+1, line)...)
		case ".image", ".background":
			if p, ok := checkImage(dir, name, i+1, line, fields); !ok {
				problems = append(problems, p)
			}
		}
	}

	// Then the whole deck, as the present tool will parse it.
	doc, err := ctx.Parse(strings.NewReader(string(src)), name, 0)
	switch {
	case err != nil && len(problems) == 0:
		problems = append(problems, Problem{File: name, Line: errorLine(name, err), Ref: "deck", Msg: trimPosition(name, err)})
	case err == nil && doc.Title == "":
		problems = append(problems, Problem{File: name, Line: 1, Ref: "deck", Msg: "no title line"})
	case err == nil && len(doc.Sections) == 0:
		problems = append(problems, Problem{File: name, Line: 1, Ref: "deck", Msg: "no slides"})
	case err == nil:
		problems = append(problems, crowded(name, string(src), doc)...)
	}
	return problems, nil
}

// crowded reports every slide whose quotes add up to more lines than fit
// (each quote alone has been checked already).
func crowded(name, src string, doc *present.Doc) []Problem {
	var problems []Problem
	for _, s := range doc.Sections {
		total, quotes := 0, 0
		for _, e := range s.Elem {
			if code, ok := e.(present.Code); ok {
				total += strings.Count(string(code.Raw), "\n")
				quotes++
			}
		}
		if quotes > 1 && total > MaxCodeLines {
			problems = append(problems, Problem{File: name, Line: slideLine(src, s.Title), Ref: "* " + s.Title,
				Msg: fmt.Sprintf("the slide quotes %d lines of code, more than fit on it (%d)", total, MaxCodeLines)})
		}
	}
	return problems
}

// slideLine returns the line of the first slide titled title, 0 if none.
func slideLine(src, title string) int {
	for i, line := range strings.Split(src, "\n") {
		if strings.TrimSpace(strings.TrimPrefix(line, "*")) == title && strings.HasPrefix(line, "* ") {
			return i + 1
		}
	}
	return 0
}

// checkQuote parses one .code/.play/.html line alone, in a one-slide deck, so
// that present resolves its file and address exactly as it will in the talk.
func checkQuote(ctx *present.Context, name string, line int, text string) []Problem {
	problem := func(format string, args ...any) []Problem {
		return []Problem{{File: name, Line: line, Ref: text, Msg: fmt.Sprintf(format, args...)}}
	}
	doc, err := ctx.Parse(strings.NewReader("Reference\n\n* Reference\n\n"+text+"\n"), name, 0)
	if err != nil {
		return problem("%s", trimPosition(name, err))
	}
	if len(doc.Sections) != 1 || len(doc.Sections[0].Elem) != 1 {
		return problem("present did not read it as one element")
	}
	code, ok := doc.Sections[0].Elem[0].(present.Code)
	if !ok {
		return nil // .html: reading the file was the check
	}
	n := strings.Count(string(code.Raw), "\n")
	switch {
	case n == 0:
		return problem("the address selects no lines")
	case n > MaxCodeLines:
		return problem("the address selects %d lines, more than fit on a slide (%d)", n, MaxCodeLines)
	}
	file, addr := quoteArgs(text)
	data, err := ctx.ReadFile(file)
	if err != nil {
		return problem("%v", err)
	}
	if msg := wraps(data, addr); msg != "" {
		return problem("%s", msg)
	}
	return nil
}

var (
	quoteFlag = regexp.MustCompile(`^-(edit|numbers)$`)
	highlight = regexp.MustCompile(`\s+HL[a-zA-Z0-9_]*$`)
)

// quoteArgs splits `.code [-numbers] [-edit] file [address] [HLxxx]`.
func quoteArgs(text string) (file, addr string) {
	text = highlight.ReplaceAllString(strings.TrimSpace(text), "")
	fields := strings.Fields(text)[1:]
	for len(fields) > 0 && quoteFlag.MatchString(fields[0]) {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return "", ""
	}
	rest := strings.TrimSpace(text[strings.Index(text, fields[0])+len(fields[0]):])
	return fields[0], rest
}

// wraps reports, for an address of the form /start/,/end/, an end that has no
// match after the start: present then wraps the search around to the top of
// the file and quotes a span that was never meant.
func wraps(data []byte, addr string) string {
	start, rest, ok := cutRegexp(addr)
	if !ok || !strings.HasPrefix(rest, ",") {
		return ""
	}
	end, _, ok := cutRegexp(rest[1:])
	if !ok {
		return ""
	}
	re1, err1 := regexp.Compile("(?m:" + start + ")")
	re2, err2 := regexp.Compile("(?m:" + end + ")")
	if err1 != nil || err2 != nil {
		return "" // present has already said so
	}
	m := re1.FindIndex(data)
	if m == nil {
		return ""
	}
	if re2.Find(data[m[1]:]) == nil {
		return fmt.Sprintf("/%s/ has no match after /%s/: present would wrap around to the top of the file", end, start)
	}
	return ""
}

// cutRegexp takes a leading /regexp/ off addr, with present's escaping rules.
func cutRegexp(addr string) (re, rest string, ok bool) {
	if !strings.HasPrefix(addr, "/") {
		return "", addr, false
	}
	for i := 1; i < len(addr); i++ {
		switch addr[i] {
		case '\\':
			i++
		case '/':
			return addr[1:i], addr[i+1:], true
		}
	}
	return addr[1:], "", true
}

var scheme = regexp.MustCompile(`^[a-z][a-z0-9+.-]*:`)

// checkImage checks that an .image or .background file exists beside the deck.
func checkImage(dir, name string, line int, text string, fields []string) (Problem, bool) {
	if len(fields) < 2 {
		return Problem{File: name, Line: line, Ref: text, Msg: "no image file named"}, false
	}
	if scheme.MatchString(fields[1]) {
		return Problem{File: name, Line: line, Ref: text, Msg: "the decks work offline: images live under slides/, not at a URL"}, false
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(fields[1]))); err != nil {
		return Problem{File: name, Line: line, Ref: text, Msg: fmt.Sprintf("no such image: %v", err)}, false
	}
	return Problem{}, true
}

var position = regexp.MustCompile(`^(\S+?):(\d+):? ?`)

// errorLine finds the line number in present's "deck:line: message" errors.
func errorLine(name string, err error) int {
	m := position.FindStringSubmatch(err.Error())
	if m == nil || m[1] != name {
		return 0
	}
	var n int
	fmt.Sscan(m[2], &n)
	return n
}

// trimPosition drops present's "deck:line:" prefix: the Problem carries the
// position of the line in the real deck.
func trimPosition(name string, err error) string {
	m := position.FindStringSubmatchIndex(err.Error())
	if m == nil || err.Error()[m[2]:m[3]] != name {
		return err.Error()
	}
	return err.Error()[m[1]:]
}

// presentCode is an inline code span of present: a space-delimited word
// bracketed by back quotes, perhaps with punctuation around it, whose inner
// back quotes stand for spaces (`go`run`./01-polling` is "go run ./01-polling").
var presentCode = regexp.MustCompile("^[(\"']*`(.+)`[.,;:!?)\"']*$")

// CheckDeckCommands checks the shell commands a deck shows, as CheckReadme
// checks a README's: the preformatted (tab-indented) lines and the inline
// code spans of its text, read as run from the repository root. A test
// named on a slide must exist, a make target must be in the Makefile, a
// `go run` must be a main package with the flags used.
func CheckDeckCommands(root, path string) ([]Problem, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &readmeCheck{root: root, dir: root, name: filepath.Base(path)}
	if c.targets, err = makeTargets(filepath.Join(root, "Makefile")); err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(line, "\t"):
			c.snippet(snippet{i + 1, line})
		case strings.HasPrefix(line, "."), strings.HasPrefix(line, "#"):
		default:
			for _, word := range strings.Fields(line) {
				if m := presentCode.FindStringSubmatch(word); m != nil {
					c.snippet(snippet{i + 1, strings.ReplaceAll(m[1], "`", " ")})
				}
			}
		}
	}
	return c.problems, nil
}

package slides

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"example.com/wswalk/05-gorilla-chat/compare/load"
)

// A measured figure is written once, in a data file beside the chapter it
// describes, with the command that measured it, the day and the machine.
// Texts quote it: a README line or a deck comment names the file and the
// figures, and the paragraph, list item or table that follows must carry
// each figure's value as the file gives it:
//
//	<!-- measured: 04-framing/measured.json mask-64k echo-125B -->   (Markdown)
//	// measured: 04-framing/measured.json mask-64k                    (a deck)
//
// Two kinds of data file can be quoted: a chapter's measured.json (named
// figures, see Measured) and a figures file written by chapter 05's compare
// command (-json), whose figures are named technique.field, for example
// short.bytes or ws.overhead (load.Quote gives the fields). CheckMeasured
// reports every quote that no longer says what its file says, so a new
// measurement updates every copy or fails.

// Measured is a chapter's measured.json.
type Measured struct {
	Machine string   `json:"machine"` // where, for every figure of the file
	Figures []Figure `json:"figures"`
}

// Figure is one measured figure.
type Figure struct {
	Name     string   `json:"name"`     // what the texts quote it by
	Value    string   `json:"value"`    // as the texts write it: "22x", "0.95-0.99"
	What     string   `json:"what"`     // what was measured, in a sentence
	Command  string   `json:"command"`  // how to measure it again
	Date     string   `json:"measured"` // the day, 2006-01-02
	Code     []string `json:"code"`     // the files or folders it describes
	Quick    bool     `json:"quick"`    // measured again by `make figures` (under a minute)
	Comments string   `json:"comments,omitempty"`
}

// ReadMeasured reads and checks a measured.json: every figure has a name,
// a value, a command, a day and code that exists (paths from root).
func ReadMeasured(root, file string) (Measured, error) {
	var m Measured
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %v", file, err)
	}
	seen := map[string]bool{}
	for _, f := range m.Figures {
		switch {
		case f.Name == "" || f.Value == "" || f.Command == "" || f.What == "":
			return m, fmt.Errorf("%s: figure %q needs a name, a value, what it is and its command", file, f.Name)
		case seen[f.Name]:
			return m, fmt.Errorf("%s: figure %q twice", file, f.Name)
		case len(f.Code) == 0:
			return m, fmt.Errorf("%s: figure %q names no code it describes", file, f.Name)
		}
		if _, err := time.Parse(time.DateOnly, f.Date); err != nil {
			return m, fmt.Errorf("%s: figure %q: measured %q is not a day (2006-01-02)", file, f.Name, f.Date)
		}
		for _, c := range f.Code {
			if _, err := os.Stat(filepath.Join(root, c)); err != nil {
				return m, fmt.Errorf("%s: figure %q describes %s, which does not exist", file, f.Name, c)
			}
		}
		seen[f.Name] = true
	}
	return m, nil
}

// quotedValue is what file says figure name is.
func quotedValue(root, file, name string) (string, error) {
	if filepath.Base(file) == "measured.json" {
		m, err := ReadMeasured(root, file)
		if err != nil {
			return "", err
		}
		for _, f := range m.Figures {
			if f.Name == name {
				return f.Value, nil
			}
		}
		return "", fmt.Errorf("%s has no figure %q", file, name)
	}
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		return "", err
	}
	var o load.Output
	if err := json.Unmarshal(b, &o); err != nil {
		return "", fmt.Errorf("%s: %v", file, err)
	}
	technique, field, ok := strings.Cut(name, ".")
	if !ok {
		return "", fmt.Errorf("%s: name a figure as technique.field (short.bytes), not %q", file, name)
	}
	return load.Quote(o.Results, technique, field)
}

var measuredMark = regexp.MustCompile(`^(?:<!--|//) measured: (\S+)((?: [^ -][^ ]*)+?)(?: -->)?$`)

// CheckMeasured checks the quotes of one text (a README or a deck, path
// from root) and returns, besides the problems, every figure it quotes as
// "file name".
func CheckMeasured(root, text string) (problems []Problem, quoted []string, err error) {
	b, err := os.ReadFile(filepath.Join(root, text))
	if err != nil {
		return nil, nil, err
	}
	lines := strings.Split(string(b), "\n")
	for i, line := range lines {
		m := measuredMark.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		block := blockAfter(lines, i+1, strings.HasSuffix(text, ".slide"))
		for _, name := range strings.Fields(m[2]) {
			quoted = append(quoted, m[1]+" "+name)
			p := Problem{File: text, Line: i + 1, Ref: m[1] + " " + name}
			value, err := quotedValue(root, m[1], name)
			if err != nil {
				p.Msg = err.Error()
				problems = append(problems, p)
			} else if !strings.Contains(block, value) {
				p.Msg = fmt.Sprintf("the file says %q, the text that follows does not", value)
				problems = append(problems, p)
			}
		}
	}
	return problems, quoted, nil
}

// blockAfter is the text from line i to the next blank line, as a reader
// sees it: Markdown's **22x** and `22x` read 22x; in a deck present's
// *22*x* reads "22 x" (inside its marks a * or a ` stands for a space).
func blockAfter(lines []string, i int, deck bool) string {
	var b strings.Builder
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		b.WriteString(strings.TrimSpace(lines[i]))
		b.WriteByte('\n')
	}
	if deck {
		return presentMarks.ReplaceAllStringFunc(b.String(), func(s string) string {
			return strings.NewReplacer("*", " ", "`", " ").Replace(s[1 : len(s)-1])
		})
	}
	return strings.NewReplacer("**", "", "`", "").Replace(b.String())
}

// presentMarks are present's bold and code spans: *a*b* and `a`b`.
var presentMarks = regexp.MustCompile("\\*[^\\s*]+(?:\\*[^\\s*]+)*\\*|`[^\\s`]+(?:`[^\\s`]+)*`")

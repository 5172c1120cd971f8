package slides

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"example.com/wswalk/testkit/exercise"
)

// CheckReadme reads the README at path, inside the repository at root, and
// returns every command in its code (fenced blocks and `inline spans`) that
// would not work as written:
//
//   - `go test <pkgs> -run TestX` (also 'TestX|TestY', ^TestX$, TestX/sub),
//     and -bench and -fuzz likewise, naming a function that no _test.go file
//     of those packages defines as `func TestX(`;
//   - `go test` or `go run` of a directory that does not exist, `go run` of
//     a directory that is not a main package, or with a flag the program does
//     not define;
//   - `make target` for a target the Makefile has no rule for;
//   - a script (`slides/serve.sh`) that does not exist, a `cd` into nowhere.
//
// Commands are read as run from the repository root; a relative path that
// does not resolve there is tried from the README's own directory, as a
// student who has cd'd into the chapter would run it.
func CheckReadme(root, path string) ([]Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name, err := filepath.Rel(root, path)
	if err != nil {
		name = path
	}
	c := &readmeCheck{root: root, dir: filepath.Dir(path), name: filepath.ToSlash(name)}
	if c.targets, err = makeTargets(filepath.Join(root, "Makefile")); err != nil {
		return nil, err
	}
	snippets, err := codeSnippets(f)
	if err != nil {
		return nil, err
	}
	for _, s := range snippets {
		c.snippet(s)
	}
	return c.problems, nil
}

type readmeCheck struct {
	root, dir, name string
	targets         map[string]bool
	problems        []Problem
}

// snippet is one line of shell found in a README.
type snippet struct {
	line int
	text string
}

var inlineCode = regexp.MustCompile("`+([^`]+)`+")

// codeSnippets returns the lines of fenced code blocks (continuation lines
// joined) and the inline code spans of every other line.
func codeSnippets(f *os.File) ([]snippet, error) {
	var out []snippet
	sc := bufio.NewScanner(f)
	fenced, pending, start := false, "", 0
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
				out = append(out, snippet{n, m[1]})
			}
			continue
		}
		if pending == "" {
			start = n
		}
		if body, ok := strings.CutSuffix(line, `\`); ok {
			pending += body + " "
			continue
		}
		out = append(out, snippet{start, pending + line})
		pending = ""
	}
	return out, sc.Err()
}

func (c *readmeCheck) report(line int, ref, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: c.name, Line: line, Ref: ref, Msg: fmt.Sprintf(format, args...)})
}

// snippet checks every command of one line of shell, following cd.
func (c *readmeCheck) snippet(s snippet) {
	text := strings.TrimSpace(s.text)
	text = strings.TrimPrefix(text, "$ ")
	base := c.root
	for _, words := range splitCommands(text) {
		for len(words) > 0 && (strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") ||
			words[0] == "sudo" || words[0] == "time" || words[0] == "env") {
			words = words[1:]
		}
		if len(words) == 0 {
			continue
		}
		ref := strings.Join(words, " ")
		switch {
		case words[0] == "cd":
			if len(words) < 2 || filepath.IsAbs(words[1]) || strings.HasPrefix(words[1], "~") {
				return // somewhere outside the repository: nothing more to check here
			}
			next := filepath.Join(base, words[1])
			if words[1] == filepath.Base(c.root) || words[1] == "wswalk" {
				next = c.root // the clone itself
			}
			if !isDir(next) {
				c.report(s.line, ref, "no such directory")
				return
			}
			base = next
		case words[0] == "make":
			c.make(s.line, ref, words[1:])
		case words[0] == "go" && len(words) > 1 && words[1] == "test":
			c.goTest(s.line, ref, base, words[2:])
		case words[0] == "go" && len(words) > 1 && words[1] == "run":
			c.goRun(s.line, ref, base, words[2:])
		case strings.HasSuffix(words[0], ".sh") || strings.HasPrefix(words[0], "./"):
			if _, ok := c.resolve(base, words[0]); !ok {
				c.report(s.line, ref, "no such file")
			}
		}
	}
}

// resolve finds a relative path from base, else from the README's directory.
func (c *readmeCheck) resolve(base, rel string) (string, bool) {
	for _, dir := range []string{base, c.dir} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

func (c *readmeCheck) make(line int, ref string, args []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-C" || a == "-f" || a == "-j" || a == "-I":
			i++
		case strings.HasPrefix(a, "-") || strings.Contains(a, "="):
		case !c.targets[a]:
			c.report(line, ref, "the Makefile has no target %q", a)
		}
	}
}

// Flags of go test and go run that take a value (the rest are booleans).
var valueFlags = map[string]bool{
	"run": true, "bench": true, "benchtime": true, "count": true, "cpu": true,
	"fuzz": true, "fuzztime": true, "fuzzminimizetime": true, "list": true,
	"parallel": true, "skip": true, "timeout": true, "shuffle": true,
	"coverprofile": true, "cpuprofile": true, "memprofile": true,
	"blockprofile": true, "mutexprofile": true, "trace": true, "outputdir": true,
	"o": true, "exec": true, "tags": true, "covermode": true, "coverpkg": true,
	"p": true, "ldflags": true, "gcflags": true, "asmflags": true, "mod": true,
	"modfile": true, "overlay": true, "pgo": true, "C": true, "vet": true,
	"benchmem": false, "race": false, "v": false, "short": false,
}

// goFlags splits go test's own flags (name to value) from its packages.
func goFlags(args []string) (flags map[string]string, pkgs []string) {
	flags = map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			pkgs = append(pkgs, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		name = strings.TrimPrefix(name, "test.")
		if !hasValue && valueFlags[name] && i+1 < len(args) {
			i++
			value = args[i]
		}
		flags[name] = value
	}
	return flags, pkgs
}

func (c *readmeCheck) goTest(line int, ref, base string, args []string) {
	flags, pkgs := goFlags(args)
	if len(pkgs) == 0 {
		pkgs = []string{"."}
		if base == c.root {
			base = c.dir // `go test -run X` in a chapter's README: run in the chapter
		}
	}
	var dirs []string
	for _, pkg := range pkgs {
		dir, recursive, ok := c.packageDir(base, pkg)
		if !ok {
			c.report(line, ref, "no package directory %s", pkg)
			return
		}
		if recursive {
			dirs = append(dirs, treeDirs(dir)...)
		} else {
			dirs = append(dirs, dir)
		}
	}
	funcs, err := testFuncs(dirs)
	if err != nil {
		c.report(line, ref, "%v", err)
		return
	}
	for _, f := range []struct{ flag, prefix string }{{"run", "Test|Fuzz|Example"}, {"bench", "Benchmark"}, {"fuzz", "Fuzz"}} {
		pattern, ok := flags[f.flag]
		if !ok {
			continue
		}
		for _, msg := range checkPattern(pattern, f.prefix, funcs) {
			c.report(line, ref, "-%s: %s", f.flag, msg)
		}
	}
}

// packageDir maps a package pattern (./x/..., example.com/wswalk/x, work)
// to a directory, and says whether it covers the tree below it.
func (c *readmeCheck) packageDir(base, pkg string) (dir string, recursive, ok bool) {
	if pkg == "work" || pkg == "all" {
		return c.root, true, true
	}
	pkg, recursive = strings.CutSuffix(pkg, "/...")
	if pkg == "..." {
		pkg, recursive = ".", true
	}
	if rest, ok := strings.CutPrefix(pkg, "example.com/wswalk/"); ok {
		pkg = rest
		base = c.root
	} else if !strings.HasPrefix(pkg, ".") {
		return "", false, false // not a package of this repository
	}
	dir, ok = c.resolve(base, pkg)
	return dir, recursive, ok && isDir(dir)
}

func (c *readmeCheck) goRun(line int, ref, base string, args []string) {
	_, rest := goFlags(args)
	if len(rest) == 0 {
		return
	}
	pkg := rest[0]
	if strings.Contains(pkg, "@") {
		return // a published command (go run pkg@version), not ours
	}
	var dir string
	if strings.HasSuffix(pkg, ".go") {
		p, ok := c.resolve(base, pkg)
		if !ok {
			c.report(line, ref, "no such file %s", pkg)
			return
		}
		dir = filepath.Dir(p)
	} else {
		d, recursive, ok := c.packageDir(base, pkg)
		if !ok || recursive {
			c.report(line, ref, "no package directory %s", pkg)
			return
		}
		dir = d
	}
	if !isMain(dir) {
		c.report(line, ref, "%s is not a main package", pkg)
		return
	}
	// The program's own flags, after the package: each must be defined by
	// the program or by the packages of this repository that it imports.
	var literals string
	for _, file := range c.programFiles(dir) {
		b, err := os.ReadFile(file)
		if err == nil {
			literals += string(b)
		}
	}
	after := args[slices.Index(args, pkg)+1:]
	for _, a := range after {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		flag, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if flag == "h" || flag == "help" {
			continue
		}
		if !strings.Contains(literals, strconv.Quote(flag)) {
			c.report(line, ref, "%s defines no flag -%s", pkg, flag)
		}
	}
}

// programFiles lists the non-test Go files of the main package in dir and of
// every package of this repository it imports, directly or not.
func (c *readmeCheck) programFiles(dir string) []string {
	const module = "example.com/wswalk/"
	seen := map[string]bool{}
	var files []string
	var visit func(dir string)
	visit = func(dir string) {
		if seen[dir] {
			return
		}
		seen[dir] = true
		for _, file := range goFiles(dir) {
			files = append(files, file)
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
			if err != nil {
				continue
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if rest, ok := strings.CutPrefix(path, module); ok {
					visit(filepath.Join(c.root, filepath.FromSlash(rest)))
				}
			}
		}
	}
	visit(dir)
	return files
}

// goFiles lists the non-test .go files of dir.
func goFiles(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var files []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			files = append(files, filepath.Join(dir, n))
		}
	}
	return files
}

var packageMain = regexp.MustCompile(`(?m)^package main\b`)

func isMain(dir string) bool {
	for _, file := range goFiles(dir) {
		if b, err := os.ReadFile(file); err == nil && packageMain.Match(b) {
			return true
		}
	}
	return false
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// treeDirs lists dir and every directory below it that the go command would
// look at (not testdata, not hidden, not _private).
func treeDirs(dir string) []string {
	var dirs []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		n := d.Name()
		if p != dir && (n == "testdata" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
			return filepath.SkipDir
		}
		dirs = append(dirs, p)
		return nil
	})
	return dirs
}

var testFunc = regexp.MustCompile(`(?m)^func ((?:Test|Fuzz|Example|Benchmark)\w*)\(`)

// testFuncs lists the test, fuzz, example and benchmark functions defined in
// the _test.go files of dirs.
func testFuncs(dirs []string) ([]string, error) {
	var names []string
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				return nil, err
			}
			for _, m := range testFunc.FindAllStringSubmatch(string(b), -1) {
				names = append(names, m[1])
			}
		}
	}
	return names, nil
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkPattern checks a -run, -bench or -fuzz pattern against the functions
// defined: each alternative of its first level must name a function (a full
// name such as TestAppend must exist exactly; anything else, Mask or
// Test(Append|Since), is a regexp that must match one of the kind).
// An empty alternative ('^$', to run nothing) is deliberate and fine.
func checkPattern(pattern, kinds string, funcs []string) []string {
	first := splitTop(pattern, '/')[0]
	kind := regexp.MustCompile("^(" + kinds + ")")
	var msgs []string
	for _, alt := range splitTop(first, '|') {
		name := strings.TrimSuffix(strings.TrimPrefix(alt, "^"), "$")
		switch {
		case name == "":
		case identifier.MatchString(name) && kind.MatchString(name):
			if !slices.Contains(funcs, name) {
				msgs = append(msgs, fmt.Sprintf("no func %s( in the _test.go files", name))
			}
		default:
			re, err := regexp.Compile(alt)
			if err != nil {
				msgs = append(msgs, fmt.Sprintf("%q is not a valid regexp: %v", alt, err))
				continue
			}
			if !slices.ContainsFunc(funcs, func(f string) bool { return kind.MatchString(f) && re.MatchString(f) }) {
				msgs = append(msgs, fmt.Sprintf("%q matches no function in the _test.go files", alt))
			}
		}
	}
	return msgs
}

// splitTop splits s at sep where it is outside parentheses and brackets, as
// the go command splits -run patterns.
func splitTop(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case sep:
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

var makeRule = regexp.MustCompile(`^([A-Za-z0-9_.%/-]+(?:[ \t]+[A-Za-z0-9_.%/-]+)*)[ \t]*::?(?:[^=]|$)`)

// makeTargets lists the targets that have a rule in the Makefile (a .PHONY
// line alone does not make a target that does anything).
func makeTargets(path string) (map[string]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	targets := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		m := makeRule.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, t := range strings.Fields(m[1]) {
			if !strings.HasPrefix(t, ".") {
				targets[t] = true
			}
		}
	}
	return targets, nil
}

// splitCommands splits one line of shell into commands (at ;, &, &&, |, ||
// and parentheses) of words (quotes removed, redirections and comments
// dropped). It is the small part of the shell that README commands use.
func splitCommands(s string) [][]string {
	var (
		cmds     [][]string
		words    []string
		word     strings.Builder
		inWord   bool
		skipNext bool // the word after a redirection is a file, not an argument
	)
	endWord := func() {
		if inWord {
			if !skipNext {
				words = append(words, word.String())
			}
			skipNext = false
		}
		word.Reset()
		inWord = false
	}
	endCommand := func() {
		endWord()
		if len(words) > 0 {
			cmds = append(cmds, words)
		}
		words = nil
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\'' || ch == '"':
			j := strings.IndexByte(s[i+1:], ch)
			if j < 0 {
				j = len(s) - i - 1
			}
			word.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case ch == '\\' && i+1 < len(s):
			i++
			word.WriteByte(s[i])
			inWord = true
		case ch == ' ' || ch == '\t':
			endWord()
		case ch == '#' && !inWord:
			endCommand()
			return cmds
		case ch == '>' || ch == '<':
			if inWord && strings.Trim(word.String(), "0123456789") == "" {
				word.Reset() // the 2 of 2>
				inWord = false
			}
			endWord()
			for i+1 < len(s) && (s[i+1] == '>' || s[i+1] == '&') {
				i++
			}
			if s[i] == '&' { // >&2: a descriptor follows, not a file
				for i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
					i++
				}
				continue
			}
			skipNext = true
		case ch == ';' || ch == '&' || ch == '|' || ch == '(' || ch == ')':
			endCommand()
		default:
			word.WriteByte(ch)
			inWord = true
		}
	}
	endCommand()
	return cmds
}

// ChapterSections are the sections every chapter README has, in this order.
// Others (the bugs of the original tutorials, a demo) may come between them.
var ChapterSections = []string{
	"The problem",
	"How it works",
	"Run it",
	"On the wire",
	"Compared with the previous chapter",
	"Exercises",
	"Further reading",
}

// CheckSections reports every section of ChapterSections that the README at
// path lacks or has out of order, so that a student finds the same lesson
// in the same place in every chapter.
func CheckSections(root, path string) ([]Problem, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name, err := filepath.Rel(root, path)
	if err != nil {
		name = path
	}
	line := map[string]int{} // section title -> its line, first occurrence
	var order []string
	fenced := false
	for i, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
		}
		title, ok := strings.CutPrefix(l, "## ")
		if fenced || !ok {
			continue
		}
		title = strings.TrimSpace(title)
		if _, seen := line[title]; !seen {
			line[title] = i + 1
			order = append(order, title)
		}
	}
	var problems []Problem
	last, lastTitle := 0, ""
	for _, want := range ChapterSections {
		n, ok := line[want]
		switch {
		case !ok:
			problems = append(problems, Problem{File: filepath.ToSlash(name), Line: 0, Ref: "## " + want, Msg: "missing section"})
		case n < last:
			problems = append(problems, Problem{File: filepath.ToSlash(name), Line: n, Ref: "## " + want,
				Msg: fmt.Sprintf("comes before %q; the order is: %s", lastTitle, strings.Join(ChapterSections, ", "))})
		default:
			last, lastTitle = n, want
		}
	}
	return problems, nil
}

// CheckExerciseLabels reports every exercise of the "## Exercises" section
// that lacks its kind label, *(build)*, *(break)* or *(measure)*, right
// after its bold title (the list as exercise.ReadmeList reads it).
func CheckExerciseLabels(root, path string) ([]Problem, error) {
	list, err := readmeExercises(path)
	if err != nil {
		return nil, err
	}
	name, _ := filepath.Rel(root, path)
	var problems []Problem
	for _, e := range list {
		if e.Kind != "build" && e.Kind != "break" && e.Kind != "measure" {
			problems = append(problems, Problem{File: filepath.ToSlash(name), Line: e.Line, Ref: e.Item,
				Msg: "no kind label after the title: *(build)*, *(break)* or *(measure)*"})
		}
	}
	return problems, nil
}

// readmeExercises is the exercise list of the README at path.
func readmeExercises(path string) ([]exercise.ReadmeEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return exercise.ReadmeList(f)
}

var documentName = regexp.MustCompile(`\b[\w./-]*[A-Za-z0-9]\.md\b`)

// CheckDocumentNames reports every name of a .md document in the file at
// path that the repository does not hold: from the file's directory, from
// the root, or anywhere by its base name (a README that says "FINDINGS.md"
// of the chapter beside it).
func CheckDocumentNames(root, path string, have map[string]bool) ([]Problem, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name, _ := filepath.Rel(root, path)
	var problems []Problem
	for i, l := range strings.Split(string(b), "\n") {
		for _, doc := range documentName.FindAllString(l, -1) {
			rel, _ := filepath.Rel(root, filepath.Join(filepath.Dir(path), doc))
			if have[filepath.ToSlash(rel)] || have[strings.TrimPrefix(doc, "./")] || have["base:"+filepath.Base(doc)] {
				continue
			}
			problems = append(problems, Problem{File: filepath.ToSlash(name), Line: i + 1, Ref: doc, Msg: "names a document the repository does not hold"})
		}
	}
	return problems, nil
}

// How a README names another chapter's exercise: "05's exercise 11",
// "chapter 05's exercise 11", "exercise 11 of 05".
var (
	exerciseRefOwner = regexp.MustCompile(`\b(\d\d)'s exercise (\d+)`)
	exerciseRefOf    = regexp.MustCompile(`\bexercise (\d+) of (\d\d)\b`)
)

// CheckExerciseRefs reports every reference in the README at path to a
// chapter's exercise that the chapter's README does not have.
func CheckExerciseRefs(root, path string) ([]Problem, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name, _ := filepath.Rel(root, path)
	var problems []Problem
	for i, l := range strings.Split(string(b), "\n") {
		var refs [][2]string // chapter, number
		for _, m := range exerciseRefOwner.FindAllStringSubmatch(l, -1) {
			refs = append(refs, [2]string{m[1], m[2]})
		}
		for _, m := range exerciseRefOf.FindAllStringSubmatch(l, -1) {
			refs = append(refs, [2]string{m[2], m[1]})
		}
		for _, ref := range refs {
			if msg := exerciseExists(root, ref[0], ref[1]); msg != "" {
				problems = append(problems, Problem{File: filepath.ToSlash(name), Line: i + 1, Ref: ref[0] + "'s exercise " + ref[1], Msg: msg})
			}
		}
	}
	return problems, nil
}

// exerciseExists says what is wrong with "chapter's exercise n", or "".
func exerciseExists(root, chapter, n string) string {
	dirs, _ := filepath.Glob(filepath.Join(root, chapter+"-*"))
	if len(dirs) == 0 {
		return "no chapter " + chapter
	}
	list, err := readmeExercises(filepath.Join(dirs[0], "README.md"))
	if err != nil {
		return err.Error()
	}
	for _, e := range list {
		if strconv.Itoa(e.N) == n {
			return ""
		}
	}
	return "chapter " + chapter + "'s README has no exercise " + n
}

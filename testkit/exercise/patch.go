package exercise

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// FileChange is one file a patch touches, by its path from the repository
// root.
type FileChange struct {
	Path    string // the file after the patch (before it, for a deletion)
	From    string // the file before, when the patch renames it
	New     bool
	Deleted bool
}

// Touched lists the files of a git diff, from its "diff --git" headers.
func Touched(patch []byte) ([]FileChange, error) {
	var out []FileChange
	sc := bufio.NewScanner(bytes.NewReader(patch))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "diff --git "); ok {
			a, b, ok := strings.Cut(rest, " b/")
			if !ok || !strings.HasPrefix(a, "a/") {
				return nil, fmt.Errorf("cannot read %q (paths with spaces are not supported)", line)
			}
			out = append(out, FileChange{Path: b, From: strings.TrimPrefix(a, "a/")})
			continue
		}
		if len(out) == 0 {
			continue
		}
		last := &out[len(out)-1]
		switch {
		case strings.HasPrefix(line, "new file mode"):
			last.New = true
		case strings.HasPrefix(line, "deleted file mode"):
			last.Deleted = true
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no file in the patch (is it git diff output?)")
	}
	return out, sc.Err()
}

// Overlay is a patch applied beside the working tree: the patched files in
// a temporary directory, and the file that tells go test (-overlay) to read
// them instead of the repository's.
type Overlay struct {
	Dir     string   // temporary directory; Close removes it
	File    string   // the -overlay JSON
	Changed []string // paths from the root the patch touches
}

// Apply applies the patch at patchPath to copies of the files it touches,
// with git apply in a temporary directory: the working tree is not touched,
// and go test, reading the overlay, rebuilds only the packages changed.
func Apply(root, patchPath string) (*Overlay, error) {
	patch, err := os.ReadFile(patchPath)
	if err != nil {
		return nil, err
	}
	changes, err := Touched(patch)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", patchPath, err)
	}
	dir, err := os.MkdirTemp("", "exercise-")
	if err != nil {
		return nil, err
	}
	o := &Overlay{Dir: dir}
	if err := o.apply(root, patch, changes); err != nil {
		o.Close()
		return nil, fmt.Errorf("%s: %v", patchPath, err)
	}
	return o, nil
}

func (o *Overlay) apply(root string, patch []byte, changes []FileChange) error {
	tree := filepath.Join(o.Dir, "tree")
	for _, c := range changes {
		if c.New {
			continue
		}
		if err := copyFile(filepath.Join(root, c.From), filepath.Join(tree, c.From)); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(tree, 0o755); err != nil {
		return err
	}
	// Outside any repository git apply works on plain files, as patch(1).
	cmd := exec.Command("git", "apply", "--whitespace=nowarn", "-")
	cmd.Dir = tree
	cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+o.Dir)
	cmd.Stdin = bytes.NewReader(patch)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git apply: %v\n%s", err, out)
	}
	replace := map[string]string{}
	for _, c := range changes {
		if c.From != c.Path || c.Deleted {
			replace[filepath.Join(root, c.From)] = "" // gone from its old place
		}
		if !c.Deleted {
			replace[filepath.Join(root, c.Path)] = filepath.Join(tree, c.Path)
		}
		o.Changed = append(o.Changed, c.Path)
	}
	b, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return err
	}
	o.File = filepath.Join(o.Dir, "overlay.json")
	return os.WriteFile(o.File, b, 0o644)
}

// Close removes the temporary directory.
func (o *Overlay) Close() error { return os.RemoveAll(o.Dir) }

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

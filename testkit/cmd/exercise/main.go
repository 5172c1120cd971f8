// Command exercise checks the course's exercises.
//
//	go run ./testkit/cmd/exercise 02.1          one exercise: a short verdict
//	go run ./testkit/cmd/exercise -watch 02.1   again each time a file of its chapter changes
//	go run ./testkit/cmd/exercise -list         the progress table, per chapter
//	go run ./testkit/cmd/exercise -prove        every exercise can be done, every break breaks
//
// It runs from the repository root (the directory of go.work), as make does.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"example.com/wswalk/testkit/exercise"
)

func main() {
	list := flag.Bool("list", false, "print the progress table of every chapter")
	prove := flag.Bool("prove", false, "prove every exercise of every chapter (takes minutes)")
	watch := flag.Bool("watch", false, "check the exercise again whenever a file of its chapter changes")
	flag.Parse()
	root, err := os.Getwd()
	if err == nil {
		ms, lerr := exercise.Load(root)
		if lerr == nil {
			err = run(root, ms, *list, *prove, *watch)
		} else {
			err = lerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "exercise:", err)
		os.Exit(1)
	}
}

func run(root string, ms []exercise.Manifest, list, prove, watch bool) error {
	ctx := context.Background()
	switch {
	case prove:
		start := time.Now()
		problems := exercise.Prove(ctx, root, ms, os.Stdout)
		fmt.Printf("proved %d chapters in %s\n", len(ms), time.Since(start).Round(time.Second))
		if len(problems) > 0 {
			fmt.Printf("%d problems:\n", len(problems))
			for _, p := range problems {
				fmt.Println("  " + p)
			}
			return fmt.Errorf("%d problems", len(problems))
		}
		return nil
	case list:
		for _, m := range ms {
			fmt.Print(exercise.Table(m.Chapter, exercise.Progress(ctx, root, m)))
		}
		return nil
	}
	if flag.NArg() != 1 {
		return fmt.Errorf("name one exercise, e.g. make exercise EX=02.1 (or -list, -prove)")
	}
	e, err := exercise.Find(ms, flag.Arg(0))
	if err != nil {
		return err
	}
	fmt.Print(exercise.Check(ctx, root, e))
	for seen := lastChange(e.Dir); watch; {
		time.Sleep(500 * time.Millisecond)
		if now := lastChange(e.Dir); now.After(seen) {
			seen = now
			fmt.Print("\n", exercise.Check(ctx, root, e))
		}
	}
	return nil
}

// lastChange is the newest modification time under dir: polling mtimes is
// enough for a watch and needs nothing beyond the standard library.
func lastChange(dir string) time.Time {
	var newest time.Time
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil && fi.ModTime().After(newest) {
				newest = fi.ModTime()
			}
		}
		return nil
	})
	return newest
}

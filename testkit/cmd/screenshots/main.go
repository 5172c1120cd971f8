// Command screenshots takes the pictures of the course's pages that the
// chapter READMEs show: each chapter's server is built and started as
// `go run` starts it (on a free loopback port), each page is opened in
// headless Chromium at 1000x700, what a student would type is typed, and
// after a few seconds the page is saved as a PNG beside the README. It is
// `make screenshots`; run it from the repository's root after changing a
// page. TestScreenshots checks that every README shows its pictures.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"example.com/wswalk/testkit/browser"
)

// Width and Height are the pictures' size, in CSS pixels.
const Width, Height = 1000, 700

func main() {
	only := flag.String("only", "", "take only the pictures whose file contains this, e.g. 04-framing")
	flag.Parse()
	bin, err := os.MkdirTemp("", "wswalk-screenshots-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(bin)
	for _, p := range pages {
		if !strings.Contains(p.file, *only) {
			continue
		}
		if err := take(bin, p); err != nil {
			fail(fmt.Errorf("%s: %v", p.file, err))
		}
		fmt.Println("took", p.file)
	}
}

// take builds and starts p's chapter, takes the picture, and stops it.
func take(bin string, p page) error {
	exe := filepath.Join(bin, p.chapter)
	if _, err := os.Stat(exe); err != nil {
		if out, err := exec.Command("go", "build", "-o", exe, "./"+p.chapter).CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	srv := exec.Command(exe, append([]string{"-addr", addr}, p.flags...)...)
	srv.Stdout, srv.Stderr = os.Stderr, os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			srv.Process.Kill()
			<-done
		}
	}()
	if err := waitListening(addr, 10*time.Second); err != nil {
		return err
	}
	return shoot("http://"+addr+p.path, p)
}

// shoot opens url in a fresh headless Chromium and saves the picture.
func shoot(url string, p page) error {
	profile, err := os.MkdirTemp("", "wswalk-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(browser.Options(), chromedp.UserDataDir(profile))...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, p.wait+30*time.Second)
	defer cancelTimeout()
	var png []byte
	actions := []chromedp.Action{
		chromedp.EmulateViewport(Width, Height),
		chromedp.Navigate(url),
		chromedp.WaitReady("body"),
		chromedp.Sleep(1500 * time.Millisecond), // the page connects
	}
	if p.typing != "" {
		actions = append(actions, chromedp.Evaluate(p.typing, nil))
	}
	actions = append(actions, chromedp.Sleep(p.wait), chromedp.CaptureScreenshot(&png))
	if err := chromedp.Run(ctx, actions...); err != nil {
		return err
	}
	return os.WriteFile(p.file, png, 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "screenshots:", err)
	os.Exit(1)
}

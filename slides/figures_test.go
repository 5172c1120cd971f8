package slides

import (
	"bytes"
	"encoding/hex"
	"encoding/xml"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/03-raw-handshake/server"
	"example.com/wswalk/04-framing/frame"
)

// The diagrams are drawn by hand, but the bytes in them are not made up:
// these tests recompute every byte and header the pictures show with the
// chapters' own code, so a picture that no longer matches the code fails
// here, like a .code quote that no longer resolves.

// svgText is one <text> element of an SVG: its class and its text.
type svgText struct {
	Class string
	Text  string
}

// readTexts returns the <text> elements of an SVG file, in document order.
func readTexts(t *testing.T, path string) []svgText {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []svgText
	d := xml.NewDecoder(f)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return texts
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "text" {
			continue
		}
		var el struct {
			Class string `xml:"class,attr"`
			Text  string `xml:",chardata"`
		}
		if err := d.DecodeElement(&el, &start); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		texts = append(texts, svgText{el.Class, el.Text})
	}
}

// ofClass returns the texts of the elements of one class.
func ofClass(texts []svgText, class string) []string {
	var out []string
	for _, x := range texts {
		if x.Class == class {
			out = append(out, x.Text)
		}
	}
	return out
}

// hexBytes decodes "81 85 37".
func hexBytes(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return b
}

// TestFrameFigure: frame.svg shows the masked "Hello" Chromium sent to
// chapter 04's echo three times (the bytes on the wire, the same bytes laid
// out bit by bit on the RFC's grid, and the -trace line); all three must be
// what chapter 04's code produces for that text and masking key.
func TestFrameFigure(t *testing.T) {
	texts := readTexts(t, "frame.svg")
	wire := ofClass(texts, "wire")
	if len(wire) != 1 {
		t.Fatalf("frame.svg: %d texts of class wire, want 1", len(wire))
	}
	got := hexBytes(t, wire[0])

	// The grid: 16 bits, then one cell per byte.
	var grid []byte
	bits := strings.Join(ofClass(texts, "bit"), "")
	for i := 0; i+8 <= len(bits); i += 8 {
		b, err := strconv.ParseUint(bits[i:i+8], 2, 8)
		if err != nil {
			t.Fatalf("frame.svg: bits %q: %v", bits[i:i+8], err)
		}
		grid = append(grid, byte(b))
	}
	grid = append(grid, hexBytes(t, strings.Join(ofClass(texts, "byte"), ""))...)
	if diff := cmp.Diff(got, grid); diff != "" {
		t.Errorf("frame.svg: the grid and the wire bytes differ (-wire +grid):\n%s", diff)
	}

	// What frame.WriteFrame sends for "Hello" with the key the picture shows.
	if len(got) < 6 {
		t.Fatalf("frame.svg: wire bytes %x too short for a masked frame", got)
	}
	h := frame.Header{Fin: true, Opcode: frame.OpText, Masked: true, Key: [4]byte(got[2:6])}
	var want bytes.Buffer
	if err := frame.WriteFrame(&want, h, []byte("Hello")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Bytes(), got); diff != "" {
		t.Errorf("frame.svg: wire bytes differ from frame.WriteFrame's (-code +figure):\n%s", diff)
	}

	// The -trace line is frame.Describe of those bytes, read back.
	r := bytes.NewReader(got)
	rh, err := frame.ReadHeader(r)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := io.ReadAll(r)
	frame.Mask(rh.Key, 0, payload)
	if diff := cmp.Diff(frame.Describe(rh, payload), strings.Join(ofClass(texts, "trace"), "\n")); diff != "" {
		t.Errorf("frame.svg: the trace lines differ from frame.Describe (-code +figure):\n%s", diff)
	}
}

// TestHandshakeFigure: handshake.svg's accept key is AcceptKey of its key,
// and the frames it shows are the ones chapter 03's server sends.
func TestHandshakeFigure(t *testing.T) {
	var key, accept string
	var lines []string
	for _, x := range readTexts(t, "handshake.svg") {
		if v, ok := strings.CutPrefix(x.Text, "Sec-WebSocket-Key: "); ok {
			key = v
		}
		if v, ok := strings.CutPrefix(x.Text, "Sec-WebSocket-Accept: "); ok {
			accept = v
		}
		lines = append(lines, x.Text)
	}
	if key == "" || accept == "" {
		t.Fatalf("handshake.svg: key %q, accept %q: both must be shown", key, accept)
	}
	if want := handshake.AcceptKey(key); accept != want {
		t.Errorf("handshake.svg: Sec-WebSocket-Accept %s, AcceptKey(%s) = %s", accept, key, want)
	}

	text, err := handshake.TextFrame(server.DefaultMessage)
	if err != nil {
		t.Fatal(err)
	}
	closing, err := handshake.CloseFrame(1000, server.DefaultCloseReason)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		spaced(text[:2]) + " " + strconv.Quote(server.DefaultMessage),
		spaced(closing[:4]) + " " + strconv.Quote(server.DefaultCloseReason),
	} {
		if !containsPrefix(lines, want) {
			t.Errorf("handshake.svg shows no frame starting %s", want)
		}
	}
}

// spaced formats b as "88 19 03 e8".
func spaced(b []byte) string {
	var s []string
	for _, c := range b {
		s = append(s, hex.EncodeToString([]byte{c}))
	}
	return strings.Join(s, " ")
}

func containsPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// TestTraceCapture: trace-echo.txt is what chapter 04's -trace printed while
// Chromium sent "Hello" to /echo and closed. Every frame in it is rebuilt
// from the bytes it shows and described again with frame.Describe: the
// capture must still read exactly as the code prints it, and it must obey
// §5.1 (the browser masks every frame, the server none).
func TestTraceCapture(t *testing.T) {
	b, err := os.ReadFile("trace-echo.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) == 0 || len(lines)%3 != 0 {
		t.Fatalf("trace-echo.txt: %d lines, want groups of three (direction, header, payload)", len(lines))
	}
	for i := 0; i < len(lines); i += 3 {
		dir, head, body := lines[i], lines[i+1], lines[i+2]
		fromClient := strings.HasSuffix(dir, "-> server")
		fields := strings.Fields(head)
		wire := hexBytes(t, fields[0]+fields[1])
		if _, key, ok := strings.Cut(head, " key="); ok {
			wire = append(wire, hexBytes(t, key)...)
		}
		shown := "data"
		if fromClient {
			shown = "wire" // the payload as it crossed the network, masked
		}
		payloadHex := body
		if _, after, ok := strings.Cut(body, shown+" "); ok {
			payloadHex = after
		}
		payloadHex, _, _ = strings.Cut(payloadHex, "  ")
		wire = append(wire, hexBytes(t, payloadHex)...)

		r := bytes.NewReader(wire)
		h, err := frame.ReadHeader(r)
		if err != nil {
			t.Fatalf("trace-echo.txt:%d: %v", i+2, err)
		}
		if h.Masked != fromClient {
			t.Errorf("trace-echo.txt:%d: %s frame with MASK=%v", i+2, dir, h.Masked)
		}
		payload, _ := io.ReadAll(r)
		if h.Masked {
			frame.Mask(h.Key, 0, payload)
		}
		if diff := cmp.Diff(frame.Describe(h, payload), head+"\n"+body); diff != "" {
			t.Errorf("trace-echo.txt:%d: differs from frame.Describe (-code +capture):\n%s", i+2, diff)
		}
	}
}

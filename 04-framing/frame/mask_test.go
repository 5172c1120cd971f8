package frame

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The RFC's own example: "Hello" under key 37 fa 21 3d (§5.7).
func TestMaskRFCExample(t *testing.T) {
	want := []byte{0x7f, 0x9f, 0x4d, 0x51, 0x58}
	for name, mask := range map[string]func([4]byte, int, []byte) int{"naive": MaskNaive, "fast": Mask} {
		b := []byte("Hello")
		mask(rfcKey, 0, b)
		if diff := cmp.Diff(want, b); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

// The fast mask gives the naive mask's bytes for every length around the
// word and block sizes, every starting position, and split at every point.
func TestMaskFastEqualsNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	key := [4]byte{0x12, 0x9a, 0xf0, 0x3c}
	for n := 0; n <= 100; n++ {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		for pos := range 4 {
			naive := bytes.Clone(data)
			fast := bytes.Clone(data)
			pn := MaskNaive(key, pos, naive)
			pf := Mask(key, pos, fast)
			if diff := cmp.Diff(naive, fast); diff != "" || pn != pf {
				t.Fatalf("n=%d pos=%d: positions %d/%d, bytes (-naive +fast):\n%s", n, pos, pn, pf, diff)
			}
		}
		// Masking in two pieces, carrying pos, equals masking at once.
		for cut := 0; cut <= n; cut++ {
			whole := bytes.Clone(data)
			Mask(key, 0, whole)
			split := bytes.Clone(data)
			pos := Mask(key, 0, split[:cut])
			Mask(key, pos, split[cut:])
			if !bytes.Equal(whole, split) {
				t.Fatalf("n=%d cut=%d: split masking differs", n, cut)
			}
		}
	}
}

// Masking twice gives the original back: the same function unmasks.
func TestMaskIsItsOwnInverse(t *testing.T) {
	data := []byte("a payload long enough to take the word-at-a-time path, twice over")
	b := bytes.Clone(data)
	Mask(rfcKey, 1, b)
	Mask(rfcKey, 1, b)
	if diff := cmp.Diff(data, b); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzMask(f *testing.F) {
	f.Add([]byte("Hello"), uint32(0x37fa213d), 0)
	f.Add(bytes.Repeat([]byte{0xFF}, 77), uint32(0xdeadbeef), 3)
	f.Fuzz(func(t *testing.T, data []byte, key32 uint32, pos int) {
		key := [4]byte{byte(key32 >> 24), byte(key32 >> 16), byte(key32 >> 8), byte(key32)}
		naive := bytes.Clone(data)
		fast := bytes.Clone(data)
		pn := MaskNaive(key, pos, naive)
		pf := Mask(key, pos, fast)
		if !bytes.Equal(naive, fast) || pn != pf {
			t.Fatalf("fast mask differs from naive: pos %d/%d\nnaive % x\nfast  % x", pn, pf, naive, fast)
		}
	})
}

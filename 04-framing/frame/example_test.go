package frame_test

import (
	"fmt"

	"example.com/wswalk/04-framing/frame"
)

// The masked "Hello" of RFC 6455 §5.7, drawn as -trace draws every frame.
// The example's output is checked by go test, so the drawing in Describe's
// documentation cannot drift from what the function prints.
func ExampleDescribe() {
	h := frame.Header{
		Fin:    true,
		Opcode: frame.OpText,
		Masked: true,
		Length: 5,
		Key:    [4]byte{0x37, 0xfa, 0x21, 0x3d},
	}
	fmt.Println(frame.Describe(h, []byte("Hello")))
	// Output:
	// 81 85  1000 0001  1 0000101  FIN=1 RSV=000 opcode=0x1 text MASK=1 len=5 key=37 fa 21 3d
	//        wire 7f 9f 4d 51 58  data 48 65 6c 6c 6f  "Hello"
}

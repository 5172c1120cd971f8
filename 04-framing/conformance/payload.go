package conformance

import (
	"strings"
	"sync"
)

// payloads keeps the large payloads made so far: both servers get the
// same ones, made once. Payloads are never written to.
var payloads sync.Map // payloadKey -> []byte

type payloadKey struct {
	ascii bool
	n     int
}

// asciiPayload returns n bytes of lower-case letters that do not repeat
// with a short period, so a dropped, doubled or reordered chunk shows.
func asciiPayload(n int) []byte {
	return cachedPayload(payloadKey{true, n}, makeASCII)
}

// binPayload returns n bytes covering every byte value.
func binPayload(n int) []byte {
	return cachedPayload(payloadKey{false, n}, makeBinary)
}

func cachedPayload(k payloadKey, make func(int) []byte) []byte {
	if k.n < 64<<10 {
		return make(k.n)
	}
	if p, ok := payloads.Load(k); ok {
		return p.([]byte)
	}
	p, _ := payloads.LoadOrStore(k, make(k.n))
	return p.([]byte)
}

func makeASCII(n int) []byte {
	b := make([]byte, n)
	x := uint32(n)*2654435761 + 1
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = 'a' + byte(x>>24)%26
	}
	return b
}

func makeBinary(n int) []byte {
	b := make([]byte, n)
	x := uint32(n)*2246822519 + 7
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}

// stars is n asterisks, as Autobahn fills its payloads.
func stars(n int) string { return strings.Repeat("*", n) }

// sizeName names a payload size: 65536 is "64KiB", 125 is "125".
func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + "KiB"
	}
	return itoa(n)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

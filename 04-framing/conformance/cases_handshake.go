package conformance

import (
	"net/http"
	"strings"
	"time"
)

// handshakeCases check the server's side of the opening handshake (§4.2)
// on /echo, which Autobahn leaves out: the header forms real clients send,
// offers the server must decline, and requests it must refuse. After a
// 101 the connection must work: a text is echoed and closed cleanly.
//
// Each case opens a connection of its own with a handshake it writes by
// hand; the case's session serves only to report and is closed normally.
func handshakeCases(Target) []testCase {
	valid := func(id, name string, request func(addr, path, key string) string) testCase {
		return testCase{id, name, func(s *session) {
			tg, errorf := s.target, s.fail
			key := newKey()
			nc, br, resp, err := exchange(tg.Addr, []byte(request(tg.Addr, tg.Path, key)), 5*time.Second)
			if err != nil {
				errorf("%v", err)
				return
			}
			defer nc.Close()
			if err := checkUpgrade(resp, key); err != nil {
				errorf("%v", err)
				return
			}
			ws := sessionOn(nc, br, s.logf, tg)
			ws.errorf = errorf
			ws.send(text("handshake ok"))
			ws.expect(textEv("handshake ok"))
			ws.finish()
		}}
	}
	refused := func(id, name, request string, check func(*http.Response) string) testCase {
		return testCase{id, name, func(s *session) {
			tg, errorf := s.target, s.fail
			req := strings.NewReplacer("ADDR", tg.Addr, "PATH", tg.Path, "KEY", newKey()).Replace(request)
			nc, _, resp, err := exchange(tg.Addr, []byte(req), 5*time.Second)
			if err != nil {
				errorf("%v", err)
				return
			}
			defer nc.Close()
			if resp.StatusCode < 400 || resp.StatusCode > 499 {
				errorf("status %s, want a 4xx refusal (§4.2.1)", resp.Status)
				return
			}
			s.logf("refused with %s", resp.Status)
			if check != nil {
				if msg := check(resp); msg != "" {
					errorf("%s", msg)
				}
			}
		}}
	}
	head := "Host: ADDR\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	return []testCase{
		valid("h.1", "connection_token_in_a_list", func(addr, path, key string) string {
			// Firefox sends "Connection: keep-alive, Upgrade" (§4.2.1 asks
			// for the token, not the whole value).
			r := upgradeRequest(addr, path, key, "")
			return strings.Replace(r, "Connection: Upgrade", "Connection: keep-alive, Upgrade", 1)
		}),
		valid("h.2", "names_and_tokens_in_any_case", func(addr, path, key string) string {
			return "GET " + path + " HTTP/1.1\r\nhost: " + addr + "\r\nUPGRADE: WebSocket\r\nconnection: upgrade\r\n" +
				"sec-websocket-key: " + key + "\r\nsec-websocket-version: 13\r\n\r\n"
		}),
		valid("h.3", "compression_offered_and_declined", func(addr, path, key string) string {
			// Sections 12 and 13 of Autobahn do not apply: the server
			// supports no extension, so it must not accept one (§9.1).
			return upgradeRequest(addr, path, key, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")
		}),
		valid("h.4", "unknown_subprotocols_offered_none_chosen", func(addr, path, key string) string {
			return upgradeRequest(addr, path, key, "Sec-WebSocket-Protocol: chat, superchat\r\n")
		}),
		refused("h.5", "version_8_refused_with_version_13", "GET PATH HTTP/1.1\r\n"+head+"Sec-WebSocket-Key: KEY\r\nSec-WebSocket-Version: 8\r\n\r\n",
			func(resp *http.Response) string {
				// §4.2.2: "such as 426 Upgrade Required" with the versions
				// the server understands.
				if !strings.Contains(resp.Header.Get("Sec-WebSocket-Version"), "13") {
					return "refusal of version 8 without Sec-WebSocket-Version: 13 (§4.2.2)"
				}
				return ""
			}),
		refused("h.6", "missing_key_refused", "GET PATH HTTP/1.1\r\n"+head+"Sec-WebSocket-Version: 13\r\n\r\n", nil),
		refused("h.7", "key_of_11_bytes_refused", "GET PATH HTTP/1.1\r\n"+head+"Sec-WebSocket-Key: dGhlIHNhbXBsZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", nil),
		refused("h.8", "post_refused", "POST PATH HTTP/1.1\r\n"+head+"Sec-WebSocket-Key: KEY\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n", nil),
		refused("h.9", "missing_upgrade_refused", "GET PATH HTTP/1.1\r\nHost: ADDR\r\nConnection: Upgrade\r\nSec-WebSocket-Key: KEY\r\nSec-WebSocket-Version: 13\r\n\r\n", nil),
	}
}

module example.com/wswalk/04-framing

go 1.26

require (
	example.com/wswalk/03-raw-handshake v0.0.0
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/websocket v1.5.3
)

replace (
	example.com/wswalk/03-raw-handshake => ../03-raw-handshake
	example.com/wswalk/testkit => ../testkit
)

module example.com/wswalk/03-raw-handshake

go 1.26

require (
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/websocket v1.5.3
)

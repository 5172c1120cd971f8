module example.com/wswalk/slides

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/tools v0.52.0
)

require (
	example.com/wswalk/01-polling v0.0.0 // indirect
	example.com/wswalk/02-longpolling v0.0.0 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/yuin/goldmark v1.4.13 // indirect
)

require (
	example.com/wswalk/03-raw-handshake v0.0.0
	example.com/wswalk/04-framing v0.0.0
)

replace (
	example.com/wswalk/03-raw-handshake => ../03-raw-handshake
	example.com/wswalk/04-framing => ../04-framing
	example.com/wswalk/testkit => ../testkit
)

require (
	example.com/wswalk/05-gorilla-chat v0.0.0
	example.com/wswalk/testkit v0.0.0
)

replace (
	example.com/wswalk/01-polling => ../01-polling
	example.com/wswalk/02-longpolling => ../02-longpolling
	example.com/wswalk/05-gorilla-chat => ../05-gorilla-chat
)

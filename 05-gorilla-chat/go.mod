module example.com/wswalk/05-gorilla-chat

go 1.26

require (
	example.com/wswalk/01-polling v0.0.0
	example.com/wswalk/02-longpolling v0.0.0
)

require (
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/websocket v1.5.3
)

replace example.com/wswalk/01-polling => ../01-polling

replace example.com/wswalk/02-longpolling => ../02-longpolling

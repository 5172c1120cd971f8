module example.com/wswalk/06-redis-history

go 1.26.0

require example.com/wswalk/05-gorilla-chat v0.0.0

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/redis/go-redis/v9 v9.23.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

replace example.com/wswalk/05-gorilla-chat => ../05-gorilla-chat

require example.com/wswalk/testkit v0.0.0

replace example.com/wswalk/testkit => ../testkit

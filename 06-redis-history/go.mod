module example.com/wswalk/06-redis-history

go 1.26.0

require (
	example.com/wswalk/05-gorilla-chat v0.0.0
	example.com/wswalk/testkit v0.0.0
	github.com/chromedp/chromedp v0.16.0
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/websocket v1.5.3
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	example.com/wswalk/01-polling v0.0.0
	example.com/wswalk/02-longpolling v0.0.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/chromedp/cdproto v0.0.0-20260714215040-dc233986426f // indirect
	github.com/chromedp/sysutil v1.1.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260623181947-01eb4420fa68 // indirect
	github.com/gobwas/httphead v0.1.0 // indirect
	github.com/gobwas/pool v0.2.1 // indirect
	github.com/gobwas/ws v1.4.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace example.com/wswalk/05-gorilla-chat => ../05-gorilla-chat

replace example.com/wswalk/01-polling => ../01-polling

replace example.com/wswalk/02-longpolling => ../02-longpolling

replace example.com/wswalk/testkit => ../testkit

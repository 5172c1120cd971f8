module example.com/wswalk/03-raw-handshake

go 1.26

require (
	github.com/chromedp/chromedp v0.16.0
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/websocket v1.5.3
)

require example.com/wswalk/testkit v0.0.0

replace example.com/wswalk/testkit => ../testkit

require example.com/wswalk/01-polling v0.0.0

replace example.com/wswalk/01-polling => ../01-polling

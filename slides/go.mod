module example.com/wswalk/slides

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/tools v0.52.0
)

require github.com/yuin/goldmark v1.4.13 // indirect

require (
	example.com/wswalk/03-raw-handshake v0.0.0
	example.com/wswalk/04-framing v0.0.0
)

replace (
	example.com/wswalk/03-raw-handshake => ../03-raw-handshake
	example.com/wswalk/04-framing => ../04-framing
	example.com/wswalk/testkit => ../testkit
)

module example.com/wswalk/03-raw-handshake

go 1.26

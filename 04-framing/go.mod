module example.com/wswalk/04-framing

go 1.26

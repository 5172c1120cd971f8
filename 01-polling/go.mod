module example.com/wswalk/01-polling

go 1.26

module example.com/wswalk/05-gorilla-chat

go 1.26

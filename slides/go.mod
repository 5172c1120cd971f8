module example.com/wswalk/slides

go 1.26

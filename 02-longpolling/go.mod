module example.com/wswalk/02-longpolling

go 1.26

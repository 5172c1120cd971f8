module example.com/wswalk/02-longpolling

go 1.26

require example.com/wswalk/01-polling v0.0.0

require github.com/google/go-cmp v0.7.0

replace example.com/wswalk/01-polling => ../01-polling

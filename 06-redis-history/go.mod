module example.com/wswalk/06-redis-history

go 1.26

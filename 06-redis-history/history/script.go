package history

import "github.com/redis/go-redis/v9"

// appendScript stores one message in a single round trip, atomically:
//
//	KEYS[1] <room>:seq     KEYS[2] <room>:history   KEYS[3] <room>:epoch
//	KEYS[4] <room>:sent:<key>, the message's key (see chat.Event.Key)
//	ARGV[1] the event as JSON without "id" and "epoch" (starts with '{')
//	ARGV[2] the lowest acceptable ID: the counter is raised to ARGV[2]-1
//	        first, so IDs keep increasing even when Redis lost its data
//	        (a restart without persistence): an ID is never given twice
//	ARGV[3] how many messages to keep
//	ARGV[4] the channel to publish on
//	ARGV[5] the publishing server's ID (hex, safe inside JSON)
//	ARGV[6] an epoch to start with when the history has none (new, or
//	        lost with Redis's data): the first message of a new epoch
//	ARGV[7] how long, in seconds, a key is remembered
//
// It returns the stored entry. A key seen before returns the entry stored
// then and stores nothing: a retry after a lost answer cannot store twice.
// Go cannot splice INCR's answer into the RPUSH of a MULTI, which is why
// this is a script (see the package comment).
var appendScript = redis.NewScript(`
local known = redis.call('GET', KEYS[4])
if known then
  return known
end
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = ARGV[6]
  redis.call('SET', KEYS[3], epoch)
end
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local low = tonumber(ARGV[2])
if seq < low - 1 then
  redis.call('SET', KEYS[1], low - 1)
end
local id = redis.call('INCR', KEYS[1])
local entry = '{"id":"' .. id .. '","epoch":"' .. epoch .. '",' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[2], entry)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('SET', KEYS[4], entry, 'EX', tonumber(ARGV[7]))
redis.call('PUBLISH', ARGV[4], '{"server":"' .. ARGV[5] .. '","event":' .. entry .. '}')
return entry
`)

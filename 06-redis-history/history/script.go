package history

import "github.com/redis/go-redis/v9"

// appendScript appends one message in a single round trip, atomically:
//
//	KEYS[1] <room>:seq      KEYS[2] <room>:history
//	ARGV[1] the event as JSON without its "id" (an object: starts with '{')
//	ARGV[2] the lowest acceptable ID: the counter is raised to ARGV[2]-1
//	        first, so IDs keep increasing even when Redis lost its data
//	        (a restart without persistence) or when a message written
//	        during an outage asks to keep the ID its readers already saw
//	ARGV[3] how many messages to keep
//	ARGV[4] the channel to publish on, "" to not publish
//	ARGV[5] the publishing server's ID (hex, safe inside JSON)
//	ARGV[6] "1" when the publishing server's own clients have seen the
//	        message already (written back after an outage): its envelope
//	        says so, and that server does not deliver it a second time
//
// It returns the ID given. Go cannot splice INCR's answer into the RPUSH
// of a MULTI, which is why this is a script (see the package comment).
var appendScript = redis.NewScript(`
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local low = tonumber(ARGV[2])
if seq < low - 1 then
  redis.call('SET', KEYS[1], low - 1)
end
local id = redis.call('INCR', KEYS[1])
local entry = '{"id":"' .. id .. '",' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[2], entry)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
if ARGV[4] ~= '' then
  local shown = ''
  if ARGV[6] == '1' then shown = '"shown":true,' end
  local envelope = '{"server":"' .. ARGV[5] .. '",' .. shown
  redis.call('PUBLISH', ARGV[4], envelope .. '"event":' .. entry .. '}')
end
return id
`)

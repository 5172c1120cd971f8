// Package history keeps a chat room in Redis: its last messages (a
// chat.History that survives restarts) and its live events (a chat.Relay
// that joins several server processes into one room).
//
// # Key layout
//
// Every key starts with the room name, so rooms (and test runs) never meet:
//
//	<room>:seq       string   INCR counter: the last message ID given out
//	<room>:history   list     the last N messages as JSON, oldest at the head
//	<room>:members   hash     server ID -> {"seen_ms":…,"hub":"…","members":[...]}
//	<room>:events    channel  Pub/Sub: {"server":"…","event":{…}} per event
//
// # Why INCR and a list, and why a script
//
// The tutorial this chapter grew from kept the room in a list with RPUSH and
// LTRIM and read it back with LRANGE key -1 -100, whose start comes after its
// stop: Redis answers an empty list and the history never showed. Here the
// list is read with LRANGE key -N -1 (the N newest, oldest first).
//
// An ID must be inside the stored JSON and must follow the order in which
// every server sees the messages, so one Lua script does, atomically and in
// one round trip: INCR the counter, RPUSH the message with its ID, LTRIM the
// list to N, and PUBLISH it to the room's channel. Redis runs scripts one at
// a time, so IDs, list order and Pub/Sub order are one and the same order on
// every server. (A MULTI cannot feed INCR's answer into the RPUSH after it;
// two round trips would let two servers interleave.)
package history

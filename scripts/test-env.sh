#!/usr/bin/env bash
# Prepares what the tests need, then runs the command given (make test runs
# `go vet work` and `go test -race -count=1 work` through it).
#
#  - Redis: REDIS_URL (default redis://127.0.0.1:6379/0) must answer PING;
#    when nothing answers, a throwaway redis-server is started on a free
#    loopback port for this run only, and REDIS_URL points at it.
#  - Chromium: Debian's /usr/bin/chromium for the page tests; installed with
#    apt-get when it is missing and apt-get is usable, else a clear failure.
set -euo pipefail

say() { printf 'test-env: %s\n' "$*" >&2; }

can_apt() { command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; }

# apt_install PACKAGE...: apt-get's output goes to a log file, shown only
# when the install fails, so a first run prints one line per package set.
apt_log=${TMPDIR:-/tmp}/wswalk-apt.log
apt_install() {
	say "installing $* with apt-get (a minute or more; output in $apt_log)"
	if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"; } >"$apt_log" 2>&1; then
		say "apt-get install $* failed:"
		cat "$apt_log" >&2
		exit 1
	fi
}

# ping_redis HOST PORT: true when a Redis answers +PONG there.
ping_redis() {
	(
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf 'PING\r\n' >&3
		IFS= read -r -t 2 reply <&3 || exit 1
		[ "${reply%$'\r'}" = "+PONG" ]
	) 2>/dev/null
}

# free_port: a loopback TCP port nothing listens on.
free_port() {
	local p
	for p in $(seq 16379 16479); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

ensure_chromium() {
	local browser=${WSWALK_CHROMIUM:-/usr/bin/chromium}
	[ -x "$browser" ] && return 0
	if can_apt; then
		apt_install chromium
		[ -x "$browser" ] && return 0
	fi
	say "the page tests need Chromium at $browser; install it with:"
	say "  sudo apt-get update && sudo apt-get install -y chromium"
	exit 1
}

redis_pid=""
redis_dir=""
ensure_redis() {
	export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
	local hostport=${REDIS_URL#redis://}
	hostport=${hostport%%/*}
	hostport=${hostport##*@}
	local host=${hostport%%:*} port=6379
	[ "$hostport" != "$host" ] && port=${hostport##*:}
	if ping_redis "$host" "$port"; then
		say "using Redis at $REDIS_URL"
		return 0
	fi
	if ! command -v redis-server >/dev/null 2>&1; then
		if can_apt; then
			apt_install redis-server
		else
			say "no Redis answers at $REDIS_URL and redis-server is not installed; install it with:"
			say "  sudo apt-get update && sudo apt-get install -y redis-server"
			exit 1
		fi
	fi
	# The Redis tests also start private servers of their own; they need the
	# binary, which the branch above has made sure of.
	port=$(free_port) || { say "no free port for a throwaway redis-server"; exit 1; }
	redis_dir=$(mktemp -d)
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$redis_dir" --loglevel warning >"$redis_dir/redis.log" 2>&1 &
	redis_pid=$!
	trap 'kill "$redis_pid" 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
	for _ in $(seq 100); do
		ping_redis 127.0.0.1 "$port" && break
		sleep 0.05
	done
	ping_redis 127.0.0.1 "$port" || { say "throwaway redis-server did not start:"; cat "$redis_dir/redis.log" >&2; exit 1; }
	export REDIS_URL="redis://127.0.0.1:$port/0"
	say "started a throwaway redis-server at $REDIS_URL"
}

command -v go >/dev/null 2>&1 || { say "Go is not installed: see https://go.dev/doc/install"; exit 1; }
command -v redis-server >/dev/null 2>&1 || { can_apt && apt_install redis-server; } || true
ensure_chromium
ensure_redis
"$@"

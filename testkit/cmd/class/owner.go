package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// portOwner names the process listening on a TCP port, from what Linux
// shows in /proc: the socket's inode in /proc/net/tcp{,6}, then the
// process holding a descriptor to that inode. It answers "another process"
// when it cannot see which (another user's, or not Linux).
func portOwner(port int) string {
	inode := listeningInode(port)
	if inode == "" {
		return "another process"
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range procs {
		if link, err := os.Readlink(fd); err == nil && link == "socket:["+inode+"]" {
			pid := strings.Split(fd, "/")[2]
			cmdline, _ := os.ReadFile("/proc/" + pid + "/cmdline")
			name := strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
			return fmt.Sprintf("pid %s (%s)", pid, name)
		}
	}
	return "another process"
}

// listeningInode returns the inode of the socket listening on port, or "".
func listeningInode(port int) string {
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[3] != "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, ok := strings.Cut(fields[1], ":")
			if p, err := strconv.ParseInt(hexPort, 16, 32); ok && err == nil && int(p) == port {
				f.Close()
				return fields[9]
			}
		}
		f.Close()
	}
	return ""
}

#!/usr/bin/env python3
"""Control-socket client for the agent tests; every wait is bounded.

ctl.py ask SOCK LINE...       one connection, one line each, prints each answer
ctl.py flood SOCK N           N bad requests pipelined on one connection, while a
                              silent client holds another; prints how many of the
                              N answers are "error ..." lines
ctl.py toolong SOCK           a 600-byte line: prints the answer, then "closed"
                              if the agent closed the connection
ctl.py idle SOCK              connects and says nothing: prints "closed" once the
                              agent closes the connection (at most 30 s)
ctl.py clients SOCK N [LIMIT] opens N connections at once; prints how many were
                              refused with "error busy" (measured again, at most 5
                              times, while more than N - LIMIT were: default 64)
ctl.py notify PATH OUT        a NOTIFY_SOCKET: writes each message to OUT until
                              STOPPING=1 (at most 120 s)
"""
import os
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)  # blocking: a full backlog waits instead of EAGAIN
    s.settimeout(10)
    return s


def lines(s, n):
    buf = b""
    out = []
    while len(out) < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf and len(out) < n:
            line, buf = buf.split(b"\n", 1)
            out.append(line.decode("utf-8", "replace"))
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "ask":
        s = connect(path)
        for req in sys.argv[3:]:
            s.sendall(req.encode() + b"\n")
            print(lines(s, 1)[0])
    elif cmd == "flood":
        n = int(sys.argv[3])
        silent = connect(path)  # connected, says nothing: must not block us
        bad = [b"", b"ban", b"ban 1.2.3.4.5", b"frobnicate x", b"block 10.0.0.1/8",
               b"\x00\x01\xff binary", b"ban a b c d e", b"query nope", b"unblock",
               b"ban 198.51.100.200 -5"]
        s = connect(path)
        payload = b"".join(bad[i % len(bad)] + b"\n" for i in range(n))
        s.sendall(payload)
        got = lines(s, n)
        print(sum(1 for g in got if g.startswith("error ")))
        silent.close()
    elif cmd == "toolong":
        s = connect(path)
        s.sendall(b"ban " + b"1" * 596)
        print(lines(s, 1)[0])
        print("closed" if s.recv(100) == b"" else "open")
    elif cmd == "idle":
        s = connect(path)
        s.settimeout(30)
        try:
            print("closed" if s.recv(100) == b"" else "data")
        except socket.timeout:
            print("open")
    elif cmd == "clients":
        n = int(sys.argv[3])
        limit = int(sys.argv[4]) if len(sys.argv) > 4 else 64
        import select
        # A client of an earlier step that the agent has not yet seen close
        # holds a slot and makes one more busy: measure again (bounded)
        # while more than n - limit are busy; fewer is a finding at once.
        for attempt in range(5):
            held, busy = [], 0
            for _ in range(n):
                held.append(connect(path))
            # The refused ones are told at once; the others stay silent: one
            # bounded wait for all of them.
            deadline = time.monotonic() + 2
            pending = list(held)
            while pending and time.monotonic() < deadline:
                ready, _, _ = select.select(pending, [], [], 0.3)
                if not ready:
                    break
                for s in ready:
                    pending.remove(s)
                    if s.recv(100).startswith(b"error busy"):
                        busy += 1
            for s in held:
                s.close()
            if busy <= n - limit:
                break
            time.sleep(0.5)
        print(busy)
    elif cmd == "notify":
        out = sys.argv[3]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        s.settimeout(1)
        deadline = time.monotonic() + 120
        with open(out, "a") as f:
            while time.monotonic() < deadline:
                try:
                    msg = s.recv(4096).decode()
                except socket.timeout:
                    continue
                f.write(msg.replace("\n", " ") + "\n")
                f.flush()
                if "STOPPING=1" in msg:
                    break
        os.unlink(path)


main()

#!/usr/bin/env python3
"""Slow clients against `vosfp exporter`, on loopback only.

flood PORT COUNT LIMIT   open COUNT idle connections from 127.0.0.1, then
                         scrape /metrics from 127.0.0.2 while they are open;
                         then wait (bounded) until at most LIMIT of the idle
                         ones are still open. Prints "scrape STATUS" and
                         "open N".
idle PORT COUNT          open COUNT idle connections from 127.0.0.1 and wait
                         (bounded) until the server has closed them all.
                         Prints "closed N".

No line asserts a time: the waits are bounds that keep a broken server from
hanging the test, and each result is a count.
"""
import errno
import http.client
import resource
import select
import socket
import sys
import time

# Bounds, not expectations: a correct exporter answers well within them.
CONNECT_WAIT = 10.0
SCRAPE_WAIT = 20.0
CLOSE_WAIT = 60.0


def open_idle(port, count):
    """COUNT connections from 127.0.0.1 that send nothing. Connections the
    server's kernel has not accepted into its backlog yet are still counted:
    they are pending, not failed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = count + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex(("127.0.0.1", port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            raise SystemExit(f"connect failed: {errno.errorcode.get(err, err)}")
        socks.append(s)
    # poll, not select: the descriptors go past FD_SETSIZE.
    poller = select.poll()
    pending = {s.fileno(): s for s in socks}
    for fd in pending:
        poller.register(fd, select.POLLOUT)
    deadline = time.monotonic() + CONNECT_WAIT
    while pending and time.monotonic() < deadline:
        for fd, _ in poller.poll(200):
            poller.unregister(fd)
            del pending[fd]
    return socks


def still_open(socks):
    """The sockets the server has not closed: recv would block (no EOF, no
    reset). Closed ones are closed here too, so the count only goes down."""
    alive = []
    for s in socks:
        try:
            data = s.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            alive.append(s)
            continue
        except OSError:
            s.close()
            continue
        if data:
            alive.append(s)  # the server wrote something; still connected
        else:
            s.close()
    return alive


def wait_open_at_most(socks, limit):
    deadline = time.monotonic() + CLOSE_WAIT
    socks = still_open(socks)
    while len(socks) > limit and time.monotonic() < deadline:
        time.sleep(0.2)
        socks = still_open(socks)
    return socks


def scrape_from_other_address(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=SCRAPE_WAIT,
                                      source_address=("127.0.0.2", 0))
    try:
        conn.request("GET", "/metrics")
        resp = conn.getresponse()
        body = resp.read().decode()
        ok = resp.status == 200 and "vosfp_packets_total" in body
        return str(resp.status) if ok else f"{resp.status}-without-metrics"
    except (OSError, http.client.HTTPException) as e:
        return f"failed-{type(e).__name__}"
    finally:
        conn.close()


def main():
    mode, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if mode == "flood":
        limit = int(sys.argv[4])
        socks = open_idle(port, count)
        print("scrape", scrape_from_other_address(port), flush=True)
        socks = wait_open_at_most(socks, limit)
        print("open", len(socks))
    elif mode == "idle":
        socks = open_idle(port, count)
        socks = wait_open_at_most(socks, 0)
        print("closed", count - len(socks))
    else:
        raise SystemExit(f"unknown mode {mode}")
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()

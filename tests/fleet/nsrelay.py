#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A TCP relay from one network namespace's loopback to ours: listens on
127.0.0.1:LPORT inside the namespace NETNS (a path, /run/netns/NAME) and
forwards every connection to 127.0.0.1:DPORT in the namespace it was
started in. The fleet's Kamailio test uses it so that a Kamailio inside a
node's namespace reaches the test's broker, which listens on the host's
loopback, without an address or a route added outside the test's own
namespaces. Prints "ready" once listening; runs until killed.

usage: nsrelay.py NETNS LPORT DPORT"""

import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000


def setns(fd):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def listen_in(netns, port):
    """A listening socket made inside netns; we return to our own after."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    there = os.open(netns, os.O_RDONLY)
    try:
        setns(there)
        try:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen(16)
        finally:
            setns(home)
    finally:
        os.close(there)
        os.close(home)
    return s


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    netns, lport, dport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    lsock = listen_in(netns, lport)
    print("ready", flush=True)
    while True:
        conn, _ = lsock.accept()
        try:
            up = socket.create_connection(("127.0.0.1", dport), timeout=5)
            up.settimeout(None)
        except OSError:
            conn.close()
            continue
        for a, b in ((conn, up), (up, conn)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


if __name__ == "__main__":
    main()

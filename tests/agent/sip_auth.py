#!/usr/bin/env python3
"""Digest-authenticated REGISTERs for the agent's Kamailio test; every wait
is bounded. Runs in the client namespace.

sip_auth.py register SRC DST USER PASSWORD COUNT
    COUNT times: REGISTER, answer the 401 with PASSWORD; prints the final
    status codes ("timeout" when no answer came within 1 s)
sip_auth.py flood SRC DST COUNT
    COUNT REGISTERs without credentials, as fast as possible, answers unread
"""
import hashlib
import random
import re
import socket
import sys


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def request(src, dst, port, user, cseq, call_id, auth=""):
    return ("REGISTER sip:%s SIP/2.0\r\n"
            "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%d\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:%s@%s>;tag=%d\r\n"
            "To: <sip:%s@%s>\r\n"
            "Call-ID: %s\r\n"
            "CSeq: %d REGISTER\r\n"
            "Contact: <sip:%s@%s:%d>\r\n"
            "%s"
            "Content-Length: 0\r\n\r\n" % (
                dst, src, port, random.randrange(1 << 30), user, dst, random.randrange(1 << 30),
                user, dst, call_id, cseq, user, src, port, auth)).encode()


def status(sock):
    try:
        data = sock.recv(65535).decode("utf-8", "replace")
    except socket.timeout:
        return None, ""
    return data.split(" ", 2)[1], data


def register(src, dst, user, password, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(1)
    port = s.getsockname()[1]
    out = []
    for i in range(count):
        call_id = "%d@%s" % (random.randrange(1 << 30), src)
        s.sendto(request(src, dst, port, user, 1, call_id), (dst, 5060))
        code, text = status(s)
        if code != "401":
            out.append(code or "timeout")
            continue
        realm = re.search(r'realm="([^"]*)"', text).group(1)
        nonce = re.search(r'nonce="([^"]*)"', text).group(1)
        uri = "sip:%s" % dst
        resp = md5("%s:%s:%s" % (md5("%s:%s:%s" % (user, realm, password)), nonce,
                                 md5("REGISTER:%s" % uri)))
        auth = ('Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", '
                'response="%s", algorithm=MD5\r\n' % (user, realm, nonce, uri, resp))
        s.sendto(request(src, dst, port, user, 2, call_id, auth), (dst, 5060))
        code, _ = status(s)
        out.append(code or "timeout")
    print(" ".join(out))


def flood(src, dst, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    port = s.getsockname()[1]
    for i in range(count):
        s.sendto(request(src, dst, port, "flood", 1, "%d@%s" % (i, src)), (dst, 5060))


if sys.argv[1] == "register":
    register(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
else:
    flood(sys.argv[2], sys.argv[3], int(sys.argv[4]))

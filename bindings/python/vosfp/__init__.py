"""Python binding of libvosfp, the SIP-aware XDP fast path (ctypes: no
compiler needed). Every call maps onto one function of vosfp.h; names of
counters, lists, modes and config keys come from the library itself.

    with vosfp.Vosfp(pin_root="/sys/fs/bpf/vosfp") as h:
        mode = h.attach("eth0")            # "native" or "generic"
        h.block("192.0.2.0/24")
        print(h.counters())                # {"passed": (packets, bytes), ...}
"""
import ctypes
import os
import errno as _errno

from . import _lib

_c = _lib.load()

MODES = {"auto": 0, "native": 1, "generic": 2}
VERDICTS = {0: "aborted", 1: "drop", 2: "pass", 3: "tx", 4: "redirect"}


def _s(b):
    return b.decode() if b is not None else None


class VosfpError(OSError):
    """A failed libvosfp call: errno (positive), strerror, and the library's
    detail ("eth9: no such interface", the verifier's message...)."""

    def __init__(self, err, detail):
        code = -err if err < 0 else err
        super().__init__(code, _s(_c.vosfp_strerror(code)))
        self.detail = detail

    def __str__(self):
        return "%s: %s" % (self.strerror, self.detail) if self.detail else self.strerror


def version():
    return _s(_c.vosfp_version())


def version_info():
    """The loaded library's version as numbers, e.g. (0, 1, 0)."""
    return (_c.vosfp_version_major(), _c.vosfp_version_minor(), _c.vosfp_version_patch())


def counter_names():
    return [_s(_c.vosfp_counter_name(i)) for i in range(_c.vosfp_counter_count())]


def list_names():
    return [_s(_c.vosfp_list_name(i)) for i in range(_c.vosfp_list_count())]


def config_keys():
    """{key: help} for every setting."""
    keys, i = {}, 0
    while _c.vosfp_config_key_name(i) is not None:
        keys[_s(_c.vosfp_config_key_name(i))] = _s(_c.vosfp_config_key_help(i))
        i += 1
    return keys


def check_prefix(prefix):
    """The canonical form of a prefix, or VosfpError(EINVAL) with the reason."""
    canon, why = ctypes.create_string_buffer(64), ctypes.create_string_buffer(256)
    err = _c.vosfp_prefix_check(prefix.encode(), canon, 64, why, 256)
    if err:
        raise VosfpError(err, _s(why.value))
    return _s(canon.value)


def parse_duration(text):
    """Seconds of a TTL as policy files take it ("3600", "15m", "2h", "7d"),
    or VosfpError(EINVAL)."""
    seconds = ctypes.c_uint32()
    err = _c.vosfp_duration_parse(text.encode(), ctypes.byref(seconds))
    if err:
        # ctypes calls from this OS thread: its last error is this call's.
        raise VosfpError(err, _s(_c.vosfp_error_last()))
    return seconds.value


_log_keepalive = None


def set_log_callback(fn):
    """fn(level, message) receives the library's and libbpf's messages;
    None silences them (the default)."""
    global _log_keepalive
    _log_keepalive = _lib.LOG_FN(lambda lvl, msg, user: fn(lvl, _s(msg))) if fn else None
    _c.vosfp_set_log_callback(_log_keepalive or _lib.LOG_FN(), None)


class Vosfp:
    """A handle on a pin root: the loaded program and the pinned maps."""

    def __init__(self, pin_root=None, block_capacity=0, allow_capacity=0):
        opts = _lib.OpenOpts(ctypes.sizeof(_lib.OpenOpts),
                             pin_root.encode() if pin_root else None,
                             block_capacity, allow_capacity)
        self._h = ctypes.c_void_p()
        err = _c.vosfp_open(ctypes.byref(opts), ctypes.byref(self._h))
        if err:
            raise VosfpError(err, _s(_c.vosfp_open_error()))

    # -- life cycle
    def close(self):
        if self._h:
            _c.vosfp_close(self._h)
            self._h = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _check(self, err):
        if err < 0:
            raise VosfpError(err, _s(_c.vosfp_last_error(self._h)))
        return err

    def unpin(self):
        self._check(_c.vosfp_unpin(self._h))

    # -- attachment
    def attach(self, ifname, mode="auto", multiprog=False):
        """Attach; returns the mode obtained ("native" or "generic").
        multiprog: through libxdp's dispatcher, next to other libxdp
        programs (EOPNOTSUPP where this kernel cannot run vosfp in it)."""
        if mode not in MODES:
            raise ValueError("mode must be one of %s" % ", ".join(MODES))
        got = ctypes.c_int()
        if not multiprog:
            self._check(_c.vosfp_attach(self._h, ifname.encode(), MODES[mode],
                                        ctypes.byref(got)))
        else:
            opts = _lib.AttachOpts(sz=ctypes.sizeof(_lib.AttachOpts), mode=MODES[mode],
                                   flags=_lib.ATTACH_MULTIPROG)
            self._check(_c.vosfp_attach_ex(self._h, ifname.encode(), ctypes.byref(opts),
                                           ctypes.byref(got)))
        return _s(_c.vosfp_mode_name(got.value))

    def detach(self, ifname):
        self._check(_c.vosfp_detach(self._h, ifname.encode()))

    def attachments(self):
        """[(ifname, mode, program id)]; mode "auto" means unknown here."""
        out = []
        for i in range(self._check(_c.vosfp_attachment_count(self._h))):
            name, mode, prog = ctypes.create_string_buffer(16), ctypes.c_int(), ctypes.c_uint32()
            self._check(_c.vosfp_attachment_get(self._h, i, name, 16, ctypes.byref(mode),
                                                ctypes.byref(prog)))
            out.append((_s(name.value), _s(_c.vosfp_mode_name(mode.value)), prog.value))
        return out

    # -- policy
    @staticmethod
    def _list(name):
        names = list_names()
        if name not in names:
            raise ValueError("list must be one of %s" % ", ".join(names))
        return names.index(name)

    def policy_add(self, list_name, prefix, ttl=0):
        """True if added, False if it was already there (its TTL is then
        replaced). ttl: seconds until the program stops honouring the
        entry by itself; 0 = permanent."""
        if not 0 <= ttl <= 0xFFFFFFFF:
            raise ValueError("ttl must be 0 (permanent) to 2**32-1 seconds")
        return self._check(_c.vosfp_policy_add_ttl(self._h, self._list(list_name),
                                                   prefix.encode(), ttl)) == 0

    def policy_remove(self, list_name, prefix):
        self._check(_c.vosfp_policy_remove(self._h, self._list(list_name), prefix.encode()))

    def policy_clear(self, list_name):
        self._check(_c.vosfp_policy_clear(self._h, self._list(list_name)))

    def policy_count(self, list_name):
        return self._check(_c.vosfp_policy_count(self._h, self._list(list_name)))

    def policy_capacity(self, list_name):
        """Prefixes the list can hold, set when the pin root was created
        or since by policy_set_capacity."""
        return self._check(_c.vosfp_policy_capacity(self._h, self._list(list_name)))

    def policy_set_capacity(self, list_name, capacity):
        """Change the list's capacity on the root, for every process: raise
        it (a live root too), or lower it down to what the list holds
        (ENOSPC otherwise). libvosfp 0.2."""
        self._check(_c.vosfp_policy_set_capacity(self._h, self._list(list_name), capacity))

    @property
    def pin_root(self):
        """The bpffs directory the handle uses (no trailing slash). libvosfp 0.2."""
        return _s(_c.vosfp_pin_root(self._h))

    def policy(self, list_name):
        """Every prefix of a list, canonical."""
        it, out = ctypes.c_void_p(), []
        self._check(_c.vosfp_policy_iter_open(self._h, self._list(list_name), ctypes.byref(it)))
        try:
            buf = ctypes.create_string_buffer(64)
            while self._check(_c.vosfp_policy_iter_next(it, buf, 64)) == 1:
                out.append(_s(buf.value))
        finally:
            _c.vosfp_policy_iter_close(it)
        return out

    def policy_entries(self, list_name):
        """Every entry of a list as (prefix, ttl): the whole seconds left,
        rounded up, or 0 for a permanent entry. Expired ones are left out."""
        it, out = ctypes.c_void_p(), []
        self._check(_c.vosfp_policy_iter_open(self._h, self._list(list_name), ctypes.byref(it)))
        try:
            buf = ctypes.create_string_buffer(64)
            while self._check(_c.vosfp_policy_iter_next(it, buf, 64)) == 1:
                out.append((_s(buf.value), _c.vosfp_policy_iter_ttl(it)))
        finally:
            _c.vosfp_policy_iter_close(it)
        return out

    def policy_load(self, list_name, path, replace=False):
        """Load a policy file ("PREFIX [ttl=DURATION] [# comment]" per
        line); replace=True makes it the whole list, atomically. A bad line
        raises VosfpError with "FILE:LINE: why" and changes nothing.
        Returns the number of entries in the file."""
        return self._check(_c.vosfp_policy_load(self._h, self._list(list_name),
                                                os.fsencode(path), 1 if replace else 0))

    def policy_load_buffer(self, list_name, text, name="<text>", replace=False):
        """policy_load from a str or bytes; name stands for the file name
        in error messages."""
        data = text.encode() if isinstance(text, str) else bytes(text)
        return self._check(_c.vosfp_policy_load_buffer(self._h, self._list(list_name), data,
                                                       len(data), name.encode(),
                                                       1 if replace else 0))

    def block(self, prefix, ttl=0):
        return self.policy_add("block", prefix, ttl)

    def allow(self, prefix, ttl=0):
        return self.policy_add("allow", prefix, ttl)

    # -- bans
    def ban(self, addr, ttl_seconds=3600):
        self._check(_c.vosfp_ban_add(self._h, addr.encode(), ttl_seconds))

    def unban(self, addr):
        self._check(_c.vosfp_ban_remove(self._h, addr.encode()))

    def bans(self):
        """[(address, seconds left, reason counter name)]"""
        it, out = ctypes.c_void_p(), []
        self._check(_c.vosfp_ban_iter_open(self._h, ctypes.byref(it)))
        try:
            buf, ttl, why = ctypes.create_string_buffer(64), ctypes.c_uint32(), ctypes.c_int()
            while self._check(_c.vosfp_ban_iter_next(it, buf, 64, ctypes.byref(ttl),
                                                     ctypes.byref(why))) == 1:
                out.append((_s(buf.value), ttl.value, _s(_c.vosfp_counter_name(why.value))))
        finally:
            _c.vosfp_ban_iter_close(it)
        return out

    def ban_events(self):
        """A reader of the program's automatic bans as they are made (the
        ring buffer): BanEvents, a context manager. A ring buffer has one
        consumer; on a node that runs `vosfp agent`, the agent is it."""
        ev = ctypes.c_void_p()
        self._check(_c.vosfp_ban_events_open(self._h, ctypes.byref(ev)))
        return BanEvents(self, ev)

    # -- config
    def set_ports(self, ports):
        arr = (ctypes.c_uint16 * len(ports))(*ports)
        self._check(_c.vosfp_config_set_ports(self._h, arr, len(ports)))

    def ports(self):
        arr = (ctypes.c_uint16 * 16)()
        n = self._check(_c.vosfp_config_get_ports(self._h, arr, 16))
        return list(arr[:min(n, 16)])

    def config_set(self, key, value):
        self._check(_c.vosfp_config_set(self._h, key.encode(), str(value).encode()))

    def config_get(self, key):
        buf = ctypes.create_string_buffer(4096)
        self._check(_c.vosfp_config_get(self._h, key.encode(), buf, len(buf)))
        return _s(buf.value)

    def config(self):
        return {k: self.config_get(k) for k in config_keys()}

    # -- counters
    def counter(self, name):
        """(packets, bytes) for one reason."""
        ids = counter_names()
        if name not in ids:
            raise ValueError("unknown counter %r" % name)
        pk, by = ctypes.c_uint64(), ctypes.c_uint64()
        self._check(_c.vosfp_counter_read(self._h, ids.index(name), ctypes.byref(pk),
                                          ctypes.byref(by)))
        return pk.value, by.value

    def counters(self):
        return {name: self.counter(name) for name in counter_names()}

    def reset_counters(self):
        self._check(_c.vosfp_counters_reset(self._h))

    # -- AF_XDP and dry runs
    def xsk_register(self, queue_id, xsk_fd):
        self._check(_c.vosfp_xsk_register(self._h, queue_id, xsk_fd))

    def xsk_unregister(self, queue_id):
        self._check(_c.vosfp_xsk_unregister(self._h, queue_id))

    def test_packet(self, frame):
        """The verdict ("drop", "pass"...) of one Ethernet frame, dry run."""
        verdict = ctypes.c_int()
        self._check(_c.vosfp_test_packet(self._h, bytes(frame), len(frame), ctypes.byref(verdict)))
        return VERDICTS[verdict.value]

    def test_packet_reason(self, frame):
        """(verdict, reason) of one frame, dry run: reason is the counter it
        was counted under ("stealth"...), None if none (not the filter's),
        "unknown" if the library cannot tell (other traffic meanwhile)."""
        opts = _lib.TestPacketOpts(sz=ctypes.sizeof(_lib.TestPacketOpts))
        self._check(_c.vosfp_test_packet_ex(self._h, bytes(frame), len(frame),
                                            ctypes.byref(opts)))
        if opts.reason == _lib.REASON_NONE:
            reason = None
        elif opts.reason == _lib.REASON_UNKNOWN:
            reason = "unknown"
        else:
            reason = _s(_c.vosfp_counter_name(opts.reason))
        return VERDICTS[opts.verdict], reason


class BanEvents:
    """The program's automatic bans; from Vosfp.ban_events()."""

    def __init__(self, handle, ev):
        self._handle, self._ev = handle, ev

    def fileno(self):
        """Readable (select/poll/epoll) while events wait."""
        return self._handle._check(_c.vosfp_ban_events_fd(self._ev))

    def consume(self):
        """[(address, reason counter name, ban TTL, seconds left)], oldest
        first, without blocking."""
        out = []

        def one(_user, addr, reason, ttl, left):
            out.append((_s(addr), _s(_c.vosfp_counter_name(reason)), ttl, left))
            return 0
        fn = _lib.BAN_EVENT_FN(one)  # kept alive for the length of the call
        self._handle._check(_c.vosfp_ban_events_consume(self._ev, fn, None))
        return out

    def close(self):
        if self._ev:
            _c.vosfp_ban_events_close(self._ev)
            self._ev = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


__all__ = ["Vosfp", "BanEvents", "VosfpError", "version", "counter_names", "list_names",
           "config_keys",
           "check_prefix", "set_log_callback", "MODES", "VERDICTS"]
_ = _errno  # errno numbers for callers: VosfpError.errno compares with errno.E*

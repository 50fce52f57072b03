"""Python binding of libvosfp, the SIP-aware XDP fast path (ctypes: no
compiler needed). Every call maps onto one function of vosfp.h; names of
counters, lists, modes and config keys come from the library itself.

    with vosfp.Vosfp(pin_root="/sys/fs/bpf/vosfp") as h:
        mode = h.attach("eth0")            # "native" or "generic"
        h.block("192.0.2.0/24")
        print(h.counters())                # {"passed": (packets, bytes), ...}
"""
import ctypes
import errno as _errno
import ipaddress
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import _lib
from ._version import __version__

_c = _lib.load()

# What a prefix or an address may be given as: text, or ipaddress objects.
Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
PrefixLike = Union[str, Network, Address]
AddressLike = Union[str, Address]
_INTERFACES = (ipaddress.IPv4Interface, ipaddress.IPv6Interface)
_NETWORKS = (ipaddress.IPv4Network, ipaddress.IPv6Network)
_ADDRESSES = (ipaddress.IPv4Address, ipaddress.IPv6Address)

MODES = {"auto": 0, "native": 1, "generic": 2}
VERDICTS = {0: "aborted", 1: "drop", 2: "pass", 3: "tx", 4: "redirect"}


def _opt(b: Optional[bytes]) -> Optional[str]:
    return b.decode() if b is not None else None


def _s(b: Optional[bytes]) -> str:
    """A name the library returns; it has one for every id asked here."""
    return b.decode() if b is not None else ""


def _prefix(p: PrefixLike) -> bytes:
    """A prefix as the library takes it. An address is a host prefix."""
    # IPv4Interface is an IPv4Address subclass whose text carries a netmask:
    # host bits and a network at once, so it is refused rather than guessed.
    if isinstance(p, _INTERFACES):
        raise TypeError("an ipaddress interface is a host and a network at once: "
                        "pass its .network or its .ip")
    if isinstance(p, str):
        return p.encode()
    if isinstance(p, _NETWORKS + _ADDRESSES):
        return str(p).encode()
    raise TypeError("a prefix is a str, an IPv4Network/IPv6Network or an "
                    "IPv4Address/IPv6Address, not %s" % type(p).__name__)


def _address(a: AddressLike) -> bytes:
    """One address as the library takes it (bans are per address)."""
    if isinstance(a, _INTERFACES) or isinstance(a, _NETWORKS):
        raise TypeError("a ban is for one address: pass an IPv4Address/IPv6Address or "
                        "its text, not %s" % type(a).__name__)
    if isinstance(a, str):
        return a.encode()
    if isinstance(a, _ADDRESSES):
        return str(a).encode()
    raise TypeError("an address is a str or an IPv4Address/IPv6Address, not %s"
                    % type(a).__name__)


class VosfpError(OSError):
    """A failed libvosfp call: errno (positive), strerror, and the library's
    detail ("eth9: no such interface", the verifier's message...)."""

    def __init__(self, err: int, detail: Optional[str]) -> None:
        code = -err if err < 0 else err
        super().__init__(code, _opt(_c.vosfp_strerror(code)))
        self.detail = detail

    def __str__(self) -> str:
        return "%s: %s" % (self.strerror, self.detail) if self.detail else self.strerror


def version() -> str:
    """The loaded library's version (vosfp_version)."""
    return _s(_c.vosfp_version())


def version_info() -> Tuple[int, int, int]:
    """The loaded library's version as numbers, e.g. (0, 1, 0)."""
    return (_c.vosfp_version_major(), _c.vosfp_version_minor(), _c.vosfp_version_patch())


def counter_names() -> List[str]:
    return [_s(_c.vosfp_counter_name(i)) for i in range(_c.vosfp_counter_count())]


def list_names() -> List[str]:
    return [_s(_c.vosfp_list_name(i)) for i in range(_c.vosfp_list_count())]


def config_keys() -> Dict[str, str]:
    """{key: help} for every setting."""
    keys, i = {}, 0
    while _c.vosfp_config_key_name(i) is not None:
        keys[_s(_c.vosfp_config_key_name(i))] = _s(_c.vosfp_config_key_help(i))
        i += 1
    return keys


def check_prefix(prefix: PrefixLike) -> str:
    """The canonical form of a prefix (text or an ipaddress network or
    address), or VosfpError(EINVAL) with the reason."""
    canon, why = ctypes.create_string_buffer(64), ctypes.create_string_buffer(256)
    err = _c.vosfp_prefix_check(_prefix(prefix), canon, 64, why, 256)
    if err:
        raise VosfpError(err, _s(why.value))
    return _s(canon.value)


def parse_duration(text: str) -> int:
    """Seconds of a TTL as policy files take it ("3600", "15m", "2h", "7d"),
    or VosfpError(EINVAL)."""
    seconds = ctypes.c_uint32()
    err = _c.vosfp_duration_parse(text.encode(), ctypes.byref(seconds))
    if err:
        # ctypes calls from this OS thread: its last error is this call's.
        raise VosfpError(err, _s(_c.vosfp_error_last()))
    return seconds.value


_log_keepalive: Optional[Any] = None  # the ctypes callback, alive while installed


def set_log_callback(fn: Optional[Callable[[int, str], None]]) -> None:
    """fn(level, message) receives the library's and libbpf's messages;
    None silences them (the default)."""
    global _log_keepalive
    if fn is None:
        _log_keepalive = None
        # LOG_FN() is the NULL function pointer; typeshed lacks that form.
        _c.vosfp_set_log_callback(_lib.LOG_FN(), None)  # type: ignore[call-overload]
        return
    cb = fn
    _log_keepalive = _lib.LOG_FN(lambda lvl, msg, user: cb(lvl, _s(msg)))
    _c.vosfp_set_log_callback(_log_keepalive, None)


class Vosfp:
    """A handle on a pin root: the loaded program and the pinned maps."""

    def __init__(self, pin_root: Optional[str] = None, block_capacity: int = 0,
                 allow_capacity: int = 0) -> None:
        opts = _lib.OpenOpts(ctypes.sizeof(_lib.OpenOpts),
                             pin_root.encode() if pin_root else None,
                             block_capacity, allow_capacity)
        self._h = ctypes.c_void_p()
        err = _c.vosfp_open(ctypes.byref(opts), ctypes.byref(self._h))
        if err:
            raise VosfpError(err, _opt(_c.vosfp_open_error()))

    # -- life cycle
    def close(self) -> None:
        if self._h:
            _c.vosfp_close(self._h)
            self._h = ctypes.c_void_p()

    def __enter__(self) -> "Vosfp":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def _check(self, err: int) -> int:
        if err < 0:
            raise VosfpError(err, _opt(_c.vosfp_last_error(self._h)))
        return err

    def unpin(self) -> None:
        self._check(_c.vosfp_unpin(self._h))

    # -- attachment
    def attach(self, ifname: str, mode: str = "auto", multiprog: bool = False) -> str:
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

    def detach(self, ifname: str) -> None:
        self._check(_c.vosfp_detach(self._h, ifname.encode()))

    def attachments(self) -> List[Tuple[str, str, int]]:
        """[(ifname, mode, program id)]; mode "auto" means unknown here."""
        out = []
        for i in range(self._check(_c.vosfp_attachment_count(self._h))):
            name, mode, prog = ctypes.create_string_buffer(16), ctypes.c_int(), ctypes.c_uint32()
            self._check(_c.vosfp_attachment_get(self._h, i, name, 16, ctypes.byref(mode),
                                                ctypes.byref(prog)))
            out.append((_s(name.value), _s(_c.vosfp_mode_name(mode.value)), prog.value))
        return out

    def attachment_multiprog(self, idx: int) -> bool:
        """Whether attachment idx (as in attachments()) is vosfp's program in
        libxdp's dispatcher (vosfp_attachment_flags)."""
        return bool(self._check(_c.vosfp_attachment_flags(self._h, idx)) & _lib.ATTACH_MULTIPROG)

    # -- policy
    @staticmethod
    def _list(name: str) -> int:
        names = list_names()
        if name not in names:
            raise ValueError("list must be one of %s" % ", ".join(names))
        return names.index(name)

    def policy_add(self, list_name: str, prefix: PrefixLike, ttl: int = 0) -> bool:
        """True if added, False if it was already there (its TTL is then
        replaced). ttl: seconds until the program stops honouring the
        entry by itself; 0 = permanent."""
        if not 0 <= ttl <= 0xFFFFFFFF:
            raise ValueError("ttl must be 0 (permanent) to 2**32-1 seconds")
        return self._check(_c.vosfp_policy_add_ttl(self._h, self._list(list_name),
                                                   _prefix(prefix), ttl)) == 0

    def policy_remove(self, list_name: str, prefix: PrefixLike) -> None:
        self._check(_c.vosfp_policy_remove(self._h, self._list(list_name), _prefix(prefix)))

    def policy_clear(self, list_name: str) -> None:
        self._check(_c.vosfp_policy_clear(self._h, self._list(list_name)))

    def policy_count(self, list_name: str) -> int:
        return self._check(_c.vosfp_policy_count(self._h, self._list(list_name)))

    def policy_capacity(self, list_name: str) -> int:
        """Prefixes the list can hold, set when the pin root was created
        or since by policy_set_capacity."""
        return self._check(_c.vosfp_policy_capacity(self._h, self._list(list_name)))

    def policy_set_capacity(self, list_name: str, capacity: int) -> None:
        """Change the list's capacity on the root, for every process: raise
        it (a live root too), or lower it down to what the list holds
        (ENOSPC otherwise). libvosfp 0.2."""
        self._check(_c.vosfp_policy_set_capacity(self._h, self._list(list_name), capacity))

    @property
    def pin_root(self) -> str:
        """The bpffs directory the handle uses (no trailing slash). libvosfp 0.2."""
        return _s(_c.vosfp_pin_root(self._h))

    def policy(self, list_name: str) -> List[str]:
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

    def policy_entries(self, list_name: str) -> List[Tuple[str, int]]:
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

    def policy_load(self, list_name: str, path: Union[str, bytes, "os.PathLike[str]"],
                    replace: bool = False) -> int:
        """Load a policy file ("PREFIX [ttl=DURATION] [# comment]" per
        line); replace=True makes it the whole list, atomically. A bad line
        raises VosfpError with "FILE:LINE: why" and changes nothing.
        Returns the number of entries in the file."""
        return self._check(_c.vosfp_policy_load(self._h, self._list(list_name),
                                                os.fsencode(path), 1 if replace else 0))

    def policy_load_buffer(self, list_name: str, text: Union[str, bytes], name: str = "<text>",
                           replace: bool = False) -> int:
        """policy_load from a str or bytes; name stands for the file name
        in error messages."""
        data = text.encode() if isinstance(text, str) else bytes(text)
        return self._check(_c.vosfp_policy_load_buffer(self._h, self._list(list_name), data,
                                                       len(data), name.encode(),
                                                       1 if replace else 0))

    def block(self, prefix: PrefixLike, ttl: int = 0) -> bool:
        """policy_add("block", ...)"""
        return self.policy_add("block", prefix, ttl)

    def allow(self, prefix: PrefixLike, ttl: int = 0) -> bool:
        """policy_add("allow", ...)"""
        return self.policy_add("allow", prefix, ttl)

    # -- bans
    def ban(self, addr: AddressLike, ttl_seconds: int = 3600,
            permanent: bool = False) -> None:
        """Ban one address for ttl_seconds (1 to 10 years), or for good with
        permanent=True (then ttl_seconds is not used); replaces a ban."""
        o = _lib.BanAddOpts(sz=ctypes.sizeof(_lib.BanAddOpts),
                            ttl_seconds=0 if permanent else ttl_seconds,
                            flags=_lib.BAN_PERMANENT if permanent else 0)
        self._check(_c.vosfp_ban_add_ex(self._h, _address(addr), ctypes.byref(o)))

    def unban(self, addr: AddressLike) -> None:
        self._check(_c.vosfp_ban_remove(self._h, _address(addr)))

    def bans(self) -> List[Tuple[str, int, str]]:
        """[(address, seconds left, reason counter name)]; 0 seconds left is a
        permanent ban."""
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

    def ban_events(self) -> "BanEvents":
        """A reader of the program's automatic bans as they are made (the
        ring buffer): BanEvents, a context manager. A ring buffer has one
        consumer; on a node that runs `vosfp agent`, the agent is it."""
        ev = ctypes.c_void_p()
        self._check(_c.vosfp_ban_events_open(self._h, ctypes.byref(ev)))
        return BanEvents(self, ev)

    # -- config
    def set_ports(self, ports: Sequence[int]) -> None:
        arr = (ctypes.c_uint16 * len(ports))(*ports)
        self._check(_c.vosfp_config_set_ports(self._h, arr, len(ports)))

    def ports(self) -> List[int]:
        arr = (ctypes.c_uint16 * 16)()
        n = self._check(_c.vosfp_config_get_ports(self._h, arr, 16))
        return list(arr[:min(n, 16)])

    def config_set(self, key: str, value: object) -> None:
        self._check(_c.vosfp_config_set(self._h, key.encode(), str(value).encode()))

    def config_get(self, key: str) -> str:
        buf = ctypes.create_string_buffer(4096)
        self._check(_c.vosfp_config_get(self._h, key.encode(), buf, len(buf)))
        return _s(buf.value)

    def config(self) -> Dict[str, str]:
        return {k: self.config_get(k) for k in config_keys()}

    # -- counters
    def counter(self, name: str) -> Tuple[int, int]:
        """(packets, bytes) for one reason."""
        ids = counter_names()
        if name not in ids:
            raise ValueError("unknown counter %r" % name)
        pk, by = ctypes.c_uint64(), ctypes.c_uint64()
        self._check(_c.vosfp_counter_read(self._h, ids.index(name), ctypes.byref(pk),
                                          ctypes.byref(by)))
        return pk.value, by.value

    def counters(self) -> Dict[str, Tuple[int, int]]:
        return {name: self.counter(name) for name in counter_names()}

    def reset_counters(self) -> None:
        self._check(_c.vosfp_counters_reset(self._h))

    def interface_counter(self, iface: str, name: str) -> Tuple[int, int]:
        """(packets, bytes) for one reason on one attached interface (a name
        as attached, or an ifindex or name of this namespace); VosfpError
        ENOENT if it has no counters of its own (since libvosfp 0.2)."""
        ids = counter_names()
        if name not in ids:
            raise ValueError("unknown counter %r" % name)
        pk, by = ctypes.c_uint64(), ctypes.c_uint64()
        self._check(_c.vosfp_counter_read_iface(self._h, iface.encode(), ids.index(name),
                                                ctypes.byref(pk), ctypes.byref(by)))
        return pk.value, by.value

    def interface_counters(self) -> Dict[str, Dict[str, Tuple[int, int]]]:
        """{interface: {reason: (packets, bytes)}} for every interface with a
        row; counters() stays the totals over all of them."""
        out: Dict[str, Dict[str, Tuple[int, int]]] = {}
        pos = 0
        while True:
            name, idx = ctypes.create_string_buffer(16), ctypes.c_int()
            err = _c.vosfp_counter_iface(self._h, pos, name, 16, ctypes.byref(idx))
            if err == -_errno.ENOENT:
                return out
            self._check(err)
            iface = _s(name.value)
            out[iface] = {r: self.interface_counter(iface, r) for r in counter_names()}
            pos += 1

    # -- AF_XDP and dry runs
    def xsk_register(self, queue_id: int, xsk_fd: int) -> None:
        self._check(_c.vosfp_xsk_register(self._h, queue_id, xsk_fd))

    def xsk_unregister(self, queue_id: int) -> None:
        self._check(_c.vosfp_xsk_unregister(self._h, queue_id))

    def test_packet(self, frame: bytes) -> str:
        """The verdict ("drop", "pass"...) of one Ethernet frame, dry run."""
        verdict = ctypes.c_int()
        self._check(_c.vosfp_test_packet(self._h, bytes(frame), len(frame), ctypes.byref(verdict)))
        return VERDICTS[verdict.value]

    def explain(self, addr: object) -> Dict[str, Any]:
        """What the filter holds about one source and does with a SIP request
        from it (vosfp_explain_source): a dict with the address as looked up,
        "block"/"allow" (matches, prefix, ttl_left; 0 = permanent), "ban"
        (table "none", "manual" or "automatic", reason, ttl_left),
        "verified", "rate" (limit, burst, tracked, tokens), "verdict",
        "reason" and the one-line "decision". Reads only."""
        e = _lib.Explain(sz=ctypes.sizeof(_lib.Explain))
        self._check(_c.vosfp_explain_source(self._h, str(addr).encode(), ctypes.byref(e)))

        def entry(matches: int, prefix: bytes, ttl: int) -> Dict[str, Any]:
            return {"matches": matches, "prefix": prefix.decode() if matches else None,
                    "ttl_left": ttl}
        return {
            "address": e.addr.decode(), "family": e.family,
            "block": entry(e.block_matches, e.block_prefix, e.block_ttl_left),
            "allow": entry(e.allow_matches, e.allow_prefix, e.allow_ttl_left),
            "ban": {"table": ("none", "manual", "automatic")[e.ban] if 0 <= e.ban <= 2
                    else "unknown",
                    "reason": _s(_c.vosfp_counter_name(e.ban_reason)) if e.ban else None,
                    "ttl_left": e.ban_ttl_left},
            "verified": {"verified": bool(e.verified), "ttl_left": e.verified_ttl_left},
            "rate": {"limit": e.rate_limit, "burst": e.rate_burst,
                     "tracked": bool(e.rate_tracked), "tokens": e.rate_tokens},
            "verdict": VERDICTS[e.verdict], "reason": _s(_c.vosfp_counter_name(e.reason)),
            "decision": e.decision.decode(),
        }

    def test_packet_reason(self, frame: bytes) -> Tuple[str, Optional[str]]:
        """(verdict, reason) of one frame, dry run: reason is the counter it
        was counted under ("stealth"...), None if none (not the filter's),
        "unknown" if the library cannot tell (other traffic meanwhile)."""
        opts = _lib.TestPacketOpts(sz=ctypes.sizeof(_lib.TestPacketOpts))
        self._check(_c.vosfp_test_packet_ex(self._h, bytes(frame), len(frame),
                                            ctypes.byref(opts)))
        reason: Optional[str]
        if opts.reason == _lib.REASON_NONE:
            reason = None
        elif opts.reason == _lib.REASON_UNKNOWN:
            reason = "unknown"
        else:
            reason = _s(_c.vosfp_counter_name(opts.reason))
        return VERDICTS[opts.verdict], reason


class BanEvents:
    """The program's automatic bans; from Vosfp.ban_events()."""

    def __init__(self, handle: Vosfp, ev: ctypes.c_void_p) -> None:
        self._handle = handle
        self._ev: Optional[ctypes.c_void_p] = ev

    def fileno(self) -> int:
        """Readable (select/poll/epoll) while events wait."""
        return self._handle._check(_c.vosfp_ban_events_fd(self._ev))

    def consume(self) -> List[Tuple[str, str, int, int]]:
        """[(address, reason counter name, ban TTL, seconds left)], oldest
        first, without blocking."""
        out = []

        def one(_user: Optional[int], addr: bytes, reason: int, ttl: int, left: int) -> int:
            out.append((_s(addr), _s(_c.vosfp_counter_name(reason)), ttl, left))
            return 0
        fn = _lib.BAN_EVENT_FN(one)  # kept alive for the length of the call
        self._handle._check(_c.vosfp_ban_events_consume(self._ev, fn, None))
        return out

    def close(self) -> None:
        if self._ev:
            _c.vosfp_ban_events_close(self._ev)
            self._ev = None

    def __enter__(self) -> "BanEvents":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Vosfp", "BanEvents", "VosfpError", "version", "counter_names", "list_names",
           "config_keys",
           "check_prefix", "parse_duration", "set_log_callback", "MODES", "VERDICTS",
           "__version__", "PrefixLike", "AddressLike"]
_ = _errno  # errno numbers for callers: VosfpError.errno compares with errno.E*

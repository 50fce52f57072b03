"""The C ABI of libvosfp.so.0, declared for ctypes: one place that knows
every signature in include/vosfp/vosfp.h."""
import ctypes
import os

c_int, c_uint16, c_uint32, c_int64, c_uint64 = (
    ctypes.c_int, ctypes.c_uint16, ctypes.c_uint32, ctypes.c_int64, ctypes.c_uint64)
c_char_p, c_void_p, c_size_t = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t
P = ctypes.POINTER


class OpenOpts(ctypes.Structure):
    """struct vosfp_open_opts: `sz` first, as libbpf's OPTS pattern."""
    _fields_ = [("sz", c_size_t), ("pin_root", c_char_p),
                ("block_capacity", c_uint32), ("allow_capacity", c_uint32)]


class AttachOpts(ctypes.Structure):
    """struct vosfp_attach_opts (vosfp_attach_ex, VOSFP_0.2)."""
    _fields_ = [("sz", c_size_t), ("mode", c_int), ("flags", ctypes.c_uint)]


ATTACH_MULTIPROG = 1  # VOSFP_ATTACH_MULTIPROG


class TestPacketOpts(ctypes.Structure):
    """struct vosfp_test_packet_opts (vosfp_test_packet_ex, VOSFP_0.2)."""
    _fields_ = [("sz", c_size_t), ("verdict", c_int), ("reason", c_int)]


class BanAddOpts(ctypes.Structure):
    """struct vosfp_ban_add_opts (vosfp_ban_add_ex, VOSFP_0.2)."""
    _fields_ = [("sz", c_size_t), ("ttl_seconds", c_uint32), ("flags", c_uint32)]


BAN_PERMANENT = 1  # VOSFP_BAN_PERMANENT

class Explain(ctypes.Structure):
    """struct vosfp_explain (vosfp_explain_source, VOSFP_0.2): out, sz first."""
    _fields_ = [("sz", c_size_t), ("addr", ctypes.c_char * 46), ("family", c_int),
                ("block_matches", c_uint32), ("block_ttl_left", c_uint32),
                ("block_prefix", ctypes.c_char * 50),
                ("allow_matches", c_uint32), ("allow_ttl_left", c_uint32),
                ("allow_prefix", ctypes.c_char * 50),
                ("ban", c_int), ("ban_reason", c_int), ("ban_ttl_left", c_uint32),
                ("verified", c_int), ("verified_ttl_left", c_uint32),
                ("rate_limit", c_uint32), ("rate_burst", c_uint32), ("rate_tracked", c_int),
                ("rate_tokens", c_uint32), ("verdict", c_int), ("reason", c_int),
                ("decision", ctypes.c_char * 160)]


REASON_NONE, REASON_UNKNOWN = -1, -2  # VOSFP_REASON_NONE, VOSFP_REASON_UNKNOWN

LOG_FN = ctypes.CFUNCTYPE(None, c_int, c_char_p, c_void_p)
# vosfp_ban_event_fn: (user, addr, reason, ttl_seconds, ttl_left) -> 0 or -errno
BAN_EVENT_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_int, c_uint32, c_uint32)

# name: (restype, argtypes)
SIGNATURES = {
    "vosfp_version": (c_char_p, []),
    "vosfp_strerror": (c_char_p, [c_int]),
    "vosfp_last_error": (c_char_p, [c_void_p]),
    "vosfp_set_log_callback": (None, [LOG_FN, c_void_p]),
    "vosfp_open": (c_int, [P(OpenOpts), P(c_void_p)]),
    "vosfp_open_error": (c_char_p, []),
    "vosfp_close": (None, [c_void_p]),
    "vosfp_unpin": (c_int, [c_void_p]),
    "vosfp_mode_name": (c_char_p, [c_int]),
    "vosfp_attach": (c_int, [c_void_p, c_char_p, c_int, P(c_int)]),
    "vosfp_attach_ex": (c_int, [c_void_p, c_char_p, P(AttachOpts), P(c_int)]),
    "vosfp_detach": (c_int, [c_void_p, c_char_p]),
    "vosfp_attachment_count": (c_int, [c_void_p]),
    "vosfp_attachment_get": (c_int, [c_void_p, c_int, c_char_p, c_size_t, P(c_int), P(c_uint32)]),
    "vosfp_list_count": (c_int, []),
    "vosfp_list_name": (c_char_p, [c_int]),
    "vosfp_policy_add": (c_int, [c_void_p, c_int, c_char_p]),
    "vosfp_policy_add_ttl": (c_int, [c_void_p, c_int, c_char_p, c_uint32]),
    "vosfp_policy_iter_ttl": (c_int64, [c_void_p]),
    "vosfp_policy_load": (c_int, [c_void_p, c_int, c_char_p, ctypes.c_uint]),
    "vosfp_policy_load_buffer": (c_int, [c_void_p, c_int, c_char_p, c_size_t, c_char_p,
                                         ctypes.c_uint]),
    "vosfp_prefix_check": (c_int, [c_char_p, c_char_p, c_size_t, c_char_p, c_size_t]),
    "vosfp_duration_parse": (c_int, [c_char_p, P(c_uint32)]),
    "vosfp_policy_remove": (c_int, [c_void_p, c_int, c_char_p]),
    "vosfp_policy_clear": (c_int, [c_void_p, c_int]),
    "vosfp_policy_count": (c_int64, [c_void_p, c_int]),
    "vosfp_policy_capacity": (c_int64, [c_void_p, c_int]),
    "vosfp_policy_set_capacity": (c_int, [c_void_p, c_int, c_uint32]),
    "vosfp_pin_root": (c_char_p, [c_void_p]),
    "vosfp_policy_iter_open": (c_int, [c_void_p, c_int, P(c_void_p)]),
    "vosfp_policy_iter_next": (c_int, [c_void_p, c_char_p, c_size_t]),
    "vosfp_policy_iter_close": (None, [c_void_p]),
    "vosfp_ban_add": (c_int, [c_void_p, c_char_p, c_uint32]),
    "vosfp_ban_add_ex": (c_int, [c_void_p, c_char_p, P(BanAddOpts)]),
    "vosfp_ban_remove": (c_int, [c_void_p, c_char_p]),
    "vosfp_ban_iter_open": (c_int, [c_void_p, P(c_void_p)]),
    "vosfp_ban_iter_next": (c_int, [c_void_p, c_char_p, c_size_t, P(c_uint32), P(c_int)]),
    "vosfp_ban_iter_close": (None, [c_void_p]),
    "vosfp_ban_events_open": (c_int, [c_void_p, P(c_void_p)]),
    "vosfp_ban_events_fd": (c_int, [c_void_p]),
    "vosfp_ban_events_consume": (c_int, [c_void_p, BAN_EVENT_FN, c_void_p]),
    "vosfp_ban_events_close": (None, [c_void_p]),
    "vosfp_config_set_ports": (c_int, [c_void_p, P(c_uint16), c_size_t]),
    "vosfp_config_get_ports": (c_int, [c_void_p, P(c_uint16), c_size_t]),
    "vosfp_config_key_name": (c_char_p, [c_int]),
    "vosfp_config_key_help": (c_char_p, [c_int]),
    "vosfp_config_set": (c_int, [c_void_p, c_char_p, c_char_p]),
    "vosfp_config_get": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t]),
    "vosfp_counter_count": (c_int, []),
    "vosfp_counter_name": (c_char_p, [c_int]),
    "vosfp_counter_is_drop": (c_int, [c_int]),
    "vosfp_counter_read": (c_int, [c_void_p, c_int, P(c_uint64), P(c_uint64)]),
    "vosfp_counters_reset": (c_int, [c_void_p]),
    "vosfp_counter_read_iface": (c_int, [c_void_p, c_char_p, c_int, P(c_uint64), P(c_uint64)]),
    "vosfp_counter_iface": (c_int, [c_void_p, c_int, c_char_p, c_size_t, P(c_int)]),
    "vosfp_xsk_register": (c_int, [c_void_p, c_uint32, c_int]),
    "vosfp_xsk_unregister": (c_int, [c_void_p, c_uint32]),
    "vosfp_test_packet": (c_int, [c_void_p, c_char_p, c_size_t, P(c_int)]),
    # VOSFP_0.2: the thread's last error, version numbers, the dry run's reason
    "vosfp_error_last": (c_char_p, []),
    "vosfp_error_clear": (None, []),
    "vosfp_version_major": (c_int, []),
    "vosfp_version_minor": (c_int, []),
    "vosfp_version_patch": (c_int, []),
    "vosfp_test_packet_ex": (c_int, [c_void_p, c_char_p, c_size_t, P(TestPacketOpts)]),
    "vosfp_explain_source": (c_int, [c_void_p, c_char_p, P(Explain)]),
    "vosfp_attachment_flags": (c_int, [c_void_p, c_int]),
}


SONAME = "libvosfp.so.0"


def load() -> ctypes.CDLL:
    """libvosfp.so.0 from $VOSFP_LIBRARY, else the dynamic loader's path
    (LD_LIBRARY_PATH, then ld.so.cache). The soname, not find_library's
    pick: it is the ABI these signatures describe. ImportError, saying how
    to get one, when it cannot be loaded or lacks a function."""
    name = os.environ.get("VOSFP_LIBRARY") or SONAME
    try:
        lib = ctypes.CDLL(name)
    except OSError as e:
        where = ("$VOSFP_LIBRARY is %r" % name if os.environ.get("VOSFP_LIBRARY")
                 else "looked for %s on the loader's path" % SONAME)
        raise ImportError(
            "vosfp: cannot load libvosfp (%s): %s. Install the library (Debian: apt-get "
            "install libvosfp0), or point LD_LIBRARY_PATH at the directory holding %s, or "
            "VOSFP_LIBRARY at the file itself." % (where, e, SONAME), name="vosfp") from None
    for fn, (restype, argtypes) in SIGNATURES.items():
        try:
            f = getattr(lib, fn)
        except AttributeError:
            raise ImportError(
                "vosfp: %s has no %s: it is older than this binding; install the "
                "libvosfp0 of the same version" % (name, fn), name="vosfp") from None
        f.restype, f.argtypes = restype, argtypes
    return lib

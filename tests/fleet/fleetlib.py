# SPDX-License-Identifier: BSD-2-Clause
"""The fleet tests' harness: a real RabbitMQ of the test's own (own node name,
ports, epmd, data and log directories in a temp dir, no systemd), stopped by
PID on every exit path, and fleet nodes (fleet_node or `vosfp agent`) as
child processes whose output lines are collected by a thread each."""

import os
import queue
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

RMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
RMQ_CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def require():
    if os.geteuid() != 0:
        skip("needs root (runs RabbitMQ as the rabbitmq user, bpffs pin roots)")
    if not os.path.exists(RMQ_SERVER) or not shutil.which("epmd"):
        skip("rabbitmq-server is not installed (apt-get install rabbitmq-server)")
    try:
        import pika  # noqa: F401
    except ImportError:
        skip("python3-pika is not installed (apt-get install python3-pika)")


def free_port():
    """A port free now on loopback (the kernel's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for c in f.read().split():
                    out.append(int(c))
                    out.extend(descendants(int(c)))
    except OSError:
        pass
    return out


def stop_pid(proc, timeout=30):
    """SIGTERM, then SIGKILL after timeout; the process's children too."""
    if proc is None or proc.poll() is not None:
        return
    kids = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    for k in kids:
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Broker:
    """RabbitMQ for one test run. start() waits for it (bounded), stop()
    stops it by PID; the data directory is kept across a stop, so a
    restart keeps the stream (as a real broker's restart does)."""

    def __init__(self, tmp, ssl_conf=None):
        uid = f"{os.getpid()}-{random.randrange(1 << 30):x}"
        self.tmp = tmp
        self.node = f"vfleet-{uid}@localhost"
        self.port = free_port()
        self.epmd_port = free_port()
        self.dist_port = free_port()
        self.ctl_port = free_port()
        self.ssl_port = free_port() if ssl_conf else None
        self.proc = None
        self.epmd = None
        base = os.path.join(tmp, "rabbitmq")
        for d in ("mnesia", "log"):
            os.makedirs(os.path.join(base, d), exist_ok=True)
        plugins = os.path.join(base, "enabled_plugins")
        with open(plugins, "w") as f:
            f.write("[].\n")
        conf = os.path.join(base, "rabbitmq.conf")
        with open(conf, "w") as f:
            f.write("loopback_users = none\n")
            f.write(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
            if ssl_conf:
                f.write(f"listeners.ssl.default = 127.0.0.1:{self.ssl_port}\n")
                for k, v in ssl_conf.items():
                    f.write(f"ssl_options.{k} = {v}\n")
        shutil.chown(tmp, "rabbitmq")
        os.chmod(tmp, 0o755)
        subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", base], check=True)
        self.env = dict(os.environ,
                        HOME="/var/lib/rabbitmq",
                        RABBITMQ_NODENAME=self.node,
                        RABBITMQ_NODE_PORT=str(self.port),
                        RABBITMQ_DIST_PORT=str(self.dist_port),
                        RABBITMQ_CTL_DIST_PORT_MIN=str(self.ctl_port),
                        RABBITMQ_CTL_DIST_PORT_MAX=str(self.ctl_port),
                        ERL_EPMD_PORT=str(self.epmd_port),
                        RABBITMQ_MNESIA_BASE=os.path.join(base, "mnesia"),
                        RABBITMQ_LOG_BASE=os.path.join(base, "log"),
                        RABBITMQ_PID_FILE=os.path.join(base, "rabbit.pid"),
                        RABBITMQ_ENABLED_PLUGINS_FILE=plugins,
                        RABBITMQ_CONFIG_FILE=conf[:-5],
                        RABBITMQ_ADVANCED_CONFIG_FILE=os.path.join(base, "advanced.config"))
        self.url = f"amqp://127.0.0.1:{self.port}/"

    def _as_rabbitmq(self, argv):
        return ["setpriv", "--reuid=rabbitmq", "--regid=rabbitmq", "--init-groups"] + argv

    def start(self, timeout=120):
        if self.epmd is None:
            # Our own epmd on our own port: the broker finds it running and
            # starts none, so all it runs is ours to stop.
            self.epmd = subprocess.Popen(self._as_rabbitmq(
                ["epmd", "-port", str(self.epmd_port)]), env=self.env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log = open(os.path.join(self.tmp, "rabbitmq", "log", "server.out"), "ab")
        self.proc = subprocess.Popen(self._as_rabbitmq([RMQ_SERVER]), env=self.env,
                                     cwd="/var/lib/rabbitmq", stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        # `wait` waits for the PID file, then for the boot to finish.
        r = self.ctl("wait", "--timeout", str(timeout), self.env["RABBITMQ_PID_FILE"],
                     timeout=timeout + 10)
        if r.returncode != 0 or self.proc.poll() is not None:
            raise RuntimeError("RabbitMQ did not start: " + r.stdout + r.stderr)

    def ctl(self, *args, timeout=60):
        return subprocess.run(self._as_rabbitmq([RMQ_CTL, "-n", self.node] + list(args)),
                              env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd="/var/lib/rabbitmq")

    def add_user(self, user, password):
        for args in (("add_user", user, password),
                     ("set_permissions", "-p", "/", user, ".*", ".*", ".*")):
            r = self.ctl(*args)
            if r.returncode:
                raise RuntimeError(f"rabbitmqctl {args[0]}: {r.stdout}{r.stderr}")

    def stop(self):
        pidfile = self.env["RABBITMQ_PID_FILE"]
        if os.path.exists(pidfile):
            os.unlink(pidfile)  # the next start's `wait` waits for a new one
        stop_pid(self.proc, timeout=60)
        self.proc = None

    def close(self):
        self.stop()
        stop_pid(self.epmd, timeout=10)
        self.epmd = None


class Node:
    """A child process speaking lines; lines() is filled by a thread."""

    def __init__(self, name, argv, env=None):
        self.name = name
        self.argv = argv
        self.lines = queue.Queue()
        self.err = []
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1, env=env)
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines.put),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.err.append),
                         daemon=True).start()

    @staticmethod
    def _read(stream, put):
        for line in stream:
            put(line.rstrip("\n"))

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, pred, timeout, what):
        """The first line pred accepts, within timeout seconds (bounded)."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: no {what} within {timeout} s; "
                                     f"stderr: {self.err[-5:]}")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if pred(line):
                return line

    def metrics(self, timeout=10):
        self.send("metrics")
        out = {}
        while True:
            line = self.expect(lambda l: True, timeout, "metrics")
            if line == "end":
                return out
            if line.startswith("vosfp_agent_fleet_"):
                k, v = line.rsplit(" ", 1)
                out[k] = float(v)

    def kill9(self):
        self.proc.kill()
        self.proc.wait(10)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        stop_pid(self.proc, timeout=10)

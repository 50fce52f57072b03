#!/usr/bin/python3
"""docs/cli.md, vosfp(8) and `vosfp CMD --help` name the same options: for
every command the tool lists, each long option of its --help must appear in
the command's section of docs/cli.md and of man/vosfp.8.scd, and each option
the man page's section defines must be one --help lists.
usage: test_docs_agree.py VOSFP_BINARY VOSFP_8_SCD CLI_MD"""
import os
import re
import subprocess
import sys

VOSFP, SCD, MD = sys.argv[1:4]
env = dict(os.environ, VOSFP_CONFIG="/dev/null")
fails = 0


def check(what, want, got):
    global fails
    if want == got:
        print("ok   " + what)
    else:
        print("FAIL %s: expected %r, got %r" % (what, want, got))
        fails += 1


def run(*args):
    return subprocess.run([VOSFP, *args], capture_output=True, text=True, env=env,
                          check=True).stdout


def sections(path):
    """{heading: body} for every '## ' heading of a markdown or scdoc file."""
    out, head = {}, None
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            head = line[3:].strip()
            out[head] = head + "\n"
        elif line.startswith("# "):
            head = None
        elif head:
            out[head] += line
    return out


def section_of(secs, cmd):
    """The section whose heading names cmd: 'cmd ...' or '..., cmd ...'."""
    for head, body in secs.items():
        names = [part.strip().split(" ")[0] for part in head.split(",")]
        if cmd in names:
            return body
    return None


help_text = run("--help")
commands = re.findall(r"^  ([a-z]+)(?: |$)",
                      help_text[help_text.index("Commands:"):help_text.index("Global options")],
                      re.M)
commands = [c for c in commands if c]
check("the tool lists 20 commands", 20, len(commands))
man, md = sections(SCD), sections(MD)
for cmd in commands:
    opts = set(re.findall(r"^ +(?:-[a-zA-Z], )?--([a-z0-9-]+)", run(cmd, "--help"), re.M))
    opts.discard("help")
    for name, secs in (("vosfp(8)", man), ("docs/cli.md", md)):
        body = section_of(secs, cmd)
        if body is None:
            check("%s has a section for %s" % (name, cmd), True, False)
            continue
        missing = sorted(o for o in opts if not re.search(r"--%s\b" % re.escape(o), body))
        check("%s's section for %s names %s" % (name, cmd, sorted(opts) or "no option"), [],
              missing)
    body = section_of(man, cmd) or ""
    defined = set(re.findall(r"^\*--([a-z0-9-]+)\*", body, re.M))
    defined |= set(re.findall(r"^\*--[a-z0-9-]+\* _\S+_, \*--([a-z0-9-]+)\*", body, re.M))
    check("vosfp(8) defines no option %s lacks" % cmd, [], sorted(defined - opts))
# The global options: in the global --help, vosfp(8) and docs/cli.md.
glob = set(re.findall(r"^ +(?:-[a-zA-Z], )?--([a-z0-9-]+)",
                      help_text[help_text.index("Global options"):], re.M))
scd_text, md_text = open(SCD).read(), open(MD).read()
for o in sorted(glob):
    check("global --%s in vosfp(8)" % o, True, "*--%s*" % o in scd_text)
    check("global --%s in docs/cli.md" % o, True, "--%s" % o in md_text)
print("docs-agree: %d failed" % fails)
sys.exit(1 if fails else 0)

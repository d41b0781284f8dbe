#!/usr/bin/env python3
"""The README's run command after its test command compiles nothing again: every crate the
binary `europass` builds has the same features in the binary's build as in the workspace's
test build (cargo unifies features per build, and dev-dependencies only in the second).
Fails naming each crate whose features differ; the fix is a line in api/Cargo.toml's
feature-alignment block."""

import re
import subprocess
import sys


def features(args):
    out = subprocess.run(
        ["cargo", "tree", "--locked", "-f", "{p} {f}", "--prefix", "none", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        m = re.match(r"(\S+) (v\S+)(?: \([^)]*\))?(?: (\S+))?(?: \(\*\))?$", line.strip())
        if not m:
            continue
        names = {f for f in (m.group(3) or "").split(",") if f and f != "(*)"}
        found.setdefault(f"{m.group(1)} {m.group(2)}", set()).update(names)
    return found


binary = features(["-p", "api", "-e", "normal,build"])
tests = features(["--workspace", "-e", "normal,build,dev"])
differ = [name for name in sorted(binary) if name in tests and tests[name] != binary[name]]
for name in differ:
    print(
        f"{name}: the test build adds {sorted(tests[name] - binary[name])}, "
        f"the binary's adds {sorted(binary[name] - tests[name])}",
        file=sys.stderr,
    )
if differ:
    sys.exit("features differ: `cargo run --bin europass` would compile these again")
print(f"features aligned: {len(binary)} crates of the binary build as in the test build")

#!/usr/bin/env python3
"""Fails when the API crate holds SQL, or when a workspace crate depends (directly or through another crate) on a crate the
design forbids it: the write side and the read side meet only in `api` (README, Design)."""
import json
import subprocess
import sys

# crate -> workspace crates it must never reach.
FORBIDDEN = {
    "domain": {"eventstore", "commands", "projections", "esco", "api", "images", "pdf-templates"},
    "eventstore": {"commands", "projections", "esco", "api", "images", "pdf-templates"},
    "commands": {"projections", "esco", "api"},
    "projections": {"commands", "esco", "api", "images", "pdf-templates"},
    "esco": {"domain", "eventstore", "commands", "projections", "api"},
}

metadata = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
name_of = {p["id"]: p["name"] for p in metadata["packages"]}
members = {name_of[m] for m in metadata["workspace_members"]}
# Normal (non-dev, non-build) dependencies between packages.
edges = {}
for node in metadata["resolve"]["nodes"]:
    edges[name_of[node["id"]]] = {
        name_of[d["pkg"]]
        for d in node["deps"]
        if any(k["kind"] is None for k in d["dep_kinds"])
    }

def reach(start):
    seen, todo = set(), [start]
    while todo:
        for dep in edges.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen

failures = []
for crate, forbidden in FORBIDDEN.items():
    if crate not in members:
        failures.append(f"{crate}: not a workspace member any more (update .ci/crate_graph.py)")
        continue
    for bad in sorted(reach(crate) & forbidden):
        failures.append(f"{crate} depends on {bad}")
# The API crate holds no SQL: handlers call services (commands) and readers (projections).
import pathlib
for path in sorted(pathlib.Path("api/src").rglob("*.rs")):
    for number, text in enumerate(path.read_text().splitlines(), 1):
        if "sqlx::query" in text:
            failures.append(f"{path}:{number}: SQL in the API crate")

for line in failures:
    print(f"crate graph: {line}", file=sys.stderr)
if failures:
    sys.exit(1)
print("crate graph: as designed (" + ", ".join(sorted(FORBIDDEN)) + " checked)")

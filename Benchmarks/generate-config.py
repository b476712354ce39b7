#!/usr/bin/env python3
"""Writes a tend config with N resources of every common kind, for the benchmarks.

usage: generate-config.py N DIR   -> DIR/tend.yaml (and DIR/files/ for file sources)
"""
import os
import sys

n = int(sys.argv[1])
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
lines = ["tend: 1", "vars:", "  root: " + out + "/tree", "  editor: vim", "resources:"]
kinds = ["file", "directory", "alias", "env", "git-config", "apt", "script", "symlink", "path"]
for i in range(n):
    kind = kinds[i % len(kinds)]
    if kind == "file":
        lines += ["  - type: file", f"    path: ${{vars.root}}/f{i}.txt", f"    content: \"line {i}\\n\"", "    mode: \"0644\"", "    tags: [files]"]
    elif kind == "directory":
        lines += ["  - type: directory", f"    path: ${{vars.root}}/d{i}"]
    elif kind == "alias":
        lines += ["  - type: alias", f"    name: a{i}", f"    value: echo {i}"]
    elif kind == "env":
        lines += ["  - type: env", f"    name: V{i}", "    value: ${vars.editor}"]
    elif kind == "git-config":
        lines += ["  - type: git-config", f"    key: tend.k{i}", f"    value: v{i}"]
    elif kind == "apt":
        lines += ["  - type: apt", f"    name: pkg{i}", "    when: { os: linux }"]
    elif kind == "script":
        lines += ["  - type: script", f"    id: s{i}", "    check: \"true\"", "    create: \"true\"", f"    dependsOn: [\"alias:a{i - 4}\"]"]
    elif kind == "symlink":
        lines += ["  - type: symlink", f"    path: ${{vars.root}}/l{i}", f"    target: ${{vars.root}}/f{i - 7}.txt"]
    elif kind == "path":
        lines += ["  - type: path", f"    directory: ${{vars.root}}/bin{i}"]
with open(os.path.join(out, "tend.yaml"), "w") as f:
    f.write("\n".join(lines) + "\n")

#!/usr/bin/env python3
"""check_layout.py - the architecture rules of docs/internals/README.md,
checked on the source tree and the built library.

usage: check_layout.py SRCDIR LIBSTABFORCE.a

1. No two library files depend on each other's definitions, directly or
   through others: the graph "file A calls a function defined in file B",
   read from the object files with nm, has no cycle.
2. No header include cycle in src/lib.
3. Each third-party library is included by exactly the one adapter file
   named in ADAPTERS (a header of the adapter's own folder may re-export
   nothing of it).
4. src/cli and src/server include only the public headers
   (include/stabforce/) and their own headers.
5. Library folders include only folders below them in LAYERS.
6. The library touches no process-global state (issue 9): no getenv,
   setenv, putenv, fflush(NULL), sqlite3_config, signal or sigaction in
   src/lib (the CLI reads the environment and passes options down; what
   a signal does is the command's choice), and it writes nothing on
   stderr (progress and messages go to a callback or a writer the caller
   passes); stdout only where a caller named it as an output ("-",
   PROCESS_GLOBAL_ALLOWED). Comments and strings are not code.
7. The library holds no place's data (issue 9 item 5): no name or id of
   a crossing that an example's crossings.csv lists (examples/*/
   crossings.csv, columns crossing and name) in src/lib's code or string
   literals. Names compare as the library compares them (case, blanks,
   dashes and underscores ignored); names shorter than 4 letters ("KS")
   are skipped, too short to tell from an identifier. Comments may cite
   an example.

Exit 0 when every rule holds, 1 with one line per violation otherwise.
"""
import collections
import csv
import os
import re
import subprocess
import sys

# third-party header -> the one file that may include it
ADAPTERS = {
    "yaml.h": "src/lib/scenario/yaml.c",
    "coin/Cbc_C_Interface.h": "src/lib/plan/solver_cbc.c",
    "glpk.h": "src/lib/plan/solver_glpk.c",
    "sqlite3.h": "src/lib/register/store_sqlite.c",
    "geos_c.h": "src/lib/scenario/geo.c",
    "jansson.h": "src/lib/base/json.c",
    "libpq-fe.h": "src/lib/register/store_pg.c",
    "microhttpd.h": "src/server/http_mhd.c",
    "nettle/sha2.h": "src/lib/base/sha256.c",
    "cmark-gfm.h": "src/lib/output/markdown.c",
    "cmark-gfm-core-extensions.h": "src/lib/output/markdown.c",
    "cmark-gfm-extension_api.h": "src/lib/output/markdown.c",
}

# A folder may include headers of the folders listed for it (and its own).
LAYERS = {
    "base": set(),
    "scenario": {"base"},
    "plan": {"base", "scenario"},
    "register": {"base", "scenario"},
    "analysis": {"base", "scenario", "plan"},
    "service": {"base", "scenario", "register"},
    "output": {"base", "scenario", "plan", "register", "analysis", "service"},
}

# What the library may not call or touch (rule 6), and the one place each
# exception is justified.
PROCESS_GLOBAL_RE = re.compile(
    r'(?<![\w.>])(?:(getenv|secure_getenv|setenv|unsetenv|putenv|clearenv|sqlite3_config|'
    r'signal|sigaction)\s*\(|(stderr|stdout)\b)|\bfflush\s*\(\s*(?:NULL|0)\s*\)')
PROCESS_GLOBAL_ALLOWED = {
    # an output file "-": the caller named standard output as the writer
    ("src/lib/base/file.c", "stdout"),
    # PATH lookup of the program to run, as execvp does (sf__spawn_which)
    ("src/lib/base/spawn.c", "getenv"),
}
COMMENT_OR_STRING_RE = re.compile(
    r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def code_only(text):
    """text with comments and string literals blanked (line numbers kept)."""
    return COMMENT_OR_STRING_RE.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)


def comments_blanked(text):
    """text with comments blanked, strings kept (line numbers kept)."""
    return COMMENT_OR_STRING_RE.sub(
        lambda m: re.sub(r'[^\n]', ' ', m.group(0)) if m.group(0)[0] == '/' else m.group(0),
        text)


def fold_name(text):
    """Lowercase, runs of blanks, dashes and underscores as one space."""
    return re.sub(r'[ \t_-]+', ' ', text.lower())


def example_crossings(root):
    """(folded name, where) of every crossing id and name the examples list."""
    out = {}
    examples = os.path.join(root, "examples")
    for ex in sorted(os.listdir(examples)):
        path = os.path.join(examples, ex, "crossings.csv")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for key in ("crossing", "name"):
                    name = fold_name((row.get(key) or "").strip())
                    if len(name) >= 4:
                        out.setdefault(name, f"examples/{ex}/crossings.csv")
    return out


INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def sources(root, sub):
    out = []
    for d, _, files in os.walk(os.path.join(root, sub)):
        for f in files:
            if f.endswith((".c", ".h")):
                out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def includes(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as fp:
        return INCLUDE_RE.findall(fp.read())


def find_cycles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def definition_graph(lib):
    """file -> files whose definitions it uses, from nm of the archive."""
    text = subprocess.run(["nm", "-A", lib], capture_output=True, text=True,
                          check=True).stdout
    defs, undefs = {}, collections.defaultdict(set)
    for line in text.splitlines():
        head, _, rest = line.rpartition(":")
        parts = rest.split()
        member = head.split(":")[-1] if ":" in head else head
        if len(parts) == 3 and parts[1] in "TDBR":
            defs[parts[2]] = member
        elif len(parts) == 2 and parts[0] == "U":
            undefs[member].add(parts[1])
    graph = collections.defaultdict(set)
    for member, syms in undefs.items():
        for s in syms:
            owner = defs.get(s)
            if owner and owner != member:
                graph[member].add(owner)
    return graph


def main():
    root, lib = sys.argv[1], sys.argv[2]
    bad = []

    for comp in find_cycles(definition_graph(lib)):
        bad.append("definition cycle between library files: " + " <-> ".join(comp))

    libfiles = sources(root, "src/lib")
    graph = {}
    for f in libfiles:
        deps = set()
        for kind, name in includes(root, f):
            if kind == '"' and os.path.exists(os.path.join(root, "src/lib", name)):
                deps.add(os.path.join("src/lib", name))
        graph[f] = deps
    for comp in find_cycles(graph):
        bad.append("include cycle: " + " <-> ".join(comp))

    everything = libfiles + sources(root, "src/cli") + sources(root, "src/server")
    for f in everything:
        for kind, name in includes(root, f):
            if kind != "<" or name not in ADAPTERS:
                continue
            if ADAPTERS[name] != f:
                bad.append(f"{f}: includes <{name}>, which only {ADAPTERS[name]} may")

    for f in sources(root, "src/cli") + sources(root, "src/server"):
        here = os.path.dirname(f)
        for kind, name in includes(root, f):
            if kind == '"' and not name.startswith("stabforce/") and \
                    not os.path.exists(os.path.join(root, here, name)):
                bad.append(f'{f}: includes "{name}", not a public header')

    for f in libfiles:
        folder = f.split("/")[2] if f.count("/") >= 3 else ""
        if folder not in LAYERS:
            bad.append(f"{f}: not in a library folder ({', '.join(sorted(LAYERS))})")
            continue
        for kind, name in includes(root, f):
            if kind != '"' or "/" not in name or name.startswith("stabforce/"):
                continue
            dep = name.split("/")[0]
            if dep != folder and dep not in LAYERS[folder]:
                bad.append(f'{f}: includes "{name}": {folder}/ may not depend on {dep}/')

    for f in libfiles:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            code = code_only(fh.read())
        for m in PROCESS_GLOBAL_RE.finditer(code):
            what = m.group(1) or m.group(2) or "fflush(NULL)"
            if (f, what) in PROCESS_GLOBAL_ALLOWED:
                continue
            line = code.count("\n", 0, m.start()) + 1
            bad.append(f"{f}:{line}: {what}: the library touches no process-global "
                       "state (the CLI reads the environment and passes options down)")

    names = example_crossings(root)
    if not names:
        bad.append("no examples/*/crossings.csv found: rule 7 would check nothing")
    for f in libfiles:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            text = fold_name(comments_blanked(fh.read()))
        for name, where in names.items():
            for m in re.finditer(r'(?<![a-z0-9])' + re.escape(name) + r'(?![a-z0-9])', text):
                line = text.count("\n", 0, m.start()) + 1
                bad.append(f"{f}:{line}: '{name}': a crossing of {where} in the library "
                           "(a place's names belong in its data, passed in as a table)")

    for line in bad:
        print(line)
    print(f"layout: {len(bad)} violation(s)" if bad else "layout: ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

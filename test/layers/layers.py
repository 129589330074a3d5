#!/usr/bin/env python3
"""test/layers/layers.py: the floor plan of src/, and the check that the code keeps it.

The layers of src/, lowest first, are declared once, in LAYERS below.  A
file may call functions of its own layer and of the layers below, never of
a layer above.  The check reads what the compiler saw: `nm` of each
src/*.o (the functions each file defines and the ones it uses) and the
#include "..." lines of src/*.c and src/*.h, and checks

  (a) no call goes from a file to a file of a higher layer;
  (b) the only cycle between files (strongly connected component of the
      call graph) is where.c <-> query_sql.c (the where writer and the
      statement writer write each other's sub-selects);
  (c) each layer's header declares exactly the functions and variables
      that the files of its layer define for other files, and each of them
      is used by another file (no dead exports);
  (d) each .c includes only headers of its layer and below, and each
      header only headers of the layers below it;
  (e) each .c includes the header of every layer it calls, and its own
      layer's header when it defines functions for other files (their
      prototypes);
  (f) every src/*.c and src/*.h is in LAYERS, and every .c was built;
  (g) the table of README.md's Layout section lists the same files in the
      same layers.

Usage: layers.py ROOT [--graph].  Prints "ok ..." / "FAILED ..." lines, the
call graph between files (with --graph, or when a check fails), and
"N passed, N failed".  Exit status 1 when something failed.
"""
import os
import re
import subprocess
import sys

# (layer, header, files): lowest first.  The top layer has no header: its
# files define only SQL-callable functions, which nothing else calls.
LAYERS = [
    ("util", "orm_util.h",
     ["json_util.c", "spi_util.c", "inflect.c", "roles.c", "names.c"]),
    ("core", "orm_core.h", ["schema.c"]),
    ("model", "orm_model.h",
     ["types.c", "validate.c", "model_indexes.c", "model_parse.c",
      "association.c", "model_json.c", "resolve.c"]),
    ("sql_util", "orm_sql.h", ["sql_util.c"]),
    ("catalog", "orm_catalog.h",
     ["catalog.c", "cache.c", "live.c", "event_trigger.c"]),
    ("query", "orm_query.h",
     ["query_scope.c", "query_parse.c", "query_expr.c", "where.c", "query_sql.c", "query_levels.c",
      "json_writer.c", "json_nest.c", "json_check.c", "find.c"]),
    ("write", "orm_write.h", ["write_parse.c", "write_sql.c", "write_errors.c", "write.c"]),
    ("ddl", "orm_ddl.h",
     ["ddl.c", "ddl_indexes.c", "drift.c", "sync.c", "timestamps.c"]),
    ("top", None, ["define.c", "typescript.c", "orm_models.c"]),
]

# The one cycle allowed between files.
ALLOWED_CYCLES = [{"where.c", "query_sql.c"}]

# Symbols every extension defines for PostgreSQL, not for other files.
def is_module_symbol(name):
    return (name.startswith("orm_") or name.startswith("pg_finfo_")
            or name in ("_PG_init", "Pg_magic_func"))


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, msg):
        self.passed += 1
        print("ok     " + msg)

    def fail(self, msg, details=()):
        self.failed += 1
        print("FAILED " + msg)
        for d in list(details)[:40]:
            print("    " + d)

    def check(self, cond, msg, details=()):
        if cond:
            self.ok(msg)
        else:
            self.fail(msg, details)


def layer_tables():
    rank, layer_of, header_of = {}, {}, {}
    for i, (name, header, files) in enumerate(LAYERS):
        rank[name] = i
        header_of[name] = header
        for f in files:
            layer_of[f] = name
        if header:
            layer_of[header] = name
    return rank, layer_of, header_of


def read_nm(obj):
    """(defined, used): global symbols an object defines, and uses."""
    out = subprocess.run(["nm", obj], capture_output=True, text=True,
                         check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCGSV":
            defined.add(parts[2])
    return defined, used


def read_includes(path):
    with open(path, encoding="utf-8") as fh:
        return re.findall(r'^\s*#\s*include\s+"([^"]+)"', fh.read(), re.M)


def header_declarations(path):
    """Names of the functions and variables a header declares extern."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    names = []
    for decl in re.findall(r"\bextern\b([^;]*);", text):
        m = re.search(r"\b([A-Za-z_]\w*)\s*\(", decl)
        if m is None or re.match(r"\s*\(", decl[m.end() - 1:]) is None:
            m = re.search(r"\b([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*$", decl)
        if m:
            names.append(m.group(1))
    return names


def sccs(nodes, edges):
    """Tarjan's strongly connected components of a graph {node: set}."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def readme_table(root):
    """{file: layer} from the table of README.md's Layout section."""
    try:
        with open(os.path.join(root, "README.md"), encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return None
    m = re.search(r"^## Layout\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if m is None:
        return None
    rows = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and line.lstrip().startswith("|"):
            f = cells[0].strip("`")
            if re.match(r"^[\w.]+\.[ch]$", f):
                rows[f] = cells[1].strip("`*")
    return rows


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show_graph = "--graph" in sys.argv
    root = os.path.abspath(args[0] if args else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    src = os.path.join(root, "src")
    rank, layer_of, header_of = layer_tables()
    checks = Checks()

    # (f) every file is declared, every declared file exists and was built
    present = sorted(f for f in os.listdir(src) if f.endswith((".c", ".h")))
    undeclared = [f for f in present if f not in layer_of]
    missing = [f for f in layer_of if f not in present]
    checks.check(not undeclared, "every file of src/ has a layer",
                 ["%s is in no layer of test/layers/layers.py" % f
                  for f in undeclared])
    checks.check(not missing, "every file of the layers exists",
                 ["%s is declared but not in src/" % f for f in missing])
    cfiles = [f for f in present if f.endswith(".c") and f in layer_of]
    unbuilt = [f for f in cfiles
               if not os.path.exists(os.path.join(src, f[:-2] + ".o"))]
    checks.check(not unbuilt, "every .c is built (in OBJS)",
                 ["%s has no %s.o" % (f, f[:-2]) for f in unbuilt])

    defined, used, where = {}, {}, {}
    for f in cfiles:
        if f in unbuilt:
            continue
        defined[f], used[f] = read_nm(os.path.join(src, f[:-2] + ".o"))
        for s in defined[f]:
            where[s] = f

    # the call graph between files, with the symbols of each edge
    calls = {}
    for f in defined:
        for s in used[f]:
            g = where.get(s)
            if g and g != f:
                calls.setdefault(f, {}).setdefault(g, set()).add(s)

    # (a) downward only
    for f in sorted(defined):
        up = ["%s (%s) -> %s (%s): %s" % (f, layer_of[f], g, layer_of[g],
                                          ", ".join(sorted(syms)))
              for g, syms in sorted(calls.get(f, {}).items())
              if rank[layer_of[g]] > rank[layer_of[f]]]
        checks.check(not up, "(a) %s calls no higher layer" % f, up)

    # (b) cycles
    edges = {f: set(calls.get(f, {})) for f in defined}
    comps = [c for c in sccs(defined.keys(), edges) if len(c) > 1]
    bad = [c for c in comps if c not in ALLOWED_CYCLES]
    checks.check(not bad, "(b) the only cycle between files is %s" %
                 " <-> ".join(sorted(ALLOWED_CYCLES[0])),
                 ["cycle: %s" % " <-> ".join(sorted(c)) for c in bad])

    # (c) each header declares what its layer exports, and only that
    for name, header, files in LAYERS:
        if header is None:
            exports = {s for f in files if f in defined
                       for s in defined[f] if not is_module_symbol(s)}
            checks.check(not exports,
                         "(c) layer %s defines only SQL-callable functions" % name,
                         ["%s defines %s" % (where[s], s) for s in sorted(exports)])
            continue
        path = os.path.join(src, header)
        if not os.path.exists(path):
            continue
        declared = header_declarations(path)
        problems = []
        for s in declared:
            f = where.get(s)
            if f is None:
                problems.append("%s declares %s, which no file defines" % (header, s))
            elif layer_of[f] != name:
                problems.append("%s declares %s, defined in %s (layer %s)" %
                                (header, s, f, layer_of[f]))
            elif not any(s in used[g] for g in used if g != f):
                problems.append("%s declares %s, which no file but %s uses "
                                "(make it static)" % (header, s, f))
        for f in files:
            for s in sorted(defined.get(f, ())):
                if not is_module_symbol(s) and s not in declared:
                    problems.append("%s defines %s, which %s does not declare "
                                    "(make it static, or declare it)" % (f, s, header))
        dups = sorted({s for s in declared if declared.count(s) > 1})
        problems += ["%s declares %s twice" % (header, s) for s in dups]
        checks.check(not problems,
                     "(c) %s declares exactly what layer %s defines" % (header, name),
                     problems)

    # (d) includes go down; (e) a .c includes the layers it uses
    header_layers = {h: n for n, h, _ in LAYERS if h}
    for f in present:
        if f not in layer_of:
            continue
        incs = [i for i in read_includes(os.path.join(src, f))
                if i in header_layers or i.endswith(".h") and
                os.path.exists(os.path.join(src, i))]
        mine = rank[layer_of[f]]
        problems = []
        for i in incs:
            if i not in header_layers:
                problems.append("%s includes %s, which is no layer's header" % (f, i))
            elif f.endswith(".h") and rank[header_layers[i]] >= mine:
                problems.append("%s (%s) includes %s (%s): a header includes only lower layers"
                                % (f, layer_of[f], i, header_layers[i]))
            elif rank[header_layers[i]] > mine:
                problems.append("%s (%s) includes %s (%s)" %
                                (f, layer_of[f], i, header_layers[i]))
        checks.check(not problems, "(d) %s includes only its layer and below" % f,
                     problems)
        if f.endswith(".c") and f in defined:
            want = {layer_of[g] for g in calls.get(f, {})}
            if any(not is_module_symbol(s) for s in defined[f]):
                want.add(layer_of[f])
            lacking = sorted(header_of[n] for n in want
                             if header_of[n] and header_of[n] not in incs)
            checks.check(not lacking,
                         "(e) %s includes the header of each layer it uses" % f,
                         ["%s does not include %s" % (f, h) for h in lacking])

    # (g) README's Layout table
    table = readme_table(root)
    if table is None:
        checks.fail("(g) README.md has a Layout section with a table of files")
    else:
        diff = []
        for f in sorted(set(table) | set(layer_of)):
            if f not in table:
                diff.append("%s (%s) is not in README's Layout table" % (f, layer_of[f]))
            elif f not in layer_of:
                diff.append("README lists %s, which is in no layer" % f)
            elif table[f] != layer_of[f]:
                diff.append("README puts %s in %s, layers.py in %s" %
                            (f, table[f], layer_of[f]))
        checks.check(not diff, "(g) README's Layout table agrees with the layers", diff)

    if show_graph or checks.failed:
        print("call graph between files (layer: file -> files it calls):")
        for name, _, files in LAYERS:
            for f in files:
                if f in defined:
                    targets = sorted(calls.get(f, {}),
                                     key=lambda g: (rank[layer_of[g]], g))
                    print("  %-8s %-16s -> %s" % (name, f, " ".join(
                        g[:-2] for g in targets) or "(nothing)"))
        for c in comps:
            print("  cycle: %s" % " <-> ".join(sorted(c)))
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())

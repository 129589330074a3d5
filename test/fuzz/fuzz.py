#!/usr/bin/env python3
"""fuzz.py: a structure-aware fuzzer for the orm_models functions that take JSON.

Generates documents from a grammar of valid inputs (models, attributes, types,
options, associations, sync options, find queries with where/operators/include/
order/limit, "$alias.column$" keys through one to four associations, includes
nested up to eight deep), then mutates them (wrong JSON types, missing, extra and duplicate
keys, hostile names and strings, extreme numbers, deep nesting, huge values,
broken syntax), and runs each one on one long-lived connection.  After every
input it checks that:

  - the same backend still answers (a crash shows as a lost connection);
  - an error has a SQLSTATE other than XX000 (and not 58xxx, 57014, 53xxx)
    and a non-empty message;
  - nothing ran past statement_timeout (5 s) or the client's time limit;
  - the input left no trace when it failed, was rolled back or was read-only:
    pg_class, pg_type, pg_proc and pg_namespace never change (define creates
    nothing, sync runs only with dryRun or rolled back), and the catalog
    (orm.models, orm.associations) changes only by a committed, successful
    define, associate or define_models;
  - find_all returns a JSON array, find_one an object or null, count a number;
    orm.count agrees with the length of find_all for the same query;
  - after a successful orm.sync({"force": true}) (rolled back), orm.drift()
    lists nothing;
  - no generated statement is a syntax error (quoting), and the canary table
    public.x survives the "DROP TABLE x" in the hostile names.

Inputs: a fixed corpus first (\u0000, lone surrogates, 10k- and 100k-deep
arrays, objects, $and/$or/$not chains and include chains, 10 MB strings in
every place, 70k-element $in, 2000 attributes, 10k enum values, numbers out of
range, names of 63/64/1000 bytes and multibyte at the limit, reserved words,
quotes, injections), then FUZZ_N random ones.  While the fuzzer has models of
its own defined, a quarter of the finds query one of them, synced first in a
transaction that is rolled back.

Every FUZZ_CHECK_EVERY inputs (and at the end) the catalog is checked: count(*)
from orm.models, orm.describe of every model, orm.drift(); then the models the
fuzzer defined are undefined, and the fixture's catalog, its find_all and its
drift must be exactly as they were after setup.

Environment: FUZZ_N (random inputs, default 5000), FUZZ_SEED (replay a run),
FUZZ_CHECK_EVERY (default 100), FUZZ_VERBOSE=1 (print every input's outcome; 2: and its SQL),
FUZZ_BIG=0 (skip the 10 MB inputs), FUZZ_SKIP=<regex> (do not run the inputs whose SQL
matches: to look past a known bug).  Failing inputs are written to failures/
as SQL (with the fixture, so psql -f fixture.sql -f <failure>.sql replays them).
Prints "fuzz: N inputs, M errors (by SQLSTATE ...), K failures" and, last,
"N passed, N failed" (each input is one test; a failed catalog check fails the
last input of its batch).
"""

import collections
import json
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pgwire  # noqa: E402
from pgwire import lit  # noqa: E402

N = int(os.environ.get("FUZZ_N", "5000"))
SEED = int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(1, 2**31))
CHECK_EVERY = max(1, int(os.environ.get("FUZZ_CHECK_EVERY", "100")))
VERBOSE = int(os.environ.get("FUZZ_VERBOSE") or "0")
BIG = os.environ.get("FUZZ_BIG", "1") not in ("", "0")
SKIP = re.compile(os.environ["FUZZ_SKIP"]) if os.environ.get("FUZZ_SKIP") else None
CLIENT_TIMEOUT = 60.0
FAIL_DIR = os.path.join(HERE, "failures")

# --------------------------------------------------------------------------
# JSON documents: plain Python values, plus Raw (JSON text spliced as is:
# deep and huge values, odd escapes, raw number tokens) and Obj (an object as
# a list of [key, value] pairs: duplicate keys, Raw keys).


class Raw:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return "Raw(%s)" % (self.text[:40] + ("..." if len(self.text) > 40 else ""))


class Obj(list):
    pass


def _dump(v, out):
    if isinstance(v, Raw):
        out.append(v.text)
    elif isinstance(v, str):
        out.append(json.dumps(v, ensure_ascii=False))
    elif v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(repr(v))
    elif isinstance(v, dict):
        out.append("{")
        first = True
        for k, x in v.items():
            if not first:
                out.append(",")
            first = False
            _dump(k, out)
            out.append(":")
            _dump(x, out)
        out.append("}")
    elif isinstance(v, Obj):
        out.append("{")
        for i, (k, x) in enumerate(v):
            if i:
                out.append(",")
            _dump(k, out)
            out.append(":")
            _dump(x, out)
        out.append("}")
    elif isinstance(v, list):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _dump(x, out)
        out.append("]")
    else:
        raise TypeError(type(v))


def dump(v):
    out = []
    _dump(v, out)
    return "".join(out)


def copy(v):
    if isinstance(v, dict):
        return {k: copy(x) for k, x in v.items()}
    if isinstance(v, Obj):
        return Obj([[k, copy(x)] for k, x in v])
    if isinstance(v, list):
        return [copy(x) for x in v]
    return v


# --------------------------------------------------------------------------
# Pools of names, strings, numbers, types.

def _b(n, ch="a"):
    return ch * n

HOSTILE = [
    "", " ", "  x  ", _b(63), _b(64), _b(1000), _b(62) + "é", "é" * 31 + "a", "é" * 32,
    "Ab" + "c" * 61, "select", "table", "user", "order", "group", "from", "where",
    "limit", "offset", "default", "null", "true", "check", "primary", "references",
    "constraint", "column", "end", "all", "analyse", "authorization", "current_user",
    "a'b", 'a"b', '"', "'", "''", '""', "a;b", "; DROP TABLE x; --", '"; DROP TABLE x; --',
    "'; DROP TABLE x; --", "x'); DROP TABLE x; --", "\\", "a\\b", "\\'", "\\\\", "$1", "$$",
    "$a$", "$q$ x $q$", "%", "_", "%_\\", "\n", "\t", "a\nb", "\r\n", "a\x01b", "\x7f",
    "\u00a0", "\u200b", "\u202e", "\ufeff", "\uffff", "\U0010ffff", "😀", "👩‍👩‍👧",
    "e\u0301", "用户", "İ", "ß", "ﬃ", "Σ", "pg_catalog", "public", "orm", "orm.models",
    "pg_temp", "information_schema", "pg_toast", "constructor", "__proto__", "toString",
    "0", "-1", "1e5", "NaN", "Infinity", "*", "a.b", "a b", "a-b", "A", "id", "createdAt",
    "updatedAt", "deletedAt", "Users", "posts", "author", "tags", "PostTags", "$or", "$and",
    "$not", "$eq", "$in", "$gt", "include", "where", "attributes", "%s", "%n", "%999999d",
    "{}", "[]", "null\\u0000", "\\u0041", "a/*", "*/", "--", "E'\\\\x'",
]

NORMAL_NAMES = ["name", "title", "age", "score", "flag", "body", "kind", "status", "ref",
                "code", "price", "label", "count", "data", "note", "rank", "slug", "amount",
                "userId", "postId", "ownerId", "parentId", "email", "token", "born"]

POOL_MODELS = ["Fz0", "Fz1", "Fz2", "Fz3", "Person", "Category", "Mouse", "BlogPost"]

RAW_NUMBERS = ["1e400", "-1e400", "1e-400", "-0", "0.0", "-0.0", "2147483647", "2147483648",
               "-2147483649", "9223372036854775807", "9223372036854775808",
               "-9223372036854775809", "1e308", "1.7976931348623157e309", "0.1",
               "123456789012345678901234567890", "1E+2", "1e131072", "1e-16383", "5e-324",
               "3.14159265358979323846264338327950288419716939937510", "0e0", "-1", "00001"]

INVALID_JSON = ["NaN", "Infinity", "-Infinity", "undefined", "'x'", "01", "1.", ".5", "+1",
                "0x10", "[1,]", "{\"a\":1,}", "{a:1}", "[", "{", "\"", "\"\\x\"", "\"\\u12\"",
                "tru", "nul", "\"\t\"", "//", "/* */ 1"]

SEQ_TYPES = ["STRING", "TEXT", "CITEXT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT",
             "MEDIUMINT", "FLOAT", "REAL", "DOUBLE", "DECIMAL", "NUMERIC", "BOOLEAN", "DATE",
             "DATEONLY", "TIME", "UUID", "JSON", "JSONB", "BLOB", "INET", "CIDR", "MACADDR",
             "TSVECTOR", "HSTORE", "CHAR"]

PG_TYPES = ["timestamptz", "numeric(12,2)", "varchar(20)[]", "int4range", "double precision",
            "character varying(10)", "text[]", "int[][]", "bit(3)", "interval", "money", "xml",
            "point", "pg_catalog.int4", 'public."enum_Users_mood"', "regclass", "oid", "name",
            '"char"', "bytea", "tsquery", "jsonpath", "int2vector", "anyelement", "record",
            "void", "cstring", "internal", "trigger", "pg_node_tree", "geometry(Point,4326)",
            "serial", "bigserial", '"Users"', "public.\"Users\"", "orm.models", "int4 ; DROP TABLE x",
            "int4) ; DROP TABLE x; --", "text COLLATE \"C\"", "varchar(10485760)",
            "varchar(10485761)", "numeric(1000,0)", "numeric(1001)", "timestamp(7)",
            "setof int", "int4 not null", "int4 default 1", "%TYPE", "pg_temp.x",
            "information_schema.cardinal_number", "int4multirange", "tstzrange", "aclitem",
            "txid_snapshot", "pg_lsn", "regtype[]", "int2vector[]", "oidvector"]

WEIRD_TYPES = ["STRING(0)", "STRING(-1)", "STRING(99999999999)", "STRING(1e400)",
               "STRING(10485761)", "STRING( 10 )", "STRING(1)(2)", "STRING(", "STRING)",
               "STRING(a)", "DECIMAL(1000,2)", "DECIMAL(2,5)", "DECIMAL(-1,2)", "DECIMAL(10,-2)",
               "DECIMAL(,)", "DECIMAL(1,2,3)", "ENUM()", "ENUM('a'", "ENUM('a','a')",
               "ENUM(a,b)", "ENUM('')", "ENUM('it''s')", "ENUM('a\\'b')", "ENUM(" + "'x'," * 3 + ")",
               "ARRAY()", "ARRAY", "ARRAY(ARRAY(INTEGER))", "ARRAY(ENUM)", "ARRAY(ENUM('a'))",
               "ARRAY(STRING(10))", "ARRAY(ARRAY(ARRAY(ARRAY(TEXT))))", "ARRAY(RANGE(INTEGER))",
               "RANGE(TEXT)", "RANGE()", "RANGE(RANGE(INTEGER))", "RANGE(DATE)", "string",
               "String", "STRNG", "INTEGR", "", " ", "STRING ", " STRING", "VARCHAR", "INT",
               "DATE(7)", "DATE(-1)", "FLOAT(54)", "FLOAT(0)", "TIME(3)", "CHAR(0)",
               "CHAR(10485761)", "VIRTUAL", "GEOMETRY", "ABSTRACT", "NOW", "UUIDV4"]

ACTIONS = ["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION", "cascade",
           "set null", "NOACTION", "", "CASCADE; DROP TABLE x"]

OPS_ALL = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$notIn", "$like", "$notLike",
           "$iLike", "$notILike", "$between", "$notBetween", "$is", "$not", "$startsWith",
           "$endsWith", "$substring", "$contains", "$contained", "$overlap", "$and", "$or"]

KNOWN_KEYS = ["type", "allowNull", "defaultValue", "primaryKey", "autoIncrement", "unique",
              "field", "comment", "references", "onDelete", "onUpdate", "validate", "values",
              "tableName", "freezeTableName", "name", "schema", "timestamps", "createdAt",
              "updatedAt", "deletedAt", "paranoid", "underscored", "indexes", "version",
              "attributes", "options", "associations", "as", "foreignKey", "sourceKey",
              "targetKey", "otherKey", "through", "constraints", "hasMany", "belongsTo",
              "hasOne", "belongsToMany", "force", "alter", "dryRun", "models", "where",
              "include", "order", "limit", "offset", "required", "association", "model", "all",
              "nested", "exclude", "fields", "using", "method", "raw", "group", "having",
              "distinct", "subQuery", "separate", "right", "duplicating", "logging",
              "transaction", "lock", "benchmark", "plain"] + OPS_ALL + ["$col", "$raw", "$any",
                                                                        "$regexp", "$match"]

DIRECTIONS = ["ASC", "DESC", "ASC NULLS FIRST", "ASC NULLS LAST", "DESC NULLS FIRST",
              "DESC NULLS LAST", "asc", "desc"] * 4 + ["DESC; DROP TABLE x", "UP", ""]


# --------------------------------------------------------------------------
# The grammar of valid documents, with a little noise.

class Gen:
    def __init__(self, r, meta, live):
        self.r = r
        self.meta = meta                  # model name -> {"attrs": {...}, "assocs": [...]}
        self.live = sorted(live)          # fuzz models defined now

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def hostile(self):
        return self.pick(HOSTILE)

    def name(self, p_hostile=0.15):
        return self.hostile() if self.chance(p_hostile) else self.pick(NORMAL_NAMES)

    def model_name(self, p_hostile=0.1):
        if self.chance(p_hostile):
            return self.hostile()
        return self.pick(POOL_MODELS)

    def live_model(self):
        """A fuzz model that is defined now (or any pool name)."""
        if self.live and self.chance(0.9):
            return self.pick(self.live)
        return self.pick(POOL_MODELS)

    def any_model(self):
        pool = list(self.meta) + self.live * 2
        if self.chance(0.05):
            return self.hostile()
        if self.chance(0.05):
            return self.pick(POOL_MODELS)
        return self.pick(pool)

    def scalar(self):
        return self.pick([None, True, False, 0, 1, -1, 42, 1.5, "", "x", "NOW", "UUIDV4",
                          Raw(self.pick(RAW_NUMBERS)), self.hostile()])

    def any_value(self, depth=0):
        k = self.r.randrange(6 if depth < 3 else 3)
        if k < 3:
            return self.scalar()
        if k == 3:
            return [self.any_value(depth + 1) for _ in range(self.r.randrange(4))]
        return {self.name(0.3): self.any_value(depth + 1) for _ in range(self.r.randrange(4))}

    # ---- types and attributes
    def type_spec(self):
        k = self.r.random()
        if k < 0.5:
            return self.pick(SEQ_TYPES)
        if k < 0.68:
            t, hi = self.pick([("STRING(%d)", 300), ("CHAR(%d)", 300), ("FLOAT(%d)", 54),
                               ("DATE(%d)", 7), ("DECIMAL(%d)", 40)])
            return t % self.r.randrange(1, hi)
        if k < 0.72:
            p = self.r.randrange(1, 40)
            return "%s(%d,%d)" % (self.pick(["DECIMAL", "NUMERIC"]), p, self.r.randrange(0, p + 1))
        if k < 0.78:
            return "ARRAY(%s)" % self.pick(SEQ_TYPES + ["STRING(20)", "DECIMAL(5,2)"])
        if k < 0.80:
            return "RANGE(%s)" % self.pick(["INTEGER", "BIGINT", "DECIMAL", "DATE", "DATEONLY"])
        if k < 0.84:
            return "ENUM(%s)" % ",".join("'%s'" % self.pick(["a", "b", "c", "it''s", "x y"])
                                         for _ in range(self.r.randrange(1, 4)))
        if k < 0.95:
            return self.pick(PG_TYPES)
        return self.pick(WEIRD_TYPES)

    def default_for(self, t):
        u = t.upper()
        if "INT" in u or "DECIMAL" in u or "NUMERIC" in u or "FLOAT" in u or "DOUBLE" in u:
            return self.pick([0, 1, -5, 2.5, "7", Raw(self.pick(RAW_NUMBERS)), "abc"])
        if "BOOL" in u:
            return self.pick([True, False, "true", 1, None])
        if "DATE" in u or "TIME" in u:
            return self.pick(["NOW", "2024-01-01", "2024-01-01T10:00:00Z", "infinity", "yesterday",
                              "not a date", 0])
        if "UUID" in u:
            return self.pick(["UUIDV4", "00000000-0000-0000-0000-000000000000", "nope"])
        if "JSON" in u:
            return self.pick([{"a": 1}, [1, 2], "s", 1, None, {"nested": {"x": [True]}}])
        if "ARRAY" in u or "[]" in u:
            return self.pick([[], ["a", "b"], [1, 2], [[1], [2]], "{a,b}"])
        return self.pick(["", "x", "it's", self.hostile(), 1, True, "NOW", "UUIDV4"])

    def attribute(self, names_so_far):
        t = self.type_spec()
        if self.chance(0.3):
            return t                                   # bare type string
        a = {"type": t}
        if t == "ENUM" or self.chance(0.01):
            vals = [self.pick(["a", "b", "c", "it's", "x\"y", "😀", "d", "e", "f"])
                    for _ in range(self.r.randrange(1, 5))]
            if self.chance(0.1):
                vals.append(self.pick(["", _b(63), _b(64), "a"]))
            a["values"] = list(dict.fromkeys(vals)) if self.chance(0.9) else vals
        if self.chance(0.3):
            a["allowNull"] = self.chance(0.5)
        if self.chance(0.2):
            a["defaultValue"] = self.default_for(t)
        if self.chance(0.08):
            a["primaryKey"] = True
            if self.chance(0.5):
                a["autoIncrement"] = True
        if self.chance(0.1):
            a["unique"] = True if self.chance(0.6) else self.name()
        if self.chance(0.1):
            a["field"] = self.name()
        if self.chance(0.1):
            a["comment"] = self.pick(["a comment", "it's", self.hostile()])
        if self.chance(0.1):
            a["references"] = {"model": self.pick(["Users", "User", "Posts", "Tags",
                                                   self.pick(POOL_MODELS), self.hostile()]),
                               "key": self.pick(["id", "name", self.hostile()])}
            if self.chance(0.5):
                a["onDelete"] = self.pick(ACTIONS)
            if self.chance(0.3):
                a["onUpdate"] = self.pick(ACTIONS)
        if self.chance(0.01):
            a["validate"] = self.pick([{}, {"isEmail": True}, {"len": [1, 10]}, True])
        return a

    def attributes(self):
        n = self.pick([0, 1, 1, 2, 2, 3, 3, 4, 5, 6])
        out = {}
        for _ in range(n):
            nm = self.name()
            out[nm] = self.attribute(out)
        return out

    def index(self, attrs):
        names = list(attrs) or ["id"]
        ix = {"fields": [self.pick(names) if self.chance(0.8) else
                         {"name": self.pick(names), "order": self.pick(["ASC", "DESC", "UP"])}
                         for _ in range(self.r.randrange(1, 3))]}
        if self.chance(0.3):
            ix["unique"] = self.chance(0.5)
        if self.chance(0.3):
            ix["name"] = self.name(0.4)
        if self.chance(0.2):
            ix["using"] = self.pick(["btree", "hash", "gin", "gist", "brin", "BTREE", "nope"])
        if self.chance(0.2):
            ix["where"] = {self.pick(names): self.pick([None, 1, "x", {"$gt": 5}, {"$ne": None},
                                                       self.hostile(), {"$like": self.hostile()},
                                                       {"$in": [self.hostile(), "a"]},
                                                       {"$between": [self.hostile(), "z"]}])}
        if self.chance(0.05):
            ix["type"] = self.pick(["UNIQUE", "FULLTEXT", "SPATIAL"])
        return ix

    def options(self, attrs):
        o = {}
        if self.chance(0.15):
            o["tableName"] = self.name(0.4)
        if self.chance(0.1):
            o["freezeTableName"] = self.chance(0.5)
        if self.chance(0.05):
            o["name"] = {"singular": self.name(0.3), "plural": self.name(0.3)}
        if self.chance(0.1):
            o["schema"] = self.pick(["public", "fuzz schema", "fz_other", "pg_catalog", "orm",
                                     self.hostile()])
        if self.chance(0.2):
            o["timestamps"] = self.chance(0.5)
        for k in ("createdAt", "updatedAt", "deletedAt"):
            if self.chance(0.07):
                o[k] = self.pick([False, True, self.name(0.4)])
        if self.chance(0.15):
            o["paranoid"] = self.chance(0.6)
        if self.chance(0.15):
            o["underscored"] = self.chance(0.7)
        if self.chance(0.05):
            o["comment"] = self.pick(["c", self.hostile()])
        if self.chance(0.15):
            o["indexes"] = [self.index(attrs) for _ in range(self.r.randrange(0, 3))]
        if self.chance(0.02):
            o["version"] = True
        return o

    def assoc_options(self, kind):
        o = {}
        if self.chance(0.6):
            o["as"] = self.name(0.2)
        if self.chance(0.5):
            if self.chance(0.7):
                o["foreignKey"] = self.name(0.2)
            else:
                fk = {}
                if self.chance(0.8):
                    fk["name"] = self.name(0.2)
                if self.chance(0.4):
                    fk["allowNull"] = self.chance(0.5)
                if self.chance(0.3):
                    fk["field"] = self.name(0.3)
                o["foreignKey"] = fk
        if self.chance(0.15):
            o["sourceKey"] = self.pick(["id", "name", self.name(0.3)])
        if self.chance(0.15):
            o["targetKey"] = self.pick(["id", "name", self.name(0.3)])
        if kind == "belongsToMany" or self.chance(0.05):
            if self.chance(0.6):
                o["through"] = self.pick(["PostTags", "FzJoin", "Fz0", self.name(0.4)])
            if self.chance(0.4):
                o["otherKey"] = self.name(0.2)
        if self.chance(0.15):
            o["onDelete"] = self.pick(ACTIONS)
        if self.chance(0.15):
            o["onUpdate"] = self.pick(ACTIONS)
        if self.chance(0.1):
            o["constraints"] = self.chance(0.5)
        return o

    def kind(self):
        if self.chance(0.03):
            return self.pick(["hasmany", "HasMany", "belongs_to", "", "manyToMany", self.hostile()])
        return self.pick(["hasOne", "hasMany", "belongsTo", "belongsToMany"])

    # ---- queries
    def attr_value(self, kind, attr_type):
        r = self.r.random()
        if r < 0.05:
            return self.scalar()
        if kind == "int":
            return self.pick([1, 2, 3, 0, -1, 20, 2147483647, Raw("2147483648"), "5", 1.5,
                              Raw("1e400"), Raw("-0")])
        if kind in ("dec", "float"):
            return self.pick([1.5, 0, -2.25, "3.0", Raw("1e400"), Raw("1e-400"), 99999999999])
        if kind == "bool":
            return self.pick([True, False, "true", "yes", 1, 0])
        if kind == "date":
            return self.pick(["2024-01-05", "2024-01-05T00:00:00Z", "2024-01-05 10:00+02",
                              "infinity", "-infinity", "epoch", "now", "not a date", 0])
        if kind == "time":
            return self.pick(["06:30", "06:30:00", "25:00", "allballs", "x"])
        if kind == "uuid":
            return self.pick(["c4ca4238-a0b9-3382-8dcc-509a6f75849b", "nope", ""])
        if kind == "enum":
            return self.pick(self.meta_enum.get(attr_type, ["happy"]) + ["nope", ""])
        if kind == "json":
            return self.pick([{"theme": "dark"}, {"a": {"b": 2}}, {"n": 3}, "x", 1,
                              {"theme": {"$ne": "dark"}}, {"a": {"b": {"$gt": 5}}}, [1]])
        if kind == "arr":
            return self.pick([["a"], ["k1", "all"], [], ["n1", "m"], "x", [1, 2]])
        return self.pick(["user1", "post 1", "a%", "%1", "_", "it's", "", "tag3",
                          "x" * 300, self.hostile()])

    def cond(self, kind, attr_type, depth=0):
        r = self.r.random()
        if r < 0.3:
            return self.attr_value(kind, attr_type)
        if r < 0.38:
            return [self.attr_value(kind, attr_type) for _ in range(self.r.randrange(0, 4))]
        if r < 0.42:
            return None
        out = {}
        for _ in range(self.r.randrange(1, 3)):
            op = self.pick(OPS_ALL)
            v = self.attr_value(kind, attr_type)
            if op in ("$in", "$notIn"):
                v = [self.attr_value(kind, attr_type) for _ in range(self.r.randrange(0, 4))]
            elif op in ("$between", "$notBetween"):
                v = [self.attr_value(kind, attr_type) for _ in range(self.pick([2, 2, 2, 1, 3]))]
            elif op == "$is":
                v = self.pick([None, True, False, 1])
            elif op == "$not" and self.chance(0.4) and depth < 3:
                v = self.cond(kind, attr_type, depth + 1)
            elif op in ("$and", "$or") and depth < 3:
                v = [self.cond(kind, attr_type, depth + 1) for _ in range(self.r.randrange(0, 3))]
            elif op in ("$like", "$iLike", "$notLike", "$notILike", "$startsWith",
                        "$endsWith", "$substring"):
                v = self.pick(["user%", "%1", "_ost%", "%", "it's%", "a\\%", 5, None])
            out[op] = v
        return out

    def path_key(self, model, starts=None):
        """A "$alias.column$" key (the column of an included model): through
        one to four associations, to-one mostly (the kind that works),
        starting at an included alias when there is one; or a malformed one.
        Returns the key and the (kind, type) of the column, if known."""
        if self.chance(0.1):
            return self.pick(["$.id$", "$author.$", "$$", "$author.id", "author.id$",
                              "$author..name$", "$a.b.c.d.e.f$", "$" + self.hostile() + ".id$",
                              "$author.name$$", "$author.$or$", "$" + "a." * 200 + "id$",
                              "$author.%s$" % self.hostile(), "$ author.name $"]), ("str", "")
        path = []
        m = model
        for k in range(self.pick([1, 1, 1, 2, 2, 3, 4])):
            assocs = self.meta[m]["assocs"] if m in self.meta else []
            if not assocs:
                break
            if k == 0 and starts and self.chance(0.6):
                alias, target = self.pick(starts)
                a = {"as": alias, "target": target}
            else:
                one = [a for a in assocs if a["kind"] in ("belongsTo", "hasOne")]
                a = self.pick(one if one and self.chance(0.8) else assocs)
            path.append(a["as"] or "nope")
            m = a["target"]
        if not path:
            path = ["nope"]
        attrs = self.meta[m]["attrs"] if m in self.meta else {"id": ("int", "integer")}
        col = self.pick(list(attrs)) if self.chance(0.9) else self.name()
        return "$" + ".".join(path) + "." + col + "$", attrs.get(col, ("str", ""))

    def where(self, model, depth=0, starts=None):
        m = self.meta.get(model)
        if not m:
            return {self.name(): 1}
        attrs = m["attrs"]
        out = {}
        for _ in range(self.r.randrange(1, 4)):
            r = self.r.random()
            if r < 0.12:
                key, (kind, typ) = self.path_key(model, starts)
                out[key] = self.cond(kind, typ)
            elif r < 0.25 and depth < 3:
                out[self.pick(["$or", "$and"])] = [self.where(model, depth + 1, starts)
                                                   for _ in range(self.r.randrange(0, 3))]
            elif r < 0.3 and depth < 3:
                out["$not"] = self.where(model, depth + 1, starts)
            elif r < 0.33:
                out[self.name(0.5)] = self.attr_value("str", "")
            else:
                a = self.pick(list(attrs))
                out[a] = self.cond(attrs[a][0], attrs[a][1])
        return out

    def attr_list(self, model):
        attrs = list(self.meta[model]["attrs"]) if model in self.meta else ["id"]
        r = self.r.random()
        if r < 0.6:
            return [self.pick(attrs) for _ in range(self.r.randrange(0, 4))]
        if r < 0.85:
            return {"exclude": [self.pick(attrs) for _ in range(self.r.randrange(0, 3))]}
        return {"include": [self.pick(attrs)]}

    def order(self, model, includes):
        attrs = list(self.meta[model]["attrs"]) if model in self.meta else ["id"]
        items = []
        for _ in range(self.r.randrange(1, 3)):
            r = self.r.random()
            if r < 0.2:
                items.append(self.pick(attrs))
            elif r < 0.7:
                items.append([self.pick(attrs), self.pick(DIRECTIONS)])
            elif r < 0.8:
                items.append([self.pick(attrs)])
            elif includes:
                alias, target = self.pick(includes)
                tattrs = list(self.meta[target]["attrs"]) if target in self.meta else ["id"]
                items.append([alias, self.pick(tattrs), self.pick(DIRECTIONS)])
            else:
                items.append([self.pick(attrs), self.pick(DIRECTIONS)])
        if self.chance(0.1):
            return items[0]
        return items

    def include_item(self, model, depth):
        assocs = self.meta[model]["assocs"] if model in self.meta else []
        if not assocs or self.chance(0.03):
            return self.pick(["nope", {"association": "nope"}, {"all": True}]), None, None
        a = self.pick(assocs)
        alias, target = a["as"], a["target"]
        r = self.r.random()
        if r < 0.25:
            return alias, alias, target
        if r < 0.3:
            return {"all": True, **({"nested": True} if self.chance(0.3) else {})}, None, None
        item = {"association": alias} if self.chance(0.8) else {"model": target, "as": alias}
        if self.chance(0.3):
            item["where"] = self.where(target)
        if self.chance(0.25):
            item["required"] = self.chance(0.5)
        if self.chance(0.25):
            item["attributes"] = self.attr_list(target) if self.chance(0.85) else []
        if self.chance(0.2):
            item["order"] = self.order(target, [])
        if self.chance(0.2):
            item["limit"] = self.pick([0, 1, 2, 5, 100])
        if self.chance(0.1):
            item["offset"] = self.pick([0, 1, 3])
        if self.chance(0.1):
            item["paranoid"] = self.chance(0.5)
        if a["kind"] == "belongsToMany" and self.chance(0.3):
            th = {}
            if self.chance(0.6):
                th["attributes"] = self.pick([[], ["createdAt"], ["postId", "tagId"], ["nope"]])
            if self.chance(0.4):
                th["where"] = self.pick([{"tagId": {"$gt": 2}}, {"postId": 3}, {"nope": 1}])
            item["through"] = th
        if depth < 3 and self.chance(0.3) or depth < 8 and self.chance(0.05):
            item["include"] = self.includes(target, depth + 1)
        return item, alias, target

    def includes(self, model, depth=0, collect=None):
        n = self.pick([1, 1, 1, 2, 3])
        out = []
        seen = set()
        for _ in range(n):
            item, alias, target = self.include_item(model, depth)
            if alias in seen and self.chance(0.95):
                continue
            seen.add(alias)
            out.append(item)
            if collect is not None and alias:
                collect.append((alias, target))
        if len(out) == 1 and self.chance(0.2):
            return out[0]
        return out

    EXPR_FNS = ["COUNT", "SUM", "MAX", "MIN", "AVG", "LOWER", "UPPER", "COALESCE", "DISTINCT",
                "LENGTH", "ROUND", "DATE_TRUNC", "GREATEST", "NOW", "count", "pg_sleep"]

    def expr(self, model, incl, depth=0):
        """An fn/col expression over the model and its collected includes."""
        r = self.r.random()
        if depth > 3 or r < 0.4:
            if incl and self.chance(0.6):
                alias, target = self.pick(incl)
                tattrs = list(self.meta[target]["attrs"]) if target in self.meta else ["id"]
                return {"col": "%s.%s" % (alias, self.pick(tattrs + ["*", "nope"]))}
            attrs = list(self.meta[model]["attrs"]) if model in self.meta else ["id"]
            return {"col": self.pick(attrs + ["*"])}
        if r < 0.5:
            return self.pick([1, "x", None, True, 2.5, [], {}, {"literal": "1"}, {"col": 1}])
        return {"fn": self.pick(self.EXPR_FNS),
                "args": [self.expr(model, incl, depth + 1) for _ in range(self.pick([0, 1, 1, 1, 2, 3]))]}

    def aggregates(self, model, q, incl):
        """Expressions in attributes, ordered by and filtered on their aliases, maybe grouped."""
        n = self.pick([1, 1, 2])
        pairs = [[self.expr(model, incl), "agg%d" % i] for i in range(n)]
        q["attributes"] = {"include": pairs} if self.chance(0.6) else ["id"] + pairs
        if self.chance(0.4):
            q["order"] = [["agg0", self.pick(DIRECTIONS)], "id"]
        if self.chance(0.25):
            q["having"] = self.pick([{"agg0": {"$gt": 1}}, {"agg0": None}, {"agg1": 2}, {"id": 1}])
        if self.chance(0.15):
            attrs = list(self.meta[model]["attrs"]) if model in self.meta else ["id"]
            q["group"] = self.pick([[self.pick(attrs)], ["agg0"], "id", [self.expr(model, incl)]])

    def query(self, model):
        q = {}
        incl = []
        if self.chance(0.5):
            q["include"] = self.includes(model, 0, incl)
        if self.chance(0.5):
            q["where"] = self.where(model, 0, [x for x in incl if x[0]])
        if self.chance(0.15):
            self.aggregates(model, q, [x for x in incl if x[0]])
        elif self.chance(0.2):
            q["attributes"] = self.attr_list(model)
        if self.chance(0.3):
            q["order"] = self.order(model, incl)
        if self.chance(0.3):
            q["limit"] = self.pick([0, 1, 2, 5, 10, 1000])
        if self.chance(0.15):
            q["offset"] = self.pick([0, 1, 5, 100])
        if self.chance(0.1):
            q["paranoid"] = self.chance(0.5)
        return q

    # ---- writes
    def row(self, model, depth=0):
        """A row of model for create: attribute values, and (sometimes) rows
        of its associations, nested; returns (row, include)."""
        m = self.meta.get(model)
        if not m:
            return {self.name(): 1}, []
        attrs = m["attrs"]
        out = {}
        for a in self.r.sample(list(attrs), self.r.randrange(0, len(attrs) + 1)):
            if a == "id" and not self.chance(0.1):
                continue
            out[a] = self.attr_value(attrs[a][0], attrs[a][1]) if not self.chance(0.05) else None
        if self.chance(0.05):
            out[self.name(0.5)] = self.scalar()
        include = []
        for a in m["assocs"]:
            if depth >= 3 or not self.chance(0.3):
                continue
            many = a["kind"] in ("hasMany", "belongsToMany")
            if self.chance(0.15):
                child, sub = {"id": self.pick([1, 2, 3, 999, "x"])}, []
            else:
                child, sub = self.row(a["target"], depth + 1)
            value = [child] * self.r.randrange(0, 4) if many else child
            if self.chance(0.05):
                value = self.any_value()
            out[a["as"]] = value
            if not self.chance(0.05):
                include.append({"association": a["as"], "include": sub} if sub else a["as"])
        return out, include

    def write_call(self, fn, model):
        """The arguments of one write function on model."""
        if fn in ("create", "upsert"):
            data, include = self.row(model)
            opts = {"include": include} if include and fn == "create" else {}
            if self.chance(0.1):
                opts["fields"] = self.attr_list(model)
            if fn == "upsert" and self.chance(0.3):
                opts["conflictFields"] = self.attr_list(model)
            return [("text", model), ("json", data), ("jsonb", opts)]
        if fn == "bulk_create":
            rows, include = [], []
            for _ in range(self.r.randrange(0, 5)):
                row, inc = self.row(model, 1 if self.chance(0.5) else 3)
                rows.append(row)
                include = include or inc
            opts = {"include": include} if include else {}
            if self.chance(0.2):
                opts["ignoreDuplicates"] = self.chance(0.8)
            if self.chance(0.2):
                opts["updateOnDuplicate"] = self.attr_list(model)
                if self.chance(0.5):
                    opts["conflictAttributes"] = self.attr_list(model)
            return [("text", model), ("json", rows), ("jsonb", opts)]
        q = {"where": self.where(model)} if not self.chance(0.1) else {}
        if fn == "destroy" and self.chance(0.3):
            q["force"] = self.chance(0.5)
        if fn in ("destroy", "restore"):
            return [("text", model), ("jsonb", q)]
        m = self.meta.get(model, {"attrs": {"id": ("int", "integer")}})
        if fn in ("increment", "decrement"):
            by = {a: self.pick([1, -2, 0.5, "1", 2147483647]) for a in
                  self.r.sample(list(m["attrs"]), self.r.randrange(0, min(3, len(m["attrs"])) + 1))}
            return [("text", model), ("jsonb", by), ("jsonb", q)]
        data, _ = self.row(model, 3)
        if self.chance(0.1):
            q["paranoid"] = self.chance(0.5)
        return [("text", model), ("json", data), ("jsonb", q)]


# --------------------------------------------------------------------------
# Mutations.

def deep_array(d):
    return Raw("[" * d + "1" + "]" * d)


def deep_object(d, key="a"):
    return Raw(('{"%s":' % key) * d + "1" + "}" * d)


class Mutator:
    def __init__(self, r, gen, big_budget):
        self.r = r
        self.g = gen
        self.big_budget = big_budget

    def nodes(self, holder):
        """Every (container, key) in the tree under holder[0], shallow first."""
        out = []
        stack = [(holder, 0)]
        while stack:
            c, k = stack.pop()
            out.append((c, k))
            v = c[k]
            if isinstance(v, dict):
                for kk in v:
                    stack.append((v, kk))
            elif isinstance(v, Obj):
                for pair in v:
                    stack.append((pair, 1))
            elif isinstance(v, list):
                for i in range(len(v)):
                    stack.append((v, i))
        return out

    def objects(self, holder):
        return [(c, k) for c, k in self.nodes(holder) if isinstance(c[k], (dict, Obj))]

    def as_obj(self, c, k):
        v = c[k]
        if isinstance(v, dict):
            v = Obj([[kk, x] for kk, x in v.items()])
            c[k] = v
        return v

    def huge_ok(self):
        if self.big_budget[0] > 0:
            self.big_budget[0] -= 1
            return True
        return False

    def replacement(self):
        """A value to put somewhere it probably does not belong."""
        g, r = self.g, self.r
        k = r.random()
        if k < 0.35:
            return g.scalar()
        if k < 0.5:
            return g.pick([[], {}, [1, 2], {"a": 1}, [None], [[]], [{}], ["x", 1, None, True]])
        if k < 0.6:
            return Raw(g.pick(RAW_NUMBERS))
        if k < 0.7:
            return g.hostile()
        if k < 0.8:
            return g.any_value()
        if k < 0.86:
            return Raw(g.pick(['"\\u0041\\u00e9\\ud83d\\ude00"', '"\\ud800"', '"\\udc00x"',
                               '"\\uFFFF"', '"a\\"b"', '"\\/"', '"\\b\\f\\n\\r\\t"',
                               '"\\u001f"', '"' + "\\\\" * 50 + '"']))
        if k < 0.95:
            d = r.choice([50, 200, 1000, 5000, 10000])
            return deep_array(d) if r.random() < 0.5 else deep_object(d, g.pick(["a", "$and", "include", "type", "$not"]))
        if self.huge_ok():
            return self.huge()
        return g.scalar()

    def huge(self):
        r, g = self.r, self.g
        k = r.randrange(5)
        if k == 0:
            n = r.choice([10000, 100000])
            return Raw("[" + ",".join(str(i) for i in range(n)) + "]")
        if k == 1:
            n = r.choice([2000, 10000])
            return Raw("{" + ",".join('"k%d":"INTEGER"' % i for i in range(n)) + "}")
        if k == 2:
            return "x" * r.choice([100000, 1000000])
        if k == 3:
            return Raw("[" + ",".join('"%s"' % ("v%d" % i) for i in range(50000)) + "]")
        return "\u00e9" * r.choice([40000, 400000])

    def mutate(self, holder):
        """Applies one random mutation under holder[0]; returns its name."""
        r, g = self.r, self.g
        op = r.choices(["replace", "del_key", "add_key", "dup_key", "hostile_str",
                        "rename_key", "number", "wrap", "swap", "nullify", "deep", "huge"],
                       weights=[20, 12, 12, 5, 12, 10, 6, 5, 4, 4, 6, 2])[0]
        nodes = self.nodes(holder)
        if op in ("del_key", "add_key", "dup_key", "rename_key"):
            objs = self.objects(holder)
            if not objs:
                op = "replace"
            else:
                c, k = r.choice(objs)
                o = c[k]
                if op == "del_key" and len(o):
                    if isinstance(o, dict):
                        del o[r.choice(list(o))]
                    else:
                        o.pop(r.randrange(len(o)))
                    return op
                if op == "add_key" or not len(o):
                    key = g.pick(KNOWN_KEYS) if r.random() < 0.6 else g.hostile()
                    val = self.replacement() if r.random() < 0.5 else g.any_value()
                    if isinstance(o, dict):
                        o[key] = val
                    else:
                        o.append([key, val])
                    return "add_key"
                o = self.as_obj(c, k)
                i = r.randrange(len(o))
                if op == "dup_key":
                    o.insert(r.randrange(len(o) + 1), [o[i][0], self.replacement()])
                    return op
                o[i][0] = r.choice([g.hostile(), g.pick(KNOWN_KEYS),
                                    o[i][0].upper() if isinstance(o[i][0], str) else "X",
                                    (o[i][0] + " ") if isinstance(o[i][0], str) else "Y",
                                    Raw('"\\u0041' + "b" + '"')])
                return op
        c, k = r.choice(nodes)
        v = c[k]
        if op == "replace":
            c[k] = self.replacement()
        elif op == "hostile_str":
            strs = [(cc, kk) for cc, kk in nodes if isinstance(cc[kk], str)]
            if strs:
                c, k = r.choice(strs)
            c[k] = g.hostile() if r.random() < 0.8 else c[k] + g.hostile() if isinstance(c[k], str) else g.hostile()
        elif op == "number":
            nums = [(cc, kk) for cc, kk in nodes if isinstance(cc[kk], (int, float)) and not isinstance(cc[kk], bool)]
            if nums:
                c, k = r.choice(nums)
            c[k] = Raw(g.pick(RAW_NUMBERS))
        elif op == "wrap":
            c[k] = [v] if r.random() < 0.5 else {g.pick(KNOWN_KEYS): v}
        elif op == "swap":
            if isinstance(v, dict):
                c[k] = list(v.values()) if r.random() < 0.5 else [[kk, x] for kk, x in v.items()]
            elif isinstance(v, list):
                c[k] = {str(i): x for i, x in enumerate(v)}
            else:
                c[k] = [v]
        elif op == "nullify":
            c[k] = None
        elif op == "deep":
            c[k] = self.deep_for(v)
        elif op == "huge":
            c[k] = self.huge() if self.huge_ok() else self.replacement()
        return op

    def deep_for(self, v):
        r = self.r
        d = r.choice([33, 100, 1000, 10000, 100000])
        k = r.randrange(4)
        if k == 0:
            return deep_array(d)
        if k == 1:
            return deep_object(d, r.choice(["a", "$and", "$or", "$not", "include", "where"]))
        if k == 2:   # deep $and/$or of where objects
            op = r.choice(["$and", "$or"])
            return Raw(('{"%s":[' % op) * d + '{"id":1}' + "]}" * d)
        return Raw('{"$not":' * d + '{"id":1}' + "}" * d)


# --------------------------------------------------------------------------
# Calls: one input = one SQL function call.

WRITES = ("create", "bulk_create", "update", "destroy", "restore", "upsert", "increment",
          "decrement")


class Call:
    """fn and args: [(sqltype, value)], sqltype text|json|jsonb|sql (raw SQL
    expression); value None is SQL NULL.  wrap: how the result is selected."""

    def __init__(self, fn, args, catalog=False, rollback=False, wrap=None):
        self.fn = fn
        self.args = args
        self.catalog = catalog          # may change orm.models / orm.associations
        self.rollback = rollback
        self.wrap = wrap
        self.breaks = None              # raw text that replaces one json arg (syntax errors)
        self.pre = []                   # statements before it, in its transaction
        self.drift = None               # a drift() query after it (sync), in its transaction

    def arg_sql(self, i, t, v):
        if v is None:
            return "NULL" if t == "text" else "NULL::%s" % t
        if t == "sql":
            return v
        if t == "text":
            return lit(v)
        text = self.breaks if self.breaks is not None and self.breaks[0] == i else None
        s = text[1] if text else dump(v)
        return "%s::%s" % (lit(s), t)

    def sql(self):
        args = ", ".join(self.arg_sql(i, t, v) for i, (t, v) in enumerate(self.args))
        call = "orm.%s(%s)" % (self.fn, args)
        if self.wrap == "count":
            return "SELECT count(*) FROM %s" % call
        return "SELECT %s" % call

    def statements(self):
        s = self.sql()
        post = [self.drift] if self.drift else []
        return ["BEGIN"] + self.pre + [s] + post + ["ROLLBACK"] if self.rollback else [s]


class Fuzzer:
    def __init__(self):
        self.failures = []                # (index, reason)
        self.failed_inputs = set()
        self.errors = collections.Counter()
        self.per_fn = collections.Counter()
        self.per_fn_err = collections.Counter()
        self.mutations = collections.Counter()
        self.slow = []
        self.inputs = 0
        self.history = []                 # committed catalog changes since the last cleanup
        self.live = set()                 # fuzz models defined now
        self.conn = None
        self.big_budget = [6 + N // 200 if BIG else 0]
        self.saved_fixture = False
        self.crashes = 0
        self.skipped = 0

    # ---- connection
    def connect(self):
        deadline = time.time() + 90
        while True:
            try:
                self.conn = pgwire.Conn(timeout=CLIENT_TIMEOUT, application_name="orm_models fuzz")
                break
            except (pgwire.ConnectionLost, OSError) as e:
                if time.time() > deadline:
                    raise SystemExit("fuzz: cannot connect: %s" % e)
                time.sleep(0.5)
        for s in ("SET statement_timeout = '5s'", "SET client_min_messages = warning",
                  "SET lock_timeout = '5s'", "SET idle_in_transaction_session_timeout = 0",
                  "SET search_path = public"):
            self.must(s)

    def must(self, sql, conn=None):
        r = (conn or self.conn).query(sql)
        if r.error:
            raise RuntimeError("%s\n  -> %s: %s" % (sql[:300], r.error.get("C"), r.error.get("M")))
        return r

    # ---- setup
    def setup(self):
        self.connect()
        with open(os.path.join(HERE, "fixture_models.json"), encoding="utf-8") as f:
            self.fixture_models = f.read()
        with open(os.path.join(HERE, "fixture_data.sql"), encoding="utf-8") as f:
            self.fixture_data = f.read()
        self.must("SET client_min_messages = warning")
        self.must("CREATE EXTENSION IF NOT EXISTS orm_models")
        self.must("SELECT orm.define_models(%s)" % lit(self.fixture_models))
        self.must("SELECT count(*) FROM orm.sync('{}')")
        self.must(self.fixture_data)
        self.must("ANALYZE")
        names = [row[0] for row in self.must("SELECT name FROM orm.models ORDER BY name").rows]
        self.base = set(names)
        self.meta = {}
        self.enums = {}
        for row in self.must("SELECT format_type(enumtypid, NULL), array_to_json(array_agg(enumlabel ORDER BY enumsortorder)) "
                             "FROM pg_enum GROUP BY 1").rows:
            self.enums[row[0]] = json.loads(row[1])
        for nm in names:
            d = json.loads(self.must("SELECT orm.describe(%s)" % lit(nm)).value())
            attrs = {a: (kind_of(v["type"], self.enums), v["type"]) for a, v in d["attributes"].items()}
            assocs = [{"as": a["as"], "kind": a["kind"], "target": a["target"]}
                      for a in d.get("associations", [])]
            self.meta[nm] = {"attrs": attrs, "assocs": assocs}
        self.base_catalog = self.catalog_md5()
        self.base_drift = self.must("SELECT coalesce(json_agg(d ORDER BY d::text), '[]') FROM orm.drift() d").value()
        self.base_find = {nm: self.must("SELECT md5(orm.find_all(%s, '{\"include\": [{\"all\": true}], \"order\": [\"id\"], \"limit\": 3}')::text)" % lit(nm)).value()
                          for nm in names}
        self.fp = self.fingerprint()
        self.objects_fp = self.fp[1]

    def fingerprint(self):
        r = self.conn.query(
            "SELECT pg_backend_pid(), "
            "concat_ws('/', (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_type), "
            "(SELECT count(*) FROM pg_proc), (SELECT count(*) FROM pg_namespace), "
            "(SELECT CASE WHEN to_regclass('public.x') IS NULL THEN 'x dropped' ELSE 'x' END), "
            "(SELECT count(*) FROM pg_constraint), (SELECT count(*) FROM pg_trigger)), "
            + self.catalog_sql())
        if r.error:
            raise RuntimeError("fingerprint: %s: %s" % (r.error.get("C"), r.error.get("M")))
        return r.rows[0]

    def catalog_sql(self):
        return ("(SELECT md5(coalesce(string_agg(m::text, '|' ORDER BY m.name), '')) FROM orm.models m) || "
                "(SELECT md5(coalesce(string_agg(a::text, '|' ORDER BY a.source, a.alias), '')) FROM orm.associations a)")

    def catalog_md5(self):
        return self.must("SELECT " + self.catalog_sql()).value()

    # ---- generation
    def generate(self, i):
        r = random.Random(SEED * 1000003 + i)
        g = Gen(r, self.meta, self.live)
        g.meta_enum = self.enums
        base = sorted(self.base)
        fn = r.choices(["define", "define_models", "associate", "sync", "find_all", "find_one",
                        "count", "find_all_sql", "find_by_pk", "find_all_rows", "describe",
                        "undefine", "create", "bulk_create", "update", "destroy", "restore",
                        "upsert", "increment", "decrement"],
                       weights=[18, 8, 12, 6, 20, 6, 6, 8, 6, 3, 1, 1, 8, 3, 3, 2, 1, 2, 1, 1])[0]
        live_meta = None
        if fn in ("find_all", "find_one", "count", "find_all_sql") and g.live and r.random() < 0.25:
            # a fuzz model: synced in a transaction rolled back, then queried
            name = g.pick(g.live)
            live_meta = self.describe_meta(name)
        if fn == "define":
            attrs = g.attributes()
            call = Call("define", [("text", g.model_name()), ("json", attrs),
                                   ("jsonb", g.options(attrs))], catalog=True)
            if r.random() < 0.1:
                call.args.pop()
        elif fn == "define_models":
            doc = {}
            for nm in [g.model_name(0.05) for _ in range(r.randrange(1, 4))]:
                doc[nm] = None
            for nm in list(doc):
                attrs = g.attributes()
                entry = {"attributes": attrs}
                if r.random() < 0.5:
                    entry["options"] = g.options(attrs)
                if r.random() < 0.6:
                    assocs = []
                    for _ in range(r.randrange(0, 3)):
                        kind = g.kind()
                        item = {kind: g.pick(list(doc) + base + g.live) if r.random() < 0.9 else g.pick(POOL_MODELS)}
                        item.update(g.assoc_options(kind))
                        assocs.append(item)
                    entry["associations"] = assocs
                doc[nm] = entry
            call = Call("define_models", [("json", doc)], catalog=True)
        elif fn == "associate":
            kind = g.kind()
            if not g.live or r.random() < 0.1:
                src = g.pick(base)           # rolled back, below
            else:
                src = g.live_model() if r.random() < 0.95 else g.hostile()
            call = Call("associate", [("text", src), ("text", kind), ("text", g.any_model()),
                                      ("jsonb", g.assoc_options(kind))], catalog=True)
            if r.random() < 0.05:
                call.args.pop()
        elif fn == "sync":
            o = {"dryRun": r.random() < 0.7}
            if r.random() < 0.3:
                o["force"] = r.random() < 0.7
            if r.random() < 0.3:
                o["alter"] = r.random() < 0.7
            if r.random() < 0.4:
                o["models"] = [g.pick(base + POOL_MODELS) for _ in range(r.randrange(0, 3))]
            call = Call("sync", [("jsonb", o)], rollback=True, wrap="count")
            if not o["dryRun"] and o.get("force") and r.random() < 0.5:
                # everything recreated: the tables must be what the catalog says
                o.pop("alter", None)
                o.pop("models", None)
                call.drift = "SELECT model, problem, detail FROM orm.drift()"
        elif fn in WRITES:
            # writes of the fixture's models, always rolled back
            model = g.pick(base) if r.random() < 0.97 else g.pick([g.hostile(), "Fz0", "user"])
            call = Call(fn, g.write_call(fn, model), rollback=True)
            if r.random() < 0.05:
                call.args.pop()
        elif fn == "describe" or fn == "undefine":
            call = Call(fn, [("text", g.hostile() if r.random() < 0.5 else g.live_model())],
                        catalog=(fn == "undefine"))
        else:
            model = g.pick(base) if r.random() < 0.97 else g.pick([g.hostile(), "Fz0", "PostTags", "user"])
            if live_meta:
                model = name
                g.meta = dict(self.meta)
                g.meta.update(live_meta)
            q = g.query(model)
            args = [("text", model)]
            if fn == "find_by_pk":
                args.append(("sql", str(r.randrange(1, 25)) if r.random() < 0.6 else g.pick(["1", "2", "3", "5", "7", "10", "0", "-1", "2147483648", "NULL", "'1'",
                                            "'abc'", "1.5", "'1'::text", "NULL::int",
                                            "'{}'::jsonb", "ARRAY[1,2]", "true", "3::bigint",
                                            "'9223372036854775808'::numeric", "'Ω'::text",
                                            "2::smallint", "'c4ca4238-a0b9-3382-8dcc-509a6f75849b'::uuid",
                                            "ROW(1)", "'(1)'::point", "NULL::text"])))
            args.append(("jsonb", q))
            call = Call(fn, args, wrap="count" if fn == "find_all_rows" else None)
            if r.random() < 0.05:
                call.args.pop()
            if live_meta:
                call.rollback = True
                call.pre = ["SELECT count(*) FROM orm.sync(%s)" % lit(json.dumps({"models": [model]}))]
        # mutations: none for a quarter of the inputs, then one to three
        m = Mutator(r, g, self.big_budget)
        nmut = r.choices([0, 1, 2, 3], weights=[25, 40, 20, 15])[0]
        json_args = [j for j, (t, v) in enumerate(call.args) if t in ("json", "jsonb") and v is not None]
        text_args = [j for j, (t, v) in enumerate(call.args) if t == "text"]
        applied = []
        for _ in range(nmut):
            k = r.random()
            if k < 0.12 and text_args:
                j = r.choice(text_args)
                call.args[j] = ("text", g.hostile() if r.random() < 0.9 else None)
                applied.append("text_arg")
            elif k < 0.15:
                j = r.randrange(len(call.args))
                call.args[j] = (call.args[j][0], None)
                applied.append("sql_null")
            elif k < 0.19 and json_args:
                j = r.choice(json_args)
                t, v = call.args[j]
                text = dump(v)
                how = r.randrange(3)
                if how == 0 and len(text) > 1:
                    text = text[:r.randrange(1, len(text))]
                elif how == 1:
                    p = r.randrange(len(text) + 1)
                    text = text[:p] + g.pick(INVALID_JSON) + text[p:]
                else:
                    text = g.pick(INVALID_JSON)
                call.breaks = (j, text)
                applied.append("syntax")
            elif json_args:
                j = r.choice(json_args)
                holder = [call.args[j][1]]
                applied.append(m.mutate(holder))
                call.args[j] = (call.args[j][0], holder[0])
        for a in applied:
            self.mutations[a] += 1
        # catalog changes to a fixture model only in a transaction rolled back
        if call.catalog:
            names = set()
            if fn in ("define", "associate", "undefine"):
                names.add(call.args[0][1])
            elif fn == "define_models":
                v = call.args[0][1]
                if isinstance(v, dict):
                    names.update(v)
                elif isinstance(v, Obj):
                    names.update(k for k, _ in v if isinstance(k, str))
                else:
                    names.update(self.base)    # who knows: be safe
                if call.breaks is not None:
                    names.update(self.base)
            if names & self.base or r.random() < 0.15:
                call.rollback = True
        if call.drift:
            # the drift check holds only if the options, as mutated, still say
            # force and not dryRun, alter or models (a duplicate key: the last wins)
            try:
                o = json.loads(dump(call.args[0][1])) if call.breaks is None else None
            except (ValueError, RecursionError, TypeError):
                o = None
            if not (isinstance(o, dict) and o.get("force") is True and o.get("dryRun") is False
                    and set(o) == {"force", "dryRun"}):
                call.drift = None
        call.mutations = (["synced"] if live_meta else []) + applied
        call.fn_kind = fn
        return call

    # ---- the special inputs: fixed, run first
    def corpus(self):
        out = []

        def add(fn, args, **kw):
            c = Call(fn, args, **kw)
            c.mutations = ["corpus"]
            c.fn_kind = fn
            out.append(c)

        user_q = lambda q: add("find_all", [("text", "User"), ("jsonb", q)])  # noqa: E731
        # \u0000 (once per place: a clean error, not a crash)
        add("define", [("text", "Fz0"), ("json", Raw('{"a\\u0000b": "INTEGER"}')), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", Raw('{"a": {"type": "TEXT", "comment": "x\\u0000y"}}')), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", Raw('{"comment": "\\u0000"}'))], catalog=True)
        user_q(Raw('{"where": {"name": "\\u0000"}}'))
        add("define_models", [("json", Raw('{"Fz0": {"attributes": {"\\u0000": "TEXT"}}}'))], catalog=True)
        # lone surrogates and other escapes
        add("define", [("text", "Fz0"), ("json", Raw('{"\\ud800": "INTEGER"}')), ("jsonb", {})], catalog=True)
        user_q(Raw('{"where": {"name": "\\udfff"}}'))
        # 10k-deep arrays and objects everywhere
        for d in (10000, 100000):
            add("define", [("text", "Fz0"), ("json", deep_array(d)), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", Raw('{"a": ' + deep_array(d).text + '}')), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", deep_object(d))], catalog=True)
            add("define", [("text", "Fz0"), ("json", Raw('{"a": {"type": "JSONB", "defaultValue": ' + deep_array(d).text + '}}')), ("jsonb", {})], catalog=True)
            add("define_models", [("json", deep_object(d, "Fz0"))], catalog=True)
            add("associate", [("text", "Fz0"), ("text", "hasMany"), ("text", "Post"), ("jsonb", deep_object(d, "foreignKey"))], catalog=True)
            add("sync", [("jsonb", Raw('{"dryRun": true, "models": ' + deep_array(d).text + '}'))], rollback=True, wrap="count")
            user_q(deep_array(d))
            user_q(Raw('{"where": ' + ('{"$and":[' * d) + '{"id":1}' + (']}' * d) + '}'))
            user_q(Raw('{"where": ' + ('{"$or":[' * d) + '{"id":1}' + (']}' * d) + '}'))
            user_q(Raw('{"where": ' + ('{"$not":' * d) + '{"id":1}' + ('}' * d) + '}'))
            user_q(Raw('{"where": {"id": ' + ('{"$not":' * d) + '1' + ('}' * d) + '}}'))
            user_q(Raw('{"where": {"id": ' + ('{"$or":[' * d) + '1' + (']}' * d) + '}}'))
            user_q(Raw('{"where": {"settings": ' + deep_object(d).text + '}}'))
            user_q(Raw('{"where": {"id": {"$in": ' + deep_array(d).text + '}}}'))
            user_q(Raw('{"include": ' + deep_array(d).text + '}'))
            user_q(Raw('{"order": ' + deep_array(d).text + '}'))
            user_q(Raw('{"include": ' + ('{"association":"posts","include":{"association":"author","include":' * (d // 2)) + '"posts"' + ('}}' * (d // 2)) + '}'))
        # include chains around the 32-level limit and past it
        for d in (31, 32, 33, 64, 1000):
            chain = ["posts", "author"] * d
            inner = '"%s"' % chain[d - 1]
            for alias in reversed(chain[:d - 1]):
                inner = '{"association": "%s", "limit": 1, "include": [%s]}' % (alias, inner)
            user_q(Raw('{"include": [%s], "limit": 2}' % inner))
            inner = '{"all": true}'
            for _ in range(d):
                inner = '{"all": true, "include": [%s]}' % inner
            if d <= 33:
                user_q(Raw('{"include": [%s], "limit": 1}' % inner))
        user_q({"include": [{"all": True, "nested": True}]})
        # huge values
        if BIG:
            ten = "x" * (10 * 1024 * 1024)
            add("define", [("text", "Fz0"), ("json", {"a": {"type": "TEXT", "comment": ten}}), ("jsonb", {})], catalog=True, rollback=True)
            add("define", [("text", "Fz0"), ("json", {ten: "TEXT"}), ("jsonb", {})], catalog=True)
            add("define", [("text", ten), ("json", {"a": "TEXT"}), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", {"tableName": ten})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": ten}), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": {"type": "ENUM", "values": [ten]}}), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": {"type": "TEXT", "defaultValue": ten}}), ("jsonb", {})], catalog=True, rollback=True)
            add("associate", [("text", "Post"), ("text", "belongsTo"), ("text", "User"), ("jsonb", {"as": ten})], catalog=True, rollback=True)
            add("find_all", [("text", ten), ("jsonb", {})])
            user_q({"where": {"name": ten}})
            user_q({"where": {"name": {"$iLike": ten}}})
            user_q({"where": {"name": {"$startsWith": ten}}})
            user_q({"where": {ten: 1}})
            user_q({"include": [ten]})
            user_q({"order": [[ten, "DESC"]]})
            user_q({"where": {"settings": {ten: "x"}}})
            add("find_all_sql", [("text", "User"), ("jsonb", {"where": {"bio": {"$in": [ten, ten]}}})])
            add("find_by_pk", [("text", "User"), ("sql", lit(ten)), ("jsonb", {})])
            add("define_models", [("json", {"Fz0": {"attributes": {"a": "TEXT"}, "associations": [{"hasMany": "Post", "as": ten}]}})], catalog=True)
        user_q({"where": {"id": {"$in": list(range(70000))}}})
        user_q({"where": {"id": list(range(100000))}})
        user_q({"where": {"$or": [{"id": i} for i in range(20000)]}})
        user_q({"attributes": ["id"] * 5000})
        user_q({"include": ["posts"] * 2000})
        user_q({"order": [["id", "ASC"]] * 5000})
        add("define", [("text", "Fz0"), ("json", Raw("{" + ",".join('"k%d":"INTEGER"' % i for i in range(2000)) + "}")), ("jsonb", {})], catalog=True, rollback=True)
        add("define", [("text", "Fz0"), ("json", Raw("{" + ",".join('"k%d":"INTEGER"' % i for i in range(2000)) + "}")), ("jsonb", {})], catalog=True)
        add("sync", [("jsonb", {"models": ["Fz0"]})], rollback=True, wrap="count")
        add("sync", [("jsonb", {"force": True})], rollback=True, wrap="count")
        add("define", [("text", "Fz0"), ("json", {"a": {"type": "ENUM", "values": ["v%d" % i for i in range(10000)]}}), ("jsonb", {})], catalog=True)
        add("sync", [("jsonb", {"models": ["Fz0"], "force": True})], rollback=True, wrap="count")
        add("define", [("text", "Fz0"), ("json", {"a": "ARRAY(" * 10000 + "INTEGER" + ")" * 10000}), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "ARRAY(" * 100 + "INTEGER" + ")" * 100}), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "STRING(" + "9" * 1000 + ")"}), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "DECIMAL(" + "9" * 1000 + ",2)"}), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "ENUM(" + ",".join("'v%d'" % i for i in range(5000)) + ")"}), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "ENUM(" + "'" * 1001 + ")"}), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": {"type": "TEXT", "validate": deep_object(10000)}}), ("jsonb", {})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", {"indexes": [{"fields": ["a"], "where": Raw(('{"$and":[' * 10000) + '{"a":"x"}' + (']}' * 10000))}]})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", {"indexes": [{"fields": ["a"] * 1000}]})], catalog=True)
        add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", {"indexes": [{"fields": ["a"]}] * 2000})], catalog=True)
        # numbers out of range
        for num in ["1e400", "-0", "1e-400", "-1", "2147483648", "9223372036854775808", "1e131072", "0.5", "\"10\""]:
            user_q(Raw('{"limit": %s}' % num))
            user_q(Raw('{"offset": %s}' % num))
            user_q(Raw('{"where": {"id": %s}}' % num))
            user_q(Raw('{"where": {"score": {"$gt": %s}}}' % num))
            user_q(Raw('{"include": [{"association": "posts", "limit": %s}]}' % num))
            add("define", [("text", "Fz0"), ("json", Raw('{"a": {"type": "INTEGER", "defaultValue": %s}}' % num)), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", Raw('{"a": {"type": "DECIMAL(5,2)", "defaultValue": %s}}' % num)), ("jsonb", {})], catalog=True)
        # names of 63, 64 and 1000 bytes, multibyte at the boundary
        for nm in [_b(63), _b(64), _b(1000), _b(62) + "é", "é" * 31 + "a", "é" * 32, "😀" * 16]:
            add("define", [("text", nm), ("json", {"a": "TEXT"}), ("jsonb", {})], catalog=True)
            add("define", [("text", nm), ("json", {"a": "TEXT"}), ("jsonb", {"freezeTableName": True})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {nm: "TEXT"}), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": {"type": "TEXT", "field": nm}}), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": {"type": "ENUM", "values": [nm]}}), ("jsonb", {})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", {"tableName": nm})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", {"schema": nm})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": "TEXT"}), ("jsonb", {"indexes": [{"fields": ["a"], "name": nm}]})], catalog=True)
            add("define", [("text", "Fz0"), ("json", {"a": {"type": "TEXT", "unique": nm}}), ("jsonb", {})], catalog=True)
            add("associate", [("text", "Fz0"), ("text", "hasMany"), ("text", "Post"), ("jsonb", {"as": nm})], catalog=True)
            add("associate", [("text", "Fz0"), ("text", "belongsTo"), ("text", "User"), ("jsonb", {"foreignKey": nm})], catalog=True)
            add("associate", [("text", "Fz0"), ("text", "belongsToMany"), ("text", "Tag"), ("jsonb", {"through": nm})], catalog=True)
            add("sync", [("jsonb", {"dryRun": True})], rollback=True, wrap="count")
            add("sync", [("jsonb", {})], rollback=True, wrap="count")
            user_q({"where": {nm: 1}})
            user_q({"include": [nm]})
            add("find_all", [("text", nm), ("jsonb", {})])
        # reserved words, quotes, injections as every kind of name
        for nm in ["select", "user", "order", "table", "a'b", 'a"b', "; DROP TABLE x; --",
                   '"; DROP TABLE x; --', "\\", "$1", "$$", "%s", "", " ", "İ", "pg_catalog",
                   "orm", "Fz0"]:
            add("define", [("text", nm), ("json", {nm: {"type": "TEXT", "comment": nm, "defaultValue": nm}}),
                           ("jsonb", {"tableName": nm, "schema": "fz " + nm, "comment": nm,
                                      "indexes": [{"fields": [nm], "name": nm + "_ix", "where": {nm: nm}}]})],
                catalog=True)
            add("define", [("text", "Fz1"), ("json", {"v": {"type": "ENUM", "values": [nm, nm + "x"]}}), ("jsonb", {})], catalog=True)
            add("associate", [("text", "Fz1"), ("text", "belongsToMany"), ("text", "Fz1"),
                              ("jsonb", {"as": nm + "s", "through": nm + " join", "foreignKey": nm + "Id", "otherKey": nm + "Other"})],
                catalog=True)
            add("sync", [("jsonb", {"dryRun": True, "models": [nm]})], rollback=True, wrap="count")
            add("sync", [("jsonb", {"force": True})], rollback=True, wrap="count")
            add("find_all", [("text", nm), ("jsonb", {"include": [{"all": True}], "where": {nm: nm}})])
            add("describe", [("text", nm)])
        add("sync", [("jsonb", {"alter": True})], rollback=True, wrap="count")
        add("define_models", [("json", {})], catalog=True)
        add("define_models", [("json", Obj([["Fz2", {"attributes": {"a": "TEXT"}}], ["Fz2", {"attributes": {"b": "TEXT"}}]]))], catalog=True)
        add("define", [("text", "Fz2"), ("json", Obj([["a", "TEXT"], ["a", "INTEGER"]])), ("jsonb", {})], catalog=True)
        for t in WEIRD_TYPES + PG_TYPES:
            add("define", [("text", "Fz3"), ("json", {"a": t}), ("jsonb", {})], catalog=True)
        add("sync", [("jsonb", {"dryRun": True})], rollback=True, wrap="count")
        add("sync", [("jsonb", {"force": True})], rollback=True, wrap="count")
        # find_by_pk with every kind of key
        for pk in ["1", "NULL", "'1'", "'abc'", "1.5", "2147483648", "'{}'::jsonb", "ARRAY[1]", "true", "-0"]:
            add("find_by_pk", [("text", "User"), ("sql", pk), ("jsonb", {"include": ["posts"]})])
            add("find_by_pk", [("text", "Tag"), ("sql", pk), ("jsonb", {})])
        return out

    # ---- running one input
    def run(self, idx, call):
        stmts = call.statements()
        sql = call.sql()
        if SKIP and SKIP.search(sql):
            self.skipped += 1
            return
        t0 = time.time()
        err = None
        drift_rows = None
        result = None
        reason = None
        self.per_fn[call.fn_kind] += 1
        try:
            for s in stmts:
                r = self.conn.query(s, timeout=CLIENT_TIMEOUT)
                if s is stmts[-1] and call.rollback and r.error:
                    raise RuntimeError("ROLLBACK failed: %s" % r.error)
                if s in call.pre and r.error:
                    err = r.error       # the transaction is aborted: that is the answer
                if s == sql and err is None:
                    err, result = r.error, r.value()
                if s == call.drift and err is None:
                    if r.error:
                        err = r.error
                    else:
                        drift_rows = r.rows
        except pgwire.ConnectionLost as e:
            reason = "crash: connection lost (%s)" % e
            self.crashes += 1
        except pgwire.Timeout:
            reason = "hang: no answer in %.0f s (statement_timeout is 5 s)" % CLIENT_TIMEOUT
        elapsed = time.time() - t0
        if elapsed > 1.0:
            self.slow.append((elapsed, idx, call.fn_kind, len(sql)))
        if reason is None and err is not None:
            code = err.get("C", "")
            self.errors[code] += 1
            self.per_fn_err[call.fn_kind] += 1
            if code == "XX000" or code.startswith("XX") or code.startswith("58"):
                reason = "internal error %s: %s (%s:%s %s)" % (code, err.get("M"), err.get("F"), err.get("L"), err.get("R"))
            elif code == "57014":
                reason = "statement timeout (5 s): %s" % err.get("M")
            elif code.startswith("53"):
                reason = "resources exhausted %s: %s" % (code, err.get("M"))
            elif code in ("57P01", "57P02", "57P03"):
                reason = "backend terminated %s: %s" % (code, err.get("M"))
            elif code == "42601" and re.match(r"(syntax error|unterminated)", err.get("M", "")):
                reason = "the generated SQL does not parse (a quoting bug?): %s" % err.get("M")
            elif not code:
                reason = "error without SQLSTATE: %r" % err
            elif not (err.get("M") or "").strip():
                reason = "error %s with an empty message" % code
        if reason is None and err is None:
            reason = self.check_result(call, result)
        if reason is None and err is None and call.fn_kind == "count" and not call.rollback:
            reason = self.check_count(call, result)
        if reason is None and err is None and call.fn_kind == "sync" and call.drift:
            if drift_rows:
                reason = "orm.drift() right after a successful orm.sync(%s) lists: %s" % (
                    dump(call.args[0][1]) if call.args[0][1] is not None else "NULL",
                    "; ".join(" | ".join(str(x) for x in row) for row in drift_rows[:5]))
        if reason and reason.startswith(("crash", "hang")):
            self.recover(reason)
        if not (reason and reason.startswith(("crash", "hang"))):
            try:
                fp = self.fingerprint()
            except pgwire.ConnectionLost as e:
                reason = (reason + "; " if reason else "") + "crash: connection lost after the input (%s)" % e
                self.crashes += 1
                self.recover(reason)
                fp = None
            if fp:
                if str(fp[0]) != str(self.conn.pid):
                    reason = (reason or "") + "; backend pid changed"
                if fp[1] != self.objects_fp:
                    reason = (reason + "; " if reason else "") + \
                        "pg_class/pg_type/pg_proc/pg_namespace/x/pg_constraint/pg_trigger counts changed: %s -> %s" % (self.objects_fp, fp[1])
                    self.objects_fp = fp[1]
                committed = call.catalog and not call.rollback and err is None
                if fp[2] != self.fp[2] and not committed:
                    reason = (reason + "; " if reason else "") + \
                        "the catalog changed (%s, %s)" % ("failed call" if err else "rolled back or read-only call", call.fn_kind)
                if committed:
                    self.history.append(sql)
                    self.note_live(call)
                self.fp = fp
        if VERBOSE:
            print("#%d %s %s %s%s" % (idx, call.fn_kind, ",".join(call.mutations),
                                      (err.get("C") + " " + err.get("M", "")[:100]) if err else "ok",
                                      (" FAIL: " + reason) if reason else ""), flush=True)
            if VERBOSE > 1:
                print("    " + ";\n    ".join(x[:3000] for x in stmts), flush=True)
        if reason:
            self.fail(idx, reason, call, err)
        self.inputs += 1

    def describe_meta(self, name):
        """Query metadata of a fuzz model (and its targets) from orm.describe."""
        out = {}
        for nm in [name]:
            r = self.conn.query("SELECT orm.describe(%s)" % lit(nm))
            if r.error or r.value() is None:
                return None
            try:
                d = json.loads(r.value())
            except (ValueError, RecursionError):
                return None
            attrs = {a: (kind_of(v.get("type", ""), self.enums), v.get("type", ""))
                     for a, v in d.get("attributes", {}).items()}
            assocs = [{"as": a.get("as"), "kind": a.get("kind"), "target": a.get("target")}
                      for a in d.get("associations", [])]
            out[nm] = {"attrs": attrs or {"id": ("int", "integer")}, "assocs": assocs}
        return out

    def note_live(self, call):
        """Which fuzz models are defined now (for associate and friends)."""
        names = [row[0] for row in self.must("SELECT name FROM orm.models").rows]
        self.live = set(names) - self.base

    def guarded(self, idx, fn, is_input=True):
        """Runs fn; an exception of the fuzzer itself is reported, and counted
        as a failure (it may hide one), and the fuzzing goes on."""
        before = self.inputs
        try:
            fn()
        except Exception as e:   # noqa: BLE001
            if is_input and self.inputs == before:
                self.inputs += 1
            import traceback
            reason = "the fuzzer failed at input #%d: %s: %s" % (idx, type(e).__name__, str(e)[:500])
            print("FAIL " + reason, flush=True)
            traceback.print_exc(limit=3)
            self.failures.append((idx, "fuzzer", reason))
            self.failed_inputs.add(idx)
            if not isinstance(e, RecursionError):
                try:
                    self.recover("crash")
                except Exception:   # noqa: BLE001
                    pass

    def check_count(self, call, value):
        """orm.count counts the rows find_all returns (limit, offset ignored)."""
        if len(call.args) < 2 or call.args[1][1] is None or call.breaks is not None:
            return None
        q = call.args[1][1]
        if isinstance(q, dict):
            q = {k: v for k, v in q.items() if k not in ("limit", "offset")}
        else:
            return None
        # count ignores attributes, as Sequelize's: a grouped report's rows are groups
        if "group" in q or '"fn"' in dump(q.get("attributes")) or '"col"' in dump(q.get("attributes")):
            return None
        try:
            r = self.conn.query("SELECT json_array_length(orm.find_all(%s, %s::jsonb))"
                                % (lit(call.args[0][1]), lit(dump(q))), timeout=CLIENT_TIMEOUT)
        except (pgwire.ConnectionLost, pgwire.Timeout) as e:
            return "crash: find_all of a count's query: %s" % e
        if r.error:
            return None if r.error.get("C") != "XX000" else "internal error in find_all of a count's query: %s" % r.error.get("M")
        if r.value() != value:
            return "orm.count says %s, find_all of the same query (without limit/offset) returns %s rows" % (value, r.value())
        return None

    def check_result(self, call, value):
        fn = call.fn_kind
        if call.args and call.args[0][1] is None and fn.startswith("find"):
            return None
        try:
            if fn == "find_all":
                v = json.loads(value) if value is not None else None
                if not isinstance(v, list):
                    return "find_all returned %s, not an array" % (type(v).__name__)
            elif fn in ("find_one", "find_by_pk"):
                if value is not None and not isinstance(json.loads(value), dict):
                    return "%s returned a non-object" % fn
            elif fn in ("create", "upsert"):
                if value is not None and not isinstance(json.loads(value), dict):
                    return "%s returned a non-object" % fn
            elif fn in ("bulk_create", "update", "increment", "decrement"):
                if not isinstance(json.loads(value), list):
                    return "%s returned a non-array" % fn
            elif fn in ("count", "find_all_rows", "sync", "destroy", "restore"):
                if value is not None and not re.fullmatch(r"\d+", value):
                    return "%s returned %r" % (fn, value[:50])
        except RecursionError:
            return None     # deeper than Python's parser goes: cannot tell
        except ValueError as e:
            return "%s returned invalid JSON: %s" % (fn, e)
        return None

    def recover(self, reason):
        """After a crash or a hang: a working connection again."""
        old = self.conn
        if reason.startswith("hang"):
            try:
                old.cancel()
                old.drain(timeout=15)
                return            # cancelled: the same connection goes on
            except Exception:
                pass
            try:
                killer = pgwire.Conn(timeout=10)
                killer.query("SELECT pg_terminate_backend(%d)" % old.pid)
                killer.close()
            except Exception:
                pass
        try:
            old.close()
        except Exception:
            pass
        self.connect()
        self.fp = self.fingerprint()

    def fail(self, idx, reason, call, err):
        self.failures.append((idx, call.fn_kind, reason))
        self.failed_inputs.add(idx)
        print("FAIL input #%d (%s): %s" % (idx, call.fn_kind, reason), flush=True)
        self.save(idx, reason, call.statements(), err, call)

    def save(self, idx, reason, stmts, err, call=None):
        os.makedirs(FAIL_DIR, exist_ok=True)
        if not self.saved_fixture:
            with open(os.path.join(FAIL_DIR, "fixture.sql"), "w", encoding="utf-8") as f:
                f.write("-- the fuzzer's fixture: run first, in an empty database\n")
                f.write("CREATE EXTENSION IF NOT EXISTS orm_models;\n")
                f.write("SELECT orm.define_models(%s);\n" % lit(self.fixture_models))
                f.write("SELECT count(*) FROM orm.sync('{}');\n")
                f.write(self.fixture_data)
            self.saved_fixture = True
        kind = re.sub(r"[^a-z]+", "_", reason.split(":")[0].lower()).strip("_")[:30]
        path = os.path.join(FAIL_DIR, "seed%d-input%d-%s.sql" % (SEED, idx, kind))
        with open(path, "w", encoding="utf-8") as f:
            f.write("-- orm_models fuzz failure: seed %d, input #%d\n" % (SEED, idx))
            f.write("-- replay: psql -f fixture.sql -f %s  (or FUZZ_SEED=%d)\n" % (os.path.basename(path), SEED))
            for line in reason.splitlines():
                f.write("-- reason: %s\n" % line)
            if call is not None:
                f.write("-- function: %s; mutations: %s\n" % (call.fn_kind, ", ".join(call.mutations) or "none"))
            if err:
                for k in ("C", "M", "D", "H", "W", "F", "L", "R"):
                    if err.get(k):
                        f.write("-- %s: %s\n" % (k, err[k][:2000].replace("\n", "\n--    ")))
            f.write("SET statement_timeout = '5s';\n")
            if self.history:
                f.write("-- the catalog changes committed since the last cleanup (the state this ran in):\n")
                for s in self.history:
                    f.write(s + ";\n")
            f.write("-- the input:\n")
            for s in stmts:
                f.write(s + ";\n")
        return path

    # ---- the periodic catalog check
    def check_catalog(self, last_idx):
        problems = []

        def q(sql):
            try:
                r = self.conn.query(sql, timeout=CLIENT_TIMEOUT)
            except (pgwire.ConnectionLost, pgwire.Timeout) as e:
                problems.append("%s: %s" % (sql[:200], e))
                self.recover("crash" if isinstance(e, pgwire.ConnectionLost) else "hang")
                return None
            if r.error:
                problems.append("%s -> %s: %s" % (sql[:200], r.error.get("C"), r.error.get("M")))
                return None
            return r

        r = q("SELECT count(*) FROM orm.models")
        r = q("SELECT name FROM orm.models ORDER BY name")
        names = [row[0] for row in r.rows] if r else []
        for nm in names:
            q("SELECT orm.describe(%s) IS NOT NULL" % lit(nm))
        q("SELECT count(*) FROM orm.drift()")
        q("SELECT count(*) FROM orm.associations")
        # cleanup: the fuzzer's models go, the fixture must be as it was
        for nm in names:
            if nm not in self.base:
                q("SELECT orm.undefine(%s)" % lit(nm))
        left = q("SELECT name FROM orm.models ORDER BY name")
        if left and set(row[0] for row in left.rows) != self.base:
            problems.append("after undefine, orm.models holds %s" % [row[0] for row in left.rows])
        if self.conn and self.catalog_md5() != self.base_catalog:
            r = q("SELECT a.source, a.alias, a.kind, a.target FROM orm.associations a ORDER BY 1, 2")
            problems.append("the fixture's catalog changed: associations now %s" % (r.rows if r else "?"))
        d = q("SELECT coalesce(json_agg(d ORDER BY d::text), '[]') FROM orm.drift() d")
        if d and d.value() != self.base_drift:
            problems.append("orm.drift() differs from after setup: %s" % d.value()[:2000])
        for nm in sorted(self.base):
            r = q("SELECT md5(orm.find_all(%s, '{\"include\": [{\"all\": true}], \"order\": [\"id\"], \"limit\": 3}')::text)" % lit(nm))
            if r and r.value() != self.base_find[nm]:
                problems.append("find_all(%s) returns something else than after setup" % nm)
        if problems:
            reason = "catalog check after input #%d:\n  %s" % (last_idx, "\n  ".join(problems))
            print("FAIL " + reason, flush=True)
            self.failures.append((last_idx, "check", reason))
            self.failed_inputs.add(last_idx)
            self.save(last_idx, reason, ["-- (catalog check)"], None)
            # put the catalog back in the state of the fixture as best we can
        self.history = []
        self.live = set()
        self.fp = self.fingerprint()
        self.objects_fp = self.fp[1]


def kind_of(t, enums):
    if t in enums:
        return "enum"
    if t.endswith("[]"):
        return "arr"
    if t in ("integer", "smallint", "bigint"):
        return "int"
    if t.startswith("numeric"):
        return "dec"
    if t in ("double precision", "real"):
        return "float"
    if t == "boolean":
        return "bool"
    if t in ("json", "jsonb"):
        return "json"
    if t.startswith("timestamp"):
        return "date"
    if t == "date":
        return "date"
    if t.startswith("time"):
        return "time"
    if t == "uuid":
        return "uuid"
    return "str"


def main():
    t0 = time.time()
    print("fuzz: seed %d (FUZZ_SEED=%d to replay), %d random inputs, check every %d"
          % (SEED, SEED, N, CHECK_EVERY), flush=True)
    fz = Fuzzer()
    try:
        fz.setup()
    except Exception as e:   # noqa: BLE001
        print("fuzz: setup failed: %s" % e)
        print("0 passed, 1 failed")
        return 1
    log_path = os.environ.get("ORM_PGLOG")
    log_offset = os.path.getsize(log_path) if log_path and os.path.exists(log_path) else None
    inputs = fz.corpus()
    ncorpus = len(inputs)
    idx = 0
    for call in inputs:
        fz.guarded(idx, lambda: fz.run(idx, call))
        idx += 1
        if idx % CHECK_EVERY == 0:
            fz.guarded(idx - 1, lambda: fz.check_catalog(idx - 1), False)
    print("fuzz: %d fixed inputs done in %.1f s" % (ncorpus, time.time() - t0), flush=True)
    for i in range(N):
        fz.guarded(idx, lambda: fz.run(idx, fz.generate(i)))
        idx += 1
        if idx % CHECK_EVERY == 0:
            fz.guarded(idx - 1, lambda: fz.check_catalog(idx - 1), False)
    if idx % CHECK_EVERY != 0:
        fz.guarded(idx - 1, lambda: fz.check_catalog(idx - 1), False)
    elapsed = time.time() - t0
    nerr = sum(fz.errors.values())
    by = ", ".join("%s: %d" % (k, v) for k, v in fz.errors.most_common())
    print("fuzz: per function (inputs/errors): %s" % ", ".join(
        "%s %d/%d" % (k, fz.per_fn[k], fz.per_fn_err[k]) for k in sorted(fz.per_fn)))
    print("fuzz: mutations applied: %s" % ", ".join("%s %d" % kv for kv in fz.mutations.most_common()))
    if fz.slow:
        fz.slow.sort(reverse=True)
        print("fuzz: slowest inputs: %s" % ", ".join("#%d %s %.1fs (%d bytes)" % (i, fn, t, n)
                                                      for t, i, fn, n in fz.slow[:5]))
    if log_offset is not None:
        with open(log_path, "rb") as f:
            f.seek(log_offset)
            crash_lines = [ln.decode("utf-8", "replace").rstrip() for ln in f
                           if b"terminated by signal" in ln or b"PANIC" in ln]
        if crash_lines:
            print("fuzz: the server log tells of crashes:\n  " + "\n  ".join(crash_lines[:20]))
            if not fz.crashes:
                fz.failures.append((idx, "log", "server log shows crashes"))
                fz.failed_inputs.add(idx - 1)
    if fz.skipped:
        print("fuzz: %d inputs skipped (FUZZ_SKIP)" % fz.skipped)
    print("fuzz: seed %d, %d fixed and %d random inputs in %.1f s" % (SEED, ncorpus, N, elapsed))
    print("fuzz: %d inputs, %d errors (by SQLSTATE %s), %d failures"
          % (fz.inputs, nerr, by or "-", len(fz.failures)))
    if fz.failures:
        print("fuzz: failing inputs saved in %s/" % os.path.relpath(FAIL_DIR))
    failed = len(fz.failed_inputs)
    print("%d passed, %d failed" % (fz.inputs - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""pgwire.py: a minimal PostgreSQL client (protocol 3.0), Python stdlib only.

Enough for the fuzzer and the memory test: one connection, the simple query
protocol, every ErrorResponse field (SQLSTATE, message, routine...), notices,
a client-side time limit on every round trip, and CancelRequest.  Speaks
trust, cleartext, md5 and SCRAM-SHA-256 authentication (PGPASSWORD).

    c = Conn()                       # PGHOST PGPORT PGUSER PGDATABASE
    r = c.query("SELECT 1")          # r.rows, r.error (dict or None), r.notices
"""

import base64
import hashlib
import hmac
import os
import socket
import struct


class ConnectionLost(Exception):
    """The server closed the connection (a crashed or terminated backend)."""


class Timeout(Exception):
    """No answer within the client-side time limit."""


class Result:
    __slots__ = ("rows", "error", "notices", "tags")

    def __init__(self):
        self.rows = []
        self.error = None
        self.notices = []
        self.tags = []

    def value(self):
        """The first column of the first row (None if no row)."""
        return self.rows[0][0] if self.rows else None


def _fields(body):
    """The fields of an ErrorResponse or NoticeResponse, keyed by letter."""
    out = {}
    i = 0
    while i < len(body) and body[i] != 0:
        code = chr(body[i])
        j = body.index(b"\0", i + 1)
        out[code] = body[i + 1:j].decode("utf-8", "replace")
        i = j + 1
    return out


class Conn:
    def __init__(self, host=None, port=None, user=None, dbname=None,
                 timeout=60.0, application_name="orm_models test"):
        self.host = host or os.environ.get("PGHOST") or "/var/run/postgresql"
        self.port = int(port or os.environ.get("PGPORT") or 5432)
        self.user = user or os.environ.get("PGUSER") or os.environ.get("USER") or "postgres"
        self.dbname = dbname or os.environ.get("PGDATABASE") or self.user
        self.password = os.environ.get("PGPASSWORD")
        self.timeout = timeout
        self.pid = None
        self.secret = None
        self.params = {}
        self.buf = bytearray()
        self.sock = self._socket()
        self._startup(application_name)

    # --- transport -------------------------------------------------------
    def _socket(self):
        if self.host.startswith("/"):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(self.timeout)
            s.connect("%s/.s.PGSQL.%d" % (self.host, self.port))
        else:
            s = socket.create_connection((self.host, self.port), self.timeout)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.settimeout(self.timeout)
        return s

    def _send(self, data):
        try:
            self.sock.sendall(data)
        except socket.timeout:
            raise Timeout("send timed out")
        except OSError as e:
            raise ConnectionLost(str(e))

    def _fill(self, n):
        while len(self.buf) < n:
            try:
                chunk = self.sock.recv(max(65536, n - len(self.buf)))
            except socket.timeout:
                raise Timeout("no answer in %.0f s" % self.sock.gettimeout())
            except OSError as e:
                raise ConnectionLost(str(e))
            if not chunk:
                raise ConnectionLost("server closed the connection")
            self.buf += chunk

    def _msg(self):
        self._fill(5)
        typ = chr(self.buf[0])
        (length,) = struct.unpack("!i", self.buf[1:5])
        self._fill(1 + length)
        body = bytes(self.buf[5:1 + length])
        del self.buf[:1 + length]
        return typ, body

    def _put(self, typ, body):
        self._send(typ + struct.pack("!i", len(body) + 4) + body)

    # --- startup and authentication ---------------------------------------
    def _startup(self, application_name):
        params = [("user", self.user), ("database", self.dbname),
                  ("application_name", application_name),
                  ("client_encoding", "UTF8")]
        body = struct.pack("!i", 196608)
        for k, v in params:
            body += k.encode() + b"\0" + v.encode() + b"\0"
        body += b"\0"
        self._send(struct.pack("!i", len(body) + 4) + body)
        scram = None
        while True:
            typ, b = self._msg()
            if typ == "R":
                (code,) = struct.unpack("!i", b[:4])
                if code == 0:
                    continue
                if code == 3:
                    self._put(b"p", self._pw() + b"\0")
                elif code == 5:
                    salt = b[4:8]
                    inner = hashlib.md5(self._pw() + self.user.encode()).hexdigest()
                    outer = hashlib.md5(inner.encode() + salt).hexdigest()
                    self._put(b"p", b"md5" + outer.encode() + b"\0")
                elif code == 10:
                    scram = _Scram(self._pw())
                    first = scram.client_first()
                    self._put(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(first)) + first)
                elif code == 11:
                    self._put(b"p", scram.client_final(b[4:]))
                elif code == 12:
                    scram.verify(b[4:])
                else:
                    raise ConnectionLost("unsupported authentication method %d" % code)
            elif typ == "S":
                k, v = b.split(b"\0")[:2]
                self.params[k.decode()] = v.decode()
            elif typ == "K":
                self.pid, self.secret = struct.unpack("!ii", b)
            elif typ == "E":
                f = _fields(b)
                raise ConnectionLost("%s: %s" % (f.get("C"), f.get("M")))
            elif typ == "Z":
                return

    def _pw(self):
        if self.password is None:
            raise ConnectionLost("the server asks for a password: set PGPASSWORD")
        return self.password.encode()

    # --- queries -----------------------------------------------------------
    def query(self, sql, timeout=None):
        """Runs sql (simple protocol); returns a Result.  Raises Timeout or
        ConnectionLost.  A Timeout leaves the connection unusable unless the
        caller cancels and calls drain()."""
        self.sock.settimeout(timeout or self.timeout)
        self._put(b"Q", sql.encode("utf-8") + b"\0")
        return self._collect()

    def _collect(self):
        r = Result()
        while True:
            typ, b = self._msg()
            if typ == "D":
                (n,) = struct.unpack("!h", b[:2])
                i = 2
                row = []
                for _ in range(n):
                    (ln,) = struct.unpack("!i", b[i:i + 4])
                    i += 4
                    if ln < 0:
                        row.append(None)
                    else:
                        row.append(b[i:i + ln].decode("utf-8", "replace"))
                        i += ln
                r.rows.append(row)
            elif typ == "E":
                r.error = _fields(b)
            elif typ == "N":
                r.notices.append(_fields(b))
            elif typ == "C":
                r.tags.append(b.rstrip(b"\0").decode())
            elif typ == "Z":
                return r
            elif typ == "S":
                k, v = b.split(b"\0")[:2]
                self.params[k.decode()] = v.decode()
            # T (row description), I (empty query), A, ...: nothing to keep

    def drain(self, timeout=None):
        """After a Timeout: waits for the pending answer (after a cancel)."""
        self.sock.settimeout(timeout or self.timeout)
        return self._collect()

    def cancel(self):
        """Sends a CancelRequest for this connection's running statement."""
        c = Conn.__new__(Conn)
        c.host, c.port, c.timeout = self.host, self.port, 10.0
        s = c._socket()
        try:
            s.sendall(struct.pack("!iiii", 16, 80877102, self.pid, self.secret))
            s.recv(1)
        except OSError:
            pass
        finally:
            s.close()

    def close(self):
        try:
            self._put(b"X", b"")
        except Exception:
            pass
        try:
            self.sock.close()
        except Exception:
            pass


class _Scram:
    def __init__(self, password):
        self.password = password
        self.nonce = base64.b64encode(os.urandom(18))

    def client_first(self):
        self.first_bare = b"n=,r=" + self.nonce
        return b"n,," + self.first_bare

    def client_final(self, server_first):
        attrs = dict(kv.split(b"=", 1) for kv in server_first.split(b","))
        salt = base64.b64decode(attrs[b"s"])
        iters = int(attrs[b"i"])
        nonce = attrs[b"r"]
        salted = hashlib.pbkdf2_hmac("sha256", self.password, salt, iters)
        client_key = hmac.new(salted, b"Client Key", "sha256").digest()
        stored = hashlib.sha256(client_key).digest()
        final_bare = b"c=biws,r=" + nonce
        self.auth = self.first_bare + b"," + server_first + b"," + final_bare
        sig = hmac.new(stored, self.auth, "sha256").digest()
        proof = bytes(a ^ b for a, b in zip(client_key, sig))
        self.server_key = hmac.new(salted, b"Server Key", "sha256").digest()
        return final_bare + b",p=" + base64.b64encode(proof)

    def verify(self, server_final):
        expect = hmac.new(self.server_key, self.auth, "sha256").digest()
        got = base64.b64decode(dict(kv.split(b"=", 1) for kv in server_final.split(b","))[b"v"])
        if not hmac.compare_digest(expect, got):
            raise ConnectionLost("SCRAM server signature mismatch")


def lit(s):
    """A SQL string literal (standard_conforming_strings on)."""
    return "'" + s.replace("'", "''") + "'"

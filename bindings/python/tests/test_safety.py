"""No SDK call may destroy data: the SDK rows of the safety matrix (docs/SAFETY.md), and the
warnings a call raises when its work was committed but a later step failed.

Every call that opens, writes or replaces a file runs against every kind of file: a memory,
a missing path, a text file, a PDF, an empty file, a directory, a capsule, a write-protected
memory, a symlink to a memory, a memory another process holds, an existing output, a full
disk (a tmpfs, when this process may mount one) and a kill at a random moment. Whatever the
outcome, a refused call changed no byte of anything; a call that read changed nothing; a call
that wrote left memories that verify, with every frame they had (or kept in a backup beside).
The outcomes must equal the "sdk" table of docs/SAFETY.md, which the Node.js suite checks too.
"""

import hashlib
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import warnings

import memvid_sdk as mv
from mvtest_util import TempDirCase

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "..", "..", "docs", "SAFETY.md")
CLI = os.environ.get("MEMVID_CLI")
# MEMVID_SHORT_LOOPS=1 (the sanitizer run, where every child process starts slowly): one kill
# per row instead of three, and a coarser sweep of free space.
SHORT_LOOPS = os.environ.get("MEMVID_SHORT_LOOPS") == "1"
ENV = dict(os.environ, MEMVID_PASSWORD="matrix", MEMVID_CAPSULE_KDF="min")

COLUMNS = ["memory", "missing", "text file", "PDF", "empty file", "directory", "capsule",
           "write-protected memory", "symlink to a memory", "memory a writer holds", "OUT exists",
           "full disk", "killed at a random moment"]

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def subject_name(column):
    return {"PDF": "subject.pdf", "capsule": "subject.mv2e"}.get(column, "subject.mv2")


# Each row: (label, function(subject path, directory) doing the call, writes, uses OUT).
def _put(s, d):
    with mv.use("basic", s, mode="open", lock_timeout_ms=50) as m:
        m.put("a new note", timestamp="2024-05-01")


def _put_many(s, d):
    with mv.use("basic", s, mode="open", lock_timeout_ms=50) as m:
        m.put_many([{"text": "one from a batch"}, {"text": "two from a batch"}])


def _ingest(s, d):
    with mv.use("basic", s, mode="open", lock_timeout_ms=50) as m:
        m.ingest(os.path.join(d, "docs"))


def _delete(s, d):
    with mv.use("basic", s, mode="open", lock_timeout_ms=50) as m:
        m.delete(0)


def _compact(s, d):
    with mv.use("basic", s, mode="open", lock_timeout_ms=50) as m:
        m.compact()


def _compact_out(s, d):
    with mv.use("basic", s, read_only=True) as m:
        m.compact(os.path.join(d, "out.mv2"))


def _export(s, d):
    with mv.use("basic", s, read_only=True) as m:
        m.export(os.path.join(d, "out.mv2"))


def _find(s, d):
    with mv.use("basic", s, read_only=True) as m:
        m.find("rivers")


ROWS = [
    ("use(FILE)", lambda s, d: mv.use("basic", s, embedding_model="none", lock_timeout_ms=50).close(), True, False),
    ("create(FILE)", lambda s, d: mv.create(s, embedding_model="none").close(), True, False),
    ("use(FILE, read_only=True)", lambda s, d: mv.use("basic", s, read_only=True).close(), False, False),
    ("put", _put, True, False),
    ("put_many", _put_many, True, False),
    ("ingest(DIR)", _ingest, True, False),
    ("delete", _delete, True, False),
    ("compact()", _compact, True, False),
    ("compact(OUT)", _compact_out, True, True),
    ("export(OUT)", _export, True, True),
    ("doctor(FILE)", lambda s, d: mv.doctor(s, lock_timeout_ms=50), True, False),
    ("doctor(FILE, vacuum=True)", lambda s, d: mv.doctor(s, vacuum=True, lock_timeout_ms=50), True, False),
    ("doctor(FILE, output=OUT)",
     lambda s, d: mv.doctor(s, rebuild_lex_index=True, output=os.path.join(d, "out.mv2")), True, True),
    ("restore(SNAPSHOT, FILE, force=True)",
     lambda s, d: mv.restore(os.path.join(d, "snap.mv2"), s, force=True), True, False),
    ("verify(FILE, deep=True)", lambda s, d: mv.verify(s, deep=True), False, False),
    ("find", _find, False, False),
    ("who(FILE)", lambda s, d: mv.who(s), False, False),
    ("nudge(FILE)", lambda s, d: mv.nudge(s), True, False),
]

# The same calls as a child process runs them, for the kill column.
CHILD = textwrap.dedent("""
    import os, sys
    sys.path[:0] = [os.path.dirname(os.path.abspath(sys.argv[1]))]
    import test_safety as t
    row = dict((r[0], r[1]) for r in t.ROWS)[sys.argv[2]]
    row(sys.argv[3], sys.argv[4])
""")

HOLDER = textwrap.dedent("""
    import sys
    import memvid_sdk as mv
    mem = mv.use("basic", sys.argv[1], mode="open", nudge_poll_ms=0)
    print("ready", flush=True)
    sys.stdin.readline()
    mem.close()
""")


class Fixtures:
    _made = None

    @classmethod
    def get(cls):
        if cls._made is None:
            d = tempfile.mkdtemp(prefix="memvid_py_fix_")
            good = os.path.join(d, "good.mv2")
            with mv.create(good, embedding_model="none") as m:
                for i in range(3):
                    m.put(f"frame {i} about rivers and mountains", timestamp=f"2024-01-0{i + 1}")
            other = os.path.join(d, "other.mv2")
            with mv.create(other, embedding_model="none") as m:
                m.put("the snapshot's own first frame", timestamp="2024-02-01")
                m.export(os.path.join(d, "snap.mv2"))
            subprocess.run([CLI, "lock", good, "-o", os.path.join(d, "caps.mv2e")], env=ENV, check=True,
                           capture_output=True)
            read = lambda n: open(os.path.join(d, n), "rb").read()
            cls._made = {"memory": read("good.mv2"), "snapshot": read("snap.mv2"), "capsule": read("caps.mv2e")}
            shutil.rmtree(d, ignore_errors=True)
        return cls._made


def lay_out(d, column):
    f = Fixtures.get()
    write = lambda p, b: open(p, "wb").write(b)
    write(os.path.join(d, "good.mv2"), f["memory"])
    write(os.path.join(d, "snap.mv2"), f["snapshot"])
    os.makedirs(os.path.join(d, "docs"), exist_ok=True)
    write(os.path.join(d, "docs", "a.md"), b"# Alpha\n\nRivers run to the sea.\n")
    s = os.path.join(d, subject_name(column))
    if column in ("memory", "memory a writer holds", "OUT exists", "full disk", "killed at a random moment"):
        write(s, f["memory"])
    elif column == "text file":
        write(s, b"".join(b"line %d of somebody's notes\n" % i for i in range(300)))
    elif column == "PDF":
        write(s, PDF)
    elif column == "empty file":
        write(s, b"")
    elif column == "directory":
        os.mkdir(s)
        write(os.path.join(s, "keep.txt"), b"a file inside the directory")
    elif column == "capsule":
        write(s, f["capsule"])
    elif column == "write-protected memory":
        write(s, f["memory"])
        os.chmod(s, 0o444)
    elif column == "symlink to a memory":
        os.mkdir(os.path.join(d, "store"))
        write(os.path.join(d, "store", "real.mv2"), f["memory"])
        os.symlink("store/real.mv2", s)
    if column == "OUT exists":
        write(os.path.join(d, "out.mv2"), b"somebody's file that happens to be called out.mv2\n")
    return s


def tree_of(root):
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            if rel == "filler":
                continue
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p), stat.S_IMODE(st.st_mode))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", b"", stat.S_IMODE(st.st_mode))
            else:
                with open(p, "rb") as fh:
                    out[rel] = ("file", hashlib.sha256(fh.read()).hexdigest(), stat.S_IMODE(st.st_mode))
    return out


def frames_of(path):
    try:
        with mv.use("basic", path, read_only=True, nudge_poll_ms=0) as m:
            return {i: (None if f.removed else f.content_hash)
                    for i in range(m.frame_count) for f in [m.view(i, payload=False)]}
    except mv.MemvidError:
        return None


def is_backup(name):
    return ".damaged-" in name or ".replaced-" in name


def is_memory(path):
    with open(path, "rb") as fh:
        head = fh.read(520)
    return head[:7] == b"MV2HEAD" or head[512:519] == b"MV2HEAD"


class Tmpfs:
    """A small tmpfs over a fresh directory, when this process may mount one."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="memvid_py_full_")
        self.mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", self.path],
                                      capture_output=True).returncode == 0

    def fill(self):
        with open(os.path.join(self.path, "filler"), "wb", buffering=0) as fh:
            chunk = 1 << 16
            while chunk >= 1:
                try:
                    fh.write(b"\0" * chunk)
                except OSError:
                    chunk //= 2

    def unfill(self):
        os.unlink(os.path.join(self.path, "filler"))

    def close(self):
        if self.mounted:
            subprocess.run(["umount", "-l", self.path], capture_output=True)
        shutil.rmtree(self.path, ignore_errors=True)


class SafetyMatrix(unittest.TestCase):
    maxDiff = None
    _computed = {}

    @classmethod
    def tearDownClass(cls):
        # MEMVID_UPDATE_SAFETY_DOC=1: write the SDK table from this run (review the diff).
        if not os.environ.get("MEMVID_UPDATE_SAFETY_DOC") or not cls._computed:
            return
        with open(DOC, encoding="utf-8") as fh:
            doc = fh.read()
        begin, end = "<!-- safety-matrix:sdk:begin -->", "<!-- safety-matrix:sdk:end -->"
        cols = [c for c in COLUMNS if c in cls._computed]
        lines = ["", "| call | " + " | ".join(cols) + " |", "|---|" + ":---:|" * len(cols)]
        for label, *_ in ROWS:
            lines.append(f"| `{label}` | " + " | ".join(cls._computed[c][label] for c in cols) + " |")
        doc = doc[:doc.index(begin) + len(begin)] + "\n".join(lines) + "\n" + doc[doc.index(end):]
        with open(DOC, "w", encoding="utf-8") as fh:
            fh.write(doc)

    def check_rules(self, row, column, d, before, after, frames_before, refused, context):
        label, _, writes, _ = row
        if refused or not writes:
            self.assertEqual(before, after, f"{context}: {'a refused' if refused else 'a reading'} call changed files")
            return
        subject = subject_name(column)
        for name, entry in after.items():
            if before.get(name) == entry:
                continue
            self.assertTrue(name in (subject, "out.mv2", os.path.join("store", "real.mv2")) or is_backup(name)
                            or os.path.basename(name).startswith("."), f"{context}: unexpected change to {name}")
        for name in before:
            self.assertIn(name, after, f"{context}: {name} disappeared")
        if column == "symlink to a memory":
            self.assertEqual(after[subject], before[subject], f"{context}: the symlink changed")
        for name in (subject, "out.mv2", os.path.join("store", "real.mv2")):
            if name not in after or after[name][0] != "file" or before.get(name) == after[name]:
                continue
            p = os.path.join(d, name)
            if os.path.getsize(p) == 0:
                continue  # a create killed before its first write
            self.assertTrue(is_memory(p), f"{context}: {name} is not a memory afterwards")
            self.assertTrue(mv.verify(p, deep=True).ok, f"{context}: {name} fails verification")
        if frames_before:
            now = [f for f in [frames_of(os.path.join(d, subject))] if f is not None]
            now += [f for n in after if is_backup(n) for f in [frames_of(os.path.join(d, n))] if f is not None]
            for fid, h in frames_before.items():
                if h is not None:
                    self.assertTrue(any(f.get(fid) == h for f in now), f"{context}: frame {fid} is gone")

    def run_column(self, column):
        cells = {}
        rng = random.Random(COLUMNS.index(column))
        for row in ROWS:
            label, call, writes, uses_out = row
            if column == "OUT exists" and not uses_out:
                cells[label] = "-"
                continue
            context = f"{label} / {column}"
            tmpfs = Tmpfs() if column == "full disk" else None
            if tmpfs is not None and not tmpfs.mounted:
                tmpfs.close()
                return None
            d = tmpfs.path if tmpfs else tempfile.mkdtemp(prefix="memvid_py_cell_")
            holder = None
            try:
                s = lay_out(d, column)
                if column == "memory a writer holds":
                    holder = subprocess.Popen([sys.executable, "-c", HOLDER, s], stdin=subprocess.PIPE,
                                              stdout=subprocess.PIPE, text=True)
                    self.assertEqual(holder.stdout.readline().strip(), "ready")
                frames_before = frames_of(s) if os.path.isfile(s) else None
                if column == "killed at a random moment":
                    self.kill_rounds(row, column, rng, frames_before, context)
                    cells[label] = "intact"
                    continue
                if tmpfs:
                    tmpfs.fill()
                before = tree_of(d)
                outcome = "done"
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", mv.MemvidWarning)
                    try:
                        call(s, d)
                    except mv.MemvidError as e:
                        outcome = f"refused {type(e).__name__}"
                after = tree_of(d)
                if tmpfs:
                    tmpfs.unfill()
                if holder:
                    holder.stdin.write("\n")
                    holder.stdin.flush()
                    holder.wait()
                    holder = None
                self.check_rules(row, column, d, before, after, frames_before, outcome != "done", context)
                cells[label] = outcome
            finally:
                if holder:
                    holder.kill()
                    holder.wait()
                if tmpfs:
                    tmpfs.close()
                else:
                    subprocess.run(["chmod", "-R", "u+w", d], capture_output=True)
                    shutil.rmtree(d, ignore_errors=True)
        return cells

    def kill_rounds(self, row, column, rng, frames_before, context):
        label = row[0]
        args = lambda d, s: [sys.executable, "-c", CHILD, os.path.join(HERE, "test_safety.py"), label, s, d]
        probe = tempfile.mkdtemp(prefix="memvid_py_probe_")
        try:
            s = lay_out(probe, column)
            start = time.monotonic()
            subprocess.run(args(probe, s), capture_output=True)
            full = max(time.monotonic() - start, 0.05)
        finally:
            shutil.rmtree(probe, ignore_errors=True)
        for _ in range(1 if SHORT_LOOPS else 3):
            d = tempfile.mkdtemp(prefix="memvid_py_kill_")
            try:
                s = lay_out(d, column)
                before = tree_of(d)
                child = subprocess.Popen(args(d, s), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                time.sleep(rng.uniform(0, 1.2) * full)
                child.send_signal(signal.SIGKILL)
                _, err = child.communicate()
                killed = child.returncode == -signal.SIGKILL
                refused = not killed and child.returncode != 0
                self.check_rules(row, column, d, before, tree_of(d), frames_before, refused,
                                 f"{context} (killed: {killed}) {err.decode(errors='replace')[-300:]}")
            finally:
                shutil.rmtree(d, ignore_errors=True)

    def check_doc(self, column, cells):
        with open(DOC, encoding="utf-8") as fh:
            doc = fh.read()
        begin, end = "<!-- safety-matrix:sdk:begin -->", "<!-- safety-matrix:sdk:end -->"
        self.assertIn(begin, doc)
        table = [[c.strip() for c in line.strip().strip("|").split("|")]
                 for line in doc[doc.index(begin) + len(begin):doc.index(end)].splitlines()
                 if line.startswith("|") and "---" not in line]
        if os.environ.get("MEMVID_UPDATE_SAFETY_DOC"):
            SafetyMatrix._computed[column] = cells
            return
        header = table[0] if table else []
        self.assertIn(column, header, "docs/SAFETY.md has no SDK column " + repr(column))
        c = header.index(column)
        documented = {r[0].strip("`"): r[c] for r in table[1:]}
        mismatches = [f"{label}: the document says {documented.get(label)!r}, the run gives {got!r}"
                      for label, got in cells.items() if documented.get(label) != got]
        self.assertEqual(mismatches, [], f"docs/SAFETY.md, SDK column {column!r}")


def _column_test(column):
    def test(self):
        cells = self.run_column(column)
        if cells is None:
            self.skipTest("cannot mount a tmpfs here (needs root)")
        self.check_doc(column, cells)
    return test


for _column in COLUMNS:
    setattr(SafetyMatrix, "test_" + _column.replace(" ", "_").replace("-", "_").lower(), _column_test(_column))


class WarningsTest(TempDirCase):
    """Warnings: the call succeeded; something after its commit (or beside it) did not."""

    def test_empty_sidecar_is_a_warning_not_an_error(self):
        mem, _ = self.filled_memory()
        mem.close()
        open(self.path() + "-wal", "wb").close()
        with self.assertWarns(mv.MemvidWarning) as cm:
            ro = mv.use("basic", self.path(), read_only=True)
        self.track(ro)
        w = cm.warning
        self.assertEqual(w.code, "AuxiliaryFileDetected")
        self.assertEqual(w.step, "sidecar")
        self.assertIn(self.path() + "-wal", str(w))
        self.assertEqual(cm.filename, __file__)  # points at the caller's line
        self.assertEqual([x.step for x in mv.last_warnings()], ["sidecar"])
        with warnings.catch_warnings():
            warnings.simplefilter("error", mv.MemvidWarning)
            with self.assertRaises(mv.MemvidWarning):  # a filter can make them errors
                mv.use("basic", self.path(), read_only=True)
        self.assertEqual(len(ro.find("raft", mode="lex")), 1)
        self.assertEqual(ro.last_warnings, [])  # the find had none
        os.unlink(self.path() + "-wal")
        with open(self.path() + "-wal", "wb") as fh:
            fh.write(b"x")
        with self.assertRaises(mv.AuxiliaryFileDetected):
            mv.use("basic", self.path(), read_only=True)

    def test_new_error_classes(self):
        with open(self.path("notes.txt"), "w") as fh:
            fh.write("somebody's notes\n" * 100)
        with self.assertRaises(mv.NotAMemoryError) as cm:
            mv.use("basic", self.path("notes.txt"))
        self.assertEqual(cm.exception.code, "NotAMemory")
        self.assertIn("nothing was changed", str(cm.exception))
        self.assertTrue(issubclass(mv.EncryptedError, mv.NotAMemoryError))
        self.assertIs(mv.error_class("Encrypted"), mv.EncryptedError)
        self.assertIs(mv.error_class("NotAMemory"), mv.NotAMemoryError)

    def test_restore_and_doctor_reports(self):
        mem, _ = self.filled_memory()
        mem.export(self.path("snap.mv2"))
        mem.put("written after the snapshot")
        mem.close()
        with self.assertRaises(mv.AlreadyExistsError):
            mv.restore(self.path("snap.mv2"), self.path())
        r = mv.restore(self.path("snap.mv2"), self.path(), force=True)
        self.assertIsInstance(r, mv.RestoreReport)
        self.assertTrue(r.replaced)
        self.assertEqual((r.replaced_frames, r.snapshot_frames, r.dropped_frames), (6, 5, 1))
        self.assertEqual(r.dropped_ids, [5])
        self.assertTrue(r.backup_path and os.path.exists(r.backup_path))
        json.dumps(r.to_dict())
        # doctor writes a repair elsewhere with output=
        d = mv.doctor(self.path(), rebuild_lex_index=True, output=self.path("fixed.mv2"))
        self.assertTrue(d.ok)
        self.assertEqual(d.output_path, self.path("fixed.mv2"))
        self.assertIsNone(d.backup_path)
        self.assertIsNone(d.error)


class FullDiskTest(TempDirCase):
    """On a disk that fills up at any point of a batch: a raised error means nothing of the
    call is in the memory, a return means all of it is (with a MemvidWarning when a step after
    the commit failed). Never an error for committed data, so a retry never duplicates."""

    def test_errors_mean_nothing_was_added(self):
        t = Tmpfs()
        if not t.mounted:
            t.close()
            self.skipTest("cannot mount a tmpfs here (needs root)")
        try:
            rng = random.Random(7)
            words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
                     for _ in range(5000)]
            docs = [{"text": " ".join(rng.choice(words) for _ in range(300))} for _ in range(300)]
            outcomes = set()
            for margin in range(50_000, 1_000_000, 150_000 if SHORT_LOOPS else 50_000):
                p = os.path.join(t.path, "m.mv2")
                if os.path.exists(p):
                    os.unlink(p)
                mv.create(p, embedding_model="none").close()
                free = os.statvfs(t.path).f_bavail * os.statvfs(t.path).f_frsize
                with open(os.path.join(t.path, "filler"), "wb") as fh:
                    fh.write(b"\0" * max(0, free - margin))
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", mv.MemvidWarning)
                    try:
                        with mv.use("basic", p) as m:
                            m.put_many(docs)
                        raised = None
                    except mv.NoSpaceError as e:
                        raised = e
                t.unfill()
                with mv.use("basic", p, read_only=True) as m:
                    n = m.frame_count
                mine = [w for w in caught if issubclass(w.category, mv.MemvidWarning)]
                if raised is not None:
                    self.assertEqual(n, 0, f"margin {margin}: NoSpaceError, yet {n} frames are in")
                    outcomes.add("refused")
                else:
                    self.assertEqual(n, 300, f"margin {margin}: returned, yet {n} of 300 frames are in")
                    outcomes.add("warned" if mine else "clean")
                for w in mine:
                    self.assertEqual(w.message.code, "NoSpace")
                    self.assertTrue(str(w.message).startswith("committed, but "))
            self.assertIn("refused", outcomes)
            self.assertIn("warned", outcomes, "no margin made a step after the commit fail")
        finally:
            t.close()


if __name__ == "__main__":
    unittest.main()

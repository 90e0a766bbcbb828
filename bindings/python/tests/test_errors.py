"""The exception hierarchy and the errors each situation raises."""

import errno
import os
import pickle
import subprocess
import sys
import textwrap
import unittest

import memvid_sdk as mv
from mvtest_util import TempDirCase


class HierarchyTest(unittest.TestCase):
    def test_classes_and_codes(self):
        expected = {
            "InvalidArgument": mv.InvalidArgumentError, "NotFound": mv.NotFoundError,
            "AlreadyExists": mv.AlreadyExistsError, "Locked": mv.LockedError,
            "Corrupt": mv.CorruptError, "InvalidToc": mv.InvalidTocError,
            "RecoveryNeeded": mv.RecoveryNeededError,
            "AuxiliaryFileDetected": mv.AuxiliaryFileDetected, "Io": mv.MemvidIOError,
            "NoSpace": mv.NoSpaceError, "ReadOnly": mv.ReadOnlyError, "Closed": mv.ClosedError,
            "TransactionState": mv.TransactionStateError, "InvalidQuery": mv.QueryError,
            "ModelUnavailable": mv.ModelUnavailableError, "ModelMismatch": mv.ModelMismatchError,
            "ProviderFailed": mv.ProviderError, "Interrupted": mv.OperationInterruptedError,
            "DecryptFailed": mv.DecryptError,
        }
        for code, cls in expected.items():
            self.assertIs(mv.error_class(code), cls)
            self.assertTrue(issubclass(cls, mv.MemvidError))
            self.assertEqual(cls.code, code)
        self.assertTrue(issubclass(mv.InvalidTocError, mv.CorruptError))
        self.assertTrue(issubclass(mv.RecoveryNeededError, mv.CorruptError))
        self.assertTrue(issubclass(mv.NoSpaceError, mv.MemvidIOError))
        self.assertTrue(issubclass(mv.InvalidArgumentError, ValueError))
        self.assertTrue(issubclass(mv.QueryError, ValueError))
        self.assertTrue(issubclass(mv.NotFoundError, LookupError))
        self.assertTrue(issubclass(mv.AlreadyExistsError, FileExistsError))
        self.assertIs(mv.error_class("SomethingNew"), mv.MemvidError)

    def test_pickle(self):
        e = mv.LockedError("locked", "Locked", {"pid": 42})
        e2 = pickle.loads(pickle.dumps(e))
        self.assertEqual((e2.pid, e2.code, str(e2)), (42, "Locked", "locked"))
        n = pickle.loads(pickle.dumps(mv.NotFoundError("gone", "NotFound")))
        self.assertEqual((type(n), n.code, str(n)), (mv.NotFoundError, "NotFound", "gone"))


HOLDER = textwrap.dedent("""
    import sys
    import memvid_sdk as mv
    mem = mv.use("basic", sys.argv[1], mode="open")
    print("ready", flush=True)
    sys.stdin.readline()
    mem.close()
""")


class ErrorTest(TempDirCase):
    def _memory_file(self):
        mem, ids = self.filled_memory()
        mem.close()
        return self.path()

    def test_out_of_range_numbers_are_typed_errors(self):
        """Python ints beyond what the library stores give a clear error, never a cast failure."""
        mem = self.new_memory()
        with self.assertRaises(mv.NotFoundError):
            mem.view(2**70)
        with self.assertRaises(mv.NotFoundError):
            mem.delete(2**64)
        with self.assertRaises(mv.InvalidArgumentError):
            mem.put("x", timestamp=10**30)
        with self.assertRaises(ValueError):
            mem.find("x", k=2**70)
        with self.assertRaises(mv.InvalidArgumentError) as cm:
            mv.use("basic", self.path("other.mv2"), lock_timeout_ms=2**40)
        self.assertIn("lock_timeout_ms", str(cm.exception))
        with self.assertRaises(mv.InvalidArgumentError):
            mem.put("x", vector=[float("nan")])

    def test_wrong_types_are_type_errors_naming_the_option(self):
        """A str or float where an int goes is a TypeError (as in Node), not 'out of range'."""
        for bad, kind in (("100", "str"), (1.5, "float"), ([1], "list")):
            with self.assertRaises(TypeError) as cm:
                mv.use("basic", self.path("typed.mv2"), mode="create", vector_graph_min_rows=bad)
            self.assertIn("vector_graph_min_rows must be an int, not " + kind, str(cm.exception))
            self.assertFalse(os.path.exists(self.path("typed.mv2")))
        mem = self.new_memory()
        with self.assertRaises(TypeError) as cm:
            mem.find("x", k="3")
        self.assertIn("k must be an int, not str", str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            mv.use("basic", self.path("other.mv2"), lock_timeout_ms="soon")
        self.assertIn("lock_timeout_ms", str(cm.exception))

    def test_already_exists_and_not_found(self):
        p = self._memory_file()
        with self.assertRaises(mv.AlreadyExistsError) as cm:
            mv.use("basic", p, mode="create")
        self.assertEqual(cm.exception.code, "AlreadyExists")
        self.assertIn(p, str(cm.exception))
        self.assertFalse(str(cm.exception).startswith("[Errno"))
        self.assertEqual(cm.exception.errno, errno.EEXIST)
        with self.assertRaises(FileExistsError):
            mv.create(p)
        missing = self.path("missing.mv2")
        with self.assertRaises(mv.NotFoundError) as cm:
            mv.use("basic", missing, mode="open")
        self.assertEqual(cm.exception.code, "NotFound")
        with self.assertRaises(mv.NotFoundError):
            mv.use("basic", missing, mode="read_only")
        with self.assertRaises(mv.NotFoundError):
            mv.verify(missing)
        self.assertFalse(os.path.exists(missing))
        with mv.use("basic", p, read_only=True) as ro:
            with self.assertRaises(mv.NotFoundError):
                ro.view(12345)

    def test_locked_by_another_process(self):
        p = self._memory_file()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(sys.path)
        child = subprocess.Popen([sys.executable, "-c", HOLDER, p], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, env=env, text=True)
        try:
            self.assertEqual(child.stdout.readline().strip(), "ready")
            with self.assertRaises(mv.LockedError) as cm:
                mv.use("basic", p, lock_timeout_ms=50)
            e = cm.exception
            self.assertEqual(e.code, "Locked")
            self.assertEqual(e.pid, child.pid)
            self.assertIsInstance(e.owner, dict)
            self.assertTrue(e.owner["alive"])
            self.assertEqual(mv.who(p).pid, child.pid)
            # Readers are not blocked by the writer.
            with mv.use("basic", p, read_only=True) as ro:
                self.assertEqual(ro.frame_count, 5)
        finally:
            child.stdin.write("\n")
            child.stdin.flush()
            child.stdin.close()
            child.wait(timeout=30)
            child.stdout.close()
        self.assertEqual(child.returncode, 0)
        with mv.use("basic", p) as mem:  # free again
            self.assertFalse(mem.read_only)

    def test_locked_by_second_handle(self):
        p = self._memory_file()
        with mv.use("basic", p):
            with self.assertRaises(mv.LockedError) as cm:
                mv.use("basic", p, lock_timeout_ms=0)
            self.assertEqual(cm.exception.pid, os.getpid())
            with self.assertRaises(mv.LockedError):
                mv.doctor(p, vacuum=True, lock_timeout_ms=0)

    def test_corrupt_payload(self):
        p = self._memory_file()
        with open(p, "rb") as f:
            data = bytearray(f.read())
        at = data.find(b"borrow checker")
        self.assertGreater(at, 0)
        data[at:at + 6] = bytes(b ^ 0xFF for b in data[at:at + 6])  # flip the frame's bytes
        with open(p, "wb") as f:
            f.write(data)
        report = mv.verify(p, deep=True)
        self.assertFalse(report.ok)
        self.assertEqual([c.name for c in report.failed], ["FramePayloadChecksums"])
        self.assertEqual(len(report.damaged_frames), 1)
        damaged = report.damaged_frames[0]
        with mv.use("basic", p, read_only=True) as ro:
            with self.assertRaises(mv.CorruptError) as cm:
                ro.view(damaged)
            self.assertEqual(cm.exception.code, "Corrupt")
            self.assertEqual(len(ro.find("raft", mode="lex")), 1)  # the rest still reads
        plan = mv.doctor(p, plan_only=True)
        self.assertFalse(plan.ok)
        self.assertTrue(plan.actions)

    def test_corrupt_footer(self):
        p = self._memory_file()
        size = os.path.getsize(p)
        with open(p, "r+b") as f:  # flip the last 256 bytes: the newest footer and TOC
            f.seek(size - 256)
            data = f.read(256)
            f.seek(size - 256)
            f.write(bytes(b ^ 0xFF for b in data))
        report = mv.verify(p)
        self.assertFalse(report.ok)
        self.assertIn("FooterChecksum", [c.name for c in report.failed])
        with self.assertRaises(mv.CorruptError):
            mv.use("basic", p, read_only=True)

    def test_corrupt_header(self):
        p = self._memory_file()
        with open(p, "r+b") as f:  # both header copies
            for off in (0, 512):
                f.seek(off)
                f.write(b"\xAA" * 64)
        with self.assertRaises(mv.CorruptError):
            mv.use("basic", p, read_only=True)

    def test_auxiliary_file(self):
        p = self._memory_file()
        self.assertIsNone(mv.Memvid.find_sidecar(p))
        with open(p + "-wal", "wb") as f:
            f.write(b"stray")
        self.assertEqual(mv.Memvid.find_sidecar(p), p + "-wal")
        with self.assertRaises(mv.AuxiliaryFileDetected) as cm:
            mv.use("basic", p)
        self.assertEqual(cm.exception.code, "AuxiliaryFileDetected")
        self.assertIn("-wal", str(cm.exception))

    def test_read_only_handle(self):
        p = self._memory_file()
        with mv.use("basic", p, read_only=True) as ro:
            for call in (lambda: ro.put("x"), lambda: ro.put_many([{"text": "x"}]),
                         lambda: ro.update(1, "x"), lambda: ro.delete(1), ro.begin,
                         lambda: ro.compact()):
                with self.assertRaises(mv.ReadOnlyError):
                    call()
            self.assertEqual(ro.frame_count, 5)

    def test_language_model_errors(self):
        mem, _ = self.filled_memory()
        env_key = "MEMVID_TEST_NO_SUCH_KEY"
        os.environ.pop(env_key, None)
        with self.assertRaises(mv.ProviderError) as cm:  # nothing listens on port 9
            mem.ask("who is elected?", mode="lex", model="ollama:llama3",
                    base_url="http://127.0.0.1:9", timeout_ms=1000)
        self.assertEqual(cm.exception.code, "ProviderFailed")
        with self.assertRaises(mv.ModelUnavailableError):
            mem.ask("who is elected?", mode="lex", model="openai:gpt-4o", api_key_env=env_key)
        with self.assertRaises(mv.InvalidArgumentError):
            mem.ask("who is elected?", mode="lex", model="nosuch")

    def test_model_unavailable_on_lexical_memory(self):
        mem, _ = self.filled_memory()
        with self.assertRaises((mv.ModelUnavailableError, mv.InvalidArgumentError)):
            mem.find("rust", mode="sem")


if __name__ == "__main__":
    unittest.main()

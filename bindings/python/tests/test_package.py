"""Package surface: type stubs, py.typed and docstrings cover the public API."""

import ast
import inspect
import os
import unittest

import memvid_sdk as mv
from memvid_sdk import results
from schema_types import annotation

PKG = os.path.dirname(mv.__file__)


class PackageTest(unittest.TestCase):
    def _stub(self):
        with open(os.path.join(PKG, "__init__.pyi")) as f:
            return ast.parse(f.read())

    def test_py_typed(self):
        for name in ("py.typed", "__init__.pyi", "results.pyi", "_memvid.pyi", "aio.pyi"):
            self.assertTrue(os.path.exists(os.path.join(PKG, name)), name)

    def test_results_stub_fields(self):
        """results.pyi declares every result class with the library's fields (names, order and
        types), and every result type of the library has its class."""
        with open(os.path.join(PKG, "results.pyi")) as f:
            tree = ast.parse(f.read())
        stubbed = set()
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                declared = [(n.target.id, ast.unparse(n.annotation)) for n in node.body if isinstance(n, ast.AnnAssign)]
                cls = getattr(mv, node.name)
                expected = [(name, annotation(t)) for name, t in results.SCHEMA[cls._schema]]
                self.assertEqual(declared, expected, node.name)
                self.assertEqual(list(cls._fields), [name for name, _ in expected], node.name)
                stubbed.add(cls._schema)
        self.assertEqual(sorted(set(results.SCHEMA) - stubbed - {"Warning"}), [])

    def test_stub_names(self):
        tree = self._stub()
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        missing = [n for n in mv.__all__ if n not in names]
        self.assertEqual(missing, [])
        memvid_stub = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Memvid")
        stub_methods = {n.name for n in memvid_stub.body if isinstance(n, ast.FunctionDef)}
        stub_methods |= {n.target.id for n in memvid_stub.body
                         if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
        public = {n for n in dir(mv.Memvid) if not n.startswith("_")}
        self.assertEqual(sorted(public - stub_methods), [])

    def test_docstrings(self):
        undocumented = []
        for name in mv.__all__:
            obj = getattr(mv, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and not inspect.getdoc(obj):
                undocumented.append(name)
        for name in dir(mv.Memvid):
            if name.startswith("_"):
                continue
            if not inspect.getdoc(getattr(mv.Memvid, name)):
                undocumented.append("Memvid." + name)
        self.assertEqual(undocumented, [])

    def test_aio_stub_and_docstrings(self):
        from memvid_sdk import aio
        with open(os.path.join(PKG, "aio.pyi")) as f:
            tree = ast.parse(f.read())
        stub = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "AsyncMemvid")
        stub_methods = {n.name for n in stub.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        public = {n for n in dir(aio.AsyncMemvid) if not n.startswith("_")} - {"sync"}
        self.assertEqual(sorted(public - stub_methods), [])
        top = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        self.assertEqual(sorted(set(aio.__all__) - top), [])
        undocumented = [n for n in public if not inspect.getdoc(getattr(aio.AsyncMemvid, n))]
        undocumented += [n for n in aio.__all__ if not inspect.getdoc(getattr(aio, n))]
        self.assertEqual(undocumented, [])
        # Every synchronous method that does I/O has its coroutine twin.
        sync_public = {n for n in dir(mv.Memvid) if not n.startswith("_")}
        static_or_property = {"who", "nudge", "restore", "find_sidecar", "doctor", "in_transaction",
                              "recovery_info"}
        self.assertEqual(sorted(sync_public - public - static_or_property), [])

    def test_repr_and_version(self):
        self.assertIsInstance(mv.__version__, str)
        self.assertIn("basic", mv.SUPPORTED_KINDS)


if __name__ == "__main__":
    unittest.main()

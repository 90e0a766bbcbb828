"""memvid_sdk.aio: the same calls as coroutines, run off the event loop."""

import asyncio
import os
import shutil
import tempfile
import unittest

import memvid_sdk as mv
from memvid_sdk import aio

WORDS = ["alpha", "bravo", "charlie", "delta"]


class AioTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="memvid-aio-")
        self.path = os.path.join(self.dir, "m.mv2")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    async def test_every_call_mirrors_the_synchronous_one(self):
        async with aio.use("basic", self.path, mode="create", embedding_model="none") as mem:
            self.assertIsInstance(mem, aio.AsyncMemvid)
            first = await mem.put("alpha document", title="a", tags=["x"], timestamp="2024-01-01")
            ids = await mem.put_many([{"text": f"{w} text", "title": w} for w in WORDS])
            self.assertEqual(ids, [first + 1 + i for i in range(len(WORDS))])
            self.assertEqual((await mem.view(first)).tags, ["x"])
            hits = await mem.find("alpha", k=5, mode="lex")
            self.assertEqual(sorted(h.id for h in hits), sorted([first, ids[0]]))
            newer = await mem.update(first, "alpha revised", title="a2")
            await mem.delete(ids[1])
            self.assertEqual((await mem.stats()).active_frames, 4)
            self.assertEqual([e.id for e in await mem.timeline(include_inactive=True)][-1], newer)
            answer = await mem.ask("Which document was revised?")
            self.assertTrue(answer.found)
            self.assertEqual(answer.sources[0].id, newer)
            async with mem.transaction():
                await mem.put("in a transaction")
            with self.assertRaises(RuntimeError):
                async with mem.transaction():
                    await mem.put("rolled back")
                    raise RuntimeError("abort")
            self.assertEqual(await mem.frame_count(), 7)  # the rolled-back put left nothing
            self.assertTrue((await mem.verify(deep=True)).ok)
        self.assertTrue(mem.closed)
        self.assertTrue((await aio.verify(self.path)).ok)
        self.assertEqual((await aio.doctor(self.path, plan_only=True)).path, self.path)

    async def test_errors_are_the_sdk_errors(self):
        mem = await aio.create(self.path, embedding_model="none")
        with self.assertRaises(mv.AlreadyExistsError):
            await aio.create(self.path)
        with self.assertRaises(mv.QueryError):
            await mem.find('"unclosed', strict=True)
        with self.assertRaises(mv.LockedError) as cm:
            await aio.use("basic", self.path, lock_timeout_ms=0)
        self.assertEqual(cm.exception.pid, os.getpid())
        await mem.close()
        with self.assertRaises(mv.ReadOnlyError):
            await mem.put("after close")

    async def test_concurrent_finds_on_read_only_handles(self):
        async with aio.create(self.path, embedding_model="none") as mem:
            await mem.put_many([{"text": f"{WORDS[i % 4]} number {i}", "title": f"{WORDS[i % 4]}-{i}"}
                                for i in range(400)])
            expected = {w: [h.id for h in await mem.find(f"title:{w}", k=200, mode="lex")] for w in WORDS}
        readers = [await aio.use("basic", self.path, mode="read_only") for _ in range(4)]
        try:
            queries = [WORDS[i % 4] for i in range(40)]
            results = await asyncio.gather(*(readers[i % 4].find(f"title:{w}", k=200, mode="lex")
                                             for i, w in enumerate(queries)))
            for w, r in zip(queries, results):
                self.assertEqual([h.id for h in r], expected[w])
        finally:
            for r in readers:
                await r.close()

    async def test_the_event_loop_runs_while_the_library_works(self):
        ticks = 0
        done = asyncio.Event()

        async def ticker():
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        async with aio.create(self.path, embedding_model="none") as mem:
            # Awaited on the loop's thread, this call would leave the ticker no turn at all.
            await mem.put_many([{"text": f"document {i} " + "words " * 50} for i in range(20000)])
        done.set()
        await task
        self.assertGreater(ticks, 1)


if __name__ == "__main__":
    unittest.main()

"""The qdstudio client against a real QD Studio server (PostgreSQL, Redis, a worker).

    QD_STUDIO_URL=http://127.0.0.1:3000 \
    QD_STUDIO_SECURED_URL=http://127.0.0.1:3001 QD_STUDIO_SECURED_TOKEN=... \
    python3 -m unittest discover -s clients/python/tests

Run by tests/integration/python-client.test.ts with the package pip-installed
into a temporary directory. QDSTUDIO_HIDE_NUMPY=1 runs it as if numpy were absent.
Transport behaviour the real server cannot be made to show on demand
(timeouts, 503s, dropped streams) is tested against tests/stubs.py.
"""
import base64
import io
import math
import os
import struct
import sys
import tempfile
import time
import unittest
import uuid

if os.environ.get("QDSTUDIO_HIDE_NUMPY"):
    sys.modules["numpy"] = None  # type: ignore[assignment]  # import numpy -> ImportError
    sys.modules["pandas"] = None  # type: ignore[assignment]

import qdstudio
from qdstudio import Client
from qdstudio.columns import HAS_NUMPY

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
from stubs import StubServer, reply, sse, stall  # noqa: E402

URL = os.environ.get("QD_STUDIO_URL", "http://127.0.0.1:3000")
SECURED_URL = os.environ.get("QD_STUDIO_SECURED_URL")
SECURED_TOKEN = os.environ.get("QD_STUDIO_SECURED_TOKEN")
MISSING = str(uuid.UUID(int=12345))


def sphere_config(**over):
    cfg = {
        "name": "python client sphere",
        "domain": {"type": "sphere", "dim": 10},
        "emitter": {"type": "iso-line", "isoSigma": 0.5, "lineSigma": 0.2},
        "descriptors": [{"name": "m0", "min": -25.6, "max": 25.6, "bins": 10}, {"name": "m1", "min": -25.6, "max": 25.6, "bins": 10}],
        "batchSize": 100,
        "budget": {"evaluations": 3000},
        "seed": 7,
    }
    cfg.update(over)
    return cfg


def external_config(dim=10, budget=2000, **over):
    cfg = {
        "name": "python client external",
        "domain": {"type": "external", "dim": dim, "bounds": [-5.12, 5.12]},
        "descriptors": [{"name": "x0", "min": -5.12, "max": 5.12, "bins": 10}, {"name": "x1", "min": -5.12, "max": 5.12, "bins": 10}],
        "emitter": {"type": "gaussian", "sigma": 0.5},
        "batchSize": 200,
        "budget": {"evaluations": budget},
        "seed": 3,
    }
    cfg.update(over)
    return cfg


def sphere_eval(sols):
    """Negative sphere and the first two coordinates, for arrays or lists."""
    if HAS_NUMPY:
        import numpy as np

        x = np.asarray(sols)
        return -(x ** 2).sum(axis=1), x[:, :2]
    return [-sum(v * v for v in s) for s in sols], [[s[0], s[1]] for s in sols]


class ClientTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = Client(URL)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()


class ExperimentsTest(ClientTestCase):
    def test_lifecycle_create_get_list_update_start_pause_resume_cancel_delete(self):
        c = self.client
        exp = c.create_experiment(sphere_config(name="lifecycle"), budget={"evaluations": 1_000_000})
        self.assertEqual(exp["status"], "draft")
        self.assertEqual(exp["budget"]["evaluations"], 1_000_000)  # keyword fields override the dict
        self.assertEqual(c.get_experiment(exp["id"])["name"], "lifecycle")
        self.assertEqual(c.get_experiment(exp)["id"], exp["id"])  # the dict works as a reference too

        page = c.list_experiments(limit=1)
        self.assertEqual(len(page["experiments"]), 1)
        self.assertGreaterEqual(page["total"], 1)
        ids = [e["id"] for e in c.iter_experiments(page_size=2)]
        self.assertIn(exp["id"], ids)
        self.assertEqual(len(ids), len(set(ids)))
        self.assertIn(exp["id"], [e["id"] for e in c.list_experiments(status=["draft"], limit=200)["experiments"]])

        renamed = c.update_experiment(exp, name="renamed", notes="from python")
        self.assertEqual((renamed["name"], renamed["notes"]), ("renamed", "from python"))

        self.assertEqual(c.start(exp)["status"], "running")
        with self.assertRaises(qdstudio.Conflict) as cm:
            c.delete_experiment(exp)  # running: pause or cancel first
        self.assertEqual((cm.exception.status, cm.exception.code), (409, "conflict"))
        self.assertEqual(c.pause(exp)["status"], "paused")
        self.assertEqual(c.resume(exp)["status"], "running")
        self.assertEqual(c.cancel(exp)["status"], "cancelled")
        c.delete_experiment(exp)
        with self.assertRaises(qdstudio.NotFound):
            c.get_experiment(exp)

    def test_create_and_start_in_one_call(self):
        exp = self.client.create_experiment(sphere_config(budget={"evaluations": 500}), start=True)
        self.assertIn(exp["status"], ("running", "completed"))


class ErrorsTest(ClientTestCase):
    def test_404_carries_code_and_message(self):
        with self.assertRaises(qdstudio.NotFound) as cm:
            self.client.get_experiment(MISSING)
        e = cm.exception
        self.assertEqual((e.status, e.code), (404, "not_found"))
        self.assertIn(MISSING, e.message)
        self.assertIsInstance(e, qdstudio.ApiError)
        with self.assertRaises(qdstudio.NotFound):
            self.client.solution(MISSING)
        with self.assertRaises(qdstudio.NotFound):
            self.client.lineage(MISSING)

    def test_400_carries_the_located_issues(self):
        with self.assertRaises(qdstudio.BadRequest) as cm:
            self.client.create_experiment(sphere_config(budget={"evaluations": -5}, batchSize="many"))
        e = cm.exception
        self.assertEqual((e.status, e.code), (400, "validation_failed"))
        paths = [i["path"] for i in e.issues]
        self.assertTrue(any(p.startswith("body.budget") for p in paths), paths)
        self.assertTrue(any(p.startswith("body.batchSize") for p in paths), paths)
        self.assertTrue(all(i["message"] for i in e.issues))

    def test_400_on_query_and_409_on_state(self):
        exp = self.client.create_experiment(external_config(budget=100))
        with self.assertRaises(qdstudio.BadRequest) as cm:
            self.client.ask(exp, 0)
        self.assertEqual(cm.exception.issues[0]["path"], "body.count")
        with self.assertRaises(qdstudio.Conflict) as cm:
            self.client.ask(exp, 10)  # a draft: start it first
        self.assertIn("start it first", cm.exception.message)
        with self.assertRaises(qdstudio.BadRequest) as cm:
            self.client.list_experiments(limit=0)
        self.assertEqual(cm.exception.issues[0]["path"], "query.limit")
        with self.assertRaises(qdstudio.Conflict):
            self.client.pause(exp)

    def test_422_on_inconsistent_tell(self):
        exp = self.client.create_experiment(external_config(budget=100), start=True)
        asked = self.client.ask(exp, 2)
        bad = [{"candidateId": c["id"], "fitness": 1.0, "descriptors": [0.0]} for c in asked["candidates"]]  # 1 descriptor, 2 expected
        with self.assertRaises(qdstudio.Unprocessable) as cm:
            self.client.tell(exp, bad)
        self.assertEqual(cm.exception.status, 422)
        self.assertEqual(len(cm.exception.issues), 2)
        self.assertEqual(cm.exception.issues[1]["path"], "body.results[1].descriptors")
        with self.assertRaises(qdstudio.Unprocessable):
            self.client.tell(exp, [{"candidateId": MISSING, "fitness": 1.0, "descriptors": [0.0, 0.0]}])

    def test_binary_tell_checks_lengths_and_refuses_a_second_tell(self):
        exp = self.client.create_experiment(external_config(budget=100), start=True)
        asked = self.client.ask(exp, 4, encoding="base64")
        f64 = lambda *v: struct.pack("<%dd" % len(v), *v)  # noqa: E731
        with self.assertRaises(qdstudio.Unprocessable) as cm:
            self.client.tell_blocks(exp, asked["batchId"], f64(1, 2, 3, 4), f64(0, 0, 0))
        self.assertEqual(cm.exception.issues[0]["path"], "body.descriptors")
        told = self.client.tell_blocks(exp, asked["batchId"], f64(1, 2, math.nan, 4), f64(0, 0, 1, 1, 2, 2, 3, 3))
        self.assertEqual([r["id"] for r in told["results"]], asked["ids"])
        self.assertEqual(told["results"][2]["status"], "failed")
        self.assertEqual(told["evaluations"], 4)
        # The same tell again, answered as columns: the stored statuses and cells, counted once.
        again = self.client.tell_blocks(exp, asked["batchId"], f64(1, 2, math.nan, 4), f64(0, 0, 1, 1, 2, 2, 3, 3), answer="blocks")
        self.assertTrue(again["duplicate"])
        self.assertNotIn("results", again)
        statuses = [qdstudio.STATUS_NAMES[c] for c in base64.b64decode(again["statuses"])]
        self.assertEqual(statuses, [r["status"] for r in told["results"]])
        cells = list(struct.unpack("<4i", base64.b64decode(again["cells"])))
        self.assertEqual(cells, [-1 if r["cell"] is None else r["cell"] for r in told["results"]])
        self.assertEqual(again["evaluations"], 4)
        with self.assertRaises(qdstudio.Conflict) as cm:
            self.client.tell_blocks(exp, asked["batchId"], f64(9), f64(0, 0), start=1)
        self.assertIn("already told", cm.exception.message)

    def test_empty_cell_is_404(self):
        exp = self.client.create_experiment(external_config(budget=100))
        with self.assertRaises(qdstudio.NotFound) as cm:
            self.client.elite(exp, 5)
        self.assertIn("empty", cm.exception.message)


@unittest.skipUnless(SECURED_URL and SECURED_TOKEN, "QD_STUDIO_SECURED_URL / QD_STUDIO_SECURED_TOKEN not set")
class AuthTest(unittest.TestCase):
    def test_401_without_or_with_a_wrong_token(self):
        saved = os.environ.pop("QD_API_TOKEN", None)
        try:
            with self.assertRaises(qdstudio.Unauthorized) as cm:
                Client(SECURED_URL).list_experiments()
            self.assertEqual((cm.exception.status, cm.exception.code), (401, "unauthorized"))
            with self.assertRaises(qdstudio.Unauthorized) as cm:
                Client(SECURED_URL, token="wrong").list_experiments()
            self.assertIn("not valid", cm.exception.message)
            self.assertIn("total", Client(SECURED_URL, token=SECURED_TOKEN).list_experiments())
        finally:
            if saved is not None:
                os.environ["QD_API_TOKEN"] = saved

    def test_token_from_the_environment(self):
        saved = os.environ.get("QD_API_TOKEN")
        os.environ["QD_API_TOKEN"] = SECURED_TOKEN
        try:
            exp = Client(SECURED_URL).create_experiment(external_config(budget=100))
            self.assertEqual(exp["status"], "draft")
        finally:
            if saved is None:
                del os.environ["QD_API_TOKEN"]
            else:
                os.environ["QD_API_TOKEN"] = saved


class TransportTest(unittest.TestCase):
    """Timeouts, retries and headers, against a scripted local server."""

    def setUp(self):
        self.stub = StubServer()

    def tearDown(self):
        self.stub.close()

    def test_timeout_is_retried_for_idempotent_requests_then_raised(self):
        self.stub.script = [stall(1.0), stall(1.0), stall(1.0)]
        c = Client(self.stub.url, timeout=0.2, retries=2, backoff=0.01)
        t0 = time.time()
        with self.assertRaises(qdstudio.Timeout):
            c.get_experiment(MISSING)
        self.assertEqual(len(self.stub.requests), 3)  # 1 + 2 retries
        self.assertLess(time.time() - t0, 5)

    def test_timeout_of_a_non_idempotent_request_is_not_retried(self):
        self.stub.script = [stall(1.0), stall(1.0)]
        c = Client(self.stub.url, timeout=0.2, retries=3, backoff=0.01)
        with self.assertRaises(qdstudio.Timeout):
            c.create_experiment({"name": "x"})
        self.assertEqual(len(self.stub.requests), 1)

    def test_tell_is_idempotent_so_retried_after_a_timeout(self):
        told = {"duplicate": True, "results": [], "experimentStatus": "running", "evaluations": 1, "numElites": 1, "budgetEvaluations": 10}
        self.stub.script = [stall(1.0), reply(200, told)]
        c = Client(self.stub.url, timeout=0.2, retries=1, backoff=0.01)
        self.assertTrue(c.tell(MISSING, [{"candidateId": MISSING, "error": "x"}])["duplicate"])
        self.assertEqual(len(self.stub.requests), 2)
        self.assertEqual(self.stub.requests[0]["body"], self.stub.requests[1]["body"])

    def test_503_is_retried_with_backoff_then_succeeds(self):
        busy = {"error": {"code": "unavailable", "message": "the database was busy; retry the request"}}
        self.stub.script = [reply(503, busy, {"retry-after": "0"}), reply(503, busy, {"retry-after": "0"}), reply(201, {"id": MISSING, "status": "draft"})]
        c = Client(self.stub.url, retries=2, backoff=0.01)
        self.assertEqual(c.create_experiment({"name": "x"})["status"], "draft")  # 503: nothing happened, so even a create is retried
        self.assertEqual(len(self.stub.requests), 3)

    def test_503_after_the_last_retry_raises_unavailable(self):
        busy = {"error": {"code": "unavailable", "message": "busy"}}
        self.stub.script = [reply(503, busy, {"retry-after": "0"})] * 2
        c = Client(self.stub.url, retries=1, backoff=0.01)
        with self.assertRaises(qdstudio.Unavailable) as cm:
            c.list_experiments()
        self.assertEqual((cm.exception.status, cm.exception.message), (503, "busy"))

    def test_connection_refused_is_retried_then_raised(self):
        url = self.stub.url
        self.stub.close()
        c = Client(url, retries=2, backoff=0.01)
        with self.assertRaises(qdstudio.TransportError) as cm:
            c.create_experiment({"name": "x"})
        self.assertIn("cannot connect", str(cm.exception))

    def test_headers_json_body_and_bearer_token(self):
        self.stub.script = [reply(201, {"id": MISSING})]
        Client(self.stub.url, token="t0k").create_experiment({"name": "x"})
        h = self.stub.requests[0]["headers"]
        self.assertEqual(h["content-type"], "application/json")
        self.assertEqual(h["authorization"], "Bearer t0k")
        self.assertNotIn("origin", h)

    def test_non_json_error_body(self):
        self.stub.script = [lambda h: (h.send_response(502), h.send_header("content-length", "7"), h.end_headers(), h.wfile.write(b"bad gw!"))]
        with self.assertRaises(qdstudio.ServerError) as cm:
            Client(self.stub.url, retries=0).create_experiment({"name": "x"})
        self.assertEqual((cm.exception.status, cm.exception.message), (502, "bad gw!"))

    def test_events_reconnect_with_last_event_id(self):
        hello = 'event: hello\ndata: {"status": "running"}\n\n'
        self.stub.script = [
            sse(["retry: 2000\n\n", hello, 'event: batch\nid: 7\ndata: {"evaluations": 100}\n\n', ": heartbeat\n\n"]),
            sse([hello, 'event: batch\nid: 8\ndata: {"evaluations": 200}\n\n', 'event: status\nid: 9\ndata: {"status": "completed", "reason": "budget reached"}\n\n'], close=False),
        ]
        stream = Client(self.stub.url).events(MISSING)
        stream.reconnect_delay = 0.01
        seen = [(e.type, e.id) for e in stream]
        self.assertEqual(seen, [("hello", None), ("batch", "7"), ("hello", None), ("batch", "8"), ("status", "9")])
        self.assertNotIn("last-event-id", self.stub.requests[0]["headers"])
        self.assertEqual(self.stub.requests[1]["headers"]["last-event-id"], "7")
        self.assertEqual(stream.reconnects, 1)


class AskTellTest(ClientTestCase):
    def run_loop(self, prefetch):
        exp = self.client.create_experiment(external_config(budget=2000), start=True)
        sched = self.client.scheduler(exp, batch_size=250, prefetch=prefetch)
        batches = 0
        while not sched.done:
            sols = sched.ask()
            if len(sols) == 0:
                break
            if HAS_NUMPY:
                import numpy as np

                self.assertIsInstance(sols, np.ndarray)
                self.assertEqual(sols.shape, (250, 10))
            else:
                self.assertIsInstance(sols, list)
                self.assertEqual((len(sols), len(sols[0])), (250, 10))
            self.assertTrue(all(-5.12 <= v <= 5.12 for v in (sols[0] if not HAS_NUMPY else sols[0].tolist())))
            obj, meas = sphere_eval(sols)
            told = sched.tell(obj, meas)
            self.assertEqual((len(told["statuses"]), len(told["cells"])), (250, 250))
            self.assertTrue(all(1 <= s <= 3 for s in told["statuses"]))  # none failed
            self.assertTrue(all(0 <= c < 100 for c in told["cells"]))
            batches += 1
        self.assertEqual(batches, 8)
        self.assertEqual(sched.evaluations, 2000)
        final = self.client.get_experiment(exp)
        self.assertEqual((final["status"], final["evaluations"]), ("completed", 2000))
        archive = sched.archive
        self.assertEqual(len(archive), final["numElites"])
        self.assertGreater(len(archive), 10)
        return exp

    def test_pyribs_loop_fills_the_archive(self):
        self.run_loop(prefetch=False)

    def test_prefetch_stops_exactly_at_the_budget(self):
        self.run_loop(prefetch=True)

    def test_non_finite_results_are_recorded_as_failures(self):
        exp = self.client.create_experiment(external_config(budget=20), start=True)
        sched = self.client.scheduler(exp, batch_size=4)
        sols = sched.ask()
        obj, meas = sphere_eval(sols)
        obj = [float(v) for v in obj]
        obj[1] = math.nan
        told = sched.tell(obj, [[float(v) for v in row] for row in meas])
        self.assertEqual(qdstudio.STATUS_NAMES[told["statuses"][1]], "failed")
        self.assertEqual(told["cells"][1], -1)
        self.assertNotEqual(qdstudio.STATUS_NAMES[told["statuses"][0]], "failed")
        self.assertEqual(self.client.get_experiment(exp)["failedEvaluations"], 1)
        with self.assertRaises(RuntimeError):
            sched.tell(obj, meas)  # nothing asked
        sched.ask()
        with self.assertRaises(ValueError):
            sched.tell(obj[:2], meas[:2])  # wrong length

    def test_binary_ask_answers_the_stored_batch_and_the_json_form_still_works(self):
        exp = self.client.create_experiment(external_config(budget=30), start=True)
        header, data = self.client.ask_blocks(exp, 8)
        self.assertEqual((header["count"], header["dim"], header["genomeBytes"]), (8, 10, 8 * 10 * 8))
        self.assertEqual(len(data), header["genomeBytes"] + header["parentBytes"])
        genes = struct.unpack("<80d", data[:640])
        self.assertTrue(all(-5.12 <= v <= 5.12 for v in genes))
        # Its candidates are told by id (made from the batch id) like any others.
        ids = [qdstudio.candidate_id(header["batchId"], i) for i in range(8)]
        told = self.client.tell(exp, [{"candidateId": cid, "fitness": -sum(v * v for v in genes[i * 10:(i + 1) * 10]), "descriptors": list(genes[i * 10:i * 10 + 2])} for i, cid in enumerate(ids)])
        self.assertEqual([r["id"] for r in told["results"]], ids)
        self.assertEqual(told["evaluations"], 8)
        # The scheduler's default (binary) hands out a writable (n, dim) batch; base64 still works.
        for encoding in ("binary", "base64"):
            sched = self.client.scheduler(exp, batch_size=11, ask_encoding=encoding)
            sols = sched.ask()
            self.assertEqual((len(sols), len(sols[0])), (11, 10), encoding)
            sols[0][0] = 0.5  # pyribs' arrays can be written to
            if encoding == "base64":  # the whole budget is out now: a header alone
                empty, rest = self.client.ask_blocks(exp, 5)
                self.assertEqual((empty["count"], empty["budgetRemaining"], empty["pending"], len(rest)), (0, 0, 11, 0))
            obj, meas = sphere_eval(sols)
            self.assertEqual(len(sched.tell(obj, meas)["statuses"]), 11)
        self.assertEqual(self.client.get_experiment(exp)["status"], "completed")
        with self.assertRaises(qdstudio.Conflict):  # errors stay JSON: a draft cannot be asked
            self.client.ask_blocks(self.client.create_experiment(external_config(budget=10)), 5)

    def test_scheduler_refuses_a_worker_evaluated_domain(self):
        exp = self.client.create_experiment(sphere_config())
        with self.assertRaises(ValueError):
            self.client.scheduler(exp)

    def test_submit_to_external_and_builtin_domains(self):
        ext = self.client.create_experiment(external_config(dim=3, budget=10), start=True)
        out = self.client.submit(ext, [[0.1, 0.2, 0.3], [1.0, 1.0, 1.0]])
        self.assertEqual(out["mode"], "pending")
        told = self.client.tell(ext, [{"candidateId": c["id"], "fitness": 1.0, "descriptors": c["genome"][:2]} for c in out["candidates"]])
        self.assertEqual(told["evaluations"], 2)
        with self.assertRaises(qdstudio.Unprocessable):
            self.client.submit(ext, [[1.0]])  # wrong genome length

        builtin = self.client.create_experiment(sphere_config(budget={"evaluations": 100}))
        genomes = [[0.0] * 10, [3.0] * 10]  # cells 55 and 77
        first = self.client.submit(builtin, genomes, idempotency_key="k1")
        self.assertEqual(first["mode"], "evaluated")
        self.assertEqual([r["status"] for r in first["results"]], ["new", "new"])
        again = self.client.submit(builtin, genomes, idempotency_key="k1")
        self.assertTrue(again["duplicate"])
        self.assertEqual(self.client.get_experiment(builtin)["evaluations"], 2)


class ResultsTest(unittest.TestCase):
    """A built-in sphere run (workers evaluate it), followed live, then read back."""

    @classmethod
    def setUpClass(cls):
        cls.client = Client(URL)
        cls.exp = cls.client.create_experiment(sphere_config(), start=True)
        cls.events = list(cls.client.events(cls.exp))

    def test_events_stream_until_the_run_completes(self):
        types = [e.type for e in self.events]
        self.assertEqual(types[0], "hello")
        self.assertIn("batch", types)
        self.assertEqual(self.events[-1].type, "status")
        self.assertEqual(self.events[-1].data["status"], "completed")
        evals = [e.data["evaluations"] for e in self.events if e.type == "batch"]
        self.assertEqual(evals, sorted(evals))
        self.assertEqual(evals[-1], 3000)
        ids = [int(e.id) for e in self.events if e.type in ("batch", "status")]
        self.assertEqual(ids, sorted(set(ids)))

    def test_events_resume_after_an_id_without_repeats(self):
        batch_ids = [e.id for e in self.events if e.type == "batch"]
        middle = batch_ids[len(batch_ids) // 2]
        resumed = [e for e in self.client.events(self.exp, after=int(middle)) if e.type in ("batch", "status")]
        expected = [e.id for e in self.events if e.type in ("batch", "status") and int(e.id) > int(middle)]
        self.assertEqual([e.id for e in resumed], expected)

    def test_archive_columns_elites_and_solutions(self):
        archive = self.client.archive(self.exp)
        exp = self.client.get_experiment(self.exp)
        self.assertEqual(len(archive), exp["numElites"])
        self.assertEqual(archive.cells, 100)
        self.assertEqual(archive.measure_names, ["m0", "m1"])
        self.assertEqual(len(archive.objective), len(archive))
        self.assertEqual(len(archive.measures), len(archive))
        self.assertEqual(len(archive.measures[0]), 2)
        self.assertAlmostEqual(max(float(v) for v in archive.objective), exp["metrics"]["maxFitness"])
        nothing_new = self.client.archive(self.exp, after=archive.revision)
        self.assertEqual(len(nothing_new), 0)

        rows = self.client.elites(self.exp)
        self.assertEqual([r["index"] for r in rows], sorted(r["index"] for r in rows))
        cell = rows[0]["index"]
        elite = self.client.elite(self.exp, cell)
        self.assertEqual(elite["fitness"], rows[0]["objective"])
        self.assertEqual(elite["solutionId"], rows[0]["solution_id"])
        solution = self.client.solution(elite["solutionId"])
        self.assertEqual(len(solution["genome"]), 10)
        self.assertEqual(solution["cell"], cell)

        line = self.client.lineage(solution, max_depth=50)
        self.assertEqual(line["steps"][0]["id"], solution["id"])
        self.assertEqual(line["length"], len(line["steps"]))

        page = self.client.solutions(self.exp, status="evaluated", limit=5)
        self.assertEqual(len(page["solutions"]), 5)
        self.assertTrue(page["nextCursor"])
        listed = list(self.client.iter_solutions(self.exp, page_size=200))
        self.assertEqual(len(listed), len({s["id"] for s in listed}))
        self.assertGreaterEqual(len(listed), len(archive))

    def test_to_pandas(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            with self.assertRaises(ImportError):
                self.client.archive(self.exp).to_pandas()
            self.skipTest("pandas is not installed")
        df = self.client.archive(self.exp).to_pandas()
        self.assertEqual(list(df.columns), ["index", "objective", "measures_0", "measures_1", "solution_id"])

    def test_metrics_history(self):
        history = self.client.metrics_history(self.exp)
        self.assertGreater(len(history), 2)
        evals = list(history.evaluations)
        self.assertEqual(evals, sorted(evals))
        self.assertEqual(evals[-1], 3000)
        page = self.client.metrics(self.exp, after=-1, limit=1)
        self.assertTrue(page["more"])
        self.assertEqual(len(page["snapshots"]), 1)
        self.assertIn("keys", self.client.metric_keys(self.exp))

    def test_export_json_csv_and_to_a_file(self):
        archive = self.client.archive(self.exp)
        doc = self.client.export(self.exp)
        self.assertEqual(doc["kind"], "archive")
        self.assertEqual(len(doc["rows"]), len(archive))
        csv = self.client.export(self.exp, format="csv")
        lines = csv.strip().splitlines()
        self.assertTrue(lines[0].startswith("cell,solution_id,fitness,m0,m1,genome_0"))
        self.assertEqual(len(lines), len(archive) + 1)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "all.csv")
            self.assertIsNone(self.client.export(self.exp, format="csv", all=True, file=path))
            with open(path, encoding="utf-8") as f:
                self.assertGreater(len(f.read().splitlines()), len(archive))
        buf = io.BytesIO()
        self.client.export(self.exp, format="json", file=buf)
        self.assertIn(b'"kind":"archive"', buf.getvalue())


class ModelsTest(unittest.TestCase):
    def test_models_match_the_servers_openapi_document(self):
        try:
            from generate_models import generate
        except ImportError:
            self.skipTest("tools/generate_models.py is not next to the tests")
        with open(qdstudio.models.__file__, encoding="utf-8") as f:
            installed = f.read()
        self.assertEqual(generate(Client(URL).openapi()), installed, "qdstudio/_models.py drifted from the server: run `npx tsx scripts/python-models.ts`")

    def test_every_client_operation_exists_on_the_server(self):
        doc = Client(URL).openapi()
        served = {op["operationId"] for methods in doc["paths"].values() for op in methods.values()}
        self.assertLessEqual(set(qdstudio.models.OPERATIONS), served)


if __name__ == "__main__":
    unittest.main()

// Preloaded into the web server by bench/reads-under-load.ts (NODE_OPTIONS --require): the server's
// event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution) and its CPU time, per phase of
// the bench. On SIGUSR2 it writes what it saw since the previous signal to BENCH_DIAG_FILE and starts
// a new phase; the bench reads the file. With BENCH_CPU_PROF_DIR it also CPU-profiles each phase
// (DIR/web-phase-<n>.cpuprofile, sampled every 1 ms). No effect without BENCH_DIAG_FILE.
const { monitorEventLoopDelay } = require("node:perf_hooks");
const fs = require("node:fs");
const path = require("node:path");
const file = process.env.BENCH_DIAG_FILE;
const profDir = process.env.BENCH_CPU_PROF_DIR;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let cpu = process.cpuUsage();
  let t = performance.now();
  let phase = 0;
  let session;
  if (profDir) {
    const inspector = require("node:inspector");
    session = new inspector.Session();
    session.connect();
    session.post("Profiler.enable");
    session.post("Profiler.setSamplingInterval", { interval: 1000 });
    session.post("Profiler.start");
  }
  process.on("SIGUSR2", () => {
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const out = {
      phase,
      wallMs: Math.round(now - t),
      cpuMs: Math.round((used.user + used.system) / 1000),
      loopDelayMs: { mean: ms(h.mean), p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max) },
    };
    const finish = () => {
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(out));
      fs.renameSync(`${file}.tmp`, file);
    };
    h.reset();
    cpu = process.cpuUsage();
    t = now;
    const n = phase++;
    if (!session) return finish();
    // The in-process session answers synchronously; the next phase's profile starts at once.
    session.post("Profiler.stop", (err, res) => {
      if (!err) fs.writeFileSync(path.join(profDir, `web-phase-${n}.cpuprofile`), JSON.stringify(res.profile));
      session.post("Profiler.start");
      finish();
    });
  });
}

// Preloaded into the web server by bench/python-client.ts --cpu-prof DIR (NODE_OPTIONS does not
// allow --cpu-prof): profiles the whole process and writes DIR/web-<pid>.cpuprofile when it exits.
// An in-process inspector session answers synchronously, so the profile is written from "exit".
const inspector = require("node:inspector");
const fs = require("node:fs");
const path = require("node:path");
const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  const write = () =>
    session.post("Profiler.stop", (err, res) => {
      if (!err) fs.writeFileSync(path.join(dir, `web-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  process.once("exit", write);
  process.once("SIGTERM", () => process.exit(0));
}

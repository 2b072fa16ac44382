import { createCommandEvaluator } from "@/lib/evaluators";
for (const c of [64]) {
  const ev = createCommandEvaluator({ type: "command", command: `sh -c 'read l; sleep 0.1; echo "{\\"fitness\\": 1}"'`, concurrency: c });
  const n = 256;
  const t0 = performance.now();
  const rs = await ev.evaluate(Array.from({ length: n }, (_, i) => ({ id: String(i), genome: [i] })));
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ c, n, ok: rs.filter((r) => r.ok).length, perSec: n / s, err: rs.find((r) => !r.ok) }));
  await ev.close();
}

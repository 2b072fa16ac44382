// QD Studio webhook evaluator example: a tiny receiver that verifies the request signature and
// scores a vector genome with the sphere function (same as examples/python/eval_sphere.py).
//
//   QD_WEBHOOK_SECRET=change-me PORT=8787 node examples/webhook/server.mjs
//
// Signature scheme: X-QD-Timestamp = unix seconds; X-QD-Signature = "sha256=" + hex HMAC-SHA256 of
// `${timestamp}.${rawBody}` with the shared secret; reject if the timestamp is > 300 s off.
// (Same check as verifySignature() in lib/evaluators/webhook.ts; standalone here, no dependencies.)
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const SECRET = process.env.QD_WEBHOOK_SECRET ?? "";
const PORT = Number(process.env.PORT ?? 8787);
const HOST = process.env.HOST ?? "127.0.0.1";

export function verify(rawBody, headers, secret, toleranceSec = 300) {
  const ts = headers["x-qd-timestamp"];
  const sig = headers["x-qd-signature"];
  if (!secret || typeof ts !== "string" || typeof sig !== "string" || !/^\d{1,12}$/.test(ts)) return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > toleranceSec) return false;
  const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(`${ts}.`).update(rawBody).digest("hex"));
  const got = Buffer.from(sig);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export function sphere(genome) {
  if (!Array.isArray(genome) || genome.length < 2 || !genome.every((x) => typeof x === "number")) return { error: "genome must be an array of at least 2 numbers" };
  const bound = 5.12, shift = 0.4 * bound, n = genome.length;
  const raw = genome.reduce((s, x) => s + (x - shift) ** 2, 0);
  const worst = (bound + shift) ** 2 * n;
  const clip = genome.map((x) => Math.max(-bound, Math.min(bound, x)));
  const half = Math.floor(n / 2);
  const sum = (a) => a.reduce((s, x) => s + x, 0);
  return { fitness: ((raw - worst) / (0 - worst)) * 100, descriptors: [sum(clip.slice(0, half)), sum(clip.slice(half))], metrics: { raw_sphere: raw } };
}

export function createReceiver(secret = SECRET) {
  return createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > 10 * 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const send = (status, obj) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(obj));
      };
      if (req.method !== "POST") return send(405, { error: "POST only" });
      if (!verify(raw, req.headers, secret)) return send(401, { error: "bad signature" });
      let body;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return send(400, { error: "bad JSON" });
      }
      if (Array.isArray(body.candidates)) return send(200, { results: body.candidates.map((c) => sphere(c.genome)) });
      return send(200, sphere(body.genome));
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!SECRET) {
    console.error("set QD_WEBHOOK_SECRET");
    process.exit(1);
  }
  const server = createReceiver();
  server.listen(PORT, HOST, () => console.log(`webhook evaluator listening on http://${HOST}:${server.address().port}/`));
}

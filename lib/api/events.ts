import { prisma } from "@/lib/db/client";
import { stringify } from "./http";

/**
 * `GET /api/experiments/:id/events`: Server-Sent Events from the
 * ExperimentEvent log (written in the same transactions as the state they
 * describe), polled every POLL_MS.
 *
 *   event: status    {status, reason}                       id: <event id>
 *   event: batch     {evaluations, numElites, qdScore, maxFitness, improved: [[cell, fitness]...]}
 *   event: snapshot  {evaluations, coverage, qdScore, normQdScore, maxFitness, meanFitness, numElites, ...}
 *   event: hello     the experiment's current counters (first message of each connection, no id)
 *   : heartbeat      a comment every HEARTBEAT_MS so proxies keep the connection open
 *
 * Resume with `Last-Event-ID` (browsers send it on reconnect) or `?after=<id>`.
 */
const POLL_MS = Number(process.env.QD_SSE_POLL_MS ?? 300);
const HEARTBEAT_MS = 15_000;
const PAGE = 500;

interface EventRow {
  id: bigint;
  type: string;
  payload: { evaluations?: number } & Record<string, unknown>;
}

export function eventStream(experimentId: string, after: bigint | null, signal: AbortSignal, hello: unknown): Response {
  const encoder = new TextEncoder();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastBeat = Date.now();

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const stop = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      signal.addEventListener("abort", stop, { once: true });

      send(`retry: 2000\n\n`);
      send(`event: hello\ndata: ${stringify(hello)}\n\n`);

      // Where to start: after the given id, or from now on (the hello carries the current state).
      let lastId: bigint;
      let lastSnapshot: number;
      if (after !== null) {
        lastId = after;
        // Snapshots taken after the last batch event the client saw.
        const [prev] = await prisma.$queryRawUnsafe<{ ev: number | null }[]>(
          `SELECT (payload->>'evaluations')::int AS ev FROM "ExperimentEvent" WHERE "experimentId" = $1::uuid AND id <= $2 AND type = 'batch' ORDER BY id DESC LIMIT 1`,
          experimentId,
          after,
        );
        lastSnapshot = prev?.ev ?? -1;
      } else {
        const [row] = await prisma.$queryRawUnsafe<{ id: bigint | null; ev: number | null }[]>(
          `SELECT (SELECT max(id) FROM "ExperimentEvent" WHERE "experimentId" = $1::uuid) AS id,
                  (SELECT max(evaluations) FROM "MetricSnapshot" WHERE "experimentId" = $1::uuid) AS ev`,
          experimentId,
        );
        lastId = row?.id ?? 0n;
        lastSnapshot = row?.ev ?? -1;
      }

      const poll = async () => {
        if (closed) return;
        try {
          for (;;) {
            const rows = await prisma.$queryRawUnsafe<EventRow[]>(
              `SELECT id, type, payload FROM "ExperimentEvent" WHERE "experimentId" = $1::uuid AND id > $2 ORDER BY id LIMIT ${PAGE}`,
              experimentId,
              lastId,
            );
            if (closed) return;
            if (rows.length) {
              const upTo = rows.at(-1)!;
              const maxEv = Math.max(...rows.map((r) => (typeof r.payload.evaluations === "number" ? r.payload.evaluations : -1)));
              const snaps = maxEv > lastSnapshot
                ? await prisma.$queryRawUnsafe<Record<string, unknown>[]>(
                    `SELECT evaluations, coverage, "qdScore", "normQdScore", "maxFitness", "meanFitness", "numElites", "costUsd", "createdAt"
                     FROM "MetricSnapshot" WHERE "experimentId" = $1::uuid AND evaluations > $2 AND evaluations <= $3 ORDER BY evaluations`,
                    experimentId,
                    lastSnapshot,
                    maxEv,
                  )
                : [];
              let s = 0;
              for (const r of rows) {
                const ev = typeof r.payload.evaluations === "number" ? r.payload.evaluations : null;
                // Snapshots go out right before the batch event that reached their evaluation count.
                while (ev !== null && s < snaps.length && (snaps[s]!.evaluations as number) <= ev) {
                  send(`event: snapshot\nid: ${lastId}\ndata: ${stringify(snaps[s])}\n\n`);
                  s++;
                }
                send(`event: ${r.type}\nid: ${r.id}\ndata: ${stringify(r.payload)}\n\n`);
                lastId = r.id;
              }
              for (; s < snaps.length; s++) send(`event: snapshot\nid: ${lastId}\ndata: ${stringify(snaps[s])}\n\n`);
              if (maxEv > lastSnapshot) lastSnapshot = maxEv;
              lastBeat = Date.now();
              lastId = upTo.id;
            }
            if (rows.length < PAGE) break;
          }
          if (Date.now() - lastBeat >= HEARTBEAT_MS) {
            send(`: heartbeat ${new Date().toISOString()}\n\n`);
            lastBeat = Date.now();
          }
        } catch (error) {
          // The database blinked: tell the client, keep polling (it heals when the database is back).
          send(`: poll failed: ${(error as Error).message.split("\n")[0]}\n\n`);
        }
        if (!closed) timer = setTimeout(poll, POLL_MS);
      };
      await poll();
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

import { readEnv } from "@/lib/config";
import { prisma } from "@/lib/db/client";
import { reasonOf } from "@/lib/reason";
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
 *
 * One poll per experiment serves every connection of this process (a `Feed`): 200 dashboards on
 * one run cost the database what one does, and each frame is encoded once. A connection that
 * starts behind the feed (a resume) catches up with queries of its own, then joins it.
 */
const POLL_MS = readEnv().QD_SSE_POLL_MS;
const HEARTBEAT_MS = 15_000;
const PAGE = 500;
/** Frames a feed keeps for connections that join slightly behind it. */
const BUFFERED_FRAMES = 2_000;

interface EventRow {
  id: bigint;
  type: string;
  payload: { evaluations?: number } & Record<string, unknown>;
}

/** One event with the metric snapshots that go out right before it, encoded once. */
interface Frame {
  id: bigint;
  bytes: Uint8Array;
}

interface Cursor {
  lastId: bigint;
  lastSnapshot: number;
}

const encoder = new TextEncoder();

/** The bytes of frames[from..] in one array. */
function concat(frames: readonly Frame[], from: number): Uint8Array {
  let size = 0;
  for (let i = from; i < frames.length; i++) size += frames[i]!.bytes.byteLength;
  const out = new Uint8Array(size);
  let o = 0;
  for (let i = from; i < frames.length; i++) (out.set(frames[i]!.bytes, o), (o += frames[i]!.bytes.byteLength));
  return out;
}

/** The frames after `cursor` (at most PAGE events), and the cursor after them. */
async function readFrames(experimentId: string, cursor: Cursor): Promise<{ frames: Frame[]; cursor: Cursor; more: boolean }> {
  const rows = await prisma.$queryRawUnsafe<EventRow[]>(
    `SELECT id, type, payload FROM "ExperimentEvent" WHERE "experimentId" = $1::uuid AND id > $2 ORDER BY id LIMIT ${PAGE}`,
    experimentId,
    cursor.lastId,
  );
  if (rows.length === 0) return { frames: [], cursor, more: false };
  const evaluationsOf = (r: EventRow) => (typeof r.payload.evaluations === "number" ? r.payload.evaluations : null);
  const maxEv = Math.max(...rows.map((r) => evaluationsOf(r) ?? -1));
  const snaps =
    maxEv > cursor.lastSnapshot
      ? await prisma.$queryRawUnsafe<Record<string, unknown>[]>(
          `SELECT evaluations, coverage, "qdScore", "normQdScore", "maxFitness", "meanFitness", "numElites", "costUsd", "createdAt"
           FROM "MetricSnapshot" WHERE "experimentId" = $1::uuid AND evaluations > $2 AND evaluations <= $3 ORDER BY evaluations`,
          experimentId,
          cursor.lastSnapshot,
          maxEv,
        )
      : [];
  const frames: Frame[] = [];
  let s = 0;
  let previous = cursor.lastId;
  for (const [i, r] of rows.entries()) {
    const ev = evaluationsOf(r);
    let text = "";
    // Snapshots go out right before the batch event that reached their evaluation count.
    while (s < snaps.length && ((ev !== null && (snaps[s]!.evaluations as number) <= ev) || i === rows.length - 1)) {
      text += `event: snapshot\nid: ${previous}\ndata: ${stringify(snaps[s])}\n\n`;
      s++;
    }
    text += `event: ${r.type}\nid: ${r.id}\ndata: ${stringify(r.payload)}\n\n`;
    frames.push({ id: r.id, bytes: encoder.encode(text) });
    previous = r.id;
  }
  return { frames, cursor: { lastId: rows.at(-1)!.id, lastSnapshot: Math.max(cursor.lastSnapshot, maxEv) }, more: rows.length === PAGE };
}

/** Where a new connection starts: after the given id, or from now on (the hello carries the current state). */
async function startCursor(experimentId: string, after: bigint | null): Promise<Cursor> {
  if (after !== null) {
    // Snapshots taken after the last batch event the client saw.
    const [prev] = await prisma.$queryRawUnsafe<{ ev: number | null }[]>(
      `SELECT (payload->>'evaluations')::int AS ev FROM "ExperimentEvent" WHERE "experimentId" = $1::uuid AND id <= $2 AND type = 'batch' ORDER BY id DESC LIMIT 1`,
      experimentId,
      after,
    );
    return { lastId: after, lastSnapshot: prev?.ev ?? -1 };
  }
  const [row] = await prisma.$queryRawUnsafe<{ id: bigint | null; ev: number | null }[]>(
    `SELECT (SELECT max(id) FROM "ExperimentEvent" WHERE "experimentId" = $1::uuid) AS id,
            (SELECT max(evaluations) FROM "MetricSnapshot" WHERE "experimentId" = $1::uuid) AS ev`,
    experimentId,
  );
  return { lastId: row?.id ?? 0n, lastSnapshot: row?.ev ?? -1 };
}

interface Subscriber {
  /** The last event id this connection was sent. */
  lastId: bigint;
  send(bytes: Uint8Array): void;
}

/** The shared poll of one experiment's events for every live connection of this process. */
class Feed {
  private readonly subscribers = new Set<Subscriber>();
  /** Recent frames; every frame after `bufferedFrom` is here. */
  private frames: Frame[] = [];
  private bufferedFrom: bigint;
  private timer: NodeJS.Timeout | undefined;
  /** Which poll loop is current: a loop stopped while its query was in flight must not go on. */
  private loop = 0;
  private running = false;
  private lastBeat = Date.now();

  constructor(
    private readonly experimentId: string,
    private cursor: Cursor,
    private readonly onIdle: () => void,
  ) {
    this.bufferedFrom = cursor.lastId;
  }

  get lastId() {
    return this.cursor.lastId;
  }

  /** Adds a connection at `lastId`: true when the feed holds everything after it (else catch up first). */
  join(sub: Subscriber): boolean {
    if (sub.lastId < this.bufferedFrom) return false;
    this.deliver(sub, this.frames);
    this.subscribers.add(sub);
    if (!this.running) {
      this.running = true;
      this.schedule(++this.loop);
    }
    return true;
  }

  leave(sub: Subscriber) {
    this.subscribers.delete(sub);
    if (this.subscribers.size === 0) {
      clearTimeout(this.timer);
      this.running = false;
      this.loop++;
      this.onIdle();
    }
  }

  /**
   * Sends the frames after the connection's last id as one chunk: a poll during a fast run reads dozens
   * of events, and every chunk costs a trip through the response stream and a socket write per
   * connection (with 50 connections, thousands a second when sent one event at a time).
   */
  private deliver(sub: Subscriber, frames: readonly Frame[]) {
    let from = frames.length;
    while (from > 0 && frames[from - 1]!.id > sub.lastId) from--;
    if (from === frames.length) return;
    sub.send(from === frames.length - 1 ? frames[from]!.bytes : concat(frames, from));
    sub.lastId = frames.at(-1)!.id;
  }

  private broadcast(bytes: Uint8Array) {
    for (const sub of this.subscribers) sub.send(bytes);
  }

  private schedule(loop: number) {
    this.timer = setTimeout(() => void this.poll(loop), POLL_MS);
  }

  private async poll(loop: number) {
    try {
      for (;;) {
        const page = await readFrames(this.experimentId, this.cursor);
        this.cursor = page.cursor;
        this.frames.push(...page.frames);
        if (page.frames.length) for (const sub of this.subscribers) this.deliver(sub, page.frames);
        if (page.frames.length) this.lastBeat = Date.now();
        if (this.frames.length > BUFFERED_FRAMES) {
          const dropped = this.frames.splice(0, this.frames.length - BUFFERED_FRAMES);
          this.bufferedFrom = dropped.at(-1)!.id;
        }
        if (!page.more) break;
      }
      if (Date.now() - this.lastBeat >= HEARTBEAT_MS) {
        this.broadcast(encoder.encode(`: heartbeat ${new Date().toISOString()}\n\n`));
        this.lastBeat = Date.now();
      }
    } catch (error) {
      // The database blinked: tell the clients, keep polling (it heals when the database is back).
      this.broadcast(encoder.encode(`: poll failed: ${reasonOf(error)}\n\n`));
    }
    if (loop === this.loop && this.running) this.schedule(loop);
  }
}

const feeds = new Map<string, Feed>();

function feedFor(experimentId: string, cursor: Cursor): Feed {
  let feed = feeds.get(experimentId);
  if (!feed) {
    feed = new Feed(experimentId, cursor, () => feeds.delete(experimentId));
    feeds.set(experimentId, feed);
  }
  return feed;
}

export function eventStream(experimentId: string, after: bigint | null, signal: AbortSignal, hello: unknown): Response {
  let closed = false;
  let feed: Feed | undefined;
  let sub: Subscriber | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    if (feed && sub) feed.leave(sub);
  };

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (bytes: Uint8Array) => {
        if (closed) return;
        try {
          controller.enqueue(bytes);
        } catch {
          close();
        }
      };
      signal.addEventListener(
        "abort",
        () => {
          close();
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        },
        { once: true },
      );

      send(encoder.encode(`retry: 2000\n\n`));
      send(encoder.encode(`event: hello\ndata: ${stringify(hello)}\n\n`));

      try {
        // A new connection without a resume point joins a running feed where it is.
        let cursor = after === null && feeds.has(experimentId) ? { lastId: feeds.get(experimentId)!.lastId, lastSnapshot: Infinity } : await startCursor(experimentId, after);
        for (;;) {
          if (closed) return;
          const f = feedFor(experimentId, cursor);
          const s: Subscriber = { lastId: cursor.lastId, send };
          if (f.join(s)) {
            [feed, sub] = [f, s];
            return;
          }
          // Behind the feed's buffer (a resume from long ago): catch up with queries of our own.
          const page = await readFrames(experimentId, cursor);
          if (page.frames.length) send(concat(page.frames, 0));
          cursor = page.cursor;
          if (!page.frames.length) await new Promise((r) => setTimeout(r, POLL_MS));
        }
      } catch (error) {
        send(encoder.encode(`: poll failed: ${reasonOf(error)}\n\n`));
        close();
        controller.close();
      }
    },
    cancel() {
      close();
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

/**
 * The phylogeny loader as a Web Worker: download (JSON parse of megabytes), decode to typed columns and lay
 * out the whole tree here, so a live reload of a 100,000-node tree costs the page no long task. Answers one
 * request per message; the page terminates the worker when it no longer wants the answer.
 */
import { loadPhylogeny, transferables } from "./load";
import { layoutPhylogeny } from "./layout";
import type { LoaderReply, LoaderRequest } from "./loader-protocol";

const scope = self as unknown as { onmessage: ((e: MessageEvent<LoaderRequest>) => void) | null; postMessage(m: LoaderReply, transfer?: Transferable[]): void };

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store", credentials: "same-origin" });
  const text = await res.text();
  let body: { error?: { message?: string }; message?: string } | null = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw Object.assign(new Error(String(body?.error?.message ?? body?.message ?? (text || res.statusText))), { status: res.status });
  return body;
}

scope.onmessage = async (e) => {
  try {
    const got = await loadPhylogeny(e.data.id, getJson);
    if (!got) return;
    const layout = layoutPhylogeny(got.data);
    scope.postMessage({ ok: true, data: got.data, layout, total: got.total }, transferables(got.data, layout));
  } catch (err) {
    scope.postMessage({ ok: false, message: (err as Error).message, status: (err as { status?: number }).status });
  }
};

"use client";
/** Starts a small demo run (sphere, 100×100 grid) and opens it. */
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "@/components/lib/api";
import { primaryButtonClass } from "@/components/ui/Card";

export const DEMO = {
  name: "Demo: sphere 100-D, 100 × 100 grid",
  domain: { type: "sphere", dim: 100 },
  archive: { type: "grid" },
  emitter: { type: "iso-line", isoSigma: 0.01, lineSigma: 0.2 },
  batchSize: 100,
  budget: { evaluations: 200_000 },
  seed: 42,
};

export function DemoButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <button
        type="button"
        className={primaryButtonClass}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const e = await api<{ id: string }>("/api/experiments", { method: "POST", json: { ...DEMO, start: true } });
            router.push(`/experiments/${e.id}`);
          } catch (err) {
            setError((err as Error).message);
            setBusy(false);
          }
        }}
      >
        {busy ? "Starting…" : "Run a demo"}
      </button>
      {error && <p className="mt-2 text-xs text-rose-600">{error}</p>}
    </div>
  );
}

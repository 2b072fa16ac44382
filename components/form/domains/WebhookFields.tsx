/** Webhook: the URL candidates are POSTed to, its signing secret and timeout. */
import { Field } from "../Field";
import type { SectionProps } from "../sections/props";

export function WebhookFields({ s, set, err }: SectionProps) {
  return (
    <>
      <Field
        label="URL"
        type="url"
        value={s.url}
        onChange={(e) => set({ url: e.target.value })}
        error={err("domain.url")}
        hint={
          <>
            Each candidate is POSTed as <code className="font-mono">{`{"id", "genome"}`}</code>; answer <code className="font-mono">{`{"fitness", "descriptors"?, "metrics"?}`}</code>. Retried with backoff on 5xx.
          </>
        }
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Signing secret (environment variable)"
          value={s.secretEnv}
          placeholder="QD_WEBHOOK_SECRET"
          onChange={(e) => set({ secretEnv: e.target.value })}
          error={err("domain.secretEnv")}
          mono
          hint="Optional. Names a variable of the workers' environment; requests then carry an HMAC X-QD-Signature header."
        />
        <Field label="Timeout (ms)" type="number" min={1} value={s.webhookTimeout} onChange={(e) => set({ webhookTimeout: e.target.value })} error={err("domain.timeoutMs")} />
      </div>
    </>
  );
}

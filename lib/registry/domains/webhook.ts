/** An HTTP endpoint each candidate is POSTed to (HMAC-signed when a secret is named). */
import { WebhookEvaluatorConfig } from "@/lib/evaluators/schemas";
import { domainKind } from "./types";
import { userGenome } from "./user-genome";

export const webhook = domainKind({
  type: "webhook",
  label: "Webhook",
  help: 'Each candidate is POSTed as {"id", "genome"}; the answer is {"fitness", "descriptors"?, "metrics"?}.',
  schema: WebhookEvaluatorConfig.extend(userGenome),
  fields: [],
  evaluation: "user",
});

/**
 * The form section of each domain kind that has fields of its own (below the
 * Domain select); user-evaluated kinds add the Genome fields after theirs.
 */
import type { ComponentType } from "react";
import type { DomainType } from "../form-state";
import type { SectionProps } from "../sections/props";
import { CommandFields } from "./CommandFields";
import { ExternalFields } from "./ExternalFields";
import { JavascriptFields } from "./JavascriptFields";
import { LlmCodeFields } from "./LlmCodeFields";
import { LlmTextFields } from "./LlmTextFields";
import { ProgramDomainFields } from "./ProgramDomainFields";
import { WebhookFields } from "./WebhookFields";

export const DOMAIN_FIELDS: Partial<Record<DomainType, ComponentType<SectionProps>>> = {
  external: ExternalFields,
  "llm-code": LlmCodeFields,
  program: ProgramDomainFields,
  "llm-text": LlmTextFields,
  command: CommandFields,
  webhook: WebhookFields,
  javascript: JavascriptFields,
};

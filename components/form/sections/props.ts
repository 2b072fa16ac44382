import type { Derived, FormState, SetForm } from "../form-state";

/** What every section of the new-experiment form takes: the state, its setter, what it implies and the issues to show. */
export interface SectionProps {
  s: FormState;
  set: SetForm;
  d: Derived;
  /** Issues shown (after a first submit), by path such as "domain.timeoutMs". */
  issues: Record<string, string>;
  err(path: string): string | undefined;
}

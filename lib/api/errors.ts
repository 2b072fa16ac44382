import type { z } from "zod";

/**
 * The one error shape of the REST API:
 *   { "error": { "code", "message", "issues"?: [{ "path", "message" }] } }
 * `message` is a sentence a person can act on; `issues` locate each problem
 * (`body.descriptors[1].max`, `query.limit`, `params.id`).
 */
export interface ApiIssue {
  path: string;
  message: string;
}

export type ApiErrorCode =
  | "bad_request"
  | "invalid_json"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "gone"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unprocessable"
  | "rate_limited"
  | "unavailable"
  | "internal";

const DEFAULT_CODE: Record<number, ApiErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  410: "gone",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
  503: "unavailable",
};

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: ApiIssue[],
    code?: ApiErrorCode,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.code = code ?? DEFAULT_CODE[status] ?? (status >= 500 ? "internal" : "bad_request");
  }
}

export const notFound = (what: string) => new ApiError(404, `${what} not found`);
export const conflict = (message: string) => new ApiError(409, message);

/** `["descriptors", 1, "max"]` under `body` → `body.descriptors[1].max`. */
export function formatPath(where: string, path: readonly PropertyKey[]): string {
  let out = where;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else {
      const key = String(p);
      out += /^[A-Za-z_$][\w$]*$/.test(key) ? (out ? "." : "") + key : `[${JSON.stringify(key)}]`;
    }
  }
  return out || "(root)";
}

/** Zod's issues, located and phrased for people (unions are flattened to their most relevant branch). */
export function zodIssues(where: string, error: z.ZodError): ApiIssue[] {
  const out: ApiIssue[] = [];
  for (const issue of error.issues) {
    const path = formatPath(where, issue.path);
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      const keys = (issue as { keys: string[] }).keys;
      const noun = where === "query" ? "query parameter" : "field";
      message = `unknown ${noun}${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`;
      // A schema's own message says more (e.g. where an API key must go instead).
      if (!/^Unrecognized key/.test(issue.message)) message = `${message}: ${issue.message}`;
    } else if (issue.code === "invalid_type" && /received undefined/.test(message)) {
      message = `is required`;
    } else if (issue.code === "invalid_union" && (issue as { errors?: z.core.$ZodIssue[][] }).errors?.length) {
      // Pick the branch that got furthest (fewest issues) and report its first problem.
      const branches = (issue as unknown as { errors: z.core.$ZodIssue[][] }).errors;
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      if (best[0]) {
        out.push({ path: formatPath(path === "(root)" ? "" : path, best[0].path), message: best[0].message });
        continue;
      }
    }
    out.push({ path, message });
  }
  return out;
}

export function validationError(where: string, error: z.ZodError, status = 400): ApiError {
  const issues = zodIssues(where, error);
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : ""}` : `invalid ${where}`;
  return new ApiError(status, message, issues, "validation_failed");
}

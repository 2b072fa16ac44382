/** zod builders for kinds' numeric parameters, with messages that name the field. */
import { z } from "zod";

export const nonNegative = (label: string) => z.number({ error: `${label} must be a number` }).finite(`${label} must be finite`).nonnegative(`${label} must be >= 0`);

export const positive = (label: string) => z.number({ error: `${label} must be a number` }).finite(`${label} must be finite`).positive(`${label} must be > 0`);

export const finiteNumber = (label: string) =>
  z.number({ error: (iss) => (iss.input === undefined ? `${label} is required` : typeof iss.input === "number" ? `${label} must be finite` : `${label} must be a number`) }).finite(`${label} must be finite`);

export const positiveInt = (label: string, max: number) =>
  z.number({ error: `${label} must be a number` }).int(`${label} must be a whole number`).min(1, `${label} must be at least 1`).max(max, `${label} must be at most ${max.toLocaleString("en-US")}`);

// The duplicate check of a round of candidates lives in lib/dedupe/round.ts (the API's submit uses it too).
export { dedupeRound, duplicateReason, type DedupeOutcome } from "@/lib/dedupe/round";

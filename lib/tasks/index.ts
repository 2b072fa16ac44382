/**
 * Shipped `llm-code` tasks. `getCodeTask(name)` for the API's `"domain": { "type": "llm-code", "task": name }`.
 */
import { binPackingTask } from "./bin-packing";
import { circlePackingTask } from "./circle-packing";
import type { CodeTask } from "./types";

export * from "./types";
export {
  CIRCLE_COUNT,
  CIRCLE_PACKING_DESCRIPTION,
  CIRCLE_PACKING_REFERENCE,
  CIRCLE_PACKING_SEED,
  CIRCLE_TOLERANCE,
  circlePackingTask,
  createCirclePackingEvaluator,
  evaluateCirclePacking,
  validatePacking,
  type Circle,
  type CirclePackingEvaluatorOptions,
  type PackingCheck,
} from "./circle-packing";
export {
  BEST_FIT,
  BIN_PACKING_DESCRIPTION,
  BIN_PACKING_SEED,
  FIRST_FIT,
  binLowerBound,
  binPackingTask,
  createBinPackingEvaluator,
  evaluateBinPacking,
  generateBinPackingInstances,
  replayChoices,
  type BinPackingEvaluatorOptions,
  type BinPackingInstance,
  type InstanceOptions,
} from "./bin-packing";

export const CODE_TASKS: Readonly<Record<string, CodeTask>> = Object.freeze({
  [circlePackingTask.name]: circlePackingTask as CodeTask,
  [binPackingTask.name]: binPackingTask as CodeTask,
});

export function getCodeTask(name: string): CodeTask | undefined {
  return Object.prototype.hasOwnProperty.call(CODE_TASKS, name) ? CODE_TASKS[name] : undefined;
}

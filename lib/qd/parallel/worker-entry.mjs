// Worker thread entry: Node 20 workers do not inherit tsx's loader hooks,
// so register tsx here before loading the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");

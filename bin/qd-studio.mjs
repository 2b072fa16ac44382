#!/usr/bin/env node
// qd-studio CLI entry: registers tsx so the TypeScript engine runs without a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/cli/index.ts");
process.exitCode = await main(process.argv.slice(2));

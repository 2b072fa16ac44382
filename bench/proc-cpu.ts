import fs from "node:fs";

/** CPU seconds (user + system) a process has used so far (Linux /proc; 0 elsewhere or when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

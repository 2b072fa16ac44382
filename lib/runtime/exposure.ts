import net from "node:net";
import { ConfigError, readEnv } from "@/lib/config";

/** Whether a listen address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  return net.isIPv4(h) && h.startsWith("127.");
}

/**
 * A server that other machines can reach must be authenticated: without QD_API_TOKEN anyone
 * who reaches the port could run commands on the workers. Refuses to start instead of warning.
 */
export function checkExposure(env: { HOST: string }, processEnv: Record<string, string | undefined> = process.env): void {
  if (isLoopback(env.HOST) || readEnv(processEnv).QD_API_TOKEN) return;
  throw new ConfigError(
    `HOST=${env.HOST} lets other machines reach QD Studio, which runs commands on its workers: set QD_API_TOKEN to a long random secret (e.g. QD_API_TOKEN=$(openssl rand -hex 32)), or use HOST=127.0.0.1.`,
  );
}

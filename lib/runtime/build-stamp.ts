import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Sources whose change means the production web build is stale. */
const WATCHED = ["app", "components", "lib", "public", "proxy.ts", "prisma/schema.prisma", "next.config.ts", "postcss.config.mjs", "package.json", "tsconfig.json"];
const SKIPPED = new Set(["node_modules", ".next", "generated"]);

/** A cheap fingerprint (paths, sizes, mtimes) of everything `next build` reads. */
export function sourceFingerprint(root: string): string {
  const hash = crypto.createHash("sha256");
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) if (!SKIPPED.has(name)) visit(path.join(rel, name));
    } else {
      hash.update(`${rel}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  WATCHED.forEach(visit);
  return hash.digest("hex");
}

const stampFile = (root: string) => path.join(root, ".next", "qd-source-fingerprint");

export function buildIsCurrent(root: string): boolean {
  try {
    return fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.readFileSync(stampFile(root), "utf8") === sourceFingerprint(root);
  } catch {
    return false;
  }
}

export function recordBuild(root: string): void {
  fs.writeFileSync(stampFile(root), sourceFingerprint(root));
}

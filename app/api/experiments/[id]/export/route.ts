import { otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { ExperimentParams, ExportQuery } from "@/lib/api/schemas";
import { loadConfig } from "@/lib/api/experiments";
import { exportStream } from "@/lib/api/export";

export const dynamic = "force-dynamic";

/** GET /api/experiments/:id/export?format=csv|json[&all=1]: the archive (or every stored solution), streamed. */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { format, all } = parseQuery(req, ExportQuery);
  const config = await loadConfig(id);
  return exportStream(id, config, format, all, req.signal);
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

import { actionRoute } from "@/lib/api/actions";

export const dynamic = "force-dynamic";

/** POST /api/experiments/:id/resume */
export const { POST, GET, PUT, PATCH, DELETE } = actionRoute("resume");

-- The archive's history (GET /api/experiments/:id/history) reads accepted writes in revision order.
-- Partial: only solutions that became elites are indexed, so runs that keep every candidate pay
-- nothing extra on their insert hot path for the candidates that never did.
CREATE INDEX IF NOT EXISTS "Solution_experimentId_eliteRevision_idx" ON "Solution"("experimentId", "eliteRevision") WHERE "eliteRevision" IS NOT NULL;

-- Every stored candidate paid one more B-tree insert for this index, and no reader uses it to narrow
-- anything: the readers that filter Solution by status also filter by experiment and read most of its
-- rows (budget, auto-range, seeds, evaluations list, which compares status::text and cannot use it);
-- the ("experimentId", "createdAt") index serves their experiment prefix. Pending rows are found by id.
DROP INDEX IF EXISTS "Solution_experimentId_status_idx";

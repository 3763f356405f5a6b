-- The vendor audit (specs/vendor_audit) as an expert writes it in DuckDB for one delivery:
-- each table read once, one scan per table for its row checks, one aggregation per
-- grouping. bench/handwritten.py runs it with $DATA replaced by the delivery's folder and
-- prints the figures of each `-- figure:` query in count.py's shape.

CREATE TEMP TABLE items AS SELECT * FROM read_parquet($DATA || '/items.parquet');
CREATE TEMP TABLE gold AS SELECT * FROM read_parquet($DATA || '/gold.parquet');
CREATE TEMP TABLE annotations AS SELECT * FROM read_parquet($DATA || '/annotations.parquet');

-- (item, annotator) answered more than once: the latest created_at is the answer, unless tied
CREATE TEMP TABLE repeated AS
SELECT item_id, annotator, max(created_at) AS latest
FROM annotations
WHERE item_id IS NOT NULL AND annotator IS NOT NULL
GROUP BY item_id, annotator
HAVING count(*) > 1;

CREATE TEMP TABLE tied AS
SELECT a.item_id, a.annotator
FROM annotations AS a JOIN repeated AS r USING (item_id, annotator)
WHERE a.created_at = r.latest
GROUP BY a.item_id, a.annotator
HAVING count(*) > 1;

-- one scan of annotations: a flag per check, kept for every row (the answers are read back)
CREATE TEMP TABLE judged AS
SELECT
  a.*,
  r.item_id IS NOT NULL AS is_repeated,
  t.item_id IS NOT NULL AND a.created_at = r.latest AS is_tied,
  (r.item_id IS NULL OR a.created_at = r.latest) AND t.item_id IS NULL AS is_current,
  a.item_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM items AS i WHERE i.item_id = a.item_id) AS bad_reference,
  a.label IN ('billing', 'shipping', 'returns', 'account', 'product', 'other') AS valid_label,
  coalesce(a.submitted_at - a.assigned_at < INTERVAL 5 SECOND, FALSE) AS too_fast
FROM annotations AS a
LEFT JOIN repeated AS r USING (item_id, annotator)
LEFT JOIN tied AS t USING (item_id, annotator);

-- figure: annotations
SELECT
  count(*) AS "rows",
  count(*) FILTER (is_current) AS current_rows,
  count(*) FILTER (is_tied) AS tied_rows,
  count(*) FILTER (item_id IS NULL) AS "item_id.required",
  count(*) FILTER (annotator IS NULL) AS "annotator.required",
  count(*) FILTER (vendor IS NULL) AS "vendor.required",
  count(*) FILTER (label IS NULL) AS "label.required",
  count(*) FILTER (created_at IS NULL) AS "created_at.required",
  count(*) FILTER (assigned_at IS NULL) AS "assigned_at.required",
  count(*) FILTER (submitted_at IS NULL) AS "submitted_at.required",
  count(*) FILTER (vendor NOT IN ('acme', 'globex', 'initech', 'umbrella')) AS "vendor.enum",
  count(*) FILTER (label IS NOT NULL AND NOT valid_label) AS "label.enum",
  count(*) FILTER (bad_reference) AS "item_id.references",
  count(*) FILTER (is_repeated) AS primary_key,
  count(*) FILTER (item_id IS NOT NULL AND annotator IS NOT NULL) AS primary_key_checked,
  count(*) FILTER (too_fast) AS too_fast,
  count(*) FILTER (NOT (item_id IS NULL OR annotator IS NULL OR vendor IS NULL OR label IS NULL
                        OR created_at IS NULL OR assigned_at IS NULL OR submitted_at IS NULL
                        OR vendor NOT IN ('acme', 'globex', 'initech', 'umbrella')
                        OR (label IS NOT NULL AND NOT valid_label)
                        OR bad_reference OR is_repeated OR too_fast)) AS passing_rows
FROM judged;

-- figure: coverage
SELECT count(*) FILTER (annotators < 3) AS violations, count(*) AS checked
FROM (SELECT item_id, count(DISTINCT annotator) AS annotators FROM annotations GROUP BY item_id);

-- figure: balance
SELECT count(*) FILTER (share > 0.40) AS violations, count(*) AS checked
FROM (SELECT label, count(*) / sum(count(*)) OVER () AS share FROM judged
      WHERE is_current AND valid_label GROUP BY label);

-- figure: agreement
WITH cells AS (
  SELECT item_id, label, count(*) AS n FROM judged WHERE is_current AND valid_label GROUP BY item_id, label
), units AS (
  SELECT item_id, sum(n) AS m, sum(n * (n - 1)) AS same FROM cells GROUP BY item_id HAVING sum(n) >= 2
), labels AS (
  SELECT label, sum(n) AS n FROM cells SEMI JOIN units USING (item_id) GROUP BY label
), totals AS (
  SELECT sum(m) AS n, sum(same / (m - 1)) AS agreeing FROM units
)
SELECT
  (totals.n - agreeing) / totals.n AS observed_disagreement,
  (totals.n * totals.n - (SELECT sum(n * n) FROM labels)) / (totals.n * (totals.n - 1)) AS expected_disagreement,
  totals.n AS pairable_values,
  (SELECT count(*) FROM judged WHERE is_current AND valid_label) AS population_rows
FROM totals;

-- figure: gold_accuracy
SELECT j.annotator, count(*) AS compared, count(*) FILTER (j.label = g.label) AS correct,
       count(DISTINCT j.item_id) AS units
FROM judged AS j JOIN gold AS g USING (item_id)
WHERE j.is_current AND j.annotator IS NOT NULL AND g.label IS NOT NULL
GROUP BY j.annotator;

-- figure: gold_units
SELECT count(DISTINCT j.item_id) AS units, (SELECT count(*) FROM judged WHERE is_current) AS population_rows
FROM judged AS j JOIN gold AS g USING (item_id)
WHERE j.is_current AND j.annotator IS NOT NULL AND g.label IS NOT NULL;

-- figure: items
SELECT count(*) AS "rows",
  count(*) FILTER (item_id IS NULL) AS "item_id.required",
  count(*) FILTER (copies > 1) AS "item_id.unique",
  count(*) FILTER (item_id IS NOT NULL) AS "item_id.unique_checked",
  count(*) FILTER (text_len IS NULL) AS "text_len.required",
  count(*) FILTER (text_len < 1) AS "text_len.range",
  count(*) FILTER (NOT (item_id IS NULL OR copies > 1 OR text_len IS NULL OR text_len < 1)) AS passing_rows
FROM (SELECT *, CASE WHEN item_id IS NOT NULL THEN count(*) OVER (PARTITION BY item_id) END AS copies FROM items);

-- figure: gold
SELECT count(*) AS "rows",
  count(*) FILTER (item_id IS NULL) AS "item_id.required",
  count(*) FILTER (copies > 1) AS "item_id.unique",
  count(*) FILTER (item_id IS NOT NULL) AS "item_id.unique_checked",
  count(*) FILTER (label IS NULL) AS "label.required",
  count(*) FILTER (label NOT IN ('billing', 'shipping', 'returns', 'account', 'product', 'other')) AS "label.enum",
  count(*) FILTER (NOT (item_id IS NULL OR copies > 1 OR label IS NULL
                        OR label NOT IN ('billing', 'shipping', 'returns', 'account', 'product', 'other'))) AS passing_rows
FROM (SELECT *, CASE WHEN item_id IS NOT NULL THEN count(*) OVER (PARTITION BY item_id) END AS copies FROM gold);

-- figure: spans
WITH spans AS (
  SELECT s.*, i.text_len, i.item_id IS NULL AND s.item_id IS NOT NULL AS bad_reference,
         coalesce(s.start < 0 OR s."end" <= s.start OR s."end" > i.text_len, FALSE) AS outside
  FROM read_parquet($DATA || '/spans.parquet') AS s LEFT JOIN items AS i USING (item_id)
), flagged AS (
  SELECT *, NOT outside AND start < max(CASE WHEN NOT outside THEN "end" END) OVER (
           PARTITION BY item_id, annotator ORDER BY start, "end" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
         ) AS overlapping
  FROM spans
)
SELECT count(*) AS "rows",
  count(*) FILTER (item_id IS NULL) AS "item_id.required",
  count(*) FILTER (annotator IS NULL) AS "annotator.required",
  count(*) FILTER (start IS NULL) AS "start.required",
  count(*) FILTER ("end" IS NULL) AS "end.required",
  count(*) FILTER (entity IS NULL) AS "entity.required",
  count(*) FILTER (entity NOT IN ('PRODUCT', 'ORDER', 'PERSON', 'DATE')) AS "entity.enum",
  count(*) FILTER (bad_reference) AS "item_id.references",
  count(*) FILTER (outside) AS span_bounds,
  count(*) FILTER (overlapping) AS span_overlap,
  count(*) FILTER (NOT (item_id IS NULL OR annotator IS NULL OR start IS NULL OR "end" IS NULL OR entity IS NULL
                        OR entity NOT IN ('PRODUCT', 'ORDER', 'PERSON', 'DATE') OR bad_reference OR outside
                        OR coalesce(overlapping, FALSE))) AS passing_rows
FROM flagged;

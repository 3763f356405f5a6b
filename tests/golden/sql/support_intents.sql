-- specc support_intents: the statements `specc check` runs on DuckDB, for a delivery of CSV files named after the tables. Each table is loaded into a temporary table of its name, with a __specc_row column numbering its source rows and exact casts (a __specc_type__COLUMN column keeps a value that does not cast, for `.type`); a Parquet or JSON file's typed columns are cast only where a value can fail. A rule joined to a table whose join keys are not declared unique is judged row by row in a step of its own; a grouping that finds no failing group is left out of its table's scan, and samples are fetched from the scan's rows. Each table's checks are followed by its compliance and breakdowns, read from the scan's table of flagged rows.

-- load tickets
CREATE TEMP TABLE "tickets" AS
SELECT "__specc_row", "ticket_id" AS "ticket_id", "channel" AS "channel", "language" AS "language", "subject" AS "subject", "body" AS "body", "__specc_cast__created_at" AS "created_at", CASE WHEN "created_at" IS NOT NULL AND "__specc_cast__created_at" IS NULL THEN CAST("created_at" AS VARCHAR) END AS "__specc_type__created_at" FROM (SELECT row_number() OVER () AS "__specc_row", *, CASE WHEN NOT regexp_matches(trim("created_at"), '\.[0-9]{6}[0-9]*[1-9]') AND regexp_full_match(trim("created_at"), '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)') THEN timezone('UTC', TRY_CAST(trim("created_at") AS TIMESTAMPTZ)) WHEN NOT regexp_matches(trim("created_at"), '\.[0-9]{6}[0-9]*[1-9]') AND regexp_full_match(trim("created_at"), '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?') THEN TRY_CAST(trim("created_at") AS TIMESTAMP) END AS "__specc_cast__created_at" FROM (SELECT * FROM read_csv(['tickets.csv'], auto_detect = false, columns = {'ticket_id': 'VARCHAR', 'channel': 'VARCHAR', 'language': 'VARCHAR', 'subject': 'VARCHAR', 'body': 'VARCHAR', 'created_at': 'VARCHAR'}, header = true, delim = ',', quote = '"', escape = '"', nullstr = [''], encoding = 'utf-8', strict_mode = true)));

-- load annotations
CREATE TEMP TABLE "annotations" AS
SELECT "__specc_row", "annotation_id" AS "annotation_id", "ticket_id" AS "ticket_id", "annotator" AS "annotator", "vendor" AS "vendor", "intent" AS "intent", "__specc_cast__confidence" AS "confidence", CASE WHEN "confidence" IS NOT NULL AND "__specc_cast__confidence" IS NULL THEN CAST("confidence" AS VARCHAR) END AS "__specc_type__confidence", "__specc_cast__assigned_at" AS "assigned_at", CASE WHEN "assigned_at" IS NOT NULL AND "__specc_cast__assigned_at" IS NULL THEN CAST("assigned_at" AS VARCHAR) END AS "__specc_type__assigned_at", "__specc_cast__submitted_at" AS "submitted_at", CASE WHEN "submitted_at" IS NOT NULL AND "__specc_cast__submitted_at" IS NULL THEN CAST("submitted_at" AS VARCHAR) END AS "__specc_type__submitted_at" FROM (SELECT row_number() OVER () AS "__specc_row", *, CASE WHEN regexp_full_match(trim("confidence"), '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?') AND isfinite(TRY_CAST(trim("confidence") AS DOUBLE)) AND (TRY_CAST(trim("confidence") AS DOUBLE) <> 0 OR regexp_full_match(trim("confidence"), '[+-]?(0+(\.0*)?|\.0+)([eE][+-]?[0-9]+)?')) THEN TRY_CAST(trim("confidence") AS DOUBLE) END AS "__specc_cast__confidence", CASE WHEN NOT regexp_matches(trim("assigned_at"), '\.[0-9]{6}[0-9]*[1-9]') AND regexp_full_match(trim("assigned_at"), '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)') THEN timezone('UTC', TRY_CAST(trim("assigned_at") AS TIMESTAMPTZ)) WHEN NOT regexp_matches(trim("assigned_at"), '\.[0-9]{6}[0-9]*[1-9]') AND regexp_full_match(trim("assigned_at"), '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?') THEN TRY_CAST(trim("assigned_at") AS TIMESTAMP) END AS "__specc_cast__assigned_at", CASE WHEN NOT regexp_matches(trim("submitted_at"), '\.[0-9]{6}[0-9]*[1-9]') AND regexp_full_match(trim("submitted_at"), '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)') THEN timezone('UTC', TRY_CAST(trim("submitted_at") AS TIMESTAMPTZ)) WHEN NOT regexp_matches(trim("submitted_at"), '\.[0-9]{6}[0-9]*[1-9]') AND regexp_full_match(trim("submitted_at"), '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?') THEN TRY_CAST(trim("submitted_at") AS TIMESTAMP) END AS "__specc_cast__submitted_at" FROM (SELECT * FROM read_csv(['annotations.csv'], auto_detect = false, columns = {'annotation_id': 'VARCHAR', 'ticket_id': 'VARCHAR', 'annotator': 'VARCHAR', 'vendor': 'VARCHAR', 'intent': 'VARCHAR', 'confidence': 'VARCHAR', 'assigned_at': 'VARCHAR', 'submitted_at': 'VARCHAR'}, header = true, delim = ',', quote = '"', escape = '"', nullstr = [''], encoding = 'utf-8', strict_mode = true)));

-- one aggregation of tickets per (ticket_id) for: tickets.ticket_id.unique
CREATE TEMP TABLE "__specc_groups_1" AS
WITH "__groups" AS (
  SELECT "tickets"."ticket_id" AS "ticket_id", count(*) AS "__rows" FROM "tickets" GROUP BY "tickets"."ticket_id"
), "__judged" AS MATERIALIZED (
  SELECT *, ("__rows" > 1 AND "ticket_id" IS NOT NULL) AS "v0" FROM "__groups"
)
SELECT FALSE AS "__summary", "ticket_id", "__rows", "v0", NULL AS c0, NULL AS n0 FROM "__judged" WHERE "v0"
UNION ALL
SELECT TRUE, NULL AS "ticket_id", NULL AS "__rows", NULL AS "v0", coalesce(sum(CASE WHEN "v0" THEN "__rows" ELSE 0 END), 0) AS "c0", coalesce(sum(CASE WHEN "ticket_id" IS NOT NULL THEN "__rows" ELSE 0 END), 0) AS "n0" FROM "__judged";

-- one scan of tickets for: tickets.ticket_id.required, tickets.ticket_id.pattern, tickets.channel.required, tickets.channel.enum, tickets.language.required, tickets.language.pattern, tickets.subject.required, tickets.subject.length, tickets.body.required, tickets.body.length, tickets.created_at.type, tickets.created_at.required, tickets.ticket_id.unique
CREATE TEMP TABLE "__specc_rows_tickets" AS
SELECT * FROM (
  SELECT "tickets"."__specc_row" AS "__specc_row", coalesce(("tickets"."ticket_id" IS NULL), FALSE) AS "r0", coalesce((NOT regexp_full_match("tickets"."ticket_id", 'T-[0-9]{4}')), FALSE) AS "r1", coalesce(("tickets"."channel" IS NULL), FALSE) AS "r2", coalesce(("tickets"."channel" NOT IN ('email', 'chat', 'phone')), FALSE) AS "r3", coalesce(("tickets"."language" IS NULL), FALSE) AS "r4", coalesce((NOT regexp_full_match("tickets"."language", '[a-z]{2}')), FALSE) AS "r5", coalesce(("tickets"."subject" IS NULL), FALSE) AS "r6", coalesce((length("tickets"."subject") < 1 OR length("tickets"."subject") > 120), FALSE) AS "r7", coalesce(("tickets"."body" IS NULL), FALSE) AS "r8", coalesce((length("tickets"."body") < 1 OR length("tickets"."body") > 5000), FALSE) AS "r9", coalesce(("tickets"."__specc_type__created_at" IS NOT NULL), FALSE) AS "r10", coalesce(("tickets"."created_at" IS NULL), FALSE) AS "r11", ("__m0"."__hit" IS NOT NULL) AS "g0" FROM "tickets" LEFT JOIN (SELECT "ticket_id", TRUE AS "__hit" FROM "__specc_groups_1" WHERE NOT "__summary" AND "v0") AS "__m0" ON "tickets"."ticket_id" IS NOT DISTINCT FROM "__m0"."ticket_id"
) AS "__flagged" WHERE "r0" OR "r1" OR "r2" OR "r3" OR "r4" OR "r5" OR "r6" OR "r7" OR "r8" OR "r9" OR "r10" OR "r11" OR "g0";

-- compliance of tickets
SELECT coalesce(sum(CASE WHEN ("r0" OR "r1" OR "r2" OR "r3" OR "r4" OR "r5" OR "r6" OR "r7" OR "r8" OR "r9" OR "r10" OR "r11" OR "g0") THEN 1 ELSE 0 END), 0) FROM "__specc_rows_tickets";

-- one aggregation of annotations per (annotation_id) for: annotations.annotation_id.unique
CREATE TEMP TABLE "__specc_groups_2" AS
WITH "__groups" AS (
  SELECT "annotations"."annotation_id" AS "annotation_id", count(*) AS "__rows" FROM "annotations" GROUP BY "annotations"."annotation_id"
), "__judged" AS MATERIALIZED (
  SELECT *, ("__rows" > 1 AND "annotation_id" IS NOT NULL) AS "v0" FROM "__groups"
)
SELECT FALSE AS "__summary", "annotation_id", "__rows", "v0", NULL AS c0, NULL AS n0 FROM "__judged" WHERE "v0"
UNION ALL
SELECT TRUE, NULL AS "annotation_id", NULL AS "__rows", NULL AS "v0", coalesce(sum(CASE WHEN "v0" THEN "__rows" ELSE 0 END), 0) AS "c0", coalesce(sum(CASE WHEN "annotation_id" IS NOT NULL THEN "__rows" ELSE 0 END), 0) AS "n0" FROM "__judged";

-- one aggregation of annotations per (ticket_id, annotator) for: intents.single_label
CREATE TEMP TABLE "__specc_groups_3" AS
WITH "__groups" AS (
  SELECT "annotations"."ticket_id" AS "ticket_id", "annotations"."annotator" AS "annotator", count(*) AS "__rows", count(*) AS "labels" FROM "annotations" GROUP BY "annotations"."ticket_id", "annotations"."annotator"
), "__judged" AS MATERIALIZED (
  SELECT *, (coalesce(("labels" <> 1), FALSE)) AS "v0" FROM "__groups"
)
SELECT FALSE AS "__summary", "ticket_id", "annotator", "__rows", "labels", "v0", NULL AS c0, NULL AS n0 FROM "__judged" WHERE "v0"
UNION ALL
SELECT TRUE, NULL AS "ticket_id", NULL AS "annotator", NULL AS "__rows", NULL AS "labels", NULL AS "v0", coalesce(sum(CASE WHEN "v0" THEN 1 ELSE 0 END), 0) AS "c0", coalesce(sum(CASE WHEN TRUE THEN 1 ELSE 0 END), 0) AS "n0" FROM "__judged";

-- one aggregation of annotations per (ticket_id) for: coverage
CREATE TEMP TABLE "__specc_groups_4" AS
WITH "__groups" AS (
  SELECT "ticket_id", sum("__pair_rows") AS "__rows", count("__value") AS "count distinct annotator" FROM (SELECT "annotations"."ticket_id" AS "ticket_id", "annotations"."annotator" AS "__value", count(*) AS "__pair_rows" FROM "annotations" GROUP BY "annotations"."ticket_id", "annotations"."annotator") AS "__pairs" GROUP BY "ticket_id"
), "__judged" AS MATERIALIZED (
  SELECT *, (coalesce((coalesce(NOT (("count distinct annotator" >= 2)), FALSE)), FALSE)) AS "v0" FROM "__groups"
)
SELECT FALSE AS "__summary", "ticket_id", "__rows", "count distinct annotator", "v0", NULL AS c0, NULL AS n0 FROM "__judged" WHERE "v0"
UNION ALL
SELECT TRUE, NULL AS "ticket_id", NULL AS "__rows", NULL AS "count distinct annotator", NULL AS "v0", coalesce(sum(CASE WHEN "v0" THEN 1 ELSE 0 END), 0) AS "c0", coalesce(sum(CASE WHEN TRUE THEN 1 ELSE 0 END), 0) AS "n0" FROM "__judged";

-- one aggregation of annotations per (annotator) for: overload
CREATE TEMP TABLE "__specc_groups_5" AS
WITH "__groups" AS (
  SELECT "annotations"."annotator" AS "annotator", count(*) AS "__rows", count(*) AS "count" FROM "annotations" GROUP BY "annotations"."annotator"
), "__judged" AS MATERIALIZED (
  SELECT *, (coalesce((coalesce(NOT (("count" <= 10)), FALSE)), FALSE)) AS "v0" FROM "__groups"
)
SELECT FALSE AS "__summary", "annotator", "__rows", "count", "v0", NULL AS c0, NULL AS n0 FROM "__judged" WHERE "v0"
UNION ALL
SELECT TRUE, NULL AS "annotator", NULL AS "__rows", NULL AS "count", NULL AS "v0", coalesce(sum(CASE WHEN "v0" THEN 1 ELSE 0 END), 0) AS "c0", coalesce(sum(CASE WHEN TRUE THEN 1 ELSE 0 END), 0) AS "n0" FROM "__judged";

-- rows that make a failing group fail for: overload
CREATE TEMP TABLE "__specc_outliers_6" AS
SELECT "__specc_row" FROM (SELECT "annotations"."__specc_row" AS "__specc_row", row_number() OVER (PARTITION BY "annotations"."annotator" ORDER BY "annotations"."__specc_row") AS "__rank" FROM "annotations" JOIN (SELECT "annotator", TRUE AS "__hit" FROM "__specc_groups_5" WHERE NOT "__summary" AND "v0") AS "__failing" ON "annotations"."annotator" IS NOT DISTINCT FROM "__failing"."annotator") AS "__ranked" WHERE "__rank" > 10;

-- one scan of annotations for: annotations.annotation_id.required, annotations.annotation_id.pattern, annotations.ticket_id.required, annotations.ticket_id.references, annotations.annotator.required, annotations.annotator.pattern, annotations.vendor.required, annotations.vendor.enum, annotations.intent.required, annotations.intent.enum, annotations.confidence.type, annotations.confidence.range, annotations.assigned_at.type, annotations.assigned_at.required, annotations.submitted_at.type, annotations.submitted_at.required, turnaround, causality, security_sure, annotations.annotation_id.unique, intents.single_label, overload
CREATE TEMP TABLE "__specc_rows_annotations" AS
SELECT * FROM (
  SELECT "annotations"."__specc_row" AS "__specc_row", coalesce(("annotations"."annotation_id" IS NULL), FALSE) AS "r0", coalesce((NOT regexp_full_match("annotations"."annotation_id", 'A-[0-9]{4}')), FALSE) AS "r1", coalesce(("annotations"."ticket_id" IS NULL), FALSE) AS "r2", coalesce(("annotations"."ticket_id" IS NOT NULL AND "annotations"."ticket_id" NOT IN (SELECT "ticket_id" FROM "tickets" WHERE "ticket_id" IS NOT NULL)), FALSE) AS "r3", coalesce(("annotations"."annotator" IS NULL), FALSE) AS "r4", coalesce((NOT regexp_full_match("annotations"."annotator", '[a-z]{2,12}')), FALSE) AS "r5", coalesce(("annotations"."vendor" IS NULL), FALSE) AS "r6", coalesce(("annotations"."vendor" NOT IN ('acme', 'globex')), FALSE) AS "r7", coalesce(("annotations"."intent" IS NULL), FALSE) AS "r8", coalesce(("annotations"."intent" NOT IN ('billing_refund', 'billing_double_charge', 'billing_invoice_copy', 'billing_payment_failed', 'billing_update_method', 'billing_promo_code', 'billing_paper_invoice', 'account_login', 'account_password_reset', 'account_delete', 'account_update_email', 'account_two_factor', 'order_status', 'order_cancel', 'order_change_address', 'order_missing_item', 'order_wrong_item', 'shipping_delay', 'shipping_damaged', 'shipping_cost', 'shipping_international', 'tech_app_crash', 'tech_slow', 'tech_sync_error', 'tech_integration', 'security_phishing', 'security_unauthorized_access', 'security_data_request', 'feedback_praise', 'feedback_complaint', 'feedback_feature_request', 'other_spam', 'other_unclear')), FALSE) AS "r9", coalesce(("annotations"."__specc_type__confidence" IS NOT NULL), FALSE) AS "r10", coalesce((NOT ("annotations"."confidence" BETWEEN 0 AND 1)), FALSE) AS "r11", coalesce(("annotations"."__specc_type__assigned_at" IS NOT NULL), FALSE) AS "r12", coalesce(("annotations"."assigned_at" IS NULL), FALSE) AS "r13", coalesce(("annotations"."__specc_type__submitted_at" IS NOT NULL), FALSE) AS "r14", coalesce(("annotations"."submitted_at" IS NULL), FALSE) AS "r15", coalesce((coalesce(NOT (((CAST(date_diff('microsecond', "annotations"."assigned_at", "annotations"."submitted_at") AS DOUBLE) / 1000000) <= CAST(172800.0 AS DOUBLE))), FALSE)), FALSE) AS "r16", coalesce((coalesce(NOT (("annotations"."submitted_at" >= "annotations"."assigned_at")), FALSE)), FALSE) AS "r17", coalesce((coalesce(NOT ((("annotations"."intent" NOT IN ('security', 'security_phishing', 'security_unauthorized_access', 'security_data_request')) OR ("annotations"."confidence" >= 0.7))), FALSE)), FALSE) AS "r18", ("__m0"."__hit" IS NOT NULL) AS "g0", ("__m1"."__hit" IS NOT NULL) AS "g1", ("__m2"."__specc_row" IS NOT NULL) AS "g2", "annotations"."annotator" AS "b0", "annotations"."vendor" AS "b1" FROM "annotations" LEFT JOIN (SELECT "annotation_id", TRUE AS "__hit" FROM "__specc_groups_2" WHERE NOT "__summary" AND "v0") AS "__m0" ON "annotations"."annotation_id" IS NOT DISTINCT FROM "__m0"."annotation_id" LEFT JOIN (SELECT "ticket_id", "annotator", TRUE AS "__hit" FROM "__specc_groups_3" WHERE NOT "__summary" AND "v0") AS "__m1" ON "annotations"."ticket_id" IS NOT DISTINCT FROM "__m1"."ticket_id" AND "annotations"."annotator" IS NOT DISTINCT FROM "__m1"."annotator" LEFT JOIN "__specc_outliers_6" AS "__m2" ON "annotations"."__specc_row" = "__m2"."__specc_row"
) AS "__flagged" WHERE "r0" OR "r1" OR "r2" OR "r3" OR "r4" OR "r5" OR "r6" OR "r7" OR "r8" OR "r9" OR "r10" OR "r11" OR "r12" OR "r13" OR "r14" OR "r15" OR "r16" OR "r17" OR "r18" OR "g0" OR "g1" OR "g2";

-- one aggregate of annotations for: unsure
SELECT
  count(*) AS "__rows",
  CAST(coalesce(NOT (((CAST(count(*) FILTER (WHERE ("annotations"."confidence" < 0.5)) AS DOUBLE) / nullif(count(*), 0)) <= 0.05)), FALSE) AS INTEGER) AS "v0",
  (CAST(count(*) FILTER (WHERE ("annotations"."confidence" < 0.5)) AS DOUBLE) / nullif(count(*), 0)) AS "m0_0"
FROM "annotations";

-- compliance of annotations
SELECT coalesce(sum(CASE WHEN ("r0" OR "r1" OR "r2" OR "r3" OR "r4" OR "r5" OR "r6" OR "r7" OR "r8" OR "r9" OR "r10" OR "r11" OR "r12" OR "r13" OR "r14" OR "r15" OR "r16" OR "r17" OR "r18" OR "g0" OR "g1" OR "g2") THEN 1 ELSE 0 END), 0) FROM "__specc_rows_annotations";

-- breakdown of annotations by annotator
SELECT CAST("__all"."value" AS VARCHAR) AS value, "__all"."rows", coalesce("__failing"."rows", 0) AS violating FROM (SELECT "annotator" AS "value", count(*) AS "rows" FROM "annotations" GROUP BY "annotator") AS "__all" LEFT JOIN (SELECT "b0" AS "value", count(*) AS "rows" FROM "__specc_rows_annotations" WHERE ("r0" OR "r1" OR "r2" OR "r3" OR "r4" OR "r5" OR "r6" OR "r7" OR "r8" OR "r9" OR "r10" OR "r11" OR "r12" OR "r13" OR "r14" OR "r15" OR "r16" OR "r17" OR "r18" OR "g0" OR "g1" OR "g2") GROUP BY "b0") AS "__failing" ON "__all"."value" IS NOT DISTINCT FROM "__failing"."value" ORDER BY 1 NULLS FIRST;

-- breakdown of annotations by vendor
SELECT CAST("__all"."value" AS VARCHAR) AS value, "__all"."rows", coalesce("__failing"."rows", 0) AS violating FROM (SELECT "vendor" AS "value", count(*) AS "rows" FROM "annotations" GROUP BY "vendor") AS "__all" LEFT JOIN (SELECT "b1" AS "value", count(*) AS "rows" FROM "__specc_rows_annotations" WHERE ("r0" OR "r1" OR "r2" OR "r3" OR "r4" OR "r5" OR "r6" OR "r7" OR "r8" OR "r9" OR "r10" OR "r11" OR "r12" OR "r13" OR "r14" OR "r15" OR "r16" OR "r17" OR "r18" OR "g0" OR "g1" OR "g2") GROUP BY "b1") AS "__failing" ON "__all"."value" IS NOT DISTINCT FROM "__failing"."value" ORDER BY 1 NULLS FIRST;

-- metric intent_alpha: alpha nominal on annotations (computed from counts by specc.metrics)

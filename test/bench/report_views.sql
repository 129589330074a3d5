-- test/bench/report_views.sql: temporary views over bench.results, for
-- report.sql and for run_bench.sh's judgement of the targets.
\set ON_ERROR_STOP 1
CREATE TEMP VIEW shape_ms AS
SELECT r.case_no, r.shape, x.label, x.is_orm, x.is_floor,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.value) AS med,
       min(r.value) AS lo, max(r.value) AS hi, count(*) AS n
  FROM bench.results r
  JOIN bench.contenders x USING (case_no, shape)
 WHERE r.metric IN ('ms', 'tps')
 GROUP BY 1, 2, 3, 4, 5;

CREATE TEMP VIEW verdicts AS
SELECT case_no, shape, note AS verdict FROM bench.results WHERE metric = 'verdict';

CREATE TEMP VIEW summary AS
WITH best AS (
	SELECT DISTINCT ON (case_no) case_no, shape, med
	  FROM shape_ms
	 WHERE NOT is_orm AND NOT is_floor
	 ORDER BY case_no, CASE WHEN case_no = 2 THEN -med ELSE med END
), floor AS (
	SELECT case_no, med FROM shape_ms WHERE is_floor
), orm AS (
	SELECT case_no, med FROM shape_ms WHERE is_orm
), scalar AS (
	SELECT case_no, shape, percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS med,
	       min(note) AS note
	  FROM bench.results WHERE metric = 'value' GROUP BY 1, 2
)
SELECT c.case_no, c.title, c.target,
       CASE
	   WHEN c.case_no IN (1, 3, 7, 8) THEN round(o.med::numeric, 2) || ' ms'
	   WHEN c.case_no = 2 THEN round(o.med::numeric, 1) || ' tps'
	   WHEN c.case_no = 4 THEN round(((sd.med + ss.med) / 1000)::numeric, 2) || ' s'
	   WHEN c.case_no = 5 THEN round(de.med::numeric, 1) || ' ms'
	   WHEN c.case_no = 6 THEN round(sq.med::numeric, 1) || ' ms'
	   END AS orm_value,
       CASE
	   WHEN c.case_no IN (1, 3, 7, 8) THEN round(b.med::numeric, 2) || ' ms (' || b.shape || ')'
	   WHEN c.case_no = 2 THEN round(b.med::numeric, 1) || ' tps (' || b.shape || ')'
	   WHEN c.case_no = 4 THEN 'define ' || round(sd.med::numeric) || ' ms + sync ' || round(ss.med::numeric) || ' ms'
	   WHEN c.case_no = 5 THEN round(dp.med::numeric, 1) || ' ms (no extension)'
	   WHEN c.case_no = 6 THEN round(oe.med::numeric, 1) || ' ms (orm-models findAll)'
	   END AS hand_value,
       CASE
	   WHEN c.case_no IN (1, 2, 3, 7, 8) THEN o.med / nullif(b.med, 0)
	   WHEN c.case_no = 5 THEN de.med / nullif(dp.med, 0)
	   WHEN c.case_no = 6 THEN sq.med / nullif(oe.med, 0)
	   END AS ratio,
       CASE
	   WHEN c.case_no IN (1, 3) THEN round(f.med::numeric, 2) || ' ms'
	   WHEN c.case_no = 2 THEN round(f.med::numeric, 1) || ' tps'
	   END AS floor_value,
       o.med / nullif(f.med, 0) AS floor_ratio,
       CASE
	   WHEN c.case_no = 1 THEN o.med / nullif(b.med, 0) <= 0.70
	   WHEN c.case_no = 2 THEN o.med / nullif(b.med, 0) >= 1.20
	   WHEN c.case_no = 3 THEN o.med / nullif(b.med, 0) <= 0.80
	   WHEN c.case_no IN (7, 8) THEN o.med / nullif(b.med, 0) <= 1.10
	   WHEN c.case_no = 4 THEN sd.med + ss.med < 60000
	   WHEN c.case_no = 5 THEN de.med / nullif(dp.med, 0) <= 1.05
	   END AS met,
       CASE
	   WHEN c.case_no IN (1, 2, 3, 7, 8) THEN o.med IS NOT NULL AND b.med IS NOT NULL
	   WHEN c.case_no = 4 THEN ss.med IS NOT NULL
	   WHEN c.case_no = 5 THEN de.med IS NOT NULL AND dp.med IS NOT NULL
	   WHEN c.case_no = 6 THEN sq.med IS NOT NULL
	   END AS measured,
       coalesce(ss.note, sq.note) AS note
  FROM bench.cases c
  LEFT JOIN orm o USING (case_no)
  LEFT JOIN best b USING (case_no)
  LEFT JOIN floor f USING (case_no)
  LEFT JOIN scalar sd ON sd.case_no = c.case_no AND sd.shape = 'define'
  LEFT JOIN scalar ss ON ss.case_no = c.case_no AND ss.shape = 'sync'
  LEFT JOIN scalar de ON de.case_no = c.case_no AND de.shape = 'with extension'
  LEFT JOIN scalar dp ON dp.case_no = c.case_no AND dp.shape = 'without'
  LEFT JOIN scalar sq ON sq.case_no = c.case_no AND sq.shape = 'sequelize'
  LEFT JOIN scalar oe ON oe.case_no = c.case_no AND oe.shape = 'package';


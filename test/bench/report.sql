-- test/bench/report.sql: the benchmark's table, from bench.results.
-- psql -v judge=1|0 -v cases=1,2,...: whether the targets are judged (PASS/MISS) or only
-- printed (smoke runs, where the data set is too small for ratios to mean
-- anything).  Medians throughout.
\set ON_ERROR_STOP 1
\pset footer off
\pset border 2

\ir report_views.sql

\echo
\echo 'Results (medians)'
SELECT case_no AS "#", title AS "case",
       coalesce(orm_value, '-') AS "orm_models",
       coalesce(hand_value, '-') AS "best hand-written (shape)",
       coalesce(to_char(ratio, 'FM990.000'), '-') AS ratio,
       target,
       coalesce(floor_value, '-') AS "flat-join floor",
       coalesce(to_char(floor_ratio, 'FM990.000'), '-') AS "orm / floor",
       CASE WHEN NOT coalesce(measured, false) THEN
                 CASE WHEN case_no = 6 THEN 'skipped' ELSE 'NOT RUN' END
            WHEN case_no = 6 THEN 'info'
            WHEN :judge = 0 THEN '(' || CASE WHEN met THEN 'pass' ELSE 'miss' END || ', not judged)'
            WHEN met THEN 'PASS' ELSE 'MISS' END AS result
  FROM summary
 WHERE case_no = ANY (string_to_array(:'cases', ',')::int[])
 ORDER BY case_no;

\echo 'Every shape (cases 1-3: ms per call; case 2: transactions per second)'
SELECT s.case_no AS "#", s.shape,
       round(s.med::numeric, 2) AS median,
       round(s.lo::numeric, 2) AS min,
       round(s.hi::numeric, 2) AS max,
       s.n,
       to_char(s.med / nullif(CASE WHEN s.case_no = 2 THEN max(s.med) FILTER (WHERE NOT s.is_orm AND NOT s.is_floor) OVER w ELSE min(s.med) FILTER (WHERE NOT s.is_orm AND NOT s.is_floor) OVER w END, 0), 'FM990.000') AS "vs best",
       coalesce(v.verdict, CASE WHEN s.is_orm THEN '(reference)' WHEN s.is_floor THEN '(floor: flat text)' END) AS "output vs orm_models",
       s.label
  FROM shape_ms s LEFT JOIN verdicts v USING (case_no, shape)
WINDOW w AS (PARTITION BY s.case_no)
 ORDER BY s.case_no, s.is_orm DESC, s.shape;

SELECT case_no AS "#", shape AS "measure", round(percentile_cont(0.5) WITHIN GROUP (ORDER BY value)::numeric, 1) AS median,
       round(min(value)::numeric, 1) AS min, round(max(value)::numeric, 1) AS max, count(*) AS n,
       min(note) AS note
  FROM bench.results WHERE metric = 'value'
 GROUP BY 1, 2 ORDER BY 1, 2;

-- test/atomicity/snapshot.sql: "the catalog and the schema" as one sorted
-- list of text lines, to be compared exactly before and after a fault.
-- Every user schema (not pg_catalog, information_schema, pg_toast, temp
-- schemas, nor the test's own schema atomtest): the orm.* catalog rows
-- (every column), schemas, relations (with OID and relfilenode: a table
-- recreated or rewritten shows), columns (type, nullability, default,
-- identity), constraints, indexes, triggers, sequences' definitions, types
-- (enum labels in order, domains, composites), functions and procedures,
-- comments, event triggers, and a digest of each table's rows.
CREATE OR REPLACE FUNCTION atomtest.snapshot() RETURNS SETOF text
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
DECLARE
  r record;
  d text;
BEGIN
  -- the catalog, row by row, every column as text
  RETURN QUERY SELECT 'models ' || m::text FROM orm.models m ORDER BY m.name;
  RETURN QUERY SELECT 'associations ' || a::text FROM orm.associations a ORDER BY a.source, a.alias;
  RETURN QUERY
    WITH ns AS (SELECT oid, nspname FROM pg_namespace
                 WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'atomtest')
                   AND nspname !~ '^pg_(temp|toast_temp)_')
    SELECT * FROM (
      SELECT format('schema %s oid=%s owner=%s acl=%s', nspname, n.oid, nspowner::regrole, nspacl)
        FROM pg_namespace n WHERE n.oid IN (SELECT oid FROM ns)
      UNION ALL
      SELECT format('relation %s.%s kind=%s oid=%s filenode=%s owner=%s persistence=%s options=%s acl=%s rls=%s',
                    ns.nspname, c.relname, c.relkind, c.oid, c.relfilenode, c.relowner::regrole,
                    c.relpersistence, c.reloptions, c.relacl, c.relrowsecurity)
        FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
      UNION ALL
      SELECT format('column %s.%s #%s %s %s notnull=%s default=%s identity=%s generated=%s dropped=%s',
                    ns.nspname, c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
                    a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
                    a.attisdropped)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
       WHERE a.attnum > 0
      UNION ALL
      SELECT format('constraint %s on %s type %s oid=%s: %s validated=%s',
                    co.conname, co.conrelid::regclass, co.contypid::regtype, co.oid,
                    pg_get_constraintdef(co.oid), co.convalidated)
        FROM pg_constraint co JOIN ns ON ns.oid = co.connamespace
      UNION ALL
      SELECT format('index %s valid=%s: %s', i.indexrelid::regclass, i.indisvalid, pg_get_indexdef(i.indexrelid))
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN ns ON ns.oid = c.relnamespace
      UNION ALL
      SELECT format('trigger %s on %s oid=%s enabled=%s: %s', t.tgname, t.tgrelid::regclass, t.oid,
                    t.tgenabled, pg_get_triggerdef(t.oid))
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
       WHERE NOT t.tgisinternal
      UNION ALL
      SELECT format('sequence %s type=%s start=%s inc=%s min=%s max=%s cache=%s cycle=%s',
                    s.seqrelid::regclass, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin,
                    s.seqmax, s.seqcache, s.seqcycle)
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN ns ON ns.oid = c.relnamespace
      UNION ALL
      SELECT format('type %s.%s oid=%s kind=%s owner=%s base=%s notnull=%s default=%s labels=%s',
                    ns.nspname, t.typname, t.oid, t.typtype, t.typowner::regrole,
                    t.typbasetype::regtype, t.typnotnull, t.typdefault,
                    (SELECT string_agg(e.enumlabel || ':' || e.enumsortorder, ',' ORDER BY e.enumsortorder)
                       FROM pg_enum e WHERE e.enumtypid = t.oid))
        FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
      UNION ALL
      SELECT format('function %s oid=%s owner=%s acl=%s: %s', p.oid::regprocedure, p.oid,
                    p.proowner::regrole, p.proacl,
                    CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE p.prokind::text END)
        FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
      UNION ALL
      SELECT format('comment %s: %s', pg_describe_object(classoid, objoid, objsubid), description)
        FROM pg_description WHERE objoid >= 16384
      UNION ALL
      SELECT format('event trigger %s on %s enabled=%s tags=%s fn=%s', evtname, evtevent, evtenabled,
                    evttags, evtfoid::regproc)
        FROM pg_event_trigger
    ) s(line)
    ORDER BY 1;
  -- the rows of every table in a user schema (orm.* included above)
  FOR r IN SELECT c.oid::regclass AS rel
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'atomtest', 'orm')
              AND n.nspname !~ '^pg_(temp|toast_temp)_'
            ORDER BY c.oid::regclass::text LOOP
    EXECUTE format('SELECT count(*) || '' rows, md5 '' || md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM %s t', r.rel)
      INTO d;
    RETURN NEXT format('data %s: %s', r.rel, d);
  END LOOP;
END $fn$;

/*
 * schema.js: what two schemas are compared on (Sequelize's sync against
 * importModels + orm.sync).
 *
 * One line per fact of the public schema: each column with its type and
 * nullability, each primary key, unique constraint and foreign key (with
 * its referenced table and actions), each enum type with its labels, and
 * each index that is not a constraint's (its definition, name included).
 * Allowed differences, as README.md lists them: column defaults (orm_models
 * puts now() and gen_random_uuid() into the table where Sequelize fills them
 * in JavaScript) are not compared; CHECK constraints (orm_models makes
 * validators CHECKs) are not compared; an index orm_models has on exactly
 * the columns of a foreign key (it indexes every foreign key) is allowed.
 */
'use strict';

const FACTS_SQL = `
SELECT 'column ' || c.relname || '.' || a.attname || ': ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END AS fact, false AS fk_index
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE n.nspname = 'public' AND c.relkind = 'r'
UNION ALL
SELECT 'constraint ' || c.relname || ': '
       || CASE co.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' ELSE 'FOREIGN KEY' END
       || ' (' || (SELECT pg_catalog.string_agg(a.attname, ', ' ORDER BY a.attname) FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = co.conrelid AND a.attnum = ANY (co.conkey)) || ')'
       || CASE WHEN co.contype = 'f' THEN ' REFERENCES ' || co.confrelid::regclass::text
              || ' ON DELETE ' || co.confdeltype::text || ' ON UPDATE ' || co.confupdtype::text
              || CASE WHEN co.condeferrable THEN ' DEFERRABLE' ELSE '' END
              || CASE WHEN co.condeferred THEN ' INITIALLY DEFERRED' ELSE '' END
         ELSE '' END, false
  FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND co.contype IN ('p', 'u', 'f')
UNION ALL
SELECT 'enum ' || t.typname || ': ' || (SELECT pg_catalog.string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                                          FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), false
  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = 'public' AND t.typtype = 'e'
UNION ALL
SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid),
       EXISTS (SELECT FROM pg_catalog.pg_constraint f
                WHERE f.conrelid = i.indrelid AND f.contype = 'f'
                  AND f.conkey = pg_catalog.string_to_array(i.indkey::text, ' ')::int2[] AND i.indpred IS NULL)
  FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public'
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY 1`;

/*
 * The differences between the schema Sequelize made (facts of query a) and
 * orm_models' (query b), as lines; each query function runs SQL, returns rows.
 */
async function compareSchemas(a, b) {
	const fa = await a(FACTS_SQL);
	const fb = await b(FACTS_SQL);
	const sa = new Set(fa.map(r => r.fact));
	const sb = new Set(fb.map(r => r.fact));
	const out = [];
	for (const r of fa)
		if (!sb.has(r.fact))
			out.push(`only Sequelize's schema: ${r.fact}`);
	for (const r of fb)
		if (!sa.has(r.fact) && !r.fk_index)
			out.push(`only orm_models' schema: ${r.fact}`);
	return out;
}

module.exports = { compareSchemas, FACTS_SQL };

--
-- inflect: orm.pluralize and orm.singularize, the inflector Sequelize 6
-- takes from npm inflection@1.13.4.  Every expected value is what that
-- library gives (checked with node), quirks included; test/inflect/run.sh
-- compares some thirty thousand more words.
--
CREATE EXTENSION orm_models;

SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace = 'orm'::regnamespace
   AND p.proname IN ('pluralize', 'singularize')
 ORDER BY 1;

-- regular nouns, and the rules for endings
SELECT w AS word, orm.pluralize(w) AS plural, orm.singularize(w) AS singular
  FROM unnest(ARRAY['User', 'Post', 'Category', 'Company', 'Day', 'Key',
					'Query', 'Soliloquy', 'Status', 'Address', 'Box',
					'Match', 'Wish', 'Bus', 'Alias', 'Campus', 'Virus',
					'Quiz', 'Tomato', 'Photo', 'Knife', 'Wife', 'Wolf',
					'Roof', 'Hive', 'Movie', 'Drive', 'Database'])
	   WITH ORDINALITY AS t(w, n)
 ORDER BY n;

-- irregular and Latin plurals
SELECT w AS word, orm.pluralize(w) AS plural, orm.singularize(w) AS singular
  FROM unnest(ARRAY['Person', 'Man', 'Woman', 'Child', 'Mouse', 'Ox',
					'Foot', 'Tooth', 'Goose', 'Matrix', 'Vertex', 'Index',
					'Axis', 'Crisis', 'Analysis', 'Datum', 'Criterion',
					'Genus', 'Octopus'])
	   WITH ORDINALITY AS t(w, n)
 ORDER BY n;

-- already plural: pluralize leaves them alone
SELECT w AS word, orm.pluralize(w) AS plural, orm.singularize(w) AS singular
  FROM unnest(ARRAY['Users', 'People', 'Children', 'Statuses', 'Categories',
					'Mice', 'Feet', 'Oxen', 'Data', 'Criteria', 'Genera',
					'Wives', 'Quizzes', 'Databases'])
	   WITH ORDINALITY AS t(w, n)
 ORDER BY n;

-- uncountable words, whatever their case; "fish" and "access" are
-- commented out of inflection's list, so they are countable
SELECT w AS word, orm.pluralize(w) AS plural, orm.singularize(w) AS singular
  FROM unnest(ARRAY['Equipment', 'equipment', 'EQUIPMENT', 'Sheep', 'Deer',
					'News', 'Series', 'Species', 'Information', 'Fish',
					'Access'])
	   WITH ORDINALITY AS t(w, n)
 ORDER BY n;

-- case: the replaced ending is lower case, the rest is kept; a whole-word
-- rule (foot) gives a lower-case word
SELECT w AS word, orm.pluralize(w) AS plural, orm.singularize(w) AS singular
  FROM unnest(ARRAY['person', 'PERSON', 'pErSoN', 'MOUSE', 'FOOT', 'USER',
					'USERS', 'WIFE', 'CATEGORY', 'S'])
	   WITH ORDINALITY AS t(w, n)
 ORDER BY n;

-- inflection's quirks, kept as Sequelize has them
SELECT w AS word, orm.pluralize(w) AS plural, orm.singularize(w) AS singular
  FROM unnest(ARRAY['analyses', 'Alice', 'oxenford', 'slaves', 'Bonus',
					'canvas', 'ss', 'quy', 'Buffalo'])
	   WITH ORDINALITY AS t(w, n)
 ORDER BY n;

-- odd input: empty, spaces, separators, digits, non-ASCII
SELECT w AS word, orm.pluralize(w) AS plural, orm.singularize(w) AS singular
  FROM unnest(ARRAY['', ' ', 's', 'y', 'user_id', 'user id', 'Person ',
					'42', 'Café', 'Straße', 'niño', 'Ärger', 'Город', '日本',
					'ñy', '😀fe'])
	   WITH ORDINALITY AS t(w, n)
 ORDER BY n;

-- the Kelvin sign lowers to "k", so this "karate" is uncountable too
SELECT orm.pluralize(w) = w AS uncountable
  FROM (SELECT pg_catalog.chr(8490) || 'arate' AS w) AS t;

-- strict: NULL in, NULL out
SELECT orm.pluralize(NULL) IS NULL AS plural_null,
	   orm.singularize(NULL) IS NULL AS singular_null;

-- long words take linear time
SELECT pg_catalog.length(orm.pluralize(pg_catalog.repeat('a', 1000000) || 'y')) AS plural_len,
	   pg_catalog.right(orm.singularize(pg_catalog.repeat('x', 1000000) || 'ies'), 3) AS singular_end;

DROP EXTENSION orm_models;

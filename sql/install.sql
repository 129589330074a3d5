-- The extension installs into schema orm, with its catalog and functions.
CREATE EXTENSION orm_models;
SELECT extname, extversion, extrelocatable, n.nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'orm_models';
-- every object of the extension, by kind
SELECT pg_describe_object(classid, objid, 0) AS object
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'orm_models')
   AND deptype = 'e'
 ORDER BY 1;
-- the catalog tables are dumped with the user's data
SELECT extconfig::regclass[] FROM pg_extension WHERE extname = 'orm_models';
-- the catalog is empty, and readable by anyone
SELECT count(*) FROM orm.models;
SELECT count(*) FROM orm.associations;
SELECT has_table_privilege('public', 'orm.models', 'SELECT') AS public_can_read;
-- not relocatable
ALTER EXTENSION orm_models SET SCHEMA public;
DROP EXTENSION orm_models;
SELECT count(*) FROM pg_namespace WHERE nspname = 'orm';

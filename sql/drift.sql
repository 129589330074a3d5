-- orm.drift(): each kind of difference between the catalog and the live
-- tables, made by hand; orm.sync('{"alter": true}') repairs them all
-- except extra columns (never dropped), in one transaction.
CREATE EXTENSION orm_models;
CREATE SCHEMA drift;
SELECT orm.define_models('{
  "Shop": {"attributes": {"name": {"type": "STRING", "allowNull": false, "unique": true},
                          "status": {"type": "ENUM", "values": ["open", "closed"], "defaultValue": "open"},
                          "rating": {"type": "INTEGER", "defaultValue": 3},
                          "code": {"type": "STRING(8)", "unique": "shop_code"},
                          "region": {"type": "STRING(8)", "unique": "shop_code"}},
           "options": {"schema": "drift", "timestamps": false},
           "associations": [{"hasMany": "Product", "as": "products",
                             "foreignKey": {"name": "shopId", "allowNull": false}}]},
  "Product": {"attributes": {"sku": {"type": "STRING", "allowNull": false},
                             "price": "DECIMAL(10,2)",
                             "notes": "TEXT"},
              "options": {"schema": "drift", "timestamps": false,
                          "indexes": [{"fields": ["sku"], "name": "products_sku"}]},
              "associations": [{"belongsTo": "Shop", "as": "shop", "foreignKey": "shopId"},
                               {"belongsTo": "Shop", "as": "supplier"},
                               {"hasMany": "Review", "as": "reviews"}]},
  "Review": {"attributes": {"stars": "INTEGER"},
             "options": {"schema": "drift", "timestamps": false}},
  "Audit": {"attributes": {"action": "TEXT"},
            "options": {"schema": "drift", "timestamps": false}}
}') IS NOT NULL AS defined;
SELECT * FROM orm.sync();
INSERT INTO drift."Shops" (name, code, region) VALUES ('Alpha', 'A1', 'north'), ('Beta', 'B1', 'south');
INSERT INTO drift."Products" (sku, price, notes, "shopId", "supplierId") VALUES ('p-1', 1.50, 'first', 1, 2), ('p-2', 2.25, NULL, 2, NULL);
INSERT INTO drift."Reviews" (stars, "ProductId") VALUES (5, 1);
INSERT INTO drift."Audits" (action) VALUES ('created'), ('created');
-- in step: nothing to report, nothing to repair
SELECT * FROM orm.drift();
SELECT * FROM orm.sync('{"alter": true, "dryRun": true}');

--
-- each kind of difference, once
--
DROP TABLE drift."Reviews" CASCADE;                                           -- missing table
ALTER TABLE drift."Products" DROP COLUMN notes;                                -- missing column
ALTER TABLE drift."Products" ADD COLUMN legacy text DEFAULT 'x';               -- extra column
ALTER TABLE drift."Products" ALTER COLUMN price TYPE real;                     -- type mismatch
ALTER TABLE drift."Products" ALTER COLUMN sku DROP NOT NULL;                   -- nullability mismatch
ALTER TABLE drift."Shops" ALTER COLUMN code SET NOT NULL;                      -- nullability mismatch
ALTER TABLE drift."Shops" ALTER COLUMN rating DROP DEFAULT;                    -- missing default
ALTER TABLE drift."Shops" ALTER COLUMN region SET DEFAULT 'north';             -- unexpected default
ALTER TABLE drift."Audits" DROP CONSTRAINT "Audits_pkey";                      -- missing primary key
ALTER TABLE drift."Shops" DROP CONSTRAINT "Shops_name_key";                    -- missing unique constraint
ALTER TABLE drift."Shops" DROP CONSTRAINT "Shops_code_region_key";            -- missing unique constraint (composite)
ALTER TABLE drift."Products" DROP CONSTRAINT "Products_supplierId_fkey";      -- missing foreign key
ALTER TABLE drift."Products" DROP CONSTRAINT "Products_shopId_fkey",           -- foreign key actions differ
  ADD FOREIGN KEY ("shopId") REFERENCES drift."Shops" (id) ON DELETE RESTRICT;
DROP INDEX drift."Products_shopId_idx";                                        -- missing foreign key index
DROP INDEX drift.products_sku;                                                 -- missing index (indexes option)
DROP TYPE drift."enum_Shops_status" CASCADE;                                   -- missing enum type (and its column)
DROP FUNCTION drift.shop(drift."Products");                                    -- missing relationship function
CREATE OR REPLACE FUNCTION drift.products(drift."Shops")                      -- relationship function out of date
  RETURNS SETOF drift."Products" LANGUAGE sql STABLE AS 'SELECT t.* FROM drift."Products" t';
SELECT * FROM orm.drift();
SELECT * FROM orm.sync('{"alter": true, "dryRun": true}');
-- dryRun changed nothing
SELECT count(*) AS differences FROM orm.drift();

--
-- alter with data that violates a repair: an error naming the statement,
-- and nothing of the other repairs is left behind
--
INSERT INTO drift."Products" (sku, price, "shopId") VALUES (NULL, 3, 1);
SELECT * FROM orm.sync('{"alter": true}');
SELECT count(*) AS differences FROM orm.drift();
SELECT to_regtype('drift."enum_Shops_status"') AS enum_type, to_regclass('drift."Reviews"') AS reviews;
-- a unique repair over duplicate values
UPDATE drift."Products" SET sku = 'p-3' WHERE sku IS NULL;
UPDATE drift."Shops" SET name = 'Alpha' WHERE id = 2;
SELECT * FROM orm.sync('{"alter": true}');
SELECT count(*) AS differences FROM orm.drift();
UPDATE drift."Shops" SET name = 'Beta' WHERE id = 2;

--
-- alter repairs everything but the extra column
--
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
-- and has nothing left to do
SELECT * FROM orm.sync('{"alter": true}');
\d drift."Shops"
\d drift."Products"
\d drift."Reviews"
-- the data survived the repairs
SELECT orm.find_all('Shop', '{"attributes": ["name", "status", "rating"], "order": [["id", "ASC"]],
  "include": [{"association": "products", "attributes": ["sku", "price"], "order": [["id", "ASC"]]}]}');
SELECT p.sku, s.name FROM drift."Products" p, LATERAL drift.shop(p) s ORDER BY p.sku;

--
-- a different primary key is reported, not rebuilt
--
ALTER TABLE drift."Reviews" DROP CONSTRAINT "Reviews_pkey", ADD PRIMARY KEY (id, stars);
SELECT * FROM orm.drift() WHERE problem <> 'extra column';
SELECT * FROM orm.sync('{"alter": true, "dryRun": true}');
ALTER TABLE drift."Reviews" DROP CONSTRAINT "Reviews_pkey", ADD PRIMARY KEY (id),
  ALTER COLUMN stars DROP NOT NULL;
SELECT * FROM orm.drift() WHERE problem <> 'extra column';

--
-- a default that differs from the attribute's defaultValue
--
ALTER TABLE drift."Shops" ALTER COLUMN rating SET DEFAULT 42;
SELECT count(*) AS rating_differences FROM orm.drift() WHERE detail ~ '\mrating\M';
SELECT 'repaired' AS step FROM (SELECT count(*) FROM orm.sync('{"alter": true}')) s;
SELECT pg_get_expr(adbin, adrelid) AS rating_default FROM pg_attrdef
 WHERE adrelid = 'drift."Shops"'::regclass
   AND adnum = (SELECT attnum FROM pg_attribute WHERE attrelid = 'drift."Shops"'::regclass AND attname = 'rating');
SELECT * FROM orm.drift() WHERE problem <> 'extra column';
-- defaults are compared as the expressions PostgreSQL stores, nothing is run:
-- the same literal written otherwise is the same; another expression is not
ALTER TABLE drift."Shops" ALTER COLUMN rating SET DEFAULT (3);
SELECT count(*) AS same_literal FROM orm.drift() WHERE detail ~ '\mrating\M';
ALTER TABLE drift."Shops" ALTER COLUMN rating SET DEFAULT 1 + 2;
SELECT problem, detail FROM orm.drift() WHERE detail ~ '\mrating\M';
ALTER TABLE drift."Shops" ALTER COLUMN status SET DEFAULT 'closed';
SELECT problem, detail FROM orm.drift() WHERE detail ~ '\mstatus\M';
SELECT 'repaired' AS step FROM (SELECT count(*) FROM orm.sync('{"alter": true}')) s;
SELECT * FROM orm.drift() WHERE problem <> 'extra column';

--
-- repairs that depend on each other: a missing table that references a
-- table whose primary key is missing too
--
DROP TABLE drift."Reviews" CASCADE;
ALTER TABLE drift."Products" DROP CONSTRAINT "Products_pkey";
SELECT * FROM orm.drift() WHERE problem <> 'extra column';
SELECT 'repaired' AS step FROM (SELECT count(*) FROM orm.sync('{"alter": true}')) s;
SELECT * FROM orm.drift() WHERE problem <> 'extra column';
-- (should the alter above fail, repair by hand, so that what follows starts clean)
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_constraint WHERE conrelid = 'drift."Products"'::regclass AND contype = 'p') THEN
    ALTER TABLE drift."Products" ADD PRIMARY KEY (id);
  END IF;
END $$;
SELECT 'repaired' AS step FROM (SELECT count(*) FROM orm.sync('{"alter": true}')) s;

--
-- repairs that need more than one statement: one alter still converges
--
-- an enum column turned into text, with a text default, its type dropped
ALTER TABLE drift."Shops" ALTER COLUMN status DROP DEFAULT;
ALTER TABLE drift."Shops" ALTER COLUMN status TYPE text;
ALTER TABLE drift."Shops" ALTER COLUMN status SET DEFAULT 'closed';
DROP TYPE drift."enum_Shops_status";
SELECT model, problem FROM orm.drift() WHERE problem <> 'extra column';
SELECT 'repaired' AS step FROM (SELECT count(*) FROM orm.sync('{"alter": true}')) s;
SELECT * FROM orm.drift() WHERE problem <> 'extra column';
SELECT format_type(atttypid, atttypmod) AS status_type FROM pg_attribute
 WHERE attrelid = 'drift."Shops"'::regclass AND attname = 'status';
SELECT orm.find_all('Shop', '{"attributes": ["name", "status"], "order": [["id", "ASC"]]}');
-- (should the alter above fail, repair by hand, so that what follows starts clean)
DO $$
BEGIN
  IF to_regtype('drift."enum_Shops_status"') IS NULL THEN
    CREATE TYPE drift."enum_Shops_status" AS ENUM ('open', 'closed');
  END IF;
  IF (SELECT atttypid FROM pg_attribute WHERE attrelid = 'drift."Shops"'::regclass AND attname = 'status')
     <> 'drift."enum_Shops_status"'::regtype THEN
    ALTER TABLE drift."Shops" ALTER COLUMN status DROP DEFAULT;
    ALTER TABLE drift."Shops" ALTER COLUMN status TYPE drift."enum_Shops_status" USING status::drift."enum_Shops_status";
    ALTER TABLE drift."Shops" ALTER COLUMN status SET DEFAULT 'open';
  END IF;
END $$;
-- an enum column turned into text by hand, the type still there
ALTER TABLE drift."Shops" ALTER COLUMN status DROP DEFAULT;
ALTER TABLE drift."Shops" ALTER COLUMN status TYPE text;
ALTER TABLE drift."Shops" ALTER COLUMN status SET DEFAULT 'closed';
SELECT model, problem FROM orm.drift() WHERE problem <> 'extra column';
SELECT 'repaired' AS step FROM (SELECT count(*) FROM orm.sync('{"alter": true}')) s;
SELECT * FROM orm.drift() WHERE problem <> 'extra column';
SELECT orm.find_all('Shop', '{"attributes": ["name", "status"], "order": [["id", "ASC"]]}');
SELECT * FROM orm.drift();

-- (fuzzer) a defaultValue of null is no default: no drift, nothing to alter
SELECT orm.define('NullDefault', '{"a": {"type": "INTEGER", "defaultValue": null}}', '{"schema": "drift", "timestamps": false}') ->> 'name' AS defined;
SELECT count(*) > 0 AS synced FROM orm.sync('{"models": ["NullDefault"]}');
SELECT * FROM orm.drift() WHERE model = 'NullDefault';
SELECT * FROM orm.sync('{"alter": true, "dryRun": true, "models": ["NullDefault"]}');

DROP SCHEMA drift CASCADE;
DROP EXTENSION orm_models;

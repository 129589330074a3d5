-- GEOMETRY and GEOGRAPHY: PostGIS types, written as in Sequelize or as
-- PostgreSQL type names; find_* returns them as GeoJSON, as Sequelize does
-- (wkx's toGeoJSON, with a short CRS when the value has an SRID).
CREATE EXTENSION orm_models;
SET TIME ZONE 'UTC';
-- without PostGIS, a clear error that says what is missing
SELECT orm.define('Place', '{"loc": "GEOMETRY"}');
SELECT orm.define('Place', '{"loc": "GEOGRAPHY(POINT, 4326)"}');
CREATE EXTENSION postgis;
SELECT orm.define_models('{
 "Region": {"attributes": {"name": "STRING", "area": "GEOMETRY(POLYGON, 4326)"},
            "options": {"timestamps": false},
            "associations": [{"hasMany": "Place", "as": "places"}]},
 "Place": {"attributes": {"name": "STRING",
                          "shape": "GEOMETRY",
                          "point": "GEOMETRY(POINT)",
                          "wgs": "GEOMETRY(''POINT'', 4326)",
                          "spot": "geometry(Point,4326)",
                          "geog": "GEOGRAPHY(POINT, 4326)",
                          "path": "GEOGRAPHY"},
           "options": {"timestamps": false}}
}') IS NOT NULL AS defined;
SELECT * FROM orm.sync();
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = '"Places"'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum;
INSERT INTO "Regions" (name, area) VALUES
  ('square', 'SRID=4326;POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))');
INSERT INTO "Places" (name, shape, point, wgs, spot, geog, path, "RegionId") VALUES
  ('a', 'LINESTRING(0 0, 1 1.5)', 'POINT(1 2)', 'SRID=4326;POINT(13.404954 52.520008)',
   'SRID=4326;POINT(-0.1 51.5)', 'POINT(2.35 48.85)', 'LINESTRING(0 0, 0.5 0.25)', 1),
  ('b', NULL, NULL, NULL, NULL, NULL, NULL, 1);
SELECT orm.find_all('Place', '{"order": ["id"]}');
SELECT orm.find_all('Region', '{"include": [{"association": "places", "attributes": ["name", "wgs"]}], "order": [["places", "id"]]}');
SELECT orm.find_by_pk('Place', 1, '{"attributes": ["geog"]}');
-- a where on other columns; the geometry columns compare as PostGIS does
SELECT orm.count('Place', '{"where": {"shape": null}}') AS no_shape;
SELECT * FROM orm.drift();
-- a type of that name that is not PostGIS's comes out as it is
CREATE SCHEMA notgis;
CREATE TYPE notgis.geometry AS ENUM ('x');
SELECT orm.define('Odd', '{"g": "notgis.geometry"}', '{"timestamps": false}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["Odd"]}');
INSERT INTO "Odds" (g) VALUES ('x');
SELECT orm.find_all('Odd');

DROP TABLE "Odds", "Places", "Regions" CASCADE;
DROP SCHEMA notgis CASCADE;
DROP EXTENSION orm_models;
DROP EXTENSION postgis;

-- test/dump_restore/models.sql: the database that is dumped.  Several
-- models and associations (an ENUM, the indexes option, belongsToMany,
-- underscored, a second schema), rows, and a table and a column renamed by
-- hand after sync.
SET client_min_messages = warning;
CREATE EXTENSION orm_models;
SELECT orm.define_models('{
  "User": {"attributes": {"name": {"type": "STRING", "allowNull": false},
                          "email": {"type": "STRING", "allowNull": false, "unique": true},
                          "role": {"type": "ENUM", "values": ["admin", "member"], "defaultValue": "member"}},
           "options": {"indexes": [{"fields": ["name"]}]},
           "associations": [{"hasMany": "Post", "as": "posts", "foreignKey": "userId"},
                            {"belongsToMany": "Group", "as": "groups"}]},
  "Post": {"attributes": {"title": {"type": "STRING", "allowNull": false},
                          "body": "TEXT",
                          "userId": {"type": "INTEGER", "allowNull": false,
                                     "references": {"model": "Users", "key": "id"}}},
           "associations": [{"belongsTo": "User", "as": "author", "foreignKey": "userId"}]},
  "Group": {"attributes": {"label": {"type": "STRING", "unique": true}},
            "options": {"timestamps": false},
            "associations": [{"belongsToMany": "User", "as": "members"}]},
  "Order": {"attributes": {"total": "DECIMAL(10,2)", "placedOn": "DATEONLY"},
            "options": {"schema": "shop", "underscored": true, "timestamps": false},
            "associations": [{"belongsTo": "User", "as": "buyer"},
                             {"hasMany": "OrderItem", "as": "items"}]},
  "OrderItem": {"attributes": {"sku": {"type": "STRING(20)", "allowNull": false}, "qty": "INTEGER"},
                "options": {"schema": "shop", "underscored": true, "timestamps": false,
                            "indexes": [{"fields": ["sku", "qty"], "unique": true}]}}
}') IS NOT NULL AS defined;
SELECT count(*) AS statements FROM orm.sync();

INSERT INTO "Users" (name, email, role, "createdAt", "updatedAt") VALUES
  ('Ann', 'ann@example.com', 'admin', '2024-01-01 10:00+00', '2024-01-01 10:00+00'),
  ('Bob', 'bob@example.com', 'member', '2024-01-02 10:00+00', '2024-01-02 10:00+00'),
  ('Cid', 'cid@example.com', 'member', '2024-01-03 10:00+00', '2024-01-03 10:00+00');
INSERT INTO "Posts" (title, body, "userId", "createdAt", "updatedAt") VALUES
  ('Hello', 'first', 1, '2024-02-01 10:00+00', '2024-02-01 10:00+00'),
  ('Again', NULL, 1, '2024-02-02 10:00+00', '2024-02-02 10:00+00'),
  ('Mine', 'bob''s', 2, '2024-02-03 10:00+00', '2024-02-03 10:00+00');
INSERT INTO "Groups" (label) VALUES ('staff'), ('guests');
INSERT INTO "GroupsUsers" ("UserId", "GroupId", "createdAt", "updatedAt") VALUES
  (1, 1, '2024-03-01 10:00+00', '2024-03-01 10:00+00'),
  (2, 1, '2024-03-01 10:00+00', '2024-03-01 10:00+00'),
  (2, 2, '2024-03-01 10:00+00', '2024-03-01 10:00+00');
INSERT INTO shop.orders (total, placed_on, buyer_id) VALUES (10.50, '2024-04-01', 1), (3.00, '2024-04-02', 2);
INSERT INTO shop.order_items (sku, qty, order_id) VALUES ('A-1', 2, 1), ('B-2', 1, 1), ('A-1', 5, 2);

-- by hand: a table renamed, a column renamed; sync alter brings the
-- relationship functions up to date, so that drift() is empty
ALTER TABLE "Posts" RENAME TO articles;
ALTER TABLE articles RENAME COLUMN title TO headline;
SELECT count(*) AS statements FROM orm.sync('{"alter": true}');

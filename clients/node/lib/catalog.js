/*
 * lib/catalog.js: what the package knows of the models, read once.
 *
 * One query reads every model as orm.describe normalizes it (attribute
 * types as format_type prints them, primary keys, associations with their
 * resolved keys and junctions) and, from orm.associations, whether each
 * alias was given (Sequelize's isAliased, which decides how {model} without
 * "as" is resolved).  If one model cannot be described (a type it names is
 * gone), each model is read on its own and only calls touching the broken
 * one fail, with the server's error.  From this the package knows, per
 * attribute, the conversion its value needs (lib/result.js) and, per model,
 * the associations an include may name (the resolver of lib/options.js).
 */
'use strict';

const { fromPg } = require('./errors');
const { kindOf } = require('./result');

const ALL_SQL = `SELECT m.name, orm.describe(m.name) AS d,
  (SELECT pg_catalog.json_object_agg(a.alias, a.options ? 'as')
     FROM orm.associations a WHERE a.source = m.name) AS aliased
  FROM orm.models m`;
const NAMES_SQL = 'SELECT name FROM orm.models';
const ONE_SQL = `SELECT orm.describe($1) AS d,
  (SELECT pg_catalog.json_object_agg(a.alias, a.options ? 'as')
     FROM orm.associations a WHERE a.source = $1) AS aliased`;

const TYPE_NAMES = { hasOne: 'HasOne', hasMany: 'HasMany', belongsTo: 'BelongsTo', belongsToMany: 'BelongsToMany' };

class CatalogModel {
	constructor(name, d, aliased) {
		this.name = name;
		this.tableName = d.tableName;
		this.schema = d.schema;
		this.options = d.options || {};
		this.attributes = d.attributes || {};
		this.kinds = {};
		this.primaryKeys = [];
		for (const [attr, def] of Object.entries(this.attributes)) {
			const k = kindOf(def.type);
			if (k)
				this.kinds[attr] = k;
			if (def.primaryKey)
				this.primaryKeys.push(attr);
		}
		this.associations = (d.associations || []).map(a => ({
			as: a.as,
			type: TYPE_NAMES[a.kind],
			kind: a.kind,
			target: a.target,
			many: a.kind === 'hasMany' || a.kind === 'belongsToMany',
			through: a.through,
			foreignKey: a.foreignKey,
			otherKey: a.otherKey,
			sourceKey: a.sourceKey,
			targetKey: a.targetKey,
			aliased: aliased ? aliased[a.as] !== false : true,
		}));
	}

	association(alias) {
		return this.associations.find(a => a.as === alias);
	}
}

class Catalog {
	constructor(models, broken) {
		this.models = models;
		this.broken = broken;
		this._junctions = new Map();
		const self = this;
		this.resolver = {
			associations(name) {
				return self.model(name).associations;
			},
		};
	}

	/* The model, or the error it failed with, or a "does not exist" error. */
	model(name) {
		const m = this.models.get(name);
		if (m)
			return m;
		if (this.broken.has(name))
			throw this.broken.get(name);
		const e = new Error(`model "${name}" does not exist`);
		e.code = '42704';
		e.name = 'OrmError';
		throw e;
	}

	/*
	 * The junction row of belongsToMany `a` of model `source`: the key it
	 * has in a result row (the junction model's name) and its kinds.  A
	 * "through" naming a defined model (or its table) is that model; else
	 * the junction orm_models made: the two keys (typed as the keys they
	 * point at) and the timestamps.
	 */
	junction(source, a) {
		const id = `${source.name}.${a.as}`;
		if (this._junctions.has(id))
			return this._junctions.get(id);
		let j = this.models.get(a.through);
		if (!j) {
			for (const m of this.models.values()) {
				if (m.tableName === a.through && m.schema === source.schema)
					j = m;
			}
		}
		let out;
		if (j) {
			out = { key: j.name, kinds: j.kinds };
		} else {
			const target = this.model(a.target);
			const kinds = { createdAt: { k: 'date' }, updatedAt: { k: 'date' }, deletedAt: { k: 'date' } };
			const sk = source.kinds[a.sourceKey];
			const tk = target.kinds[a.targetKey];
			if (sk)
				kinds[a.foreignKey] = sk;
			if (tk)
				kinds[a.otherKey] = tk;
			out = { key: a.through, kinds };
		}
		this._junctions.set(id, out);
		return out;
	}
}

async function loadOne(q, name) {
	const r = await q({ text: ONE_SQL, values: [name] });
	return new CatalogModel(name, r.rows[0].d, r.rows[0].aliased);
}

/* Reads the catalog through q (a function running one query). */
async function loadCatalog(q) {
	const models = new Map();
	const broken = new Map();
	try {
		const r = await q({ text: ALL_SQL });
		for (const row of r.rows)
			models.set(row.name, new CatalogModel(row.name, row.d, row.aliased));
	} catch (e) {
		if (!e || !e.code || !e.severity)
			throw fromPg(e);
		const names = (await q({ text: NAMES_SQL })).rows.map(r => r.name);
		for (const name of names) {
			try {
				models.set(name, await loadOne(q, name));
			} catch (e2) {
				broken.set(name, fromPg(e2));
			}
		}
	}
	return new Catalog(models, broken);
}

module.exports = { loadCatalog, Catalog, CatalogModel };

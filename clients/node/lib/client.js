/*
 * lib/client.js: OrmModels and its model objects.
 *
 *   const orm = new OrmModels(pool);           // a pg.Pool (or Client)
 *   const users = await orm.model('User').findAll({include: ['posts']});
 *
 * Each call is one named prepared statement through node-postgres
 * ("SELECT orm.find_all($1, $2::jsonb)"): each connection parses it once and
 * the server keeps its plan; orm_models in turn keeps the statement it
 * builds for the query.  The options are translated by lib/options.js, the
 * JSON text that comes back is parsed and converted by lib/result.js, with
 * the types read once from the catalog (lib/catalog.js; refresh() reads it
 * again after the models change).
 */
'use strict';

const crypto = require('crypto');
const { translateFind } = require('./options');
const { shapeOf, parseResult, DEFAULT_PARSERS } = require('./result');
const { loadCatalog } = require('./catalog');
const { fromPg, OrmOptionError, EmptyResultError } = require('./errors');

/* json and jsonb arrive as text: the package parses them itself. */
const RAW_TYPES = { getTypeParser: () => v => v };

const SQL = {
	findAll: 'SELECT orm.find_all($1, $2::jsonb) AS r',
	findOne: 'SELECT orm.find_one($1, $2::jsonb) AS r',
	count: 'SELECT orm.count($1, $2::jsonb) AS r',
};

const names = new Map();

/* At most this many result shapes are kept per catalog (one per query text). */
const SHAPES_KEPT = 1000;

/* The statement's name: from its text, so that one name never means two texts. */
function statementName(text) {
	let name = names.get(text);
	if (!name) {
		name = `orm_models_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
		names.set(text, name);
	}
	return name;
}

/* Parsers of bigint/numeric text, as a Sequelize instance's connection manager has them. */
function parsersOf(sequelize) {
	if (!sequelize)
		return DEFAULT_PARSERS;
	const cm = sequelize.connectionManager;
	if (!cm || typeof cm.getTypeParser !== 'function')
		return DEFAULT_PARSERS;
	const p20 = cm.getTypeParser(20, 'text');
	const p1700 = cm.getTypeParser(1700, 'text');
	return {
		bigint: typeof p20 === 'function' ? v => p20(v) : DEFAULT_PARSERS.bigint,
		decimal: typeof p1700 === 'function' ? v => p1700(v) : DEFAULT_PARSERS.decimal,
	};
}

/* The node-postgres client a call runs on: its transaction's, or the pool. */
function runnerOf(pool, transaction) {
	if (transaction === undefined || transaction === null)
		return pool;
	if (typeof transaction.query === 'function')
		return transaction;
	if (transaction.connection && typeof transaction.connection.query === 'function')
		return transaction.connection;
	throw new OrmOptionError('transaction', 'transaction must be a node-postgres client (or a Sequelize transaction on PostgreSQL)');
}

class OrmModels {
	/*
	 * pool: a pg.Pool or pg.Client.  options.sequelize: read BIGINT and
	 * DECIMAL through that instance's type parsers (what its findAll gives);
	 * options.parsers: {bigint, decimal}, functions of the text.
	 */
	constructor(pool, options = {}) {
		if (!pool || typeof pool.query !== 'function')
			throw new TypeError('new OrmModels(pool): pool must be a node-postgres Pool or Client');
		for (const k of Object.keys(options)) {
			if (!['sequelize', 'parsers'].includes(k))
				throw new OrmOptionError(k, `unrecognized option "${k}" for new OrmModels()`);
		}
		this.pool = pool;
		this.parsers = { ...parsersOf(options.sequelize), ...(options.parsers || {}) };
		this._catalog = null;
		this._models = new Map();
		this._shapes = new WeakMap();
	}

	/* The catalog, read on first use. */
	catalog() {
		if (!this._catalog) {
			this._catalog = loadCatalog(q => this.pool.query(q)).catch(e => {
				this._catalog = null;
				throw e;
			});
		}
		return this._catalog;
	}

	/* Forget the catalog (after define_models, sync...): read again on next use. */
	refresh() {
		this._catalog = null;
		return this;
	}

	/* The model object for model `name` (a name, or a Sequelize model class). */
	model(name) {
		const n = typeof name === 'string' ? name : name && name.name;
		if (typeof n !== 'string')
			throw new TypeError('orm.model(name): name must be a model name or a Sequelize model class');
		let m = this._models.get(n);
		if (!m) {
			m = new OrmModel(this, n);
			this._models.set(n, m);
		}
		return m;
	}

	/* One named statement, its result's first value. */
	async _run(runner, text, values, call) {
		const started = call.logging ? Date.now() : 0;
		let res;
		try {
			res = await runner.query({ name: statementName(text), text, values, types: RAW_TYPES });
		} catch (e) {
			throw fromPg(e);
		}
		if (typeof call.logging === 'function') {
			const msg = `Executing (orm-models): ${text.replace(/\$(\d+)/g, (_, i) => JSON.stringify(values[i - 1]))}`;
			if (call.benchmark)
				call.logging(msg, Date.now() - started);
			else
				call.logging(msg);
		}
		return res.rows[0].r;
	}

	_shapes_for(catalog) {
		let s = this._shapes.get(catalog);
		if (!s) {
			s = new Map();
			this._shapes.set(catalog, s);
		}
		return s;
	}
}

/* Sequelize's Model statics, answered by orm_models. */
class OrmModel {
	constructor(orm, name) {
		this.orm = orm;
		this.name = name;
		this.isOrmModel = true;
	}

	async _prepare(options, method) {
		let catalog = await this.orm.catalog();
		if (!catalog.models.has(this.name) && !catalog.broken.has(this.name)) {
			/* defined since the catalog was read? */
			catalog = await this.orm.refresh().catalog();
		}
		const model = catalog.model(this.name);
		const { query, call } = translateFind(options, method, { resolver: catalog.resolver, model: this.name });
		if (call.raw && query.include)
			throw new OrmOptionError('raw', 'raw: true with include gives Sequelize\'s flat joined rows; orm-models returns nested objects (leave raw out)');
		if (call.plain !== undefined && call.plain !== true)
			throw new OrmOptionError('plain', 'plain: false is not supported');
		return { catalog, model, query, call };
	}

	/*
	 * The result's shape, kept per query text (what the extension is sent)
	 * for the catalog it was made from: a repeated call makes none.
	 */
	_shape(catalog, query, text) {
		const cache = this.orm._shapes_for(catalog);
		const key = `${this.name}\u0000${text}`;
		let shape = cache.get(key);
		if (!shape) {
			shape = shapeOf(catalog, this.name, query.include, cache, query.attributes);
			if (cache.size < SHAPES_KEPT)
				cache.set(key, shape);
		}
		return shape;
	}

	async findAll(options) {
		const { catalog, query, call } = await this._prepare(options, 'findAll');
		const runner = runnerOf(this.orm.pool, call.transaction);
		const q = JSON.stringify(query);
		const text = await this.orm._run(runner, SQL.findAll, [this.name, q], call);
		return parseResult(text, this._shape(catalog, query, q), this.orm.parsers);
	}

	async findOne(options) {
		const { catalog, query, call } = await this._prepare(options, 'findOne');
		const runner = runnerOf(this.orm.pool, call.transaction);
		const q = JSON.stringify(query);
		const text = await this.orm._run(runner, SQL.findOne, [this.name, q], call);
		return this._one(parseResult(text, this._shape(catalog, query, q), this.orm.parsers), call);
	}

	async findByPk(param, options) {
		if (param === null || param === undefined)
			return null;
		if (!['number', 'bigint', 'string'].includes(typeof param) && !Buffer.isBuffer(param))
			throw new OrmOptionError('param', `Argument passed to findByPk is invalid: ${param}`);
		const { catalog, model, query, call } = await this._prepare(options, 'findByPk');
		/* Sequelize's findByPk replaces the where with the key */
		delete query.where;
		const runner = runnerOf(this.orm.pool, call.transaction);
		const pk = model.primaryKeys[0];
		let text;
		let q;
		if (model.primaryKeys.length === 1) {
			const sql = model.findByPkSql || (model.findByPkSql = `SELECT orm.find_by_pk($1, $2::${model.attributes[pk].type}, $3::jsonb) AS r`);
			const value = typeof param === 'bigint' ? String(param) : Buffer.isBuffer(param) ? `\\x${param.toString('hex')}` : param;
			q = JSON.stringify(query);
			text = await this.orm._run(runner, sql, [this.name, value, q], call);
		} else {
			query.where = { [pk]: typeof param === 'bigint' ? String(param) : param };
			q = JSON.stringify(query);
			text = await this.orm._run(runner, SQL.findOne, [this.name, q], call);
		}
		/* the shape does not depend on the where (the key) */
		return this._one(parseResult(text, this._shape(catalog, query, model.primaryKeys.length === 1 ? q : JSON.stringify({ ...query, where: undefined })), this.orm.parsers), call);
	}

	async count(options) {
		const { model, query, call } = await this._prepare(options, 'count');
		/* Sequelize's count ignores these */
		delete query.limit;
		delete query.offset;
		delete query.order;
		delete query.attributes;
		if (call.col !== undefined && !model.primaryKeys.includes(call.col))
			throw new OrmOptionError('col', 'count({col}) of a column other than the primary key is not supported by this version of orm-models');
		if (call.col !== undefined && !call.distinct)
			throw new OrmOptionError('col', 'count({col}) without distinct counts non-null values, which this version of orm-models does not do');
		const runner = runnerOf(this.orm.pool, call.transaction);
		const r = await this.orm._run(runner, SQL.count, [this.name, JSON.stringify(query)], call);
		return r === null ? 0 : Number(r);
	}

	_one(row, call) {
		if (row === null && call.rejectOnEmpty) {
			if (call.rejectOnEmpty instanceof Error)
				throw call.rejectOnEmpty;
			if (typeof call.rejectOnEmpty === 'function')
				throw new call.rejectOnEmpty();
			throw new EmptyResultError();
		}
		return row;
	}
}

module.exports = { OrmModels, OrmModel, statementName };

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
 * again after the models change).  A read's translation (the JSON text
 * sent, the result's shape) is kept per catalog under a key of its options'
 * content (findKey), so that a repeated call only runs the statement and
 * converts its result.
 */
'use strict';

const crypto = require('crypto');
const { translateFind, findKey } = require('./options');
const { shapeOf, parseResult, DEFAULT_PARSERS } = require('./result');
const { loadCatalog } = require('./catalog');
const { fromPg, OrmOptionError, EmptyResultError } = require('./errors');

/* json and jsonb arrive as text: the package parses them itself. */
const RAW_TYPES = { getTypeParser: () => v => v };

const SQL = {
	findAll: 'SELECT orm.find_all($1, $2::jsonb) AS r',
	findOne: 'SELECT orm.find_one($1, $2::jsonb) AS r',
	count: 'SELECT orm.count($1, $2::jsonb) AS r',
	findAndCountAll: 'SELECT orm.find_and_count_all($1, $2::jsonb) AS r',
	create: 'SELECT orm.create($1, $2::json, $3::jsonb) AS r',
	bulkCreate: 'SELECT orm.bulk_create($1, $2::json, $3::jsonb) AS r',
	update: 'SELECT orm.update($1, $2::json, $3::jsonb) AS r',
	increment: 'SELECT orm.increment($1, $2::jsonb, $3::jsonb) AS r',
	decrement: 'SELECT orm.decrement($1, $2::jsonb, $3::jsonb) AS r',
	destroy: 'SELECT orm.destroy($1, $2::jsonb) AS r',
	restore: 'SELECT orm.restore($1, $2::jsonb) AS r',
	upsert: 'SELECT orm.upsert($1, $2::json, $3::jsonb) AS r',
};

/* The methods that apply a scope (Sequelize's _injectScope): the reads, and these writes. */
const SCOPED = new Set(['findAll', 'findOne', 'findByPk', 'count', 'findAndCountAll',
	'update', 'increment', 'decrement', 'destroy']);

/* A value written: JSON as the extension reads it (Dates as ISO text, BigInts and Buffers as text). */
function writeValue(v) {
	return JSON.stringify(v, function replacer(k, x) {
		const raw = this[k];
		if (raw instanceof Date)
			return raw.toISOString();
		if (typeof raw === 'bigint')
			return String(raw);
		if (Buffer.isBuffer(raw))
			return `\\x${raw.toString('hex')}`;
		if (raw && typeof raw === 'object' && typeof raw.toJSON === 'function' && raw.constructor && raw.constructor.sequelize)
			return raw.get({ plain: true });
		return x;
	});
}

const names = new Map();

/* At most this many result shapes are kept per catalog (one per query text). */
const SHAPES_KEPT = 1000;

/* At most this many read plans are kept per catalog (then they are all dropped). */
const PLANS_KEPT = 1000;

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
		/* the catalog once read (this._catalog resolved), for the calls that need not wait */
		this._ready = null;
		this._models = new Map();
		this._shapes = new WeakMap();
		this._plans = new WeakMap();
	}

	/* The catalog, read on first use. */
	catalog() {
		if (!this._catalog) {
			const p = loadCatalog(q => this.pool.query(q)).then(c => {
				if (this._catalog === p)
					this._ready = c;
				return c;
			}, e => {
				if (this._catalog === p)
					this._catalog = null;
				throw e;
			});
			this._catalog = p;
		}
		return this._catalog;
	}

	/* Forget the catalog (after define_models, sync...): read again on next use. */
	refresh() {
		this._catalog = null;
		this._ready = null;
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

	_plans_for(catalog) {
		let s = this._plans.get(catalog);
		if (!s) {
			s = new Map();
			this._plans.set(catalog, s);
		}
		return s;
	}
}

/* Sequelize's Model statics, answered by orm_models. */
class OrmModel {
	constructor(orm, name, scope) {
		this.orm = orm;
		this.name = name;
		this.isOrmModel = true;
		/* undefined: the default scope; false: none; else a list of scope names */
		this._scope = scope;
		this._planKey = `${name.length}:${name}\u0000${scope === undefined ? 'd' : JSON.stringify(scope)}\u0000`;
	}

	/*
	 * Sequelize's Model.scope: scope('a'), scope('a', 'b'), scope(['a', 'b']);
	 * scope() and scope(null) are unscoped().  The model object it returns
	 * sends them as the query's "scope" (the extension merges them).
	 */
	scope(...names) {
		const list = names.flat();
		if (list.length === 0 || (list.length === 1 && (list[0] === null || list[0] === undefined)))
			return this.unscoped();
		for (const n of list) {
			if (typeof n !== 'string') {
				const what = n && typeof n === 'object' && n.method ? 'a scope function ({method})' : `a ${typeof n}`;
				throw new OrmOptionError('scope', `Model.scope(): ${what} is not supported by orm-models; name scopes defined in the model's options`);
			}
		}
		return new OrmModel(this.orm, this.name, list);
	}

	unscoped() {
		return new OrmModel(this.orm, this.name, false);
	}

	/* The catalog, with this model in it if it is defined (read again if it was not). */
	async _catalog() {
		let catalog = this.orm._ready || await this.orm.catalog();
		if (!catalog.models.has(this.name) && !catalog.broken.has(this.name)) {
			/* defined since the catalog was read? */
			catalog = await this.orm.refresh().catalog();
		}
		return catalog;
	}

	/* The catalog when it is read and has this model: no wait (else null: call _catalog). */
	_readyCatalog() {
		const c = this.orm._ready;
		return c !== null && c.models.has(this.name) ? c : null;
	}

	async _prepare(options, method) {
		return this._prepareIn(await this._catalog(), options, method);
	}

	_prepareIn(catalog, options, method) {
		const model = catalog.model(this.name);
		const { query, call } = translateFind(options, method, { resolver: catalog.resolver, model: this.name });
		if (this._scope !== undefined && SCOPED.has(method))
			query.scope = this._scope === false ? false : this._scope.length === 1 ? this._scope[0] : this._scope;
		if (call.raw && query.include)
			throw new OrmOptionError('raw', 'raw: true with include gives Sequelize\'s flat joined rows; orm-models returns nested objects (leave raw out)');
		if (call.plain !== undefined && call.plain !== true)
			throw new OrmOptionError('plain', 'plain: false is not supported');
		return { catalog, model, query, call };
	}

	/*
	 * A read's plan: what build(prepared) makes of _prepareIn's translation
	 * (the JSON sent, the result's shape), kept per catalog under the
	 * method, this model and scope, and the key of the options' content
	 * (lib/options.js findKey): a call with the same options, even through
	 * another options object or one changed since, finds it and translates
	 * nothing.  Returns {plan, call}.
	 */
	_plan(catalog, options, method, build) {
		const call = {};
		const k = findKey(options, method, call);
		const plans = this.orm._plans_for(catalog);
		const key = k === null ? null : `${method}\u0000${this._planKey}${k}`;
		const kept = key === null ? undefined : plans.get(key);
		if (kept !== undefined)
			return { plan: kept, call };
		const prepared = this._prepareIn(catalog, options, method);
		const plan = build(prepared);
		if (key !== null) {
			if (plans.size >= PLANS_KEPT)
				plans.clear();
			plans.set(key, plan);
		}
		return { plan, call: prepared.call };
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
			shape = shapeOf(catalog, this.name, this._scopeIncludes(catalog, query), cache, query.attributes);
			if (cache.size < SHAPES_KEPT)
				cache.set(key, shape);
		}
		return shape;
	}

	/*
	 * The includes a result holds: the query's and those of the scopes it
	 * applies (the default scope unless another is named), for the shape.
	 */
	_scopeIncludes(catalog, query) {
		const model = catalog.model(this.name);
		const opts = model.options || {};
		const names = query.scope === false ? [] : query.scope === undefined ? ['defaultScope'] : [].concat(query.scope);
		const out = [].concat(query.include || []);
		const alias = inc => (typeof inc === 'string' ? inc : inc.association);
		for (const n of names) {
			const sc = n === 'defaultScope' ? opts.defaultScope : opts.scopes && opts.scopes[n];
			for (const inc of [].concat((sc && sc.include) || [])) {
				if (!out.some(x => alias(x) === alias(inc)))
					out.push(inc);
			}
		}
		return out.length ? out : query.include;
	}

	/* The plan of findAll and findOne: the query's JSON text and the result's shape. */
	_findPlan(catalog, options, method) {
		return this._plan(catalog, options, method, ({ query }) => {
			const q = JSON.stringify(query);
			return { q, shape: this._shape(catalog, query, q) };
		});
	}

	async findAll(options) {
		const { plan, call } = this._findPlan(this._readyCatalog() || await this._catalog(), options, 'findAll');
		const runner = runnerOf(this.orm.pool, call.transaction);
		const text = await this.orm._run(runner, SQL.findAll, [this.name, plan.q], call);
		return parseResult(text, plan.shape, this.orm.parsers);
	}

	async findOne(options) {
		const { plan, call } = this._findPlan(this._readyCatalog() || await this._catalog(), options, 'findOne');
		const runner = runnerOf(this.orm.pool, call.transaction);
		const text = await this.orm._run(runner, SQL.findOne, [this.name, plan.q], call);
		return this._one(parseResult(text, plan.shape, this.orm.parsers), call);
	}

	async findByPk(param, options) {
		if (param === null || param === undefined)
			return null;
		if (!['number', 'bigint', 'string'].includes(typeof param) && !Buffer.isBuffer(param))
			throw new OrmOptionError('param', `Argument passed to findByPk is invalid: ${param}`);
		const catalog = this._readyCatalog() || await this._catalog();
		const { plan, call } = this._plan(catalog, options, 'findByPk', ({ model, query }) => {
			/* Sequelize's findByPk replaces the where with the key */
			delete query.where;
			const q = JSON.stringify(query);
			/* the shape does not depend on the where (the key) */
			const shape = this._shape(catalog, query, q);
			if (model.primaryKeys.length === 1) {
				const sql = `SELECT orm.find_by_pk($1, $2::${model.attributes[model.primaryKeys[0]].type}, $3::jsonb) AS r`;
				return { sql, q, shape };
			}
			/* a composite key: findOne's where on the first key attribute, as Sequelize's */
			return { sql: null, query, pk: model.primaryKeys[0], shape };
		});
		const runner = runnerOf(this.orm.pool, call.transaction);
		let text;
		if (plan.sql !== null) {
			const value = typeof param === 'bigint' ? String(param) : Buffer.isBuffer(param) ? `\\x${param.toString('hex')}` : param;
			text = await this.orm._run(runner, plan.sql, [this.name, value, plan.q], call);
		} else {
			const q = JSON.stringify({ ...plan.query, where: { [plan.pk]: typeof param === 'bigint' ? String(param) : param } });
			text = await this.orm._run(runner, SQL.findOne, [this.name, q], call);
		}
		return this._one(parseResult(text, plan.shape, this.orm.parsers), call);
	}

	async count(options) {
		const catalog = this._readyCatalog() || await this._catalog();
		const { plan, call } = this._plan(catalog, options, 'count', ({ model, query }) => {
			/* Sequelize's count ignores these */
			delete query.limit;
			delete query.offset;
			delete query.order;
			delete query.attributes;
			return query.group !== undefined ? this._groupedPlan(catalog, model, query) : { q: JSON.stringify(query) };
		});
		const runner = runnerOf(this.orm.pool, call.transaction);
		if (plan.grouped) {
			const rows = parseResult(await this.orm._run(runner, SQL.findAll, [this.name, plan.q], call), plan.shape, this.orm.parsers);
			return rows.map(r => ({ ...r, count: Number(r.count) }));
		}
		const r = await this.orm._run(runner, SQL.count, [this.name, plan.q], call);
		return r === null ? 0 : Number(r);
	}

	/*
	 * count({group}): Sequelize's [{...group keys, count}], through the
	 * grouped find_all (orm.count refuses group and names this form): its
	 * plan.
	 */
	_groupedPlan(catalog, model, query) {
		const col = query.col || (query.include ? model.primaryKeys[0] : null);
		let arg = col ? { col } : { col: '*' };
		if (query.distinct)
			arg = { fn: 'DISTINCT', args: [col ? { col } : { col: model.primaryKeys[0] }] };
		const q = { ...query };
		delete q.distinct;
		delete q.col;
		const group = q.group;
		q.attributes = [...group.filter(g => typeof g === 'string'), [{ fn: 'COUNT', args: [arg] }, 'count']];
		if (q.include)
			q.include = noAttributes(q.include);
		const text = JSON.stringify(q);
		return { grouped: true, q: text, shape: this._shape(catalog, q, text) };
	}

	async findAndCountAll(options) {
		const catalog = this._readyCatalog() || await this._catalog();
		const { plan, call } = this._plan(catalog, options, 'findAndCountAll', ({ query }) => {
			if (query.group !== undefined)
				throw new OrmOptionError('group', 'findAndCountAll with group (a count per group) is not supported by orm-models: call count({group}) and findAll');
			const q = JSON.stringify(query);
			return { q, shape: this._shape(catalog, query, q) };
		});
		const runner = runnerOf(this.orm.pool, call.transaction);
		const text = await this.orm._run(runner, SQL.findAndCountAll, [this.name, plan.q], call);
		/* {"count": n, "rows": [...]}: the rows converted as findAll's */
		const at = text.indexOf('"rows"');
		const head = JSON.parse(`${text.slice(0, at).replace(/,\s*$/, '')}}`);
		const body = text.slice(text.indexOf(':', at) + 1, text.lastIndexOf('}'));
		const rows = parseResult(body, plan.shape, this.orm.parsers);
		return { count: Number(head.count), rows: Number(head.count) === 0 ? [] : rows };
	}

	/* ------------------------------------------------------------------
	 * Writes: Sequelize's methods, each one orm.* call, results in
	 * Sequelize's shapes.
	 * ---------------------------------------------------------------- */

	async _write(method, options) {
		const prepared = await this._prepare(options, method);
		delete prepared.query.returning;
		const returning = prepared.call.returning;
		delete prepared.call.returning;
		prepared.returning = returning;
		prepared.runner = runnerOf(this.orm.pool, prepared.call.transaction);
		return prepared;
	}

	/* The rows of a write: parsed and converted as a read of the same include. */
	_rows(catalog, query, text) {
		const inc = { include: query.include, scope: false };
		return parseResult(text, this._shape(catalog, inc, JSON.stringify({ write: true, include: query.include })), this.orm.parsers);
	}

	async create(values, options) {
		if (!values || typeof values !== 'object' || Array.isArray(values))
			throw new OrmOptionError('values', 'create(values): values must be an object');
		const { catalog, query, runner, call } = await this._write('create', options);
		const text = await this.orm._run(runner, SQL.create, [this.name, writeValue(values), JSON.stringify(query)], call);
		return this._rows(catalog, query, text);
	}

	async bulkCreate(records, options) {
		if (!Array.isArray(records))
			throw new OrmOptionError('records', 'bulkCreate(records): records must be an array');
		const { catalog, query, runner, call } = await this._write('bulkCreate', options);
		if (records.length === 0)
			return [];
		const text = await this.orm._run(runner, SQL.bulkCreate, [this.name, writeValue(records), JSON.stringify(query)], call);
		return this._rows(catalog, query, text);
	}

	/* [affectedCount], or [affectedCount, rows] with returning (Sequelize's shapes). */
	async update(values, options) {
		if (!values || typeof values !== 'object' || Array.isArray(values))
			throw new OrmOptionError('values', 'update(values, options): values must be an object');
		const { catalog, query, runner, call, returning } = await this._write('update', options);
		const text = await this.orm._run(runner, SQL.update, [this.name, writeValue(values), JSON.stringify(query)], call);
		const rows = this._rows(catalog, {}, text) || [];
		return returning ? [rows.length, rows] : [rows.length];
	}

	/*
	 * increment(fields, {by, where}): Sequelize 6 on PostgreSQL returns
	 * [[rows, count]] (rows as the driver gives them, keyed by column), and
	 * with returning [[rows, count], 2]: its Model.increment returns
	 * [affectedRows, affectedRows.length], affectedRows being the driver's
	 * [rows, count] pair, so the second member is always 2.
	 */
	async increment(fields, options) {
		return this._arithmetic('increment', fields, options);
	}

	async decrement(fields, options) {
		return this._arithmetic('decrement', fields, options);
	}

	async _arithmetic(method, fields, options) {
		const { catalog, model, query, runner, call, returning } = await this._write(method, options);
		const by = call.by === undefined ? 1 : call.by;
		let amounts;
		if (typeof fields === 'string' || Array.isArray(fields)) {
			amounts = {};
			for (const f of [].concat(fields))
				amounts[f] = by;
		} else if (fields && typeof fields === 'object') {
			amounts = fields;
		} else {
			throw new OrmOptionError('fields', `${method}(fields): fields must be an attribute name, a list of them or {attribute: amount}`);
		}
		const text = await this.orm._run(runner, SQL[method], [this.name, writeValue(amounts), JSON.stringify(query)], call);
		const rows = (this._rows(catalog, {}, text) || []).map(r => byColumn(model, r));
		return returning ? [[rows, rows.length], 2] : [[rows, rows.length]];
	}

	/* The number of rows destroyed (soft-deleted for a paranoid model). */
	async destroy(options) {
		const { query, runner, call } = await this._write('destroy', options);
		const r = await this.orm._run(runner, SQL.destroy, [this.name, JSON.stringify(query)], call);
		return Number(r);
	}

	/* The number of rows restored (Sequelize: of rows the where matched). */
	async restore(options) {
		const { query, runner, call } = await this._write('restore', options || {});
		if (query.where === undefined)
			query.where = {};
		const r = await this.orm._run(runner, SQL.restore, [this.name, JSON.stringify(query)], call);
		return Number(r);
	}

	/* [row, null]: Sequelize 6 on PostgreSQL does not say whether the row was created. */
	async upsert(values, options) {
		if (!values || typeof values !== 'object' || Array.isArray(values))
			throw new OrmOptionError('values', 'upsert(values): values must be an object');
		const { catalog, query, runner, call } = await this._write('upsert', options);
		const text = await this.orm._run(runner, SQL.upsert, [this.name, writeValue(values), JSON.stringify(query)], call);
		return [this._rows(catalog, {}, text), null];
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

/* An include tree with no attributes (a count joins includes for their where only). */
function noAttributes(includes) {
	return includes.map(inc => {
		const o = typeof inc === 'string' ? { association: inc } : { ...inc };
		o.attributes = [];
		if (o.include)
			o.include = noAttributes(o.include);
		return o;
	});
}

/* A row keyed by column (the driver's rows Sequelize's increment returns). */
function byColumn(model, row) {
	const out = {};
	for (const [k, v] of Object.entries(row)) {
		const def = model.attributes[k];
		out[def && def.field ? def.field : k] = v;
	}
	return out;
}

module.exports = { OrmModels, OrmModel, statementName };

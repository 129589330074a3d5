#!/usr/bin/env node
/*
 * compare.js: the differential half of test/sequelize_find.
 *
 *   node compare.js SEQUELIZE_DB ORM_DB [--set DIR] [-v] [--show] [QUERY_NAME ...]
 *
 * DIR (default: this directory) holds the model set: models.json,
 * queries.json and known_differences.json (optional).  Defines models.json
 * on real Sequelize 6 (connected to SEQUELIZE_DB, whose
 * tables Sequelize created and the data set filled), then runs every query
 * of queries.json through both sides:
 *
 *   Sequelize   Model.findAll(opts) -> rows.map(r => r.toJSON())
 *               (findOne, findByPk, count, findAndCountAll likewise)
 *   orm_models  SELECT orm.find_all($1, $2) on ORM_DB
 *               (orm.find_one, orm.find_by_pk, orm.count,
 *               orm.find_and_count_all likewise)
 *
 * {"fn": name, "args": [...]} and {"col": "a.b"} in attributes, order and
 * group become Sequelize.fn and Sequelize.col; an expression's alias that
 * pg returns as a string (COUNT's bigint) is compared as a number.
 *
 * The query is one JSON document in orm_models' format.  For Sequelize,
 * "$op" keys become Op symbols, {"model": name} the model, an alias path in
 * an order item ["posts", "id", "DESC"] becomes [{model, as}, "id",
 * "DESC"], and an include of a hasMany with its own order or limit gets
 * separate: true (the only way Sequelize orders or limits the rows of one
 * include per parent).
 *
 * Before comparing, both results are normalized by the model attribute
 * types: DATE values become epoch milliseconds (PostgreSQL's microseconds
 * truncated; Sequelize has milliseconds), DECIMAL and BIGINT values become
 * numbers (Sequelize returns strings), and arrays of rows whose order the
 * query does not determine are sorted.  Key order is compared too: a row
 * whose keys come in another order than toJSON()'s fails.
 *
 * known_differences.json lists differences that are orm_models' deliberate
 * choice; for a query listed there, Sequelize gets extra options
 * ("sequelize_options") or a rewritten query ("sequelize_query": {name:
 * query}) with which it computes what orm_models is meant to return, and
 * the two are then compared as usual: orm_models' side is never relaxed.
 *
 * Prints "ok NAME" or "FAILED NAME" with the differences for each query,
 * then "N passed, N failed"; exit status 1 if anything failed.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const util = require('util');
const { Sequelize, DataTypes, Op } = require('sequelize');
const { Client } = require('pg');
const { buildModels } = require('./sequelize_models');

const here = __dirname;
const MAX_SHOW = 1500;

/* ---------------------------------------------------------------------
 * JSON query -> Sequelize options
 * ------------------------------------------------------------------- */

function convertWhere(v) {
	if (Array.isArray(v))
		return v.map(convertWhere);
	if (v === null || typeof v !== 'object')
		return v;
	const out = {};
	for (const [k, val] of Object.entries(v)) {
		if (/^\$.+\..+\$$/.test(k)) {
			out[k] = convertWhere(val);	/* "$include.column$" */
		} else if (k.startsWith('$')) {
			const op = Op[k.slice(1)];
			if (typeof op !== 'symbol')
				throw new Error(`unknown operator ${k}`);
			out[op] = convertWhere(val);
		} else {
			out[k] = convertWhere(val);
		}
	}
	return out;
}

/*
 * An order item: leading association aliases -> {model, as}.  {"$literal":
 * sql} becomes Sequelize.literal(sql) (used only by known_differences.json,
 * never sent to orm_models).
 */
function convertOrderItem(model, item) {
	if (item && typeof item === 'object' && !Array.isArray(item) && item.$literal)
		return Sequelize.literal(item.$literal);
	if (!Array.isArray(item))
		return item;
	const out = [];
	let at = model;
	for (let i = 0; i < item.length; i++) {
		const part = item[i];
		if (part && typeof part === 'object' && part.$literal) {
			out.push(Sequelize.literal(part.$literal));
		} else if (typeof part === 'string' && i < item.length - 1 && at.associations[part]) {
			const assoc = at.associations[part];
			out.push({ model: assoc.target, as: assoc.as });
			at = assoc.target;
		} else {
			out.push(part);
		}
	}
	return out;
}

function convertOrder(model, order) {
	if (!Array.isArray(order))
		return order;
	return order.map(item => convertOrderItem(model, item));
}

function convertInclude(sequelize, model, inc) {
	if (typeof inc === 'string')
		return inc;
	const out = { ...inc };
	let assoc;
	if (typeof inc.association === 'string')
		assoc = model.associations[inc.association];
	else if (inc.as)
		assoc = model.associations[inc.as];
	if (typeof inc.model === 'string')
		out.model = sequelize.models[inc.model];
	const target = assoc ? assoc.target : out.model;
	if (inc.where)
		out.where = convertWhere(inc.where);
	if (inc.through) {
		out.through = { ...inc.through };
		if (inc.through.where)
			out.through.where = convertWhere(inc.through.where);
	}
	if (inc.order)
		out.order = convertOrder(target, inc.order);
	if (inc.include)
		out.include = [].concat(inc.include).map(i => convertInclude(sequelize, target, i));
	if ((inc.order || inc.limit !== undefined) && assoc && assoc.associationType === 'HasMany')
		out.separate = true;
	return out;
}

/*
 * An expression of attributes, order or group: {"fn": name, "args": [...]}
 * -> Sequelize.fn(name, ...args), {"col": "a.b"} -> Sequelize.col("a.b");
 * values stay.
 */
function convertExpr(e) {
	if (e && typeof e === 'object' && !Array.isArray(e)) {
		if (e.fn)
			return Sequelize.fn(e.fn, ...(e.args || []).map(convertExpr));
		if (e.col)
			return Sequelize.col(e.col);
	}
	return e;
}

/* attributes: [expression, alias] pairs converted, also in {"include": [...]} */
function convertAttributes(attrs) {
	const pair = a => (Array.isArray(a) && a.length === 2 && a[0] && typeof a[0] === 'object' ?
		[convertExpr(a[0]), a[1]] : a);
	if (Array.isArray(attrs))
		return attrs.map(pair);
	if (attrs && typeof attrs === 'object' && attrs.include)
		return { ...attrs, include: attrs.include.map(pair) };
	return attrs;
}

function toSequelizeOptions(sequelize, model, q) {
	const out = { ...q };
	if (q.where)
		out.where = convertWhere(q.where);
	if (q.order)
		out.order = convertOrder(model, q.order).map(item => (Array.isArray(item) && item[0] && item[0].fn ?
			[convertExpr(item[0]), ...item.slice(1)] : item));
	if (q.include)
		out.include = [].concat(q.include).map(i => convertInclude(sequelize, model, i));
	if (q.attributes)
		out.attributes = convertAttributes(q.attributes);
	if (q.group)
		out.group = [].concat(q.group).map(convertExpr);
	if (q.having)
		out.having = convertWhere(q.having);
	return out;
}

/* ---------------------------------------------------------------------
 * Normalization
 * ------------------------------------------------------------------- */

const TS_RE = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d(?::?\d\d)?)?$/;

/* An ISO timestamp (any precision, any offset) -> epoch ms, truncated. */
function epochMs(v) {
	if (v instanceof Date)
		return v.getTime();
	if (typeof v !== 'string')
		return v;
	const m = TS_RE.exec(v);
	if (!m)
		return v;
	const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
	let t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
	if (m[8] && m[8] !== 'Z') {
		const sign = m[8][0] === '-' ? -1 : 1;
		const hm = m[8].slice(1).replace(':', '');
		t -= sign * (Number(hm.slice(0, 2)) * 60 + Number(hm.slice(2, 4) || 0)) * 60000;
	}
	return { $instant: new Date(t).toISOString() };
}

function typeKind(type) {
	const key = type && (type.key || (type.constructor && type.constructor.key));
	switch (key) {
		case 'DATE':
			return 'date';
		case 'DECIMAL':
		case 'BIGINT':
		case 'NUMERIC':
			return 'number';
		case 'JSON':
		case 'JSONB':
			return 'json';
		default:
			return 'plain';
	}
}

function normValue(kind, v) {
	if (v === null || v === undefined)
		return v;
	if (kind === 'date')
		return epochMs(v);
	if (kind === 'number' && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))
		return Number(v);
	return v;
}

/* A canonical string: keys sorted (for sorting and equality). */
function canon(v) {
	if (Array.isArray(v))
		return `[${v.map(canon).join(',')}]`;
	if (v && typeof v === 'object')
		return `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
	return JSON.stringify(v === undefined ? null : v);
}

/* The junction model a row of model carries under key, if any. */
function junctionModel(sequelize, model, key) {
	for (const a of Object.values(sequelize.models).flatMap(m => Object.values(m.associations))) {
		if (a.associationType === 'BelongsToMany' && a.target === model && a.through.model.name === key)
			return a.through.model;
	}
	return null;
}

/*
 * Normalizes a result (rows of model at path); ordered(path) says whether
 * the order of the rows there is determined by the query.
 */
function normalize(sequelize, model, v, pathName, ordered) {
	if (Array.isArray(v)) {
		const rows = v.map(r => normalize(sequelize, model, r, pathName, ordered));
		if (!ordered(pathName))
			rows.sort((a, b) => (canon(a) < canon(b) ? -1 : canon(a) > canon(b) ? 1 : 0));
		return rows;
	}
	if (v === null || typeof v !== 'object')
		return v;
	const out = {};
	for (const [k, val] of Object.entries(v)) {
		const attr = model.rawAttributes[k];
		const assoc = model.associations[k];
		if (attr) {
			out[k] = normValue(typeKind(attr.type), val);
		} else if (assoc) {
			out[k] = normalize(sequelize, assoc.target, val, `${pathName}.${k}`, ordered);
		} else {
			const jm = junctionModel(sequelize, model, k);
			/* an expression's alias: pg returns bigint and numeric as strings */
			out[k] = jm ? normalize(sequelize, jm, val, `${pathName}.${k}`, ordered) :
				normValue('number', val);
		}
	}
	return out;
}

/* The include paths whose row order the query determines. */
function orderedPaths(model, q, method) {
	const paths = new Set();
	const walkOrder = (m, base, order) => {
		if (!Array.isArray(order))
			return;
		for (const item of order) {
			let at = m;
			let p = base;
			let toManyOnly = true;
			let toOneOnly = true;
			if (Array.isArray(item)) {
				for (const part of item.slice(0, -1)) {
					const a = typeof part === 'string' && at.associations[part];
					if (!a)
						break;
					p = `${p}.${part}`;
					at = a.target;
					if (a.isMultiAssociation)
						toOneOnly = false;
					else
						toManyOnly = false;
				}
			}
			if (p === base || toOneOnly)
				paths.add(base);
			else if (toManyOnly)
				paths.add(p);
		}
	};
	walkOrder(model, '$', q.order);
	const walkIncludes = (m, base, incs) => {
		for (const inc of [].concat(incs || [])) {
			if (typeof inc !== 'object')
				continue;
			const alias = inc.association || inc.as;
			const a = alias && m.associations[alias];
			if (!a)
				continue;
			walkOrder(a.target, `${base}.${alias}`, inc.order);
			walkIncludes(a.target, `${base}.${alias}`, inc.include);
		}
	};
	walkIncludes(model, '$', q.include);
	if (method !== 'findAll')
		paths.add('$');
	return paths;
}

/* ---------------------------------------------------------------------
 * Comparison
 * ------------------------------------------------------------------- */

function show(v) {
	const s = JSON.stringify(v);
	return s === undefined ? 'undefined' : s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

/* Differences between a (Sequelize) and b (orm_models), as text lines. */
function diff(a, b, p, out, keyOrder) {
	if (out.length >= 12)
		return;
	if (Array.isArray(a) && Array.isArray(b)) {
		if (a.length !== b.length)
			out.push(`${p}: Sequelize has ${a.length} rows, orm_models ${b.length}`);
		const n = Math.min(a.length, b.length);
		for (let i = 0; i < n; i++)
			diff(a[i], b[i], `${p}[${i}]`, out, keyOrder);
		return;
	}
	if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
		const ka = Object.keys(a);
		const kb = Object.keys(b);
		for (const k of ka)
			if (!(k in b))
				out.push(`${p}.${k}: only Sequelize has it: ${show(a[k])}`);
		for (const k of kb)
			if (!(k in a))
				out.push(`${p}.${k}: only orm_models has it: ${show(b[k])}`);
		if (!a.$instant) {
			const common = ka.filter(k => k in b);
			const commonB = kb.filter(k => k in a);
			if (common.join('\0') !== commonB.join('\0'))
				keyOrder.push(`${p}: Sequelize ${JSON.stringify(common)} vs orm_models ${JSON.stringify(commonB)}`);
		}
		for (const k of ka)
			if (k in b)
				diff(a[k], b[k], `${p}.${k}`, out, keyOrder);
		return;
	}
	if (canon(a) !== canon(b))
		out.push(`${p}: Sequelize ${show(a)}, orm_models ${show(b)}`);
}

/* ---------------------------------------------------------------------
 * Running
 * ------------------------------------------------------------------- */

function abridge(v) {
	const s = JSON.stringify(v);
	if (s === undefined)
		return 'undefined';
	return s.length > MAX_SHOW ? `${s.slice(0, MAX_SHOW)}... (${s.length} chars)` : s;
}

async function runSequelize(sequelize, t, known) {
	const model = sequelize.models[t.model];
	const base = (known && known.sequelize_query && known.sequelize_query[t.name]) || t.query || {};
	const opts = toSequelizeOptions(sequelize, model, { ...base, ...((known && known.sequelize_options) || {}) });
	const sqls = [];
	opts.logging = sql => sqls.push(sql.replace(/^Executing \([^)]*\): /, ''));
	let result;
	switch (t.method || 'findAll') {
		case 'findAll':
			result = (await model.findAll(opts)).map(r => r.toJSON());
			break;
		case 'findOne': {
			const r = await model.findOne(opts);
			result = r ? r.toJSON() : null;
			break;
		}
		case 'findByPk': {
			const r = await model.findByPk(t.pk, opts);
			result = r ? r.toJSON() : null;
			break;
		}
		case 'count':
			result = await model.count(opts);
			break;
		case 'findAndCountAll': {
			const r = await model.findAndCountAll(opts);
			result = { count: r.count, rows: r.rows.map(x => x.toJSON()) };
			break;
		}
		default:
			throw new Error(`unknown method ${t.method}`);
	}
	return { result: JSON.parse(JSON.stringify(result === undefined ? null : result)), sqls };
}

async function runOrm(client, t) {
	const q = JSON.stringify(t.query || {});
	let res;
	switch (t.method || 'findAll') {
		case 'findAll':
			res = await client.query('SELECT orm.find_all($1, $2::jsonb) AS r', [t.model, q]);
			return res.rows[0].r;
		case 'findOne':
			res = await client.query('SELECT orm.find_one($1, $2::jsonb) AS r', [t.model, q]);
			return res.rows[0].r;
		case 'findByPk':
			res = await client.query(`SELECT orm.find_by_pk($1, $2::${t.pkType || 'integer'}, $3::jsonb) AS r`,
				[t.model, t.pk, q]);
			return res.rows[0].r;
		case 'count':
			res = await client.query('SELECT orm.count($1, $2::jsonb) AS r', [t.model, q]);
			return res.rows[0].r === null ? null : Number(res.rows[0].r);
		case 'findAndCountAll':
			res = await client.query('SELECT orm.find_and_count_all($1, $2::jsonb) AS r', [t.model, q]);
			return res.rows[0].r;
		default:
			throw new Error(`unknown method ${t.method}`);
	}
}

async function ormSql(client, t) {
	try {
		const res = await client.query('SELECT orm.find_all_sql($1, $2::jsonb) AS s',
			[t.model, JSON.stringify(t.query || {})]);
		return res.rows[0].s;
	} catch (e) {
		return `(find_all_sql failed: ${e.message})`;
	}
}

function indent(text, prefix = '    ') {
	return String(text).split('\n').map(l => prefix + l).join('\n');
}

async function main() {
	const args = process.argv.slice(2);
	const verbose = args.includes('-v');
	const showAll = args.includes('--show');
	const setAt = args.indexOf('--set');
	const dir = setAt >= 0 ? path.resolve(args[setAt + 1] || '') : here;
	const pos = args.filter((a, i) => !a.startsWith('-') && (setAt < 0 || i !== setAt + 1));
	const [seqDb, ormDb, ...only] = pos;
	if (!seqDb || !ormDb) {
		console.error('usage: node compare.js SEQUELIZE_DB ORM_DB [--set DIR] [-v] [--show] [QUERY ...]');
		process.exit(2);
	}
	const doc = JSON.parse(fs.readFileSync(path.join(dir, 'models.json'), 'utf8'));
	const tests = JSON.parse(fs.readFileSync(path.join(dir, 'queries.json'), 'utf8')).queries;
	const knownFile = path.join(dir, 'known_differences.json');
	const known = fs.existsSync(knownFile) ?
		JSON.parse(fs.readFileSync(knownFile, 'utf8')).differences : [];
	const knownBy = {};
	for (const k of known)
		for (const name of k.queries)
			knownBy[name] = k;

	const conn = {
		host: process.env.PGHOST || 'localhost',
		port: Number(process.env.PGPORT || 5432),
		user: process.env.PGUSER || 'postgres',
		password: process.env.PGPASSWORD || undefined,
	};
	const sequelize = new Sequelize(seqDb, conn.user, conn.password || null, {
		dialect: 'postgres', host: conn.host, port: conn.port, logging: false,
	});
	buildModels(sequelize, doc);
	const client = new Client({ ...conn, database: ormDb });
	await client.connect();

	const names = new Set();
	let passed = 0;
	let failed = 0;
	for (const t of tests) {
		if (names.has(t.name))
			throw new Error(`duplicate query name ${t.name}`);
		names.add(t.name);
		if (only.length && !only.includes(t.name))
			continue;
		const k = knownBy[t.name];
		const lines = [];
		let seq;
		let orm;
		let seqErr = null;
		let ormErr = null;
		try {
			seq = await runSequelize(sequelize, t, k);
		} catch (e) {
			seqErr = e;
		}
		try {
			orm = await runOrm(client, t);
		} catch (e) {
			ormErr = e;
		}
		let ok = false;
		const keyOrder = [];
		if (seqErr || ormErr) {
			if (seqErr)
				lines.push(`  Sequelize error: ${seqErr.message}`);
			if (ormErr)
				lines.push(`  orm_models error: ${ormErr.message}`);
		} else {
			const model = sequelize.models[t.model];
			const paths = t.ordered_paths ? new Set(t.ordered_paths) :
				orderedPaths(model, t.query || {}, t.method || 'findAll');
			const ordered = p => paths.has(p);
			const norm = v => ((t.method === 'findAndCountAll' && v) ?
				{ count: v.count, rows: normalize(sequelize, model, v.rows, '$', ordered) } :
				normalize(sequelize, model, v, '$', ordered));
			const a = norm(seq.result);
			const b = norm(orm);
			const d = [];
			diff(a, b, '$', d, keyOrder);
			if (keyOrder.length)
				d.push(`key order differs (${keyOrder.length} objects), first: ${keyOrder[0]}`);
			if (d.length === 0) {
				ok = true;
			} else {
				lines.push(...d.map(x => `  ${x}`));
				lines.push(`  Sequelize:  ${abridge(seq.result)}`);
				lines.push(`  orm_models: ${abridge(orm)}`);
			}
		}
		if (!ok) {
			lines.unshift(`  query: ${t.model}.${t.method || 'findAll'}(${JSON.stringify(t.query || {})}${t.pk !== undefined ? `, pk ${t.pk}` : ''})`);
			if (verbose) {
				if (seq)
					lines.push(`  Sequelize SQL:\n${indent(seq.sqls.join('\n'))}`);
				lines.push(`  orm_models SQL:\n${indent(await ormSql(client, t))}`);
			}
		}
		if (ok) {
			passed++;
			console.log(`ok ${t.name}${k ? ` (known difference: ${k.id})` : ''}`);
		} else {
			failed++;
			console.log(`FAILED ${t.name}`);
			console.log(lines.join('\n'));
		}
		if (showAll && seq) {
			console.log(`  Sequelize:  ${abridge(seq.result)}`);
			console.log(`  orm_models: ${abridge(orm)}`);
		}
	}
	await client.end();
	await sequelize.close();
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main().catch(e => {
	console.error(`compare.js: ${util.inspect(e)}`);
	console.log('0 passed, 1 failed');
	process.exit(2);
});

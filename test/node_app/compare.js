#!/usr/bin/env node
/*
 * compare.js: the test app, run through real Sequelize and through
 * orm-models.
 *
 *   node compare.js SEQUELIZE_DB ORM_DB [-v] [NAME ...]
 *
 *   1. models/ (the app's folder, both Sequelize styles) is loaded by its
 *      own index.js on SEQUELIZE_DB, and Sequelize syncs it (force).
 *   2. importModels(db.sequelize, pool of ORM_DB, {sync: {force: true}}):
 *      checked: nothing left out (notCarried empty), the scopes and the
 *      default scope in the catalog, no warning.
 *   3. data.js is loaded into SEQUELIZE_DB through Sequelize's
 *      queryInterface.bulkInsert, and copied table by table into ORM_DB.
 *   4. The two schemas are compared: every table's columns (type,
 *      nullability), primary keys, unique constraints, foreign keys with
 *      their actions.  Allowed: defaults (orm_models puts now() and
 *      gen_random_uuid() in the table where Sequelize fills them in
 *      JavaScript), indexes (orm_models indexes every foreign key), CHECKs
 *      (orm_models makes validators CHECKs).
 *   5. The command: `orm-models import models --print` prints the document
 *      importModels sent, and the folder loaded without its index.js
 *      (lib/load.js's own loader, on a copy) gives the same document.
 *   6. Every call of queries.js through Sequelize (toJSON() of each
 *      instance) and through orm-models, compared with
 *      assert.deepStrictEqual (Dates as Dates, Buffers as Buffers, BIGINT
 *      and DECIMAL as strings), arrays whose order the call does not fix
 *      sorted on both sides first.
 *
 * Prints "ok NAME" or "FAILED NAME" (with the difference), "pending NAME:
 * reason" for the calls marked pending (not counted), then "N passed, N
 * failed".
 */
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const util = require('util');
const { execFileSync } = require('child_process');

const args = process.argv.slice(2);
const verbose = args.includes('-v');
const [seqDb, ormDb, ...only] = args.filter(a => !a.startsWith('-'));
if (!seqDb || !ormDb) {
	console.error('usage: node compare.js SEQUELIZE_DB ORM_DB [-v] [NAME ...]');
	process.exit(2);
}
process.env.NODE_APP_DATABASE = seqDb;

const pg = require('pg');
const { OrmModels, importModels, serializeModels, loadModels } = require('orm-models');
const db = require('./models');
const queries = require('./queries');
const { build, ORDER } = require('./data');
const { compareSchemas } = require('./schema');
const writes = require('./writes');

const { sequelize } = db;
let passed = 0;
let failed = 0;
const pending = [];

function ok(name) {
	passed++;
	console.log(`ok ${name}`);
}

function notOk(name, lines) {
	failed++;
	console.log(`FAILED ${name}`);
	for (const l of [].concat(lines))
		console.log(`  ${String(l).split('\n').join('\n  ')}`);
}

async function check(name, fn) {
	try {
		const problems = await fn();
		if (problems && problems.length)
			notOk(name, problems);
		else
			ok(name);
	} catch (e) {
		notOk(name, verbose ? util.inspect(e) : `${e.name}: ${e.message}`);
	}
}

/* ---------------------------------------------------------------------
 * Data
 * ------------------------------------------------------------------- */

function modelOf(name) {
	return sequelize.modelManager.models.find(m => m.name === name);
}

async function loadData() {
	const data = build();
	const qi = sequelize.getQueryInterface();
	for (const name of ORDER) {
		const model = modelOf(name);
		const rows = data[name].map(r => {
			const out = {};
			for (const [k, v] of Object.entries(r))
				out[model.rawAttributes[k].field] = v;
			return out;
		});
		await qi.bulkInsert(model.getTableName(), rows, {}, model.rawAttributes);
	}
}

function tableSql(model) {
	const t = model.getTableName();
	return typeof t === 'string' ? `"${t}"` : `"${t.schema}"."${t.tableName}"`;
}

async function copyData(pool) {
	for (const name of ORDER) {
		const t = tableSql(modelOf(name));
		const [rows] = await sequelize.query(`SELECT pg_catalog.json_agg(x)::text AS j FROM ${t} x`);
		await pool.query(`INSERT INTO ${t} SELECT * FROM pg_catalog.json_populate_recordset(NULL::${t}, $1::json)`, [rows[0].j]);
	}
}

/* ---------------------------------------------------------------------
 * Schemas
 * ------------------------------------------------------------------- */

function compareSchemaWith(pool) {
	return compareSchemas(async sql => (await sequelize.query(sql))[0], async sql => (await pool.query(sql)).rows);
}

/* ---------------------------------------------------------------------
 * Calls
 * ------------------------------------------------------------------- */

const READS = ['findAll', 'findOne', 'findByPk', 'count', 'findAndCountAll'];

/* A model (class) whose read methods record the options they were called with; scope() and unscoped() too. */
function recordingModel(target, name, log) {
	return new Proxy(target, {
		get(t, prop) {
			const v = t[prop];
			if (READS.includes(prop)) {
				return (...a) => {
					log.push({ model: name, method: prop, options: prop === 'findByPk' ? a[1] : a[0] });
					return v.apply(t, a);
				};
			}
			if (prop === 'scope' || prop === 'unscoped')
				return (...a) => recordingModel(v.apply(t, a), name, log);
			return v;
		},
	});
}

/* A models object whose methods record the options they were called with. */
function recording(models, names, log) {
	const out = {};
	for (const name of names)
		out[name] = recordingModel(models[name], name, log);
	return out;
}

/* Sequelize's results as plain objects: every instance, at any depth, as its toJSON(). */
function toPlain(v) {
	if (Array.isArray(v))
		return v.map(toPlain);
	if (v && typeof v.toJSON === 'function' && v.constructor && v.constructor.sequelize)
		return v.toJSON();
	if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
		const out = {};
		for (const [k, x] of Object.entries(v))
			out[k] = toPlain(x);
		return out;
	}
	return v;
}

/* A canonical string of a value (keys sorted; Dates, Buffers tagged). */
function canon(v) {
	if (v instanceof Date)
		return `D${v.getTime()}`;
	if (Buffer.isBuffer(v))
		return `B${v.toString('hex')}`;
	if (Array.isArray(v))
		return `[${v.map(canon).join(',')}]`;
	if (v && typeof v === 'object')
		return `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
	return JSON.stringify(v === undefined ? null : v);
}

/* The alias of one leading element of a Sequelize order item, or null. */
function orderAlias(model, part) {
	if (typeof part === 'string')
		return model.associations[part] ? part : null;
	if (part && part.associationType)
		return part.as;
	if (part && typeof part === 'object' && part.as)
		return part.as;
	const cls = part && typeof part === 'object' ? part.model : part;
	if (typeof cls === 'function') {
		const a = Object.values(model.associations).filter(x => x.target === cls);
		return a.length === 1 ? a[0].as : null;
	}
	return null;
}

/* The include paths ("$", "$.posts", ...) whose row order the call fixes. */
function orderedPaths(modelName, method, options = {}) {
	const paths = new Set();
	if (method !== 'findAll' || options.order)
		paths.add('$');
	const walkOrder = (model, base, order) => {
		for (const item of [].concat(order || [])) {
			if (!Array.isArray(item))
				continue;
			let at = model;
			let p = base;
			let toMany = true;
			for (const part of item.slice(0, -1)) {
				const alias = orderAlias(at, part);
				if (!alias)
					break;
				const a = at.associations[alias];
				p = `${p}.${alias}`;
				toMany = toMany && a.isMultiAssociation;
				at = a.target;
			}
			if (p !== base && toMany)
				paths.add(p);
		}
	};
	const walkIncludes = (model, base, includes) => {
		for (const inc of [].concat(includes || [])) {
			if (!inc || typeof inc !== 'object' || inc.associationType)
				continue;
			const alias = inc.as || (inc.association && (inc.association.as || inc.association));
			const a = model.associations[alias];
			if (!a)
				continue;
			if (inc.order) {
				paths.add(`${base}.${alias}`);
				walkOrder(a.target, `${base}.${alias}`, inc.order);
			}
			walkIncludes(a.target, `${base}.${alias}`, inc.include);
		}
	};
	const model = db[modelName];
	walkOrder(model, '$', options.order);
	walkIncludes(model, '$', options.include);
	return paths;
}

/* Sorts the arrays of v whose order is not fixed (all of them with all = true). */
function normalize(v, p, paths, all) {
	if (Array.isArray(v)) {
		const rows = v.map(x => normalize(x, p, paths, all));
		if (all || !paths.has(p))
			rows.sort((a, b) => (canon(a) < canon(b) ? -1 : canon(a) > canon(b) ? 1 : 0));
		return rows;
	}
	if (v && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
		const out = {};
		for (const [k, x] of Object.entries(v))
			out[k] = Array.isArray(x) || (x && typeof x === 'object') ? normalize(x, `${p}.${k}`, paths, all) : x;
		return out;
	}
	return v;
}

const MODEL_NAMES = ['User', 'Profile', 'Post', 'Comment', 'Tag', 'Category', 'Team', 'Membership', 'Bookmark'];

async function runCall(t, orm) {
	const seqLog = [];
	const seq = toPlain(await t.run(recording(db, MODEL_NAMES, seqLog), db));
	const ormModelsObj = {};
	for (const n of MODEL_NAMES)
		ormModelsObj[n] = orm.model(n);
	const mine = await t.run(ormModelsObj, db);
	const call = seqLog[0];
	let paths = orderedPaths(call.model, call.method === 'findAndCountAll' ? 'findAll' : call.method, call.options);
	if (call.method === 'findAndCountAll')
		paths = new Set([...paths].map(p => p.replace(/^\$/, '$.rows')));
	const a = normalize(mine, '$', paths, t.unordered);
	const b = normalize(seq, '$', paths, t.unordered);
	if (!t.empty && (b === null || (Array.isArray(b) && b.length === 0)))
		return ['Sequelize returned nothing: the call tests nothing (mark it empty: true if that is the point)'];
	try {
		assert.deepStrictEqual(a, b);
		const order = [];
		keyOrder(a, b, '$', order);
		if (order.length)
			console.log(`  warning: key order differs from Sequelize's: ${order[0]}${order.length > 1 ? ` (and ${order.length - 1} more)` : ''}`);
		return [];
	} catch (e) {
		const out = [];
		differences(a, b, '$', out);
		return out.length ? out : [e.message.slice(0, 2000)];
	}
}

/* Objects of a and b (equal but for key order) whose keys come in another order. */
function keyOrder(a, b, p, out) {
	if (Array.isArray(a)) {
		a.forEach((x, i) => keyOrder(x, b[i], `${p}[${i}]`, out));
	} else if (a && typeof a === 'object' && !(a instanceof Date) && !Buffer.isBuffer(a)) {
		const ka = Object.keys(a).join(',');
		const kb = Object.keys(b).join(',');
		if (ka !== kb)
			out.push(`${p}: orm-models ${ka} / Sequelize ${kb}`);
		for (const k of Object.keys(a))
			keyOrder(a[k], b[k], `${p}.${k}`, out);
	}
}

function show(v) {
	const s = util.inspect(v, { depth: 2, breakLength: Infinity, maxArrayLength: 4 });
	return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/* Where a (orm-models) and b (Sequelize) differ, as lines (at most 12). */
function differences(a, b, p, out) {
	if (out.length >= 12)
		return;
	const kind = v => (v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof Date ? 'date'
		: Buffer.isBuffer(v) ? 'buffer' : typeof v);
	if (kind(a) !== kind(b)) {
		out.push(`${p}: orm-models ${kind(a)} ${show(a)}, Sequelize ${kind(b)} ${show(b)}`);
		return;
	}
	if (kind(a) === 'array') {
		if (a.length !== b.length)
			out.push(`${p}: orm-models has ${a.length} rows, Sequelize ${b.length}`);
		for (let i = 0; i < Math.min(a.length, b.length); i++)
			differences(a[i], b[i], `${p}[${i}]`, out);
		return;
	}
	if (kind(a) === 'object') {
		for (const k of Object.keys(b))
			if (!(k in a))
				out.push(`${p}.${k}: only Sequelize has it: ${show(b[k])}`);
		for (const k of Object.keys(a))
			if (!(k in b))
				out.push(`${p}.${k}: only orm-models has it: ${show(a[k])}`);
		for (const k of Object.keys(a))
			if (k in b)
				differences(a[k], b[k], `${p}.${k}`, out);
		return;
	}
	if (canon(a) !== canon(b))
		out.push(`${p}: orm-models ${show(a)}, Sequelize ${show(b)}`);
}

/* ---------------------------------------------------------------------
 * Writes
 * ------------------------------------------------------------------- */

/* Each serial/identity key's sequence past the rows loaded (bulkInsert and the copy give explicit keys). */
async function resetSequences(query) {
	const rows = await query(`SELECT c.oid::pg_catalog.regclass::text AS t, a.attname AS col,
			pg_catalog.pg_get_serial_sequence(c.oid::pg_catalog.regclass::text, a.attname) AS seq
		FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
		WHERE c.relnamespace = 'public'::pg_catalog.regnamespace AND c.relkind = 'r' AND a.attnum > 0
		AND pg_catalog.pg_get_serial_sequence(c.oid::pg_catalog.regclass::text, a.attname) IS NOT NULL`);
	for (const r of rows)
		await query(`SELECT pg_catalog.setval('${r.seq}', COALESCE((SELECT pg_catalog.max("${r.col}") FROM ${r.t}), 0) + 1, false)`);
}

let writesStarted = 0;

/* Timestamps the writes made ("now" on either side, set in JS or by the database) as one marker. */
function recent(v) {
	if (v instanceof Date)
		return v.getTime() >= writesStarted - 1000 ? 'recent timestamp' : v;
	if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) && Date.parse(v) >= writesStarted - 1000)
		return 'recent timestamp';
	if (Array.isArray(v))
		return v.map(recent);
	if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
		const out = {};
		for (const [k, x] of Object.entries(v))
			out[k] = recent(x);
		return out;
	}
	return v;
}

/* A table's rows in key order, as JSON text per row (timestamps of the writes marked). */
async function tableRows(query, model) {
	const pk = Object.values(model.primaryKeys).map(a => `"${a.field}"`).join(', ') || '1';
	const rows = await query(`SELECT pg_catalog.row_to_json(x)::text AS j FROM ${tableSql(model)} x ORDER BY ${pk}`);
	return rows.map(r => recent(JSON.parse(r.j)));
}

/*
 * Every call of writes.js through Sequelize (on SEQUELIZE_DB) and through
 * orm-models (on ORM_DB), in order: the results compared (instances as
 * toJSON(), timestamps the writes made as a marker), then the contents of
 * the tables the call writes.
 */
async function runWrites(pool, orm, names) {
	const seqQuery = async sql => (await sequelize.query(sql))[0];
	const ormQuery = async sql => (await pool.query(sql)).rows;
	await check('writes: sequences past the rows loaded', async () => {
		await resetSequences(seqQuery);
		await resetSequences(ormQuery);
	});
	writesStarted = Date.now();
	const ormModelsObj = {};
	for (const n of MODEL_NAMES)
		ormModelsObj[n] = orm.model(n);
	for (const t of writes) {
		if (names.has(t.name))
			throw new Error(`duplicate call name ${t.name}`);
		names.add(t.name);
		if (only.length && !only.includes(t.name))
			continue;
		await check(`write: ${t.name}`, async () => {
			let seq;
			let mine;
			let seqError = null;
			let ormError = null;
			try {
				seq = toPlain(await t.run(db, db));
			} catch (e) {
				seqError = e;
			}
			try {
				mine = await t.run(ormModelsObj, db);
			} catch (e) {
				ormError = e;
			}
			if (seqError || ormError) {
				if (t.fails && seqError && ormError)
					return [];
				return [`Sequelize: ${seqError ? seqError.message : 'ok'}; orm-models: ${ormError ? `${ormError.message} (${ormError.code})` : 'ok'}`];
			}
			const out = [];
			if (t.tablesOnly) {
				console.log(`  results not compared: ${t.tablesOnly}: Sequelize ${show(recent(seq))}, orm-models ${show(recent(mine))}`);
				seq = null;
				mine = null;
			}
			const a = normalize(recent(mine), '$', new Set(['$']), false);
			const b = normalize(recent(seq), '$', new Set(['$']), false);
			try {
				assert.deepStrictEqual(a, b);
			} catch (e) {
				differences(a, b, '$', out);
				if (!out.length)
					out.push(e.message.slice(0, 2000));
			}
			for (const name of t.tables) {
				const model = modelOf(name);
				const strip = rows => rows.map(r => {
					for (const c of t.ignore || [])
						delete r[c];
					return r;
				});
				const x = strip(await tableRows(ormQuery, model));
				const y = strip(await tableRows(seqQuery, model));
				const d = [];
				differences(x, y, `table ${name}`, d);
				out.push(...d);
			}
			return out;
		});
	}
}

/* ---------------------------------------------------------------------
 * The command and the loader
 * ------------------------------------------------------------------- */

/*
 * A document as importModels sends it: without the scopes when the
 * extension refused them (importModels then takes them out and lists them).
 */
function asSent(document, imported) {
	if (!imported.notCarried.some(n => /does not take scopes/.test(n.reason)))
		return document;
	const out = JSON.parse(JSON.stringify(document));
	for (const entry of Object.values(out)) {
		if (!entry.options)
			continue;
		delete entry.options.scopes;
		delete entry.options.defaultScope;
		if (Object.keys(entry.options).length === 0)
			delete entry.options;
	}
	return out;
}

function copyFlat(target) {
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	for (const f of fs.readdirSync(path.join(__dirname, 'models'))) {
		if (f !== 'index.js')
			fs.copyFileSync(path.join(__dirname, 'models', f), path.join(target, f));
	}
}

async function main() {
	const pool = new pg.Pool({ database: ormDb, max: 4 });
	pool.on('error', () => {});
	let imported = null;
	await check('Sequelize sync', async () => {
		await sequelize.sync({ force: true });
	});
	await check('importModels: define_models + sync', async () => {
		imported = await importModels(sequelize, pool, { sync: { force: true } });
		const out = [];
		for (const n of imported.notCarried)
			out.push(`not carried: ${JSON.stringify(n)}`);
		/* the app's scopes reach the catalog: as declared, and as the extension describes them */
		const declared = { Post: ['published', 'recent'], Team: ['pro'], Bookmark: ['pinned'] };
		const described = (await pool.query('SELECT name, pg_catalog.to_jsonb(orm.describe(name)) -> \'options\' AS o FROM pg_catalog.unnest($1::text[]) name',
			[Object.keys(declared)])).rows;
		for (const { name, o } of described) {
			const got = Object.keys((o && o.scopes) || {}).sort();
			if (JSON.stringify(got) !== JSON.stringify(declared[name]))
				out.push(`${name}: scopes in the catalog ${JSON.stringify(got)}, declared ${JSON.stringify(declared[name])}`);
		}
		const bm = described.find(d => d.name === 'Bookmark');
		if (!bm || !bm.o || !bm.o.defaultScope)
			out.push('Bookmark: the defaultScope is not in the catalog');
		for (const w of imported.warnings)
			out.push(`warning: ${JSON.stringify(w)}`);
		if (imported.statements.length === 0)
			out.push('orm.sync ran no statement');
		return out;
	});
	await check('data loaded into both', async () => {
		await loadData();
		await copyData(pool);
	});
	await check('schemas: same tables, columns, keys, enums, indexes', () => compareSchemaWith(pool));
	await check('orm-models import --print gives the document', async () => {
		const bin = path.join(__dirname, 'node_modules', '.bin', 'orm-models');
		const out = execFileSync(bin, ['import', path.join(__dirname, 'models'), '--print'], {
			env: { ...process.env, NODE_APP_DATABASE: seqDb }, encoding: 'utf8',
		});
		assert.deepStrictEqual(asSent(JSON.parse(out), imported), imported.document);
	});
	await check('models/ without index.js loads to the same document', async () => {
		const flat = path.join(__dirname, 'out', 'models_flat');
		copyFlat(flat);
		const { sequelize: s } = loadModels(flat);
		assert.deepStrictEqual(asSent(serializeModels(s).document, imported), imported.document);
		await s.close();
	});

	const orm = new OrmModels(pool);
	const names = new Set();
	for (const t of queries) {
		if (names.has(t.name))
			throw new Error(`duplicate query name ${t.name}`);
		names.add(t.name);
		if (only.length && !only.includes(t.name))
			continue;
		if (t.pending) {
			pending.push(t.name);
			console.log(`pending ${t.name}: ${t.pending}`);
			continue;
		}
		await check(t.name, () => runCall(t, orm));
	}
	await runWrites(pool, orm, names);
	await check('the document is the same after Sequelize ran the calls', () => {
		assert.deepStrictEqual(asSent(serializeModels(sequelize).document, imported), imported.document);
	});
	await check('orm-models import --dry-run against the database', async () => {
		const bin = path.join(__dirname, 'node_modules', '.bin', 'orm-models');
		const out = execFileSync(bin, ['import', path.join(__dirname, 'models'), '--dry-run'], {
			env: { ...process.env, NODE_APP_DATABASE: seqDb, PGDATABASE: ormDb }, encoding: 'utf8',
		});
		const names = Object.keys(imported.document);
		const lines = out.split('\n');
		assert.strictEqual(lines[0], `defined ${names.length} models: ${names.join(', ')}`);
		/* what it lists is what importModels listed */
		assert.deepStrictEqual(lines.filter(l => l.startsWith('not carried: ')).map(l => l.replace(/ \(.*$/s, '')),
			imported.notCarried.map(n => `not carried: ${n.model}${n.attribute ? `.${n.attribute}` : ''}: ${n.what}`));
	});
	await pool.end();
	await sequelize.close();
	console.log(`${queries.length - pending.length} calls compared, ${pending.length} pending`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main().catch(e => {
	console.error(`compare.js: ${util.inspect(e)}`);
	console.log(`${passed} passed, ${failed + 1} failed`);
	process.exit(2);
});

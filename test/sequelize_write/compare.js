/*
 * compare.js: the same writes through real Sequelize 6 (database SEQ) and
 * through orm_models' write functions (database ORM), on the same schema
 * (models.json) and the same starting data (none): after every step, the
 * value each returned and the contents of every table are compared.
 *
 * Normalizations: objects compare with their keys sorted; every value
 * that is a date (a Date, or a string in ISO 8601 with a time zone) is
 * compared as the instant it names, except the timestamps the writer sets
 * itself (createdAt, updatedAt, deletedAt: Sequelize's are the Node
 * clock's, orm_models' the database's), which compare as set or null.
 * A step's "known" lists the differences that are deliberate (README.md,
 * "Writing through the models"): each is a change of orm_models' result
 * (orm) or of Sequelize's (seq) applied before comparing, and must change
 * it (a known difference that no longer happens is a failure: the list is
 * kept true).
 *
 * Usage: node compare.js SEQ_DB ORM_DB [--show]
 * Prints "ok STEP" or "FAILED STEP" with the differences, then
 * "N passed, N failed"; exits 1 if anything failed.
 */
'use strict';

const path = require('path');
const { Client } = require('pg');
const { Sequelize } = require('sequelize');
const { buildModels } = require('../sequelize_find/sequelize_models');

const [seqDb, ormDb] = process.argv.slice(2, 4);
const show = process.argv.includes('--show');
const doc = require(path.join(__dirname, 'models.json'));
const TIMESTAMPS = new Set(['createdAt', 'updatedAt', 'deletedAt']);
const TABLES = ['Users', 'Posts', 'Comments', 'Profiles', 'Tags', 'UserTags', 'Notes'];
const EXPLICIT_DATE = '2020-01-02T03:04:05.000Z';

function isDateString(v) {
	return typeof v === 'string' &&
		/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d(:?\d\d)?)$/.test(v);
}

/* A value as compared: keys sorted, dates as instants, timestamps as set. */
function normalize(v, key) {
	if (v instanceof Date || isDateString(v)) {
		const ms = new Date(v).getTime();
		if (TIMESTAMPS.has(key) && new Date(ms).toISOString() !== EXPLICIT_DATE)
			return 'set';
		return new Date(ms).toISOString();
	}
	if (Array.isArray(v))
		return v.map(e => normalize(e));
	if (v && typeof v === 'object') {
		const out = {};
		for (const k of Object.keys(v).sort())
			out[k] = normalize(v[k], k);
		return out;
	}
	return v;
}

function plain(v) {
	return v === undefined ? null : JSON.parse(JSON.stringify(v));
}

/* Removes key from every object of a value (a known difference). */
function dropKey(key) {
	const walk = v => {
		if (Array.isArray(v))
			return v.map(walk);
		if (v && typeof v === 'object') {
			const out = {};
			for (const [k, e] of Object.entries(v))
				if (k !== key)
					out[k] = walk(e);
			return out;
		}
		return v;
	};
	return walk;
}

const byId = rows => [...rows].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));

/*
 * The steps: what Sequelize is asked, what orm_models is asked (SQL and
 * parameters), and how their answers are read.
 */
function steps(M) {
	const incPosts = [{ model: M.Post, as: 'posts', include: [{ model: M.Comment, as: 'comments' }] }];
	return [
		{
			name: 'create: one row, defaults from the database',
			seq: () => M.User.create({ name: 'ann', email: 'ann@x' }),
			orm: ["SELECT orm.create('User', $1)", [{ name: 'ann', email: 'ann@x' }]],
		},
		{
			name: 'create: hasMany to depth 2 and hasOne',
			seq: () => M.User.create({
				name: 'bob', posts: [{ title: 'p1' }, { title: 'p2', stars: 3, comments: [{ body: 'c1' }, { body: 'c2' }] }],
				profile: { bio: 'hi' },
			}, { include: [...incPosts, { model: M.Profile, as: 'profile' }] }),
			known: [{ why: 'orm_models returns the rows as find_by_pk would: [] for an included hasMany given no rows',
				orm: v => ({ ...v, posts: v.posts.map(p => (p.comments && p.comments.length === 0 ? dropKey('comments')(p) : p)) }) }],
			orm: ["SELECT orm.create('User', $1, $2)", [
				{ name: 'bob', posts: [{ title: 'p1' }, { title: 'p2', stars: 3, comments: [{ body: 'c1' }, { body: 'c2' }] }], profile: { bio: 'hi' } },
				{ include: [{ association: 'posts', include: ['comments'] }, 'profile'] }]],
		},
		{
			name: 'create: belongsTo, the parent row first',
			seq: () => M.Post.create({ title: 'by cy', author: { name: 'cy' } }, { include: [{ model: M.User, as: 'author' }] }),
			orm: ["SELECT orm.create('Post', $1, $2)", [{ title: 'by cy', author: { name: 'cy' } }, { include: ['author'] }]],
		},
		{
			name: 'create: belongsToMany, target and junction rows',
			seq: () => M.User.create({ name: 'dee', tags: [{ name: 't1' }, { name: 't2' }] }, { include: [{ model: M.Tag, as: 'tags' }] }),
			orm: ["SELECT orm.create('User', $1, $2)", [{ name: 'dee', tags: [{ name: 't1' }, { name: 't2' }] }, { include: ['tags'] }]],
			known: [{ why: 'orm_models returns the rows as find_by_pk would: with the junction row under the junction model\'s name',
				orm: dropKey('UserTag') }],
		},
		{
			name: 'create: explicit id and createdAt are written',
			seq: () => M.Post.create({ id: 100, title: 'explicit', createdAt: new Date(EXPLICIT_DATE), userId: 1 }),
			orm: ["SELECT orm.create('Post', $1)", [{ id: 100, title: 'explicit', createdAt: EXPLICIT_DATE, userId: 1 }]],
		},
		{
			name: 'create: fields',
			seq: () => M.User.create({ name: 'eve', score: 5 }, { fields: ['name'] }),
			orm: ["SELECT orm.create('User', $1, $2)", [{ name: 'eve', score: 5 }, { fields: ['name'] }]],
		},
		{
			name: 'bulkCreate: rows in order',
			seq: () => M.User.bulkCreate([{ name: 'm1', email: 'm1@x' }, { name: 'm2', email: 'm2@x' }, { name: 'm3', email: 'm3@x' }]),
			orm: ["SELECT orm.bulk_create('User', $1)", [[{ name: 'm1', email: 'm1@x' }, { name: 'm2', email: 'm2@x' }, { name: 'm3', email: 'm3@x' }]]],
		},
		{
			name: 'bulkCreate: include',
			seq: () => M.User.bulkCreate([{ name: 'n1', posts: [{ title: 'x' }] }, { name: 'n2', posts: [{ title: 'y' }, { title: 'z' }] }],
				{ include: [{ model: M.Post, as: 'posts' }] }),
			orm: ["SELECT orm.bulk_create('User', $1, $2)", [[{ name: 'n1', posts: [{ title: 'x' }] }, { name: 'n2', posts: [{ title: 'y' }, { title: 'z' }] }],
				{ include: ['posts'] }]],
		},
		{
			name: 'bulkCreate: updateOnDuplicate',
			seq: () => M.User.bulkCreate([{ name: 'ann2', email: 'ann@x' }, { name: 'o1', email: 'o1@x' }],
				{ updateOnDuplicate: ['name'], conflictAttributes: ['email'] }),
			orm: ["SELECT orm.bulk_create('User', $1, $2)", [[{ name: 'ann2', email: 'ann@x' }, { name: 'o1', email: 'o1@x' }],
				{ updateOnDuplicate: ['name'], conflictAttributes: ['email'] }]],
		},
		{
			name: 'bulkCreate: ignoreDuplicates',
			seq: () => M.User.bulkCreate([{ name: 'dup', email: 'ann@x' }, { name: 'p1', email: 'p1@x' }], { ignoreDuplicates: true }),
			orm: ["SELECT orm.bulk_create('User', $1, $2)", [[{ name: 'dup', email: 'ann@x' }, { name: 'p1', email: 'p1@x' }], { ignoreDuplicates: true }]],
			known: [{ why: 'Sequelize returns an instance per row given and hands the RETURNING rows to them by position, ' +
				'so a skipped row shifts the others (its instances without an id are dropped here); orm_models returns the rows written',
				seq: v => v.filter(r => r.id !== null) }],
		},
		{
			name: 'update: returning',
			seq: async () => (await M.User.update({ score: 7 }, { where: { name: ['ann2', 'bob'] }, returning: true }))[1],
			orm: ["SELECT orm.update('User', $1, $2)", [{ score: 7 }, { where: { name: ['ann2', 'bob'] } }]],
			sort: true,
		},
		{
			name: 'increment',
			seq: async () => { await M.User.increment({ score: 2 }, { where: { id: [1, 2] } }); return null; },
			orm: ["SELECT orm.increment('User', $1, $2)", [{ score: 2 }, { where: { id: [1, 2] } }]],
			result: 'none',
		},
		{
			name: 'decrement',
			seq: async () => { await M.User.decrement({ score: 10 }, { where: { id: 1 } }); return null; },
			orm: ["SELECT orm.decrement('User', $1, $2)", [{ score: 10 }, { where: { id: 1 } }]],
			result: 'none',
		},
		{
			name: 'bulkCreate: paranoid notes',
			seq: () => M.Note.bulkCreate([{ text: 'a' }, { text: 'b' }, { text: 'c' }]),
			orm: ["SELECT orm.bulk_create('Note', $1)", [[{ text: 'a' }, { text: 'b' }, { text: 'c' }]]],
		},
		{
			name: 'destroy: paranoid sets deletedAt',
			seq: () => M.Note.destroy({ where: { text: ['a', 'b'] } }),
			orm: ["SELECT orm.destroy('Note', $1)", [{ where: { text: ['a', 'b'] } }]],
			result: 'count',
		},
		{
			name: 'update: skips soft-deleted rows',
			seq: async () => (await M.Note.update({ n: 3 }, { where: {}, returning: true }))[1],
			orm: ["SELECT orm.update('Note', $1, $2)", [{ n: 3 }, { where: {} }]],
		},
		{
			name: 'restore',
			seq: async () => { await M.Note.restore({ where: { text: 'a' } }); return null; },
			orm: ["SELECT orm.restore('Note', $1)", [{ where: { text: 'a' } }]],
			result: 'none',
		},
		{
			name: 'destroy: force',
			seq: () => M.Note.destroy({ where: { text: 'b' }, force: true }),
			orm: ["SELECT orm.destroy('Note', $1)", [{ where: { text: 'b' }, force: true }]],
			result: 'count',
		},
		{
			name: 'destroy: not paranoid',
			seq: () => M.Comment.destroy({ where: { body: 'c1' } }),
			orm: ["SELECT orm.destroy('Comment', $1)", [{ where: { body: 'c1' } }]],
			result: 'count',
		},
		{
			name: 'upsert: insert',
			seq: async () => (await M.User.upsert({ name: 'zed', email: 'zed@x' }, { conflictFields: ['email'] }))[0],
			orm: ["SELECT orm.upsert('User', $1, $2)", [{ name: 'zed', email: 'zed@x' }, { conflictFields: ['email'] }]],
		},
		{
			name: 'upsert: update by primary key',
			seq: async () => (await M.User.upsert({ id: 1, name: 'ann3', email: 'ann@x' }))[0],
			orm: ["SELECT orm.upsert('User', $1)", [{ id: 1, name: 'ann3', email: 'ann@x' }]],
		},
	];
}

async function tables(client) {
	const out = {};
	for (const t of TABLES) {
		const r = await client.query(`SELECT * FROM "${t}" ORDER BY 1, 2`);
		out[t] = r.rows;
	}
	return out;
}

function diff(a, b) {
	const sa = JSON.stringify(a);
	const sb = JSON.stringify(b);
	return sa === sb ? null : `  sequelize:  ${sa}\n  orm_models: ${sb}`;
}

async function main() {
	const connect = db => ({ host: process.env.PGHOST, port: Number(process.env.PGPORT), user: process.env.PGUSER,
		password: process.env.PGPASSWORD || undefined, database: db });
	const sequelize = new Sequelize(seqDb, process.env.PGUSER, process.env.PGPASSWORD || null, {
		dialect: 'postgres', host: process.env.PGHOST, port: Number(process.env.PGPORT), logging: false,
		// one connection: Sequelize saves a row's included rows with Promise.all, which on
		// a pool of several would hand out the keys in whatever order the inserts land
		pool: { max: 1 } });
	const M = buildModels(sequelize, doc);
	const seqClient = new Client(connect(seqDb));
	const ormClient = new Client(connect(ormDb));
	await seqClient.connect();
	await ormClient.connect();
	let passed = 0;
	let failed = 0;

	for (const step of steps(M)) {
		const problems = [];
		let seqValue;
		let ormValue;

		try {
			seqValue = plain(await step.seq());
			const r = await ormClient.query(step.orm[0], step.orm[1].map(p => JSON.stringify(p)));
			ormValue = Object.values(r.rows[0])[0];
			if (step.result === 'count')
				ormValue = Number(ormValue);
		} catch (e) {
			problems.push(`  error: ${e.message}`);
		}
		if (problems.length === 0 && step.result !== 'none') {
			let o = ormValue;
			let s = seqValue;
			for (const k of step.known || []) {
				const [before, after] = k.orm ? [o, k.orm(o)] : [s, k.seq(s)];
				if (JSON.stringify(normalize(before)) === JSON.stringify(normalize(after)))
					problems.push(`  known difference no longer seen: ${k.why}`);
				if (k.orm)
					o = after;
				else
					s = after;
			}
			s = normalize(s);
			o = normalize(o);
			if (step.sort && Array.isArray(s)) {
				s = byId(s);
				o = byId(o);
			}
			const d = diff(s, o);
			if (d)
				problems.push(`  returned:\n${d}`);
			if (show)
				console.log(`  ${step.name}: ${JSON.stringify(o)}`);
		}
		if (problems.length === 0) {
			const [ts, to] = [await tables(seqClient), await tables(ormClient)];
			for (const t of TABLES) {
				const d = diff(normalize(ts[t]), normalize(to[t]));
				if (d)
					problems.push(`  table ${t}:\n${d}`);
			}
		}
		if (problems.length === 0) {
			passed++;
			console.log(`ok ${step.name}`);
		} else {
			failed++;
			console.log(`FAILED ${step.name}\n${problems.join('\n')}`);
		}
	}
	await seqClient.end();
	await ormClient.end();
	await sequelize.close();
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main().catch(e => {
	console.log(`FAILED compare.js: ${e.stack}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
});

// test/bench/node/bench_sequelize.js: case 6 of the benchmark.  End to end
// from Node, in one run, Sequelize 6 against the orm-models package
// (clients/node) answering the same calls, written the same way:
//
//   findAll   User.findAll({include: [{model: Post, as: 'posts'}]}) over
//             every user: Sequelize's model instances vs the package's
//             plain objects (what toJSON() gives: Dates as Dates).
//             Target: the package at least 3x faster.
//   findByPk  User.findByPk(id, {include: posts -> comments}), one call
//             after another over a fixed list of ids.  Target: 5x.
//
// Next to them, for reference and to see where the package's own time
// goes: Sequelize's findAll + JSON.stringify; orm.find_all through bare
// node-postgres, as text and parsed by node-postgres; and the package's
// findAll taken apart: the server alone (SELECT length(...), so the JSON is
// built but not sent), the text received through node-postgres, JSON.parse,
// and the conversion of the dates.  For findByPk, the same statement
// through bare node-postgres, JSON-parsed, on a pg.Client and on a pg.Pool
// of one connection as the package's (the package's own cost is its time
// less the latter's: the option translation, the plan lookup and the
// Dates).
//
// Each sample starts clean: a full garbage collection (node --expose-gc),
// so that no contender pays for the garbage of the one before; a pause
// (BENCH_GC_PAUSE_MS, default 100) for that collection's background work
// (sweeping the heap) to end, which would otherwise run during the sample
// on a core the server needs; and, for findByPk, BENCH_PK_REWARM (default
// 20) calls not timed, since the collection drops optimized code whose
// objects it freed (pg's row parser, Sequelize's lodash, the package's
// converters) and a sample of 200 calls would otherwise pay for compiling it
// again.  The findAll results are checked, then let go, before findByPk
// runs, so that findByPk is timed with a heap of its own size.
//
// Connects with PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.  Settings:
// BENCH_NODE_REPS (findAll samples, default 3), BENCH_PK_REPS (findByPk
// samples, default 7), BENCH_WARMUP (default 1), BENCH_PK_CALLS (findByPk
// calls per sample, default 200).  Prints a table on stderr and one JSON
// line on stdout: {"sequelize_ms": ..., "package_ms": ..., "findall_ratio":
// ..., "pk_sequelize_ms": ..., "pk_package_ms": ..., "findbypk_ratio": ...,
// "ok": bool, ...}; ok says that both sides returned the same users, posts
// and comments.
'use strict';

const { Sequelize, DataTypes } = require('sequelize');
const pg = require('pg');
const { OrmModels } = require('orm-models');
const { shapeOf, convertRows, DEFAULT_PARSERS } = require('orm-models/lib/result');

const reps = Math.max(1, parseInt(process.env.BENCH_NODE_REPS || '3', 10));
const pkReps = Math.max(1, parseInt(process.env.BENCH_PK_REPS || '7', 10));
const warmup = Math.max(0, parseInt(process.env.BENCH_WARMUP || '1', 10));
const pkCalls = Math.max(1, parseInt(process.env.BENCH_PK_CALLS || '200', 10));
const gcPause = Math.max(0, parseInt(process.env.BENCH_GC_PAUSE_MS || '100', 10));
const pkRewarm = Math.max(0, parseInt(process.env.BENCH_PK_REWARM || '20', 10));
const conn = {
	host: process.env.PGHOST || 'localhost',
	port: parseInt(process.env.PGPORT || '5432', 10),
	user: process.env.PGUSER || 'postgres',
	password: process.env.PGPASSWORD || undefined,
	database: process.env.PGDATABASE || 'orm_bench',
};
const RAW = { getTypeParser: () => v => v };

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const pause = ms => new Promise(resolve => setTimeout(resolve, ms));

// A garbage collection first (node --expose-gc), so that no contender pays
// for the garbage of the one before, and a pause for its background work;
// then rewarm() if given, not timed (see the head of this file).
async function timed(fn, rewarm) {
	if (global.gc) {
		global.gc();
		await pause(gcPause);
	}
	if (rewarm)
		await rewarm();
	const t0 = process.hrtime.bigint();
	const r = await fn();
	return [Number(process.hrtime.bigint() - t0) / 1e6, r];
}

// Warm-up runs, then n timed runs, interleaved between the contenders, the
// order turned by one each round (no contender always follows the same one).
// contenders: name -> fn, or name -> [fn, rewarm].
async function measure(contenders, n = reps) {
	const times = Object.fromEntries(Object.keys(contenders).map(k => [k, []]));
	const last = {};
	const list = Object.entries(contenders);
	for (let i = 0; i < warmup + n; i++) {
		for (let j = 0; j < list.length; j++) {
			const [name, c] = list[(i + j) % list.length];
			const [ms, r] = Array.isArray(c) ? await timed(...c) : await timed(c);
			if (i >= warmup)
				times[name].push(ms);
			last[name] = r;
		}
	}
	return [Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])), last];
}

function defineModels(sequelize) {
	const User = sequelize.define('User', {
		id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
		name: { type: DataTypes.STRING, allowNull: false },
		email: { type: DataTypes.STRING, allowNull: false, unique: true },
	});
	const Post = sequelize.define('Post', {
		id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
		title: { type: DataTypes.STRING, allowNull: false },
		content: { type: DataTypes.TEXT, allowNull: false },
		userId: { type: DataTypes.INTEGER, allowNull: false },
	});
	const Comment = sequelize.define('Comment', {
		id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
		body: { type: DataTypes.TEXT, allowNull: false },
		postId: { type: DataTypes.INTEGER, allowNull: false },
	});
	User.hasMany(Post, { as: 'posts', foreignKey: 'userId' });
	Post.belongsTo(User, { as: 'author', foreignKey: 'userId' });
	Post.hasMany(Comment, { as: 'comments', foreignKey: 'postId' });
	return { User, Post, Comment };
}

/* users:posts:comments of a result, order-insensitive, for the check. */
function digest(users) {
	const list = [].concat(users).filter(Boolean);
	return list.map(u => `${u.id}:${u.posts.map(p => `${p.id}(${(p.comments || []).map(c => c.id).sort((a, b) => a - b).join(',')})`).sort().join(',')}`)
		.sort().join(';');
}

/* Equal values, rows in any order (arrays of rows sorted by id). */
function sameValues(a, b) {
	const norm = v => {
		if (Array.isArray(v))
			return v.map(norm).sort((x, y) => (x && y && x.id - y.id) || 0);
		if (v && typeof v === 'object' && !(v instanceof Date))
			return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
		return v;
	};
	return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

async function main() {
	const sequelize = new Sequelize(conn.database, conn.user, conn.password, {
		host: conn.host, port: conn.port, dialect: 'postgres', logging: false, pool: { max: 1, min: 1 },
	});
	const { User, Post, Comment } = defineModels(sequelize);
	const pool = new pg.Pool({ ...conn, max: 1 });
	const orm = new OrmModels(pool);
	const text = new pg.Client({ ...conn, types: RAW });
	const parsed = new pg.Client(conn);
	const parsedPool = new pg.Pool({ ...conn, max: 1 });
	await text.connect();
	await parsed.connect();

	const all = { include: [{ model: Post, as: 'posts' }] };
	const q = { text: 'SELECT orm.find_all($1, $2) AS j', values: ['User', '{"include": ["posts"]}'] };
	const qLen = { name: 'bench_len', text: 'SELECT pg_catalog.length(orm.find_all($1, $2::jsonb)::text) AS j', values: q.values };
	const qPkg = { name: 'bench_text', text: 'SELECT orm.find_all($1, $2::jsonb) AS j', values: q.values, types: RAW };
	const catalog = await orm.catalog();
	const shape = shapeOf(catalog, 'User', ['posts'], new Map());
	let lastText = null;

	const [t, last] = await measure({
		sequelize: () => User.findAll(all),
		sequelize_json: async () => JSON.stringify(await User.findAll(all)),
		orm_text: async () => (await text.query(q)).rows[0].j,
		orm_parsed: async () => (await parsed.query(q)).rows[0].j,
		package: () => orm.model('User').findAll(all),
		part_server: async () => (await pool.query(qLen)).rows[0].j,
		part_text: async () => {
			lastText = (await pool.query(qPkg)).rows[0].j;
			return lastText.length;
		},
	});
	const [tp] = await measure({
		part_parse: () => JSON.parse(lastText).length,
		part_parse_convert: () => convertRows(JSON.parse(lastText), shape, DEFAULT_PARSERS).length,
	});
	const s = last.sequelize.map(u => u.toJSON());
	const okAll = digest(s) === digest(last.package) && sameValues(s, last.package);
	const nusersAll = s.length;
	const posts = s.reduce((n, u) => n + u.posts.length, 0);
	const jsonBytes = lastText.length;
	/* findByPk is timed with a heap of its own: findAll's results let go */
	s.length = 0;
	for (const k of Object.keys(last))
		delete last[k];
	lastText = null;

	// findByPk with a two-level include, call after call
	const nusers = Number((await pool.query('SELECT count(*) AS n FROM "Users"')).rows[0].n);
	const ids = Array.from({ length: pkCalls }, (_, i) => 1 + ((i * 7919) % nusers));
	const pkOptions = { include: [{ model: Post, as: 'posts', include: [{ model: Comment, as: 'comments' }] }] };
	const pkRaw = { name: 'bench_pk', text: 'SELECT orm.find_by_pk($1, $2::integer, $3::jsonb) AS j', values: null };
	const pkQuery = JSON.stringify({ include: [{ association: 'posts', include: ['comments'] }] });
	const warmIds = ids.slice(0, pkRewarm);
	/* one contender: its calls over a list of ids, timed over ids, rewarmed over warmIds */
	const pk = one => [async () => {
		let r;
		for (const id of ids)
			r = await one(id);
		return r;
	}, async () => {
		for (const id of warmIds)
			await one(id);
	}];
	const [tk, lastPk] = await measure({
		pk_sequelize: pk(id => User.findByPk(id, pkOptions)),
		pk_package: pk(id => orm.model('User').findByPk(id, pkOptions)),
		pk_orm_parsed: pk(async id => (await parsed.query({ ...pkRaw, values: ['User', id, pkQuery] })).rows[0].j),
		pk_orm_pool: pk(async id => (await parsedPool.query({ ...pkRaw, values: ['User', id, pkQuery] })).rows[0].j),
	}, pkReps);

	const ok = okAll && digest(lastPk.pk_sequelize.toJSON()) === digest(lastPk.pk_package)
		&& sameValues(lastPk.pk_sequelize.toJSON(), lastPk.pk_package);
	const out = {
		sequelize_ms: t.sequelize,
		sequelize_json_ms: t.sequelize_json,
		orm_text_ms: t.orm_text,
		orm_parsed_ms: t.orm_parsed,
		package_ms: t.package,
		findall_ratio: t.sequelize / t.package,
		part_server_ms: t.part_server,
		part_text_ms: t.part_text,
		part_parse_ms: tp.part_parse,
		part_convert_ms: tp.part_parse_convert - tp.part_parse,
		pk_sequelize_ms: tk.pk_sequelize / pkCalls,
		pk_package_ms: tk.pk_package / pkCalls,
		pk_orm_parsed_ms: tk.pk_orm_parsed / pkCalls,
		pk_orm_pool_ms: tk.pk_orm_pool / pkCalls,
		findbypk_ratio: tk.pk_sequelize / tk.pk_package,
		users: nusersAll,
		posts,
		json_bytes: jsonBytes,
		pk_calls: pkCalls,
		ok,
		reps,
		pk_reps: pkReps,
		sequelize_version: require('sequelize/package.json').version,
		pg_version: require('pg/package.json').version,
	};
	const f = x => x.toFixed(x < 10 ? 3 : 1);
	process.stderr.write([
		`findAll include posts, ${out.users} users, ${posts} posts (${(out.json_bytes / 1e6).toFixed(1)} MB of JSON), median of ${reps}:`,
		`  Sequelize findAll              ${f(out.sequelize_ms)} ms   (+ JSON.stringify: ${f(out.sequelize_json_ms)} ms)`,
		`  orm-models findAll             ${f(out.package_ms)} ms   ratio ${out.findall_ratio.toFixed(2)}x (target >= 3)`,
		`    server alone (length)        ${f(out.part_server_ms)} ms`,
		`    text through node-postgres   ${f(out.part_text_ms)} ms`,
		`    JSON.parse                   ${f(out.part_parse_ms)} ms`,
		`    dates and the rest           ${f(out.part_convert_ms)} ms`,
		`  bare node-postgres: text ${f(out.orm_text_ms)} ms, parsed ${f(out.orm_parsed_ms)} ms`,
		`findByPk with posts.comments, ${pkCalls} calls, per call, median of ${pkReps}:`,
		`  Sequelize findByPk             ${f(out.pk_sequelize_ms)} ms`,
		`  orm-models findByPk            ${f(out.pk_package_ms)} ms   ratio ${out.findbypk_ratio.toFixed(2)}x (target >= 5)`,
		`  bare node-postgres: Client ${f(out.pk_orm_parsed_ms)} ms, Pool ${f(out.pk_orm_pool_ms)} ms (the package's own: ${f(out.pk_package_ms - out.pk_orm_pool_ms)} ms)`,
		`same results: ${ok}`,
		'',
	].join('\n'));
	console.log(JSON.stringify(out));
	await text.end();
	await parsed.end();
	await parsedPool.end();
	await pool.end();
	await sequelize.close();
}

main().catch(e => {
	console.error(e && e.stack ? e.stack : e);
	process.exit(1);
});

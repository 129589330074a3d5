// test/bench/node/bench_sequelize.js: case 6 of the benchmark, for
// reference only.  Sequelize 6's User.findAll({include: ['posts']}) over
// the benchmark's data set, end to end from Node through node-postgres:
// query, row deduplication into model instances, and toJSON() +
// JSON.stringify (what a web handler sends).  Next to it, the same result
// from orm.find_all through node-postgres: the query, then the json
// value as text, and parsed into objects (node-postgres parses json).
//
// Connects with PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.  Settings:
// BENCH_NODE_REPS (default 3), BENCH_WARMUP (default 1).  Prints one JSON
// line: {"sequelize_ms": median, "sequelize_json_ms": ..., "orm_text_ms":
// ..., "orm_parsed_ms": ..., "users": n, "posts": n, "ok": bool, ...}.
'use strict';

const { Sequelize, DataTypes } = require('sequelize');
const pg = require('pg');

const reps = Math.max(1, parseInt(process.env.BENCH_NODE_REPS || '3', 10));
const warmup = Math.max(0, parseInt(process.env.BENCH_WARMUP || '1', 10));
const conn = {
	host: process.env.PGHOST || 'localhost',
	port: parseInt(process.env.PGPORT || '5432', 10),
	user: process.env.PGUSER || 'postgres',
	password: process.env.PGPASSWORD || undefined,
	database: process.env.PGDATABASE || 'orm_bench',
};

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// A garbage collection first (node --expose-gc), so that no contender pays
// for the garbage of the one before.
async function timed(fn) {
	if (global.gc) global.gc();
	const t0 = process.hrtime.bigint();
	const r = await fn();
	return [Number(process.hrtime.bigint() - t0) / 1e6, r];
}

// Warm-up runs, then reps timed runs, interleaved between the contenders.
async function measure(contenders) {
	const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
	const last = {};
	for (let i = 0; i < warmup + reps; i++) {
		for (const [name, fn] of Object.entries(contenders)) {
			const [ms, r] = await timed(fn);
			if (i >= warmup) times[name].push(ms);
			last[name] = r;
		}
	}
	return [Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])), last];
}

async function main() {
	const sequelize = new Sequelize(conn.database, conn.user, conn.password, {
		host: conn.host,
		port: conn.port,
		dialect: 'postgres',
		logging: false,
		pool: { max: 1, min: 1 },
	});
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
	User.hasMany(Post, { as: 'posts', foreignKey: 'userId' });
	Post.belongsTo(User, { as: 'author', foreignKey: 'userId' });

	const text = new pg.Client({ ...conn, types: { getTypeParser: () => (v) => v } });
	const parsed = new pg.Client(conn);
	await text.connect();
	await parsed.connect();
	const q = { text: 'SELECT orm.find_all($1, $2) AS j', values: ['User', '{"include": ["posts"]}'] };

	const [t, last] = await measure({
		sequelize: () => User.findAll({ include: [{ model: Post, as: 'posts' }] }),
		sequelize_json: async () => JSON.stringify(await User.findAll({ include: [{ model: Post, as: 'posts' }] })),
		orm_text: async () => (await text.query(q)).rows[0].j,
		orm_parsed: async () => (await parsed.query(q)).rows[0].j,
	});

	// the two sides return the same users and posts
	const s = last.sequelize.map((u) => u.toJSON());
	const o = last.orm_parsed;
	const key = (rows) => rows.map((u) => `${u.id}:${u.posts.map((p) => p.id).sort((a, b) => a - b).join(',')}`).sort().join(';');
	const ok = s.length === o.length && key(s) === key(o);
	const posts = s.reduce((n, u) => n + u.posts.length, 0);

	console.log(JSON.stringify({
		sequelize_ms: t.sequelize,
		sequelize_json_ms: t.sequelize_json,
		orm_text_ms: t.orm_text,
		orm_parsed_ms: t.orm_parsed,
		users: s.length,
		posts,
		ok,
		reps,
		sequelize_version: require('sequelize/package.json').version,
		pg_version: require('pg/package.json').version,
	}));
	await text.end();
	await parsed.end();
	await sequelize.close();
}

main().catch((e) => {
	console.error(e && e.stack ? e.stack : e);
	process.exit(1);
});

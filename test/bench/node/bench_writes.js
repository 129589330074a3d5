// test/bench/node/bench_writes.js: the write functions end to end from
// Node against Sequelize 6 doing the same writes on the same tables:
//
//   create   User.create({name, posts: [10 posts]}, {include: posts}), call
//            after call (BENCH_CREATE_CALLS, default 200), against
//            orm.create('User', data, {"include": ["posts"]}) through
//            node-postgres, its JSON parsed.  Target: 5x faster.
//   bulk     User.bulkCreate(BENCH_BULK_ROWS rows, default 10,000) against
//            orm.bulk_create, its JSON parsed.
//
// The tables (schema wbench_node) are made by orm.define_models + orm.sync,
// and Sequelize's models are defined on them; both write the same rows.
// Connects with PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (orm_models
// installed there).  BENCH_NODE_REPS (default 3) timed runs after one
// warm-up.  Prints a table on stderr and one JSON line on stdout; ok says
// that both returned the same rows (but the generated keys).
'use strict';

const { Sequelize, DataTypes } = require('sequelize');
const pg = require('pg');

const reps = Math.max(1, parseInt(process.env.BENCH_NODE_REPS || '3', 10));
const calls = Math.max(1, parseInt(process.env.BENCH_CREATE_CALLS || '200', 10));
const nrows = Math.max(1, parseInt(process.env.BENCH_BULK_ROWS || '10000', 10));
const conn = {
	host: process.env.PGHOST || 'localhost',
	port: parseInt(process.env.PGPORT || '5432', 10),
	user: process.env.PGUSER || 'postgres',
	password: process.env.PGPASSWORD || undefined,
	database: process.env.PGDATABASE || 'postgres',
};
const MODELS = {
	User: {
		attributes: { id: { type: 'INTEGER', primaryKey: true, autoIncrement: true },
			name: { type: 'STRING', allowNull: false }, email: 'STRING' },
		options: { schema: 'wbench_node', timestamps: false },
		associations: [{ hasMany: 'Post', foreignKey: 'userId', as: 'posts' }],
	},
	Post: {
		attributes: { id: { type: 'INTEGER', primaryKey: true, autoIncrement: true },
			title: { type: 'STRING', allowNull: false }, stars: { type: 'INTEGER', defaultValue: 0 } },
		options: { schema: 'wbench_node', timestamps: false },
	},
};

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function timed(fn) {
	if (global.gc)
		global.gc();
	const t0 = process.hrtime.bigint();
	const r = await fn();
	return [Number(process.hrtime.bigint() - t0) / 1e6, r];
}

async function measure(contenders) {
	const times = Object.fromEntries(Object.keys(contenders).map(k => [k, []]));
	const last = {};
	for (let i = 0; i < 1 + reps; i++) {
		for (const [name, fn] of Object.entries(contenders)) {
			const [ms, r] = await timed(fn);
			if (i >= 1)
				times[name].push(ms);
			last[name] = r;
		}
	}
	return [Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])), last];
}

/* A row as compared: without its keys. */
function keyless(v) {
	if (Array.isArray(v))
		return v.map(keyless);
	if (v && typeof v === 'object') {
		const out = {};
		for (const k of Object.keys(v).sort())
			if (k !== 'id' && k !== 'userId')
				out[k] = keyless(v[k]);
		return out;
	}
	return v;
}

async function main() {
	const client = new pg.Client(conn);
	await client.connect();
	await client.query('SET client_min_messages = warning');
	await client.query('DROP SCHEMA IF EXISTS wbench_node CASCADE');
	await client.query("SELECT orm.undefine(name) FROM orm.models WHERE name IN ('User', 'Post') AND schema = 'wbench_node'").catch(() => null);
	await client.query('SELECT orm.define_models($1)', [JSON.stringify(MODELS)]);
	await client.query('SELECT count(*) FROM orm.sync($1)', [JSON.stringify({ models: ['User', 'Post'] })]);

	const sequelize = new Sequelize(conn.database, conn.user, conn.password, {
		host: conn.host, port: conn.port, dialect: 'postgres', logging: false, pool: { max: 1, min: 1 },
	});
	const User = sequelize.define('User', {
		id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
		name: { type: DataTypes.STRING, allowNull: false },
		email: DataTypes.STRING,
	}, { schema: 'wbench_node', timestamps: false });
	const Post = sequelize.define('Post', {
		id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
		title: { type: DataTypes.STRING, allowNull: false },
		stars: { type: DataTypes.INTEGER, defaultValue: 0 },
	}, { schema: 'wbench_node', timestamps: false });
	User.hasMany(Post, { as: 'posts', foreignKey: 'userId' });

	const user = { name: 'u', email: 'u@x', posts: Array.from({ length: 10 }, (_, i) => ({ title: `post ${i}`, stars: i })) };
	const rows = Array.from({ length: nrows }, (_, i) => ({ name: `n${i}`, email: `${i}@x` }));
	const createSql = { name: 'bw_create', text: 'SELECT orm.create($1, $2::json, $3::jsonb) AS j', values: ['User', JSON.stringify(user), '{"include": ["posts"]}'] };
	const [tc, lc] = await measure({
		sequelize: async () => {
			let r;
			for (let i = 0; i < calls; i++)
				r = await User.create(user, { include: [{ model: Post, as: 'posts' }] });
			return r.toJSON();
		},
		orm: async () => {
			let r;
			for (let i = 0; i < calls; i++)
				r = (await client.query({ ...createSql, values: ['User', JSON.stringify(user), '{"include": ["posts"]}'] })).rows[0].j;
			return r;
		},
	});
	const [tb, lb] = await measure({
		sequelize: async () => (await User.bulkCreate(rows)).map(u => u.toJSON()),
		orm: async () => (await client.query('SELECT orm.bulk_create($1, $2::json) AS j', ['User', JSON.stringify(rows)])).rows[0].j,
	});
	const ok = JSON.stringify(keyless(lc.sequelize)) === JSON.stringify(keyless(lc.orm)) &&
		JSON.stringify(keyless(lb.sequelize)) === JSON.stringify(keyless(lb.orm));
	const out = {
		create_sequelize_ms: tc.sequelize / calls,
		create_orm_ms: tc.orm / calls,
		create_ratio: tc.sequelize / tc.orm,
		bulk_sequelize_ms: tb.sequelize,
		bulk_orm_ms: tb.orm,
		bulk_ratio: tb.sequelize / tb.orm,
		calls,
		rows: nrows,
		reps,
		ok,
	};
	console.error(`create with 10 posts, per call: Sequelize ${out.create_sequelize_ms.toFixed(3)} ms, ` +
		`orm.create ${out.create_orm_ms.toFixed(3)} ms: ${out.create_ratio.toFixed(1)}x`);
	console.error(`bulkCreate of ${nrows} rows: Sequelize ${out.bulk_sequelize_ms.toFixed(1)} ms, ` +
		`orm.bulk_create ${out.bulk_orm_ms.toFixed(1)} ms: ${out.bulk_ratio.toFixed(1)}x; same rows: ${ok}`);
	console.log(JSON.stringify(out));
	await sequelize.close();
	await client.query('DROP SCHEMA wbench_node CASCADE');
	await client.query("SELECT orm.undefine('Post'), orm.undefine('User')").catch(() => null);
	await client.end();
	process.exit(ok ? 0 : 1);
}

main().catch(e => {
	console.error(e.stack);
	process.exit(1);
});

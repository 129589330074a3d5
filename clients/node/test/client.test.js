/*
 * client.test.js: OrmModels against a server (a scratch database): the
 * statements it runs, its errors, the call options (transaction, logging,
 * rejectOnEmpty, raw), primary keys of other types, and the catalog read.
 */
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const pg = require('pg');
const { Sequelize, DataTypes } = require('sequelize');
const { OrmModels, importModels, OrmError, OrmOptionError, EmptyResultError } = require('..');
const { scratchDatabase, skipReason } = require('./helpers');

let db;
let orm;

function models() {
	const s = new Sequelize({ dialect: 'postgres', logging: false });
	const User = s.define('User', { name: DataTypes.STRING, karma: DataTypes.BIGINT });
	const Post = s.define('Post', { title: DataTypes.STRING });
	const Key = s.define('Key', { id: { type: DataTypes.UUID, primaryKey: true }, label: DataTypes.STRING }, { timestamps: false });
	const Big = s.define('Big', { id: { type: DataTypes.BIGINT, primaryKey: true }, label: DataTypes.STRING }, { timestamps: false });
	const Pair = s.define('Pair', { a: { type: DataTypes.INTEGER, primaryKey: true }, b: { type: DataTypes.INTEGER, primaryKey: true } }, { timestamps: false });
	const Group = s.define('Group', { name: DataTypes.STRING }, { underscored: true });
	User.hasMany(Post, { as: 'posts', foreignKey: 'userId' });
	Post.belongsTo(User, { as: 'author', foreignKey: 'userId' });
	User.belongsToMany(Group, { through: 'user_groups', as: 'groups' });
	Group.belongsToMany(User, { through: 'user_groups', as: 'users' });
	return { s, User, Post, Key, Big, Pair, Group };
}

test.before(async () => {
	if (skipReason)
		return;
	db = await scratchDatabase('client');
	await importModels(models().s, db.pool, { sync: { force: true } });
	await db.sql(`INSERT INTO "Users" (name, karma) VALUES ('ana', 9007199254740993), ('bo', 2);
		INSERT INTO "Posts" (title, "userId") VALUES ('a1', 1), ('a2', 1), ('b1', 2);
		INSERT INTO "Keys" VALUES ('6c1c6a0e-8a53-4d86-9f1a-3c7f0e0b7a11', 'k');
		INSERT INTO "Bigs" VALUES (9007199254740993, 'big');
		INSERT INTO "Pairs" VALUES (1, 2), (1, 3);
		INSERT INTO groups (name, created_at, updated_at) VALUES ('g', '2024-01-01', '2024-01-02');
		INSERT INTO user_groups VALUES ('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', 1, 1)`);
	orm = new OrmModels(db.pool);
});

test.after(async () => {
	if (db)
		await db.drop();
});

test('each call is one named prepared statement, parsed once per connection', { skip: skipReason }, async () => {
	const client = new pg.Client({ database: db.name });
	await client.connect();
	try {
		const o = new OrmModels(client);
		await o.model('User').findAll({ include: ['posts'] });
		await o.model('User').findAll({ where: { id: 1 } });
		await o.model('User').findOne({});
		await o.model('User').findByPk(1);
		await o.model('User').count();
		const r = await client.query('SELECT name, statement FROM pg_catalog.pg_prepared_statements ORDER BY statement');
		assert.deepStrictEqual(r.rows.map(x => x.statement), [
			'SELECT orm.count($1, $2::jsonb) AS r',
			'SELECT orm.find_all($1, $2::jsonb) AS r',
			'SELECT orm.find_by_pk($1, $2::integer, $3::jsonb) AS r',
			'SELECT orm.find_one($1, $2::jsonb) AS r',
		]);
		assert.ok(r.rows.every(x => /^orm_models_[0-9a-f]{16}$/.test(x.name)));
	} finally {
		await client.end();
	}
});

test('errors of the database carry SQLSTATE, message, detail and hint', { skip: skipReason }, async () => {
	await assert.rejects(orm.model('User').findAll({ where: { nope: 1 } }), e => {
		assert.ok(e instanceof OrmError);
		assert.strictEqual(e.code, '42703');
		assert.match(e.message, /"nope"/);
		assert.ok(e.cause && e.cause.code === '42703');
		return true;
	});
	await assert.rejects(orm.model('User').findAll({ where: { id: 'x' } }), e => e.code === '22P02' && /User\.id/.test(e.message));
	await assert.rejects(orm.model('User').findAll({ where: { name: { $regexp: 'a' } } }), e => e instanceof OrmError && e.code === '22023' && typeof e.hint === 'string');
	await assert.rejects(orm.model('Nobody').findAll(), e => e.code === '42704' && /"Nobody"/.test(e.message));
});

test('a Sequelize option the package does not know is an error naming it', { skip: skipReason }, async () => {
	await assert.rejects(orm.model('User').findAll({ includes: ['posts'] }), e => e instanceof OrmOptionError && e.option === 'includes');
	await assert.rejects(orm.model('User').findAll({ include: [{ association: 'posts', require: true }] }), e => e.option === 'include[0].require');
	await assert.rejects(orm.model('User').findAll({ include: ['posts'], raw: true }), e => e.option === 'raw');
	assert.strictEqual((await orm.model('User').findAll({ raw: true, order: ['id'] })).length, 2);
});

test('transaction: a node-postgres client in a transaction, or a Sequelize transaction', { skip: skipReason }, async () => {
	const client = await db.pool.connect();
	try {
		await client.query('BEGIN');
		await client.query('INSERT INTO "Posts" (title, "userId") VALUES (\'uncommitted\', 2)');
		const inside = await orm.model('Post').count({ transaction: client });
		const outside = await orm.model('Post').count();
		assert.deepStrictEqual([inside, outside], [4, 3]);
		await client.query('ROLLBACK');
	} finally {
		client.release();
	}
	const s = new Sequelize(db.name, process.env.PGUSER, process.env.PGPASSWORD || null, {
		dialect: 'postgres', host: process.env.PGHOST, port: Number(process.env.PGPORT), logging: false,
	});
	try {
		await s.transaction(async t => {
			await s.query('INSERT INTO "Posts" (title, "userId") VALUES (\'seq\', 2)', { transaction: t });
			assert.strictEqual(await orm.model('Post').count({ transaction: t }), 4);
			throw new Error('roll back');
		}).catch(e => assert.strictEqual(e.message, 'roll back'));
	} finally {
		await s.close();
	}
	await assert.rejects(orm.model('Post').count({ transaction: {} }), e => e.option === 'transaction');
});

test('rejectOnEmpty, logging and benchmark as Sequelize takes them', { skip: skipReason }, async () => {
	await assert.rejects(orm.model('User').findOne({ where: { name: 'zed' }, rejectOnEmpty: true }), e => e instanceof EmptyResultError);
	const mine = new Error('none');
	await assert.rejects(orm.model('User').findByPk(99, { rejectOnEmpty: mine }), e => e === mine);
	assert.strictEqual(await orm.model('User').findByPk(99), null);
	const logged = [];
	await orm.model('User').findAll({ where: { name: 'ana' }, logging: (...a) => logged.push(a), benchmark: true });
	assert.strictEqual(logged.length, 1);
	assert.match(logged[0][0], /^Executing \(orm-models\): SELECT orm\.find_all\("User", "\{\\"where\\":\{\\"name\\":\\"ana\\"\}\}"::jsonb\)/);
	assert.strictEqual(typeof logged[0][1], 'number');
});

test('findByPk: uuid, bigint (as text or BigInt) and composite keys', { skip: skipReason }, async () => {
	assert.deepStrictEqual(await orm.model('Key').findByPk('6c1c6a0e-8a53-4d86-9f1a-3c7f0e0b7a11'), { id: '6c1c6a0e-8a53-4d86-9f1a-3c7f0e0b7a11', label: 'k' });
	assert.deepStrictEqual(await orm.model('Big').findByPk(9007199254740993n), { id: '9007199254740993', label: 'big' });
	assert.deepStrictEqual(await orm.model('Big').findByPk('9007199254740993'), { id: '9007199254740993', label: 'big' });
	/* Sequelize's findByPk of a composite key looks at the first key only, and drops the where */
	assert.deepStrictEqual(await orm.model('Pair').findByPk(1, { where: { b: 3 }, order: [['b', 'DESC']] }), { a: 1, b: 3 });
	await assert.rejects(orm.model('Pair').findByPk({ a: 1 }), e => e.option === 'param');
});

test('count: distinct, col, group; findAndCountAll', { skip: skipReason }, async () => {
	assert.strictEqual(await orm.model('User').count({ include: ['posts'], distinct: true }), 2);
	assert.strictEqual(await orm.model('User').count({ distinct: true, col: 'id' }), 2);
	assert.strictEqual(await orm.model('User').count({ order: [['id', 'DESC']], limit: 1 }), 2);
	assert.strictEqual(await orm.model('Post').count({ distinct: true, col: 'userId' }), 2);
	const grouped = (await orm.model('Post').count({ group: ['userId'] })).sort((a, b) => a.userId - b.userId);
	assert.deepStrictEqual(grouped, [{ userId: 1, count: 2 }, { userId: 2, count: 1 }]);
	const fc = await orm.model('User').findAndCountAll({ attributes: ['id', 'karma'], order: [['id', 'ASC']], limit: 1 });
	assert.deepStrictEqual(fc, { count: 2, rows: [{ id: 1, karma: '9007199254740993' }] });
	assert.deepStrictEqual(await orm.model('User').findAndCountAll({ where: { id: 0 } }), { count: 0, rows: [] });
	const counted = await orm.model('User').findAll({
		attributes: ['id', [Sequelize.fn('COUNT', Sequelize.col('posts.id')), 'n']],
		include: [{ association: 'posts', attributes: [] }], order: [['id', 'ASC']],
	});
	assert.deepStrictEqual(counted, [{ id: 1, n: '2' }, { id: 2, n: '1' }]);
});

test('writes: Sequelize\'s result shapes', { skip: skipReason }, async () => {
	const client = await db.pool.connect();
	try {
		await client.query('BEGIN');
		const o = new OrmModels(client);
		const u = await o.model('User').create({ name: 'cy', karma: 5, posts: [{ title: 'c1' }] }, { include: ['posts'] });
		assert.strictEqual(u.karma, '5');
		assert.ok(u.createdAt instanceof Date);
		assert.strictEqual(u.posts.length, 1);
		assert.strictEqual(u.posts[0].userId, u.id);
		const made = await o.model('Post').bulkCreate([{ title: 'd1', userId: u.id }, { title: 'd2', userId: u.id }]);
		assert.deepStrictEqual(made.map(p => p.title), ['d1', 'd2']);
		assert.deepStrictEqual(await o.model('Post').update({ title: 'x' }, { where: { userId: u.id } }), [3]);
		const [n, rows] = await o.model('Post').update({ title: 'y' }, { where: { title: 'x' }, returning: true });
		assert.strictEqual(n, 3);
		assert.ok(rows.every(r => r.title === 'y' && r.updatedAt instanceof Date));
		const inc = await o.model('User').increment('karma', { by: 2, where: { id: u.id } });
		assert.strictEqual(inc.length, 1);
		assert.strictEqual(inc[0][1], 1);
		assert.strictEqual(inc[0][0][0].karma, '7');
		const dec = await o.model('User').decrement({ karma: 3 }, { where: { id: u.id }, returning: true });
		assert.strictEqual(dec[1], 2);
		assert.strictEqual(dec[0][1], 1);
		assert.strictEqual(dec[0][0][0].karma, '4');
		assert.strictEqual(await o.model('Post').destroy({ where: { userId: u.id } }), 3);
		const [up, created] = await o.model('User').upsert({ id: u.id, name: 'cy2' });
		assert.strictEqual(up.name, 'cy2');
		assert.strictEqual(created, null);
		await assert.rejects(o.model('User').update({ name: 'z' }, { where: {}, silent: true }), e => e.option === 'silent');
		await assert.rejects(o.model('User').create({ nope: 1 }), e => e.code === '42703');
		await assert.rejects(o.model('User').destroy({ where: {}, truncate: true }), e => e.option === 'truncate');
	} finally {
		await client.query('ROLLBACK');
		client.release();
	}
});

test('scope() and unscoped(): the query\'s "scope"', { skip: skipReason }, async () => {
	const m = orm.model('User');
	assert.strictEqual(m.scope('a')._scope[0], 'a');
	assert.deepStrictEqual(m.scope(['a', 'b'])._scope, ['a', 'b']);
	assert.deepStrictEqual(m.scope('a', 'b')._scope, ['a', 'b']);
	assert.strictEqual(m.unscoped()._scope, false);
	assert.strictEqual(m.scope()._scope, false);
	assert.throws(() => m.scope({ method: ['x', 1] }), e => e.option === 'scope');
	assert.strictEqual((await m.unscoped().findAll()).length, 2);
	await assert.rejects(m.scope('nope').findAll(), e => e.code === '42704');
});

test('BIGINT and DECIMAL: strings by default, or as a Sequelize instance\'s parsers make them', { skip: skipReason }, async () => {
	assert.deepStrictEqual((await orm.model('User').findByPk(1, { attributes: ['karma'] })).karma, '9007199254740993');
	const types = { getTypeParser: (oid, fmt) => (oid === 20 ? BigInt : pg.types.getTypeParser(oid, fmt)), arrayParser: pg.types.arrayParser };
	const s = new Sequelize({ dialect: 'postgres', logging: false, dialectModule: { ...pg, types } });
	const o = new OrmModels(db.pool, { sequelize: s });
	assert.deepStrictEqual((await o.model('User').findByPk(1, { attributes: ['karma'] })).karma, 9007199254740993n);
	const o2 = new OrmModels(db.pool, { parsers: { bigint: Number } });
	assert.deepStrictEqual((await o2.model('User').findByPk(2, { attributes: ['karma'] })).karma, 2);
	assert.throws(() => new OrmModels(db.pool, { sequelise: s }), e => e.option === 'sequelise');
});

test('an underscored model\'s junction rows: keys and dates as Sequelize gives them', { skip: skipReason }, async () => {
	const rows = await orm.model('User').findAll({ where: { id: 1 }, attributes: ['id'], include: ['groups'] });
	assert.deepStrictEqual(rows, [{
		id: 1,
		groups: [{
			id: 1, name: 'g', createdAt: new Date('2024-01-01T00:00:00Z'), updatedAt: new Date('2024-01-02T00:00:00Z'),
			user_groups: { createdAt: new Date('2024-03-01T00:00:00Z'), updatedAt: new Date('2024-03-02T00:00:00Z'), UserId: 1, GroupId: 1 },
		}],
	}]);
});

test('the catalog is read once; a model defined since is found, refresh() reads it again', { skip: skipReason }, async () => {
	const o = new OrmModels(db.pool);
	await o.model('User').count();
	await db.sql(`SELECT orm.define('Late', '{"n": "INTEGER"}', '{"timestamps": false}'); SELECT orm.sync('{"models": ["Late"]}')`);
	await db.sql('INSERT INTO "Lates" (n) VALUES (5)');
	assert.deepStrictEqual(await o.model('Late').findByPk(1), { id: 1, n: 5 });
	assert.deepStrictEqual(await o.model('Late').findAll(), [{ id: 1, n: 5 }]);
	await db.sql(`SELECT orm.define('Late', '{"n": "BIGINT"}', '{"timestamps": false}'); SELECT orm.sync('{"alter": true}')`);
	assert.deepStrictEqual(await o.model('Late').findAll(), [{ id: 1, n: 5 }], 'still the catalog read before');
	assert.deepStrictEqual(await o.refresh().model('Late').findAll(), [{ id: 1, n: '5' }]);
});

test('read plans: kept under the options\' content; an options object changed between calls is read again', { skip: skipReason }, async () => {
	const o = new OrmModels(db.pool);
	const options = { where: { id: 1 }, include: [{ association: 'posts', where: { title: 'a1' } }] };
	const one = await o.model('User').findAll(options);
	assert.deepStrictEqual(one.map(u => [u.id, u.posts.map(p => p.title)]), [[1, ['a1']]]);
	options.include[0].where.title = 'a2';
	assert.deepStrictEqual((await o.model('User').findAll(options)).map(u => u.posts.map(p => p.title)), [['a2']]);
	options.where.id = 2;
	delete options.include[0].where;
	assert.deepStrictEqual((await o.model('User').findAll(options)).map(u => [u.id, u.posts.map(p => p.title)]), [[2, ['b1']]]);
	/* the same content again, through new objects: no new plan */
	const catalog = await o.catalog();
	const plans = o._plans_for(catalog);
	const n = plans.size;
	for (let i = 0; i < 3; i++)
		await o.model('User').findAll({ where: { id: 2 }, include: [{ association: 'posts' }] });
	assert.strictEqual(plans.size, n);
	/* findByPk, and scopes apart */
	assert.strictEqual((await o.model('User').findByPk(1, { include: ['posts'] })).posts.length, 2);
	assert.strictEqual((await o.model('User').findByPk(2, { include: ['posts'] })).posts.length, 1);
	assert.strictEqual(plans.size, n + 1);
	await o.model('User').unscoped().findByPk(2, { include: ['posts'] });
	assert.strictEqual(plans.size, n + 2);
});

test('read plans: what is refused stays refused, the call part is each call\'s', { skip: skipReason }, async () => {
	const o = new OrmModels(db.pool);
	await o.model('User').findOne({ where: { id: 1 } });
	await assert.rejects(o.model('User').findOne({ where: { id: 1 }, wher: 1 }), e => e instanceof OrmOptionError && e.option === 'wher');
	await assert.rejects(o.model('User').findAll({ where: { id: 1 }, rejectOnEmpty: true }), e => e instanceof OrmOptionError && e.option === 'rejectOnEmpty');
	await o.model('User').findAll({ include: ['posts'] });
	await assert.rejects(o.model('User').findAll({ include: ['posts'], raw: true }), e => e instanceof OrmOptionError && e.option === 'raw');
	await assert.rejects(o.model('User').findOne({ where: { id: 1 }, plain: false }), e => e instanceof OrmOptionError && e.option === 'plain');
	assert.strictEqual(await o.model('User').findOne({ where: { id: 99 } }), null);
	await assert.rejects(o.model('User').findOne({ where: { id: 99 }, rejectOnEmpty: true }), EmptyResultError);
	assert.strictEqual(await o.model('User').findOne({ where: { id: 99 } }), null);
	const lines = [];
	await o.model('User').findOne({ where: { id: 99 }, logging: m => lines.push(m) });
	assert.strictEqual(lines.length, 1);
	await assert.rejects(o.model('User').findOne({ where: { id: 99 }, transaction: {} }), e => e instanceof OrmOptionError && e.option === 'transaction');
	assert.strictEqual(await o.model('User').count({ where: { id: 1 } }), 1);
	assert.strictEqual(await o.model('User').count({ where: { id: 2 } }), 1);
	for (let i = 0; i < 2; i++)
		assert.deepStrictEqual((await o.model('User').count({ group: ['name'] })).sort((a, b) => a.name.localeCompare(b.name)), [{ name: 'ana', count: 1 }, { name: 'bo', count: 1 }]);
	assert.strictEqual((await o.model('User').findAndCountAll({ where: { id: 1 } })).count, 1);
	await assert.rejects(o.model('User').findAndCountAll({ group: ['name'] }), e => e instanceof OrmOptionError && e.option === 'group');
	await assert.rejects(o.model('User').findAndCountAll({ group: ['name'] }), e => e instanceof OrmOptionError && e.option === 'group');
});

/*
 * options.test.js: Sequelize find options -> the extension's query JSON
 * (lib/options.js), without a server.  Include resolution and {all}
 * expansion are checked against a real Sequelize 6 instance's own.
 */
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { Sequelize, DataTypes, Op: SeqOp } = require('sequelize');
const { Op, OrmOptionError } = require('..');
const { translateFind, findKey, translateWhere, sequelizeResolver } = require('../lib/options');

function app() {
	const s = new Sequelize({ dialect: 'postgres', logging: false });
	const User = s.define('User', { name: DataTypes.STRING });
	const Post = s.define('Post', { title: DataTypes.STRING });
	const Comment = s.define('Comment', { body: DataTypes.TEXT });
	const Tag = s.define('Tag', { name: DataTypes.STRING });
	const Profile = s.define('Profile', { bio: DataTypes.TEXT });
	User.hasMany(Post, { as: 'posts', foreignKey: 'authorId' });
	Post.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
	Post.hasMany(Comment, { as: 'comments' });
	Comment.belongsTo(Post, { as: 'post' });
	Comment.belongsTo(User);
	User.hasMany(Comment);
	User.hasOne(Profile);
	Profile.belongsTo(User, { as: 'owner', foreignKey: 'UserId' });
	Post.belongsToMany(Tag, { through: 'PostTags', as: 'tags' });
	Tag.belongsToMany(Post, { through: 'PostTags', as: 'posts' });
	User.belongsTo(User, { as: 'mentor' });
	User.hasMany(User, { as: 'mentees', foreignKey: 'mentorId' });
	return { s, User, Post, Comment, Tag, Profile, resolver: sequelizeResolver(s) };
}

const A = app();
const find = (model, options, method = 'findAll') => translateFind(options, method, { resolver: A.resolver, model }).query;

function throwsOption(fn, option, message) {
	assert.throws(fn, e => {
		assert.ok(e instanceof OrmOptionError, `an OrmOptionError, not ${e}`);
		if (option !== undefined)
			assert.strictEqual(e.option, option);
		if (message)
			assert.match(e.message, message);
		return true;
	});
}

test('where: Sequelize\'s Op and the package\'s Op are the same keys', () => {
	assert.strictEqual(Op.gt, SeqOp.gt);
	assert.deepStrictEqual(Object.keys(Op).sort(), Object.keys(SeqOp).sort());
	assert.deepStrictEqual(translateWhere({ a: { [SeqOp.gt]: 1, [Op.lte]: 5 } }), { a: { $gt: 1, $lte: 5 } });
});

test('where: nested and/or/not, arrays, null, $path$ keys, JSON paths', () => {
	const w = {
		[Op.or]: [{ a: [1, 2] }, { b: null }],
		[Op.not]: { [Op.and]: [{ c: { [Op.like]: 'x%' } }] },
		'$posts.title$': { [Op.ne]: '' },
		settings: { theme: 'dark', n: { [Op.gt]: 2 } },
	};
	assert.deepStrictEqual(translateWhere(w), {
		'$posts.title$': { $ne: '' },
		settings: { theme: 'dark', n: { $gt: 2 } },
		$or: [{ a: [1, 2] }, { b: null }],
		$not: { $and: [{ c: { $like: 'x%' } }] },
	});
});

test('where: Dates, BigInts and Buffers become text', () => {
	const d = new Date('2024-02-03T04:05:06.789Z');
	assert.deepStrictEqual(translateWhere({ at: { [Op.gte]: d }, n: 12345678901234567890n, b: Buffer.from([1, 2]) }),
		{ at: { $gte: '2024-02-03T04:05:06.789Z' }, n: '12345678901234567890', b: '\\x0102' });
});

test('where: undefined, sequelize.fn and foreign symbols are errors naming the place', () => {
	throwsOption(() => translateWhere({ a: undefined }), 'where.a', /invalid "undefined" value/);
	throwsOption(() => translateWhere({ a: { [Op.gt]: A.s.fn('now') } }), 'where.a[Op.gt]', /sequelize.fn\(\)/);
	throwsOption(() => translateWhere({ [Symbol('x')]: 1 }), 'where', /not one of Sequelize's operators/);
});

test('include: every form names the association by alias', () => {
	assert.deepStrictEqual(find('User', { include: ['posts'] }), { include: ['posts'] });
	assert.deepStrictEqual(find('User', { include: [A.User.associations.posts] }), { include: ['posts'] });
	assert.deepStrictEqual(find('User', { include: [{ model: A.Post, as: 'posts' }] }), { include: ['posts'] });
	assert.deepStrictEqual(find('User', { include: [{ model: 'Post', as: 'posts', required: true }] }),
		{ include: [{ association: 'posts', required: true }] });
	assert.deepStrictEqual(find('User', { include: [A.Comment, A.Profile] }), { include: ['Comments', 'Profile'] });
	assert.deepStrictEqual(find('User', { include: { association: 'posts', include: [{ model: A.Comment, as: 'comments', where: { body: { [Op.ne]: null } } }] } }),
		{ include: [{ association: 'posts', include: [{ association: 'comments', where: { body: { $ne: null } } }] }] });
});

test('include: errors are Sequelize\'s own', () => {
	const cases = [
		[() => ({ include: [{ model: A.Post }] }), 'include[0]'],
		[() => ({ include: [{ model: A.Post, as: 'articles' }] }), 'include[0]'],
		[() => ({ include: [A.Tag] }), 'include[0]'],
		[() => ({ include: ['nope'] }), 'include[0]'],
	];
	for (const [options, path] of cases) {
		let seq;
		try {
			const o = options();
			A.User._conformIncludes(o, A.User);
			A.User._expandIncludeAll(o);
			A.User._validateIncludedElements(o);
		} catch (e) {
			seq = e.message;
		}
		assert.ok(seq, 'Sequelize refuses it');
		throwsOption(() => find('User', options()), path, new RegExp(seq.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
	}
});

test('include: options the package does not take are errors; hints are dropped', () => {
	throwsOption(() => find('User', { include: [{ association: 'posts', right: true }] }), 'include[0].right', /RIGHT OUTER JOIN/);
	throwsOption(() => find('User', { include: [{ association: 'posts', on: {} }] }), 'include[0].on', /raw SQL/);
	throwsOption(() => find('User', { include: [{ association: 'posts', colour: 1 }] }), 'include[0].colour', /unrecognized include option "colour"/);
	throwsOption(() => find('Post', { include: [{ association: 'tags', through: { model: 'x' } }] }), 'include[0].through.model', /unrecognized option "model"/);
	assert.deepStrictEqual(find('User', { include: [{ association: 'posts', separate: true, duplicating: false, order: [['id', 'DESC']], limit: 2 }] }),
		{ include: [{ association: 'posts', order: [['id', 'DESC']], limit: 2 }] });
});

/* The alias tree of Sequelize's own expansion of options.include. */
function sequelizeTree(model, include) {
	const o = { include };
	model._conformIncludes(o, model);
	model._expandIncludeAll(o);
	const tree = (m, incs) => (incs || []).map(i => {
		const a = i.as ? m.associations[i.as] : Object.values(m.associations).find(x => x.target === i.model && !x.isAliased);
		const sub = tree(a.target, i.include);
		return sub.length ? { as: a.as, include: sub } : a.as;
	});
	return tree(model, o.include);
}

function packageTree(q) {
	return (q.include || []).map(i => (typeof i === 'string' ? i : i.include ? { as: i.association, include: packageTree(i) } : i.association));
}

test('include {all}: expanded as Sequelize expands it', () => {
	const specs = [
		[{ all: true }],
		['posts', { all: true }],
		[{ all: 'BelongsTo' }],
		[{ all: 'One' }],
		[{ all: 'Has' }],
		[{ all: 'Many' }],
		[{ all: ['BelongsTo', 'HasMany'] }],
		[{ all: true, nested: true }],
		[{ all: 'BelongsTo', nested: true }],
		[{ model: A.Profile }, { all: true, nested: true }],
	];
	for (const model of [A.User, A.Post, A.Comment, A.Profile]) {
		for (const spec of specs) {
			if (spec.some(x => x === 'posts' || x.model) && model !== A.User)
				continue;
			const seq = sequelizeTree(model, spec.map(x => (typeof x === 'object' ? { ...x } : x)));
			const mine = packageTree(find(model.name, { include: spec }));
			assert.deepStrictEqual(mine, seq, `${model.name} include ${JSON.stringify(spec)}`);
		}
	}
});

test('include {all}: other keys are copied to each include; a bad type is Sequelize\'s error', () => {
	assert.deepStrictEqual(find('Comment', { include: [{ all: true, required: true }] }),
		{ include: [{ association: 'post', required: true }, { association: 'User', required: true }] });
	throwsOption(() => find('User', { include: [{ all: 'Some' }] }), 'include.all', /include all 'Some' is not valid/);
});

test('order: columns, directions, association paths in every form', () => {
	assert.deepStrictEqual(find('User', { order: [['name', 'DESC']] }), { order: [['name', 'DESC']] });
	assert.deepStrictEqual(find('User', { order: ['name', 'DESC'] }), { order: ['name', 'DESC'] }, 'two columns, as in Sequelize');
	assert.deepStrictEqual(find('User', { order: 'name' }), { order: ['name'] });
	assert.deepStrictEqual(find('User', { order: ['name', ['id', 'ASC NULLS LAST']] }), { order: ['name', ['id', 'ASC NULLS LAST']] });
	assert.deepStrictEqual(find('User', {
		order: [['posts', 'id', 'DESC'], [{ model: A.Post, as: 'posts' }, 'comments', 'id'], [A.Comment, 'id'],
			[A.User.associations.posts, A.Post.associations.author, 'name', 'ASC']],
	}), { order: [['posts', 'id', 'DESC'], ['posts', 'comments', 'id'], ['Comments', 'id'], ['posts', 'author', 'name', 'ASC']] });
	throwsOption(() => find('User', { order: [[A.s.literal('x'), 'ASC']] }), 'order[0][0]', /raw SQL/);
});

test('attributes: lists, include/exclude, fn and col', () => {
	assert.deepStrictEqual(find('User', { attributes: ['id', 'name'] }), { attributes: ['id', 'name'] });
	assert.deepStrictEqual(find('User', { attributes: { exclude: ['name'] } }), { attributes: { exclude: ['name'] } });
	assert.deepStrictEqual(find('User', { attributes: { include: [[A.s.fn('COUNT', A.s.col('posts.id')), 'n']] } }),
		{ attributes: { include: [[{ fn: 'COUNT', args: [{ col: 'posts.id' }] }, 'n']] } });
	throwsOption(() => find('User', { attributes: { only: ['x'] } }), 'attributes.only', /include or exclude/);
	throwsOption(() => find('User', { attributes: [A.s.literal('1')] }), 'attributes[0]', /raw SQL/);
});

test('options: unknown ones are errors naming them; known ones not carried say why', () => {
	throwsOption(() => find('User', { wher: {} }), 'wher', /unrecognized option "wher" for findAll/);
	assert.deepStrictEqual(find('User', { group: ['name', A.s.col('User.id')], having: { n: { [require('sequelize').Op.gt]: 1 } } }),
		{ group: ['name', { col: 'User.id' }], having: { n: { $gt: 1 } } });
	throwsOption(() => find('User', { scope: 'x' }), 'scope', /Model\.scope/);
	throwsOption(() => find('User', { silent: true }, 'update'), 'silent', /trigger/);
	throwsOption(() => find('User', { where: {}, limit: 1 }, 'destroy'), 'limit', /MySQL/);
	assert.deepStrictEqual(find('User', { fields: ['name'], ignoreDuplicates: true, validate: true }, 'bulkCreate'), { fields: ['name'], ignoreDuplicates: true });
	throwsOption(() => find('User', { subQuery: false }), 'subQuery', /parent rows/);
	throwsOption(() => find('User', { rejectOnEmpty: true }), 'rejectOnEmpty', /unrecognized option "rejectOnEmpty" for findAll/);
	throwsOption(() => find('User', { raw: true }, 'count'), 'raw', /unrecognized option "raw" for count/);
	assert.deepStrictEqual(find('User', { limit: '10', offset: 5, paranoid: false, where: undefined }), { limit: 10, offset: 5, paranoid: false });
	const { call } = translateFind({ rejectOnEmpty: true, logging: false, transaction: null }, 'findOne', { resolver: A.resolver, model: 'User' });
	assert.deepStrictEqual(call, { rejectOnEmpty: true, logging: false, transaction: null });
});

/* findKey with its call part: [key, call]. */
function keyOf(options, method = 'findAll') {
	const call = {};
	return [findKey(options, method, call), call];
}

test('findKey: the options\' content, not their identity', () => {
	const make = () => ({ include: [{ model: A.Post, as: 'posts', include: [{ model: A.Comment, as: 'comments' }] }], where: { name: { [Op.like]: 'a%' } } });
	const a = make();
	const [ka] = keyOf(a);
	assert.strictEqual(typeof ka, 'string');
	assert.strictEqual(keyOf(make())[0], ka, 'another object with the same content');
	a.where.name[Op.like] = 'b%';
	assert.notStrictEqual(keyOf(a)[0], ka, 'the same object, changed');
	a.where.name[Op.like] = 'a%';
	a.include[0].include.push('author');
	assert.notStrictEqual(keyOf(a)[0], ka, 'an include added deep down');
	/* what translates apart has keys apart */
	const apart = [
		{ where: { id: 1 } }, { where: { id: '1' } }, { where: { id: 1n } }, { where: { id: null } }, { where: { id: [1] } },
		{ where: { id: true } }, { where: { d: new Date(0) } }, { where: { d: new Date(0).toISOString() } },
		{ where: { id: { [Op.gt]: 1 } } }, { where: { id: { $gt: 1 } } }, { where: { [Op.or]: [{ id: 1 }] } },
		{ include: ['posts'] }, { include: [A.Profile] }, { include: [{ model: A.Profile }] }, { include: [{ model: 'Profile' }] },
		{ include: [A.User.associations.posts] }, { include: [{ association: 'posts' }] }, { include: 'posts' },
		{ include: [{ model: A.Post, as: 'posts', required: true }] }, { include: [{ all: true }] }, { include: [{ all: true, nested: true }] },
		{ attributes: ['id'] }, { attributes: [[A.s.fn('COUNT', A.s.col('id')), 'n']] }, { attributes: [[A.s.fn('MAX', A.s.col('id')), 'n']] },
		{ attributes: [[A.s.fn('COUNT', A.s.col('name')), 'n']] }, { order: [['id', 'DESC']] }, { order: [[A.Profile, 'id']] },
		{ limit: 1 }, { limit: '1' }, { offset: 1 }, { paranoid: false }, { group: ['name'] }, { where: { 'a b': 1 } },
		{ where: { a: 'b:1' } }, { where: { 'a:1': 'b' } }, {}, undefined,
	];
	const keys = apart.map(o => keyOf(o)[0]);
	keys.forEach((k, i) => assert.strictEqual(typeof k, 'string', `options ${i} have a key`));
	assert.strictEqual(new Set(keys.filter(k => k !== '')).size + 1, keys.length - 1, 'every key but {} and undefined (both none) apart');
	/* same key, same translation: each pair among many options that share a key */
	const same = [...apart, ...apart.map(o => (o === undefined ? o : { ...o })), { where: { id: 1 }, logging: false },
		{ transaction: null, where: { id: 1 } }, { where: { id: 1 }, limit: undefined }];
	const byKey = new Map();
	for (const o of same) {
		const [k] = keyOf(o);
		const q = JSON.stringify(find('User', o));
		if (byKey.has(k))
			assert.strictEqual(q, byKey.get(k), `options with key ${k} translate alike`);
		byKey.set(k, q);
	}
});

test('findKey: the call part is copied, not keyed; raw and plain are both', () => {
	const t = { query() {} };
	const log = () => {};
	const [k, call] = keyOf({ where: { id: 1 }, transaction: t, logging: log, benchmark: true, rejectOnEmpty: true, raw: true, plain: true }, 'findOne');
	assert.strictEqual(k, keyOf({ where: { id: 1 }, raw: true, plain: true }, 'findOne')[0]);
	assert.deepStrictEqual(call, { transaction: t, logging: log, benchmark: true, rejectOnEmpty: true, raw: true, plain: true });
	assert.notStrictEqual(keyOf({ raw: true }, 'findOne')[0], keyOf({ raw: false }, 'findOne')[0]);
	assert.notStrictEqual(keyOf({ plain: false }, 'findOne')[0], keyOf({}, 'findOne')[0]);
});

test('findKey: no key where the content cannot be told cheaply, or translateFind refuses', () => {
	class Thing { constructor() { this.id = 1; } }
	const holey = [1, , 3]; // eslint-disable-line no-sparse-arrays
	for (const [o, method] of [
		[{ wher: {} }, 'findAll'], [{ rejectOnEmpty: true }, 'findAll'], [{ raw: true }, 'count'],
		[{ having: { n: 1 } }, 'findAll'], [{ where: { b: Buffer.from('x') } }, 'findAll'],
		[{ where: { id: new Thing() } }, 'findAll'], [{ where: { id: { [Symbol('gt')]: 1 } } }, 'findAll'],
		[{ where: { id: holey } }, 'findAll'], [{ where: { id: [1, undefined] } }, 'findAll'],
		[{ where: { id: Array.from({ length: 1000 }, (_, i) => i) } }, 'findAll'], [{ where: { s: 'x'.repeat(5000) } }, 'findAll'],
		[{ where: { f: () => 1 } }, 'findAll'], [{ include: [{ model: A.Post, where: { x: new Thing() } }] }, 'findAll'],
		[new Thing(), 'findAll'], [{ where: { id: 1 } }, 'nope'],
	])
		assert.strictEqual(keyOf(o, method)[0], null, `no key for ${method} ${require('util').inspect(o, { depth: 3 }).slice(0, 60)}`);
	/* each of these fails in translateFind too, or is translated as it always was */
	throwsOption(() => find('User', { wher: {} }), 'wher', /unrecognized/);
	/* a hole is sent as null, an undefined element refused: one key could not stand for both */
	assert.strictEqual(JSON.stringify(find('User', { where: { id: holey } })), '{"where":{"id":[1,null,3]}}');
	throwsOption(() => find('User', { where: { id: [1, undefined] } }), 'where.id[1]', /invalid "undefined" value/);
});

/*
 * import.test.js: serializeModels, the document importModels sends, read
 * back from what Sequelize 6 keeps on its models (no server).  That the
 * document makes Sequelize's schema is test/node_app/import_cases.js's
 * business; here: that it says what the user wrote.
 */
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { Sequelize, DataTypes, Op } = require('sequelize');
const { serializeModels, importModels, ImportError, OrmOptionError } = require('..');

const fresh = options => new Sequelize({ dialect: 'postgres', logging: false, ...options });

test('attributes: as declared; the default id, timestamps and association keys left to orm_models', () => {
	const s = fresh();
	const User = s.define('User', { name: { type: DataTypes.STRING(80), allowNull: false } });
	const Post = s.define('Post', { title: DataTypes.STRING, authorId: { type: DataTypes.INTEGER, allowNull: false } }, { underscored: true });
	const Tag = s.define('Tag', { label: DataTypes.STRING }, { timestamps: false });
	Post.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
	User.hasMany(Post, { as: 'posts', foreignKey: 'authorId' });
	Post.belongsTo(User, { as: 'editor' });
	User.hasOne(Tag);
	Post.belongsToMany(Tag, { through: 'PostTags', as: 'tags' });
	Tag.belongsToMany(Post, { through: 'PostTags', as: 'posts' });
	const { document, notCarried } = serializeModels(s);
	assert.deepStrictEqual(Object.keys(document), ['User', 'Post', 'Tag'], 'the PostTags model Sequelize made is not sent');
	assert.deepStrictEqual(document.User.attributes, { name: { type: 'STRING(80)', allowNull: false } });
	assert.deepStrictEqual(Object.keys(document.Post.attributes), ['title', 'authorId'], 'editorId is the association\'s');
	assert.deepStrictEqual(Object.keys(document.Tag.attributes), ['label'], 'UserId is the association\'s');
	assert.deepStrictEqual(document.Post.options, { underscored: true });
	assert.deepStrictEqual(document.Post.associations, [
		{ belongsTo: 'User', as: 'author', foreignKey: 'authorId', onDelete: 'NO ACTION', onUpdate: 'CASCADE' },
		{ belongsTo: 'User', as: 'editor', onDelete: 'SET NULL', onUpdate: 'CASCADE' },
		{ belongsToMany: 'Tag', through: 'PostTags', as: 'tags' },
	]);
	assert.deepStrictEqual(document.User.associations[0], { hasMany: 'Post', as: 'posts', foreignKey: 'authorId', onDelete: 'NO ACTION', onUpdate: 'CASCADE' },
		'the key\'s actions are those of the association declared first, as Sequelize resolves them');
	assert.deepStrictEqual(notCarried, []);
});

test('a trailing key of a model without timestamps: declared when it says more than the association would', () => {
	const s = fresh();
	const A = s.define('A', {}, { timestamps: false });
	const B = s.define('B', { aId: { type: DataTypes.INTEGER, comment: 'mine' }, cId: DataTypes.BIGINT }, { timestamps: false });
	const C = s.define('C', {}, { timestamps: false });
	B.belongsTo(A, { foreignKey: 'aId' });
	B.belongsTo(C, { foreignKey: 'cId' });
	const { document } = serializeModels(s);
	assert.deepStrictEqual(Object.keys(document.B.attributes), ['aId', 'cId']);
	assert.strictEqual(document.B.attributes.aId.comment, 'mine');
	assert.strictEqual(document.B.attributes.cId.type, 'BIGINT');
});

test('association options: the source model\'s options Sequelize copies in are not sent', () => {
	const s = fresh({ define: { paranoid: true, underscored: true } });
	const A = s.define('A', {});
	const B = s.define('B', {}, { schema: 'app', comment: 'bees', version: true });
	B.belongsTo(A, { as: 'owner', foreignKey: { name: 'ownerId', allowNull: false } });
	B.hasOne(A, { as: 'pet', constraints: false });
	const { document } = serializeModels(s);
	B.options.whereCollection = { id: 1 }; /* what B.findAll() leaves behind */
	const again = serializeModels(s).document;
	assert.deepStrictEqual(again.B.options, { underscored: true, paranoid: true, schema: 'app', comment: 'bees', version: true });
	assert.deepStrictEqual(document.B.associations, [
		{ belongsTo: 'A', as: 'owner', foreignKey: { name: 'ownerId', allowNull: false }, onDelete: 'NO ACTION', onUpdate: 'CASCADE' },
		{ hasOne: 'A', as: 'pet', constraints: false },
	]);
});

test('types, defaults and validators as orm.define takes them', () => {
	const s = fresh();
	s.define('T', {
		a: { type: DataTypes.ARRAY(DataTypes.DECIMAL(8, 3)), defaultValue: null },
		e: { type: DataTypes.ENUM('x', 'y'), defaultValue: 'y' },
		r: DataTypes.RANGE(DataTypes.DATEONLY),
		d: { type: DataTypes.DATE(3), defaultValue: DataTypes.NOW },
		u: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, unique: 'u_and_n' },
		n: { type: DataTypes.INTEGER, unique: 'u_and_n', validate: { min: 1, isInt: { msg: 'whole' } } },
		s: { type: DataTypes.STRING, validate: { is: /^a+$/i, not: ['b', 'g'], len: [1, 3] }, field: 'ess' },
		j: { type: DataTypes.JSONB, defaultValue: { k: [1, new Date('2020-01-01T00:00:00Z')] } },
		f: { type: DataTypes.DATE, defaultValue: s.fn('NOW') },
	});
	const { document } = serializeModels(s);
	assert.deepStrictEqual(document.T.attributes, {
		a: { type: 'ARRAY(DECIMAL(8,3))', defaultValue: null },
		e: { type: 'ENUM', defaultValue: 'y', values: ['x', 'y'] },
		r: { type: 'RANGE(DATEONLY)' },
		d: { type: 'DATE(3)', defaultValue: 'NOW' },
		u: { type: 'UUID', defaultValue: 'UUIDV4', unique: 'u_and_n' },
		n: { type: 'INTEGER', unique: 'u_and_n', validate: { min: 1, isInt: { msg: 'whole' } } },
		s: { type: 'STRING', validate: { is: ['^a+$', 'i'], not: ['b', 'g'], len: [1, 3] }, field: 'ess' },
		j: { type: 'JSONB', defaultValue: { k: [1, '2020-01-01T00:00:00.000Z'] } },
		f: { type: 'DATE', defaultValue: 'NOW' },
	});
});

test('indexes: as declared, with Sequelize\'s default names and additions left out', () => {
	const s = fresh();
	s.define('Item', { a: DataTypes.INTEGER, b: DataTypes.STRING, j: { type: DataTypes.JSONB, index: true } }, {
		indexes: [{ fields: ['a', 'b'] }, { name: 'b_idx', unique: true, fields: [{ name: 'b', order: 'DESC' }], where: { a: { [Op.gt]: 1 } } }],
	});
	const { document } = serializeModels(s);
	assert.deepStrictEqual(document.Item.options.indexes, [
		{ fields: ['a', 'b'] },
		{ name: 'b_idx', unique: true, fields: [{ name: 'b', order: 'DESC' }], where: { a: { $gt: 1 } } },
		{ fields: ['j'], using: 'gin' },
	]);
});

test('what cannot be carried is listed with the place and the reason; strict refuses before connecting', async () => {
	const s = fresh();
	const T = s.define('T', {
		g: { type: DataTypes.STRING, get() { return 'x'; } },
		v: DataTypes.VIRTUAL,
		x: { type: DataTypes.STRING, validate: { mine() {} } },
	}, { hooks: { afterCreate() {} }, scopes: { live: { where: { g: 'y' } } } });
	s.define('U', {});
	T.hasMany(s.models.U, { scope: { kind: 't' }, foreignKey: 'tId' });
	s.addHook('beforeFind', () => {});
	const listed = r => r.notCarried.map(n => `${n.model}${n.attribute ? `.${n.attribute}` : ''}${n.association ? `/${n.association}` : ''}: ${n.what}`);
	/* scopes are carried (the extension may refuse them: then importModels lists them) */
	const { notCarried, document } = serializeModels(s);
	assert.deepStrictEqual(listed({ notCarried }), [
		'*: hook beforeFind', 'T.g: getter', 'T.v: VIRTUAL attribute', 'T.x: validator mine', 'T: hook afterCreate', 'T/Us: scope',
	]);
	assert.deepStrictEqual(document.T.options.scopes, { live: { where: { g: 'y' } } });
	for (const n of notCarried)
		assert.ok(n.reason, 'each says why');
	assert.deepStrictEqual(listed(serializeModels(s, { carryScopes: false })), [
		'*: hook beforeFind', 'T.g: getter', 'T.v: VIRTUAL attribute', 'T.x: validator mine', 'T: hook afterCreate', 'T: scope live', 'T/Us: scope',
	]);
	const pool = { query() { throw new Error('strict must not reach the database'); } };
	await assert.rejects(importModels(s, pool, { strict: true }), e => e instanceof ImportError && e.notCarried.length === 6 && /cannot be carried/.test(e.message));
	await assert.rejects(importModels(s, pool, { strikt: true }), e => e instanceof OrmOptionError && e.option === 'strikt');
});

test('scopes, when carried, go through the same option translation as finds', () => {
	const s = fresh();
	const T = s.define('T', { a: DataTypes.INTEGER }, {
		defaultScope: { where: { a: { [Op.gt]: 0 } } },
		scopes: { withU: { include: [{ association: 'us' }], order: [['a', 'DESC']], limit: 3 }, byArg: a => ({ where: { a } }) },
	});
	const U = s.define('U', {});
	T.hasMany(U, { as: 'us' });
	const { document, notCarried } = serializeModels(s, { carryScopes: true });
	assert.deepStrictEqual(document.T.options.defaultScope, { where: { a: { $gt: 0 } } });
	assert.deepStrictEqual(document.T.options.scopes, { withU: { include: ['us'], order: [['a', 'DESC']], limit: 3 } });
	assert.deepStrictEqual(notCarried.map(n => n.what), ['scope byArg']);
});

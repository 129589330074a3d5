/*
 * writes.js: the app's write calls, written as the app writes them for
 * Sequelize.  compare.js runs them in this order, each through Sequelize
 * (m = db, on the Sequelize database) and through orm-models (m = the
 * orm-models objects, on the other), after the reads: the results are
 * compared (instances as toJSON()), then the rows of each table in
 * `tables`.  Both databases hold the same rows before each call, and their
 * sequences stand at the same values, so keys match.
 *
 * `fails: true`: both must throw.  `tablesOnly: "reason"`: the results
 * differ as README says; only the tables are compared (the reason printed).  `ignore`: columns not compared in the
 * tables (a difference README lists).
 */
'use strict';

const { Op } = require('sequelize');

const w = (name, tables, run, extra = {}) => ({ name, tables, run, ...extra });

module.exports = [
	w('create a user', ['User'], m => m.User.create({ username: 'writer1', email: 'writer1@example.com', karma: 12, balance: '10.50' })),
	w('create with every kind of value', ['User'], m => m.User.create({
		username: 'writer5', email: 'writer5@example.com', karma: '9007199254740993', balance: 12.5, rating: '3.14159',
		birthDate: '1990-05-06', lastSeenAt: new Date('2024-05-06T07:08:09.123Z'), active: false,
		settings: { theme: 'dark', n: [1, 2] }, interests: ['a', 'b'], avatar: Buffer.from([0, 1, 254, 255]), mentorId: 1,
	})),
	w('create with fields', ['User'], m => m.User.create(
		{ username: 'writer2', email: 'writer2@example.com', displayName: 'not written' }, { fields: ['username', 'email'] })),
	w('create with a hasMany include', ['Post', 'Comment'], m => m.Post.create({
		title: 'nested', authorId: 2, status: 'published', publishedAt: new Date('2024-02-03T04:05:06.789Z'),
		comments: [{ body: 'first', stars: 4, UserId: 3 }],
	}, { include: [{ association: 'comments' }] })),
	w('create with a hasOne include', ['User', 'Profile'], m => m.User.create({
		username: 'writer3', email: 'writer3@example.com', profile: { bio: 'hello', latitude: 1.5 },
	}, { include: ['profile'] })),
	w('create with a belongsTo include', ['Post', 'User'], m => m.Post.create({
		title: 'with an author', author: { username: 'writer6', email: 'writer6@example.com' },
	}, { include: [{ association: 'author' }] })),
	w('create violating a validator', ['User'], m => m.User.create({ username: 'writer4', email: 'not an email' }), { fails: true }),
	w('bulkCreate', ['Tag'], m => m.Tag.bulkCreate([{ name: 'new-a', color: '#aaaaaa' }, { name: 'new-b', color: null }, { name: 'new-c', color: '#cccccc' }])),
	w('bulkCreate updateOnDuplicate', ['Tag'], m => m.Tag.bulkCreate(
		[{ name: 'new-a', color: '#000000' }, { name: 'new-d', color: '#dddddd' }],
		{ updateOnDuplicate: ['color'], conflictAttributes: ['name'] })),
	w('update', ['Post'], m => m.Post.update({ views: 7 }, { where: { id: [1, 2, 3] } })),
	w('update returning', ['Post'], m => m.Post.update({ status: 'archived' }, { where: { authorId: 2, views: { [Op.lt]: 2000 } }, returning: true })),
	w('update nothing', ['Post'], m => m.Post.update({ views: 1 }, { where: { id: -1 } })),
	w('update through a scope', ['Post'], m => m.Post.scope('published').update({ score: 0.5 }, { where: { authorId: 3 } })),
	w('update a paranoid model', ['Comment'], m => m.Comment.update({ stars: 5 }, { where: { postId: 4 } })),
	w('update with fields', ['Post'], m => m.Post.update({ views: 11, title: 'not written' }, { where: { id: 8 }, fields: ['views'] })),
	w('bulkCreate ignoreDuplicates', ['Tag'], m => m.Tag.bulkCreate([{ name: 'new-a', color: '#eeeeee' }, { name: 'new-e', color: '#eeeeee' }], { ignoreDuplicates: true }), {
		tablesOnly: 'Sequelize returns every row given, a skipped one with a null key; orm.bulk_create returns the rows written (README)',
	}),
	w('increment an underscored paranoid model', ['Category'], m => m.Category.increment('position', { by: 3, where: { parentId: null }, returning: true })),
	w('increment', ['Post'], m => m.Post.increment('views', { by: 5, where: { id: 4 } })),
	w('increment several, returning', ['Post'], m => m.Post.increment({ views: 2, score: 1 }, { where: { id: [5, 6] }, returning: true })),
	w('decrement', ['Post'], m => m.Post.decrement(['views'], { where: { authorId: 5 } })),
	/* orm_models' trigger sets updatedAt on a soft delete and a restore too; Sequelize leaves it (README) */
	w('destroy paranoid', ['Comment'], m => m.Comment.destroy({ where: { postId: 3 } }), { ignore: ['updatedAt'] }),
	w('restore', ['Comment'], m => m.Comment.restore({ where: { postId: 3 } }), { ignore: ['updatedAt'] }),
	w('restore over live rows too', ['Comment'], m => m.Comment.restore({ where: { id: { [Op.lte]: 60 } } }), {
		ignore: ['updatedAt'],
		tablesOnly: 'Sequelize counts every row the where matches; orm.restore the soft-deleted rows it restored (README)',
	}),
	w('destroy force', ['Comment'], m => m.Comment.destroy({ where: { id: [1, 2] }, force: true }), { ignore: ['updatedAt'] }),
	w('destroy through the default scope', ['Bookmark'], m => m.Bookmark.destroy({ where: { pinned: false, ownerId: { [Op.lte]: 4 } } })),
	w('upsert an existing row', ['Tag'], m => m.Tag.upsert({ id: 1, name: 'renamed', color: '#123456' })),
	w('upsert a new row', ['Tag'], m => m.Tag.upsert({ name: 'upserted', color: '#654321' }, { conflictFields: ['name'] })),
];

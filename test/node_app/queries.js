/*
 * queries.js: the app's find calls, written as the app writes them for
 * Sequelize.  Each is run twice by compare.js: with `m` the Sequelize
 * models (db.User, ...) and with `m` the orm-models objects
 * (orm.model('User'), ...); `db` is always the Sequelize db object, so
 * includes and orders may name Sequelize model classes, as app code does.
 *
 * An entry may carry `pending: "reason"`: a call the package or the
 * extension does not answer like Sequelize yet (skipped, and reported).
 */
'use strict';

const { Op } = require('sequelize');
const ormModels = require('orm-models');

const q = (name, run, extra = {}) => ({ name, run, ...extra });

module.exports = [
	/* plain finds */
	q('all users by id', m => m.User.findAll({ order: [['id', 'ASC']] })),
	q('active users, some attributes', m => m.User.findAll({
		attributes: ['id', 'username', 'karma', 'balance'], where: { active: true }, order: [['username', 'DESC']],
	})),
	q('exclude attributes', m => m.User.findAll({ attributes: { exclude: ['settings', 'avatar'] }, order: ['id'] })),
	q('limit and offset', m => m.Post.findAll({ order: [['id', 'ASC']], limit: 10, offset: 20 })),
	q('findOne by username', m => m.User.findOne({ where: { username: 'user07' } })),
	q('findOne nothing', m => m.User.findOne({ where: { username: 'nobody' } }), { empty: true }),
	q('findByPk', m => m.Post.findByPk(5)),
	q('findByPk string key', m => m.Post.findByPk('6')),
	q('findByPk missing', m => m.Post.findByPk(100000), { empty: true }),
	q('findByPk null', m => m.Post.findByPk(null), { empty: true }),
	q('count all', m => m.Post.count()),
	q('count where', m => m.Post.count({ where: { status: 'published' } })),

	/* operators */
	q('Op.gt and Op.lte', m => m.Post.findAll({
		where: { views: { [Op.gt]: 1000, [Op.lte]: 3000 } }, order: [['views', 'DESC'], ['id', 'ASC']],
	})),
	q('Op.or of columns', m => m.User.findAll({
		where: { [Op.or]: [{ role: 'admin' }, { karma: { [Op.gte]: 20000 } }] }, order: [['id', 'ASC']],
	})),
	q('Op.in and Op.notIn', m => m.Post.findAll({
		attributes: ['id', 'status', 'authorId'],
		where: { authorId: { [Op.in]: [1, 2, 3, 4, 5] }, status: { [Op.notIn]: ['draft'] } }, order: [['id', 'ASC']],
	})),
	q('array means in', m => m.Tag.findAll({ where: { id: [1, 3, 5] }, order: [['name', 'ASC']] })),
	q('Op.iLike and Op.startsWith', m => m.User.findAll({
		where: { email: { [Op.iLike]: '%1%@EXAMPLE.com' }, username: { [Op.startsWith]: 'user1' } }, order: [['id', 'ASC']],
	})),
	q('Op.between dates', m => m.Post.findAll({
		attributes: ['id', 'publishedAt'],
		where: { publishedAt: { [Op.between]: [new Date('2023-07-25T00:00:00Z'), new Date('2023-09-01T00:00:00Z')] } },
		order: [['publishedAt', 'ASC']],
	})),
	q('null and Op.ne', m => m.User.findAll({
		attributes: ['id', 'displayName', 'mentorId'], where: { displayName: null, mentorId: { [Op.ne]: null } }, order: ['id'],
	})),
	q('Op.not nested', m => m.Post.findAll({
		attributes: ['id'], where: { [Op.not]: { [Op.or]: [{ status: 'draft' }, { views: { [Op.lt]: 2500 } }] } }, order: ['id'],
	})),
	q('Op.contains on an array', m => m.User.findAll({
		attributes: ['id', 'interests'], where: { interests: { [Op.contains]: ['alpha'] } }, order: ['id'],
	})),
	q('JSONB path', m => m.User.findAll({ attributes: ['id', 'settings'], where: { settings: { theme: 'dark' } }, order: ['id'] })),
	q('package Op export', m => m.Post.findAll({
		attributes: ['id', 'title'], where: { title: { [ormModels.Op.like]: 'alpha%' } }, order: [['id', 'DESC']],
	})),
	q('Date in where', m => m.User.findAll({
		attributes: ['id', 'lastSeenAt'], where: { lastSeenAt: { [Op.gte]: new Date('2023-04-20T00:00:00Z') } }, order: ['id'],
	})),
	q('BIGINT compare', m => m.User.findAll({
		attributes: ['id', 'karma'], where: { karma: { [Op.gt]: '9007199254740993' } }, order: ['id'],
	})),

	/* includes */
	q('include alias string', m => m.User.findAll({ include: ['posts'], order: [['id', 'ASC']] })),
	q('include {model, as} with Sequelize class', (m, db) => m.User.findAll({
		include: [{ model: db.Post, as: 'posts' }], where: { id: { [Op.lte]: 10 } }, order: [['id', 'ASC'], [{ model: db.Post, as: 'posts' }, 'id', 'ASC']],
	})),
	q('include and order with the receiver\'s own models', m => m.User.findAll({
		include: [{ model: m.Post, as: 'posts', attributes: ['id', 'title'] }], where: { id: [1, 2, 5] },
		order: [['id', 'ASC'], [{ model: m.Post, as: 'posts' }, 'id', 'DESC']],
	})),
	q('include {association}', m => m.Post.findAll({
		include: [{ association: 'author', attributes: ['id', 'username'] }], order: [['id', 'ASC']], limit: 15,
	})),
	q('include model without alias', (m, db) => m.User.findAll({
		include: [db.Comment], where: { id: [2, 4, 6, 8] }, order: [['id', 'ASC'], [db.Comment, 'id', 'ASC']],
	})),
	q('include association object', (m, db) => m.Post.findAll({
		include: [db.Post.associations.comments], where: { id: { [Op.lte]: 12 } }, order: [['id', 'ASC'], ['comments', 'id', 'ASC']],
	})),
	q('hasOne', m => m.User.findAll({ include: ['profile'], order: [['id', 'ASC']] })),
	q('belongsTo self', m => m.User.findAll({
		attributes: ['id', 'username'], include: [{ association: 'mentor', attributes: ['id', 'username'] }], order: ['id'],
	})),
	q('hasMany self', m => m.User.findAll({
		attributes: ['id'], include: [{ association: 'mentees', attributes: ['id', 'username'] }],
		where: { id: [1, 2, 3] }, order: [['id', 'ASC'], ['mentees', 'id', 'ASC']],
	})),
	q('belongsToMany through a string', m => m.Post.findAll({
		attributes: ['id', 'title'], include: ['tags'], where: { id: { [Op.lte]: 20 } }, order: [['id', 'ASC'], ['tags', 'id', 'ASC']],
	})),
	q('belongsToMany through a model', (m, db) => m.Team.findAll({
		include: [{ model: db.User, as: 'members', attributes: ['id', 'username'] }], order: [['id', 'ASC'], ['members', 'id', 'ASC']],
	})),
	q('belongsToMany through attributes', m => m.User.findAll({
		attributes: ['id'],
		include: [{ association: 'teams', attributes: ['id', 'name'], through: { attributes: ['role'] } }],
		where: { id: { [Op.lte]: 12 } }, order: [['id', 'ASC'], ['teams', 'id', 'ASC']],
	})),
	q('through where', m => m.Team.findAll({
		attributes: ['id', 'name'],
		include: [{ association: 'members', attributes: ['id'], through: { where: { role: 'lead' } } }],
		order: [['id', 'ASC'], ['members', 'id', 'ASC']],
	})),
	q('required include', m => m.User.findAll({
		attributes: ['id'], include: [{ association: 'posts', attributes: ['id', 'status'], where: { status: 'archived' } }],
		order: [['id', 'ASC'], ['posts', 'id', 'ASC']],
	})),
	q('required: false with where', m => m.User.findAll({
		attributes: ['id'], include: [{ association: 'posts', attributes: ['id'], where: { views: { [Op.gt]: 4000 } }, required: false }],
		order: [['id', 'ASC'], ['posts', 'id', 'ASC']],
	})),
	q('required: true without where', m => m.Category.findAll({
		include: [{ association: 'posts', attributes: ['id'], required: true }], order: [['id', 'ASC'], ['posts', 'id', 'ASC']],
	})),
	q('nested includes', m => m.User.findAll({
		attributes: ['id', 'username'],
		include: [{ association: 'posts', attributes: ['id', 'title'], include: [{ association: 'comments', attributes: ['id', 'stars'] }, 'tags'] }],
		where: { id: { [Op.lte]: 8 } },
		order: [['id', 'ASC'], ['posts', 'id', 'ASC'], ['posts', 'comments', 'id', 'ASC'], ['posts', 'tags', 'id', 'ASC']],
	})),
	q('three levels with classes', (m, db) => m.Category.findAll({
		include: [{ model: db.Post, as: 'posts', include: [{ model: db.User, as: 'author', include: [{ model: db.Profile, as: 'profile' }] }] }],
		order: [['id', 'ASC'], [{ model: db.Post, as: 'posts' }, 'id', 'ASC']],
	})),
	q('order by included column', m => m.Post.findAll({
		attributes: ['id', 'title'], include: [{ association: 'author', attributes: ['username'] }],
		where: { authorId: { [Op.ne]: null } }, order: [['author', 'username', 'ASC'], ['id', 'DESC']],
	})),
	q('$path$ where through to-one', m => m.Post.findAll({
		attributes: ['id'], include: [{ association: 'author', attributes: ['id', 'role'] }],
		where: { '$author.role$': 'editor' }, order: [['id', 'ASC']],
	})),
	q('$path$ where through to-many', m => m.User.findAll({
		attributes: ['id'], include: [{ association: 'posts', attributes: ['id', 'status'] }],
		where: { '$posts.status$': 'archived' }, order: [['id', 'ASC'], ['posts', 'id', 'ASC']],
	})),
	q('paranoid hides deleted', m => m.Post.findAll({
		attributes: ['id'], include: [{ association: 'comments', attributes: ['id', 'deletedAt'] }],
		where: { id: { [Op.lte]: 30 } }, order: [['id', 'ASC'], ['comments', 'id', 'ASC']],
	})),
	q('paranoid: false', m => m.Comment.findAll({ paranoid: false, where: { id: { [Op.lte]: 40 } }, order: [['id', 'ASC']] })),
	q('paranoid: false on an include', m => m.Post.findAll({
		attributes: ['id'], include: [{ association: 'comments', attributes: ['id', 'deletedAt'], paranoid: false }],
		where: { id: { [Op.lte]: 30 } }, order: [['id', 'ASC'], ['comments', 'id', 'ASC']],
	})),
	q('underscored self tree, paranoid', m => m.Category.findAll({
		include: [{ association: 'children', include: ['children'] }, 'parent'], order: [['id', 'ASC'], ['children', 'id', 'ASC']],
	})),
	q('underscored belongsTo keys', m => m.Bookmark.findAll({
		include: [{ association: 'owner', attributes: ['id', 'username'] }, { association: 'post', attributes: ['id', 'title'] }],
		where: { pinned: true }, order: [['id', 'ASC']],
	})),
	q('include all', m => m.Profile.findAll({ include: [{ all: true }], order: [['id', 'ASC']] })),
	q('include all BelongsTo nested', m => m.Comment.findAll({
		include: [{ all: 'BelongsTo', nested: true }], where: { id: { [Op.lte]: 30 } }, order: [['id', 'ASC']],
	})),
	q('include all One', m => m.User.findAll({ include: [{ all: 'One' }], where: { id: { [Op.lte]: 9 } }, order: [['id', 'ASC']] })),
	q('include limit per parent with separate', m => m.User.findAll({
		attributes: ['id'], include: [{ association: 'posts', attributes: ['id'], separate: true, order: [['id', 'DESC']], limit: 2 }],
		where: { id: { [Op.lte]: 10 } }, order: [['id', 'ASC']],
	})),
	q('findOne with includes', m => m.User.findOne({
		where: { username: 'user03' }, include: ['profile', { association: 'posts', include: ['tags'] }, 'teams'],
		order: [['posts', 'id', 'ASC']],
	})),
	q('findByPk two levels', m => m.User.findByPk(3, {
		include: [{ association: 'posts', include: [{ association: 'comments' }] }],
		order: [['posts', 'id', 'ASC'], ['posts', 'comments', 'id', 'ASC']],
	})),
	q('findByPk with attributes', m => m.Team.findByPk(2, { attributes: ['id', 'name', 'budget'], include: ['members'] })),
	q('count with include and where', m => m.User.count({
		include: [{ association: 'posts', where: { status: 'published' } }], distinct: true,
	})),
	q('count paranoid: false', m => m.Comment.count({ paranoid: false })),
	q('count $path$', m => m.Post.count({ include: [{ association: 'author', attributes: [] }], where: { '$author.active$': false } })),
	q('attributes [] on an include filters', m => m.User.findAll({
		attributes: ['id', 'username'], include: [{ association: 'teams', attributes: [], where: { plan: 'pro' } }], order: [['id', 'ASC']],
	})),
	q('include where on belongsTo', m => m.Comment.findAll({
		attributes: ['id', 'postId'], include: [{ association: 'post', attributes: ['id', 'status'], where: { status: 'archived' } }],
		order: [['id', 'ASC']], limit: 25,
	})),
	q('belongsToMany with a nested include', m => m.Post.findAll({
		attributes: ['id'], include: [{ association: 'tags', attributes: ['id', 'name'], include: [{ association: 'posts', attributes: ['id'] }] }],
		where: { id: { [Op.lte]: 6 } }, order: [['id', 'ASC'], ['tags', 'id', 'ASC'], ['tags', 'posts', 'id', 'ASC']],
	})),
	q('attributes [] on an include without where', m => m.User.findAll({
		attributes: ['id'], include: [{ association: 'posts', attributes: [] }], where: { id: { [Op.lte]: 5 } }, order: [['id', 'ASC']],
	})),
	q('attribute renamed with [name, alias]', m => m.User.findAll({
		attributes: ['id', ['username', 'login']], order: [['id', 'ASC']], limit: 5,
	})),
	q('renamed attributes on includes, a DATE renamed', m => m.User.findAll({
		attributes: ['id', ['createdAt', 'joined'], ['karma', 'score']],
		include: [{ association: 'posts', attributes: [['title', 'heading'], ['publishedAt', 'published'], 'id'] },
			{ association: 'profile', attributes: [['bio', 'about']] }],
		where: { id: { [Op.lte]: 6 } }, order: [['id', 'ASC'], ['posts', 'id', 'ASC']],
	})),
	q('findByPk with a renamed attribute', m => m.Post.findByPk(7, {
		attributes: ['id', ['title', 'name'], ['createdAt', 'created']],
		include: [{ association: 'author', attributes: [['username', 'login'], 'id'] }],
	})),
	q('limit with to-many include', m => m.Post.findAll({
		include: ['comments', 'tags', 'category'], order: [['id', 'DESC'], ['comments', 'id', 'ASC'], ['tags', 'id', 'ASC']], limit: 7, offset: 3,
	})),

	/* findAndCountAll, count's options, fn/col attributes, group */
	q('findAndCountAll', m => m.Post.findAndCountAll({ where: { status: 'published' }, order: [['id', 'ASC']], limit: 5, offset: 2 })),
	q('findAndCountAll with a belongsTo include', m => m.Comment.findAndCountAll({
		include: [{ association: 'post', attributes: ['id', 'status'], where: { status: 'draft' } }], order: [['id', 'ASC']], limit: 4,
	})),
	q('findAndCountAll distinct with a hasMany include', m => m.User.findAndCountAll({
		include: [{ association: 'posts', attributes: ['id', 'status'], where: { status: 'archived' } }], distinct: true,
		order: [['id', 'ASC'], ['posts', 'id', 'ASC']], limit: 5,
	})),
	q('findAndCountAll nothing', m => m.User.findAndCountAll({ where: { username: 'nobody' } }), { empty: true }),
	q('count distinct col', m => m.Post.count({ distinct: true, col: 'authorId' })),
	q('count col (non-null)', m => m.User.count({ col: 'displayName' })),
	q('count group', m => m.Post.count({ group: ['status'] }), { unordered: true }),
	q('count group with where', m => m.User.count({ where: { active: true }, group: ['role'] }), { unordered: true }),
	q('fn COUNT over an include, group by the key', (m, db) => m.User.findAll({
		attributes: ['id', 'username', [db.sequelize.fn('COUNT', db.sequelize.col('posts.id')), 'postCount']],
		include: [{ association: 'posts', attributes: [] }], where: { id: { [Op.lte]: 12 } }, group: ['User.id'], order: [['id', 'ASC']],
	})),
	q('grouped report: fn and group', (m, db) => m.Post.findAll({
		attributes: ['status', [db.sequelize.fn('COUNT', db.sequelize.col('id')), 'n'], [db.sequelize.fn('MAX', db.sequelize.col('publishedAt')), 'last']],
		group: ['status'], order: [['status', 'ASC']],
	})),
	q('grouped report: SUM and AVG', (m, db) => m.Post.findAll({
		attributes: ['authorId', [db.sequelize.fn('SUM', db.sequelize.col('views')), 'totalViews'], [db.sequelize.fn('AVG', db.sequelize.col('views')), 'avg']],
		where: { authorId: { [Op.lte]: 6 } }, group: ['authorId'], order: [['authorId', 'ASC']],
	})),
	q('having with sequelize.where', (m, db) => m.Post.findAll({
		attributes: ['authorId', [db.sequelize.fn('COUNT', db.sequelize.col('id')), 'n']],
		group: ['authorId'], having: db.sequelize.where(db.sequelize.fn('COUNT', db.sequelize.col('id')), { [Op.gte]: 4 }),
		order: [['authorId', 'ASC']],
	})),
	q('having with an Op comparator', (m, db) => m.Post.findAll({
		attributes: ['status', [db.sequelize.fn('SUM', db.sequelize.col('views')), 'total']],
		group: ['status'], having: db.sequelize.where(db.sequelize.fn('SUM', db.sequelize.col('views')), Op.gt, 50000),
		order: [['status', 'ASC']],
	})),

	/* scopes */
	q('scope by name', m => m.Post.scope('published').findAll({ attributes: ['id', 'status'], order: [['id', 'ASC']] })),
	q('two scopes', m => m.Post.scope(['published', 'recent']).findAll({ attributes: ['id', 'title', 'publishedAt'] })),
	q('scope count', m => m.Team.scope('pro').count()),
	q('scope findOne', m => m.Team.scope('pro').findOne({ order: [['id', 'DESC']] })),
	q('default scope findAll', m => m.Bookmark.findAll({ order: [['id', 'ASC']] })),
	q('default scope count', m => m.Bookmark.count()),
	q('findByPk through the default scope', m => m.Bookmark.findByPk(4), { empty: true }),
	q('findByPk unscoped', m => m.Bookmark.unscoped().findByPk(4)),
	q('findByPk through a named scope', m => m.Post.scope('published').findByPk(8, { attributes: ['id', 'status'] })),
	q('findByPk outside a named scope', m => m.Post.scope('published').findByPk(3), { empty: true }),
	q('unscoped count', m => m.Bookmark.unscoped().count()),
	q('unscoped findAll', m => m.Bookmark.unscoped().findAll({ attributes: ['id', 'note'], order: [['id', 'ASC']] })),
	q('default scope in an include', m => m.User.findAll({
		attributes: ['id'], include: [{ association: 'bookmarks', attributes: ['id', 'note'] }], where: { id: { [Op.lte]: 10 } },
		order: [['id', 'ASC'], ['bookmarks', 'id', 'ASC']],
	})),
	q('named scope over the default scope', m => m.Bookmark.scope('pinned').findAll({ attributes: ['id', 'note', 'pinned'], order: [['id', 'ASC']] })),
	q('findAndCountAll through a scope', m => m.Post.scope('published').findAndCountAll({ attributes: ['id'], order: [['id', 'ASC']], limit: 3 })),
];

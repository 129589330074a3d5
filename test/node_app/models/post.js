'use strict';

const { Op } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
	const Post = sequelize.define('Post', {
		title: { type: DataTypes.STRING, allowNull: false },
		body: DataTypes.TEXT,
		status: { type: DataTypes.ENUM('draft', 'published', 'archived'), allowNull: false, defaultValue: 'draft' },
		views: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
		score: DataTypes.FLOAT,
		publishedAt: DataTypes.DATE,
		metadata: DataTypes.JSON,
	}, {
		scopes: {
			published: { where: { status: 'published' } },
			recent: { order: [['publishedAt', 'DESC']], limit: 5 },
		},
		indexes: [
			{ fields: ['status', 'publishedAt'] },
			{ name: 'posts_popular_title', fields: ['title'], where: { views: { [Op.gt]: 1000 } } },
		],
	});

	Post.associate = models => {
		Post.belongsTo(models.User, { as: 'author', foreignKey: 'authorId' });
		Post.hasMany(models.Comment, { as: 'comments', foreignKey: 'postId' });
		Post.belongsToMany(models.Tag, { through: 'PostTags', as: 'tags', foreignKey: 'postId', otherKey: 'tagId' });
		Post.belongsTo(models.Category, { as: 'category', foreignKey: 'categoryId' });
		Post.hasMany(models.Bookmark, { as: 'bookmarks', foreignKey: 'postId' });
	};

	return Post;
};

'use strict';

const { Op } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
	const Bookmark = sequelize.define('Bookmark', {
		note: DataTypes.STRING,
		pinned: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
		token: { type: DataTypes.UUID, allowNull: false, defaultValue: DataTypes.UUIDV4 },
	}, {
		underscored: true,
		defaultScope: { where: { note: { [Op.ne]: null } } },
		scopes: { pinned: { where: { pinned: true } } },
		indexes: [{ unique: true, fields: ['token'] }, { fields: [{ name: 'created_at', order: 'DESC' }] }] });

	Bookmark.associate = models => {
		Bookmark.belongsTo(models.User, { as: 'owner', foreignKey: 'ownerId' });
		Bookmark.belongsTo(models.Post, { as: 'post', foreignKey: 'postId' });
	};

	return Bookmark;
};

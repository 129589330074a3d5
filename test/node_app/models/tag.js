'use strict';

module.exports = (sequelize, DataTypes) => {
	const Tag = sequelize.define('Tag', {
		name: { type: DataTypes.STRING(40), allowNull: false, unique: true },
		color: DataTypes.CHAR(7),
	}, { timestamps: false });

	Tag.associate = models => {
		Tag.belongsToMany(models.Post, { through: 'PostTags', as: 'posts', foreignKey: 'tagId', otherKey: 'postId' });
	};

	return Tag;
};

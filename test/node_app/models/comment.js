'use strict';

const { Model, DataTypes } = require('sequelize');

class Comment extends Model {
	static init(sequelize) {
		return super.init({
			body: { type: DataTypes.TEXT, allowNull: false },
			stars: { type: DataTypes.SMALLINT, validate: { min: 1, max: 5 } },
			postId: { type: DataTypes.INTEGER, allowNull: false },
		}, { sequelize, modelName: 'Comment', paranoid: true });
	}

	static associate(models) {
		Comment.belongsTo(models.Post, { as: 'post', foreignKey: 'postId' });
		Comment.belongsTo(models.User);
	}
}

module.exports = Comment;

'use strict';

const { Model } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
	class Category extends Model {
		static associate(models) {
			Category.belongsTo(models.Category, { as: 'parent', foreignKey: 'parentId' });
			Category.hasMany(models.Category, { as: 'children', foreignKey: 'parentId' });
			Category.hasMany(models.Post, { as: 'posts', foreignKey: 'categoryId' });
		}
	}

	Category.init({
		name: { type: DataTypes.STRING(60), allowNull: false },
		slug: { type: DataTypes.STRING(60), allowNull: false, unique: true },
		position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
	}, { sequelize, modelName: 'Category', underscored: true, paranoid: true });

	return Category;
};

'use strict';

const { Model, DataTypes } = require('sequelize');

class Membership extends Model {
	static init(sequelize) {
		return super.init({
			role: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'member' },
			joinedAt: DataTypes.DATE,
		}, { sequelize, modelName: 'Membership' });
	}
}

module.exports = Membership;

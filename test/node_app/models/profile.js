'use strict';

const { Model } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
	class Profile extends Model {
		static associate(models) {
			Profile.belongsTo(models.User, { as: 'user', foreignKey: 'userId' });
		}
	}

	Profile.init({
		userId: { type: DataTypes.INTEGER, allowNull: false, unique: true },
		bio: DataTypes.TEXT,
		website: DataTypes.STRING(200),
		timezone: { type: DataTypes.STRING(40), allowNull: false, defaultValue: 'UTC' },
		wakeUpAt: DataTypes.TIME,
		latitude: DataTypes.DOUBLE,
	}, { sequelize, modelName: 'Profile' });

	return Profile;
};

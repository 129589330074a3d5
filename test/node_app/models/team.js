'use strict';

module.exports = (sequelize, DataTypes) => {
	const Team = sequelize.define('Team', {
		name: { type: DataTypes.STRING, allowNull: false },
		plan: { type: DataTypes.ENUM('free', 'pro'), allowNull: false, defaultValue: 'free' },
		budget: DataTypes.DECIMAL(10, 2),
	}, {
		scopes: { pro: { where: { plan: 'pro' } } },
	});

	Team.associate = models => {
		Team.belongsToMany(models.User, { through: models.Membership, as: 'members', foreignKey: 'teamId', otherKey: 'userId' });
	};

	return Team;
};

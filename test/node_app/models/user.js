'use strict';

module.exports = (sequelize, DataTypes) => {
	const User = sequelize.define('User', {
		id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
		username: { type: DataTypes.STRING(50), allowNull: false, unique: true, validate: { len: [3, 50] } },
		email: { type: DataTypes.STRING, allowNull: false, validate: { isEmail: true } },
		displayName: DataTypes.STRING,
		role: { type: DataTypes.ENUM('admin', 'editor', 'reader'), allowNull: false, defaultValue: 'reader' },
		karma: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
		balance: DataTypes.DECIMAL(12, 2),
		rating: DataTypes.DECIMAL,
		birthDate: DataTypes.DATEONLY,
		lastSeenAt: DataTypes.DATE,
		active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
		settings: { type: DataTypes.JSONB, index: true },
		interests: DataTypes.ARRAY(DataTypes.STRING),
		avatar: DataTypes.BLOB,
		mentorId: DataTypes.INTEGER,
	});

	User.associate = models => {
		User.hasMany(models.Post, { as: 'posts', foreignKey: 'authorId' });
		User.hasOne(models.Profile, { as: 'profile', foreignKey: 'userId' });
		User.belongsTo(models.User, { as: 'mentor', foreignKey: 'mentorId' });
		User.hasMany(models.User, { as: 'mentees', foreignKey: 'mentorId' });
		User.hasMany(models.Comment);
		User.hasMany(models.Bookmark, { as: 'bookmarks', foreignKey: 'ownerId' });
		User.belongsToMany(models.Team, { through: models.Membership, as: 'teams', foreignKey: 'userId', otherKey: 'teamId' });
	};

	return User;
};

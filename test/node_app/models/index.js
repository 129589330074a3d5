'use strict';

/*
 * models/index.js as sequelize-cli generates it, reading the connection
 * from the environment (NODE_APP_DATABASE, PGHOST, PGPORT, PGUSER,
 * PGPASSWORD), and taking both kinds of model files: definer functions
 * (module.exports = (sequelize, DataTypes) => ...) and Model classes with
 * a static init(sequelize, DataTypes).
 */
const fs = require('fs');
const path = require('path');
const Sequelize = require('sequelize');

const basename = path.basename(__filename);
const db = {};

const sequelize = new Sequelize(
	process.env.NODE_APP_DATABASE || process.env.PGDATABASE || 'node_app',
	process.env.PGUSER || 'postgres',
	process.env.PGPASSWORD || null,
	{
		dialect: 'postgres',
		host: process.env.PGHOST || 'localhost',
		port: Number(process.env.PGPORT || 5432),
		logging: false,
	},
);

fs.readdirSync(__dirname)
	.filter(file => file.indexOf('.') !== 0 && file !== basename && file.slice(-3) === '.js')
	.forEach(file => {
		const mod = require(path.join(__dirname, file));
		const model = mod.prototype instanceof Sequelize.Model
			? mod.init(sequelize, Sequelize.DataTypes)
			: mod(sequelize, Sequelize.DataTypes);
		db[model.name] = model;
	});

Object.keys(db).forEach(modelName => {
	if (db[modelName].associate)
		db[modelName].associate(db);
});

db.sequelize = sequelize;
db.Sequelize = Sequelize;

module.exports = db;

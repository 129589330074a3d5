/*
 * lib/load.js: a models/ folder -> its Sequelize instance, as the app's
 * models/index.js builds it.
 *
 * With an index.js in the folder, that file is the app's own loader: it is
 * required, and its export is the db object ({sequelize, User, ...}, as
 * sequelize-cli generates it) or a Sequelize instance.  Without one, the
 * folder is loaded the way sequelize-cli's models/index.js does it, with
 * the app's own copy of Sequelize (resolved from the folder) and an instance
 * that never connects: every other .js file is required, and
 *
 *   module.exports = (sequelize, DataTypes) => ...   is called with both;
 *   a Model class already initialized               is taken as it is (with
 *                                                    the instance it was
 *                                                    initialized on);
 *   a Model class whose static init was overridden  has init(sequelize,
 *                                                    DataTypes) called;
 *
 * then every model's static associate(db) is called, as index.js does.
 */
'use strict';

const fs = require('fs');
const path = require('path');

function requireFromDir(dir, name) {
	return require(require.resolve(name, { paths: [dir, process.cwd()] }));
}

function isModelClass(Sequelize, v) {
	return typeof v === 'function' && v.prototype instanceof Sequelize.Model;
}

function modelFiles(dir) {
	return fs.readdirSync(dir)
		.filter(f => !f.startsWith('.') && f !== 'index.js' && f.endsWith('.js') && !f.endsWith('.test.js'))
		.sort()
		.map(f => path.join(dir, f));
}

/* One file's export -> its model (defined on sequelize unless it has its own). */
function loadFile(Sequelize, sequelize, file) {
	let mod = require(file);
	if (mod && mod.__esModule && mod.default)
		mod = mod.default;
	if (isModelClass(Sequelize, mod)) {
		if (mod.rawAttributes)
			return mod;
		if (mod.init !== Sequelize.Model.init)
			return mod.init(sequelize, Sequelize.DataTypes) || mod;
		throw new Error(`${file}: the class ${mod.name} is never initialized (no init call, and no static init(sequelize, DataTypes) of its own)`);
	}
	if (typeof mod === 'function')
		return mod(sequelize, Sequelize.DataTypes);
	throw new Error(`${file}: exports neither a model definer function nor a Model class`);
}

/*
 * loadModels(dir) -> {sequelize, models}: the Sequelize instance the folder
 * defines its models on, and the db object (model name -> class).
 */
function loadModels(dir) {
	dir = path.resolve(dir);
	if (!fs.statSync(dir).isDirectory())
		throw new Error(`${dir} is not a directory`);
	const index = path.join(dir, 'index.js');
	if (fs.existsSync(index)) {
		const db = require(index);
		if (db && db.modelManager)
			return { sequelize: db, models: db.models };
		if (db && db.sequelize && db.sequelize.modelManager)
			return { sequelize: db.sequelize, models: db };
		throw new Error(`${index} exports neither a Sequelize instance nor an object with one in "sequelize"`);
	}
	const Sequelize = requireFromDir(dir, 'sequelize');
	const mine = new Sequelize({ dialect: 'postgres', logging: false });
	const db = {};
	const instances = new Set();
	for (const file of modelFiles(dir)) {
		const model = loadFile(Sequelize, mine, file);
		if (!model || !model.name || !model.sequelize)
			throw new Error(`${file}: did not give a model`);
		db[model.name] = model;
		instances.add(model.sequelize);
	}
	if (instances.size > 1)
		throw new Error(`${dir}: the models are defined on ${instances.size} different Sequelize instances`);
	for (const name of Object.keys(db)) {
		if (typeof db[name].associate === 'function')
			db[name].associate(db);
	}
	const sequelize = instances.size ? [...instances][0] : mine;
	db.sequelize = sequelize;
	db.Sequelize = Sequelize;
	return { sequelize, models: db };
}

module.exports = { loadModels };

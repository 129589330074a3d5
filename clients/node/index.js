/*
 * orm-models: Sequelize's find calls answered by the orm_models PostgreSQL
 * extension, and the importer that carries a Sequelize models/ folder into
 * its catalog.  See README.md ("From a Sequelize app").
 */
'use strict';

const { OrmModels, OrmModel } = require('./lib/client');
const { importModels, serializeModels } = require('./lib/import');
const { Op } = require('./lib/op');
const { OrmError, OrmOptionError, EmptyResultError, ImportError } = require('./lib/errors');
const { loadModels } = require('./lib/load');

module.exports = {
	OrmModels, OrmModel, importModels, serializeModels, loadModels, Op,
	OrmError, OrmOptionError, EmptyResultError, ImportError,
};

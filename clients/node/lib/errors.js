/*
 * lib/errors.js: the errors the package throws.
 *
 *   OrmError          an error of the database: SQLSTATE in .code, and the
 *                     server's message, detail, hint (and the other fields
 *                     node-postgres gives: where, schema, table, column,
 *                     constraint, position); .cause is node-postgres' error.
 *   OrmOptionError    an option the package does not know or cannot carry,
 *                     found before anything is sent; .option names it as a
 *                     path ("include[0].separate").
 *   EmptyResultError  rejectOnEmpty, as Sequelize names it.
 *   ImportError       importModels with {strict: true}: what cannot be
 *                     carried, in .notCarried.
 */
'use strict';

const PG_FIELDS = ['severity', 'detail', 'hint', 'position', 'internalPosition',
	'internalQuery', 'where', 'schema', 'table', 'column', 'dataType',
	'constraint', 'file', 'line', 'routine'];

class OrmError extends Error {
	constructor(pgError) {
		super(pgError.message);
		this.name = 'OrmError';
		this.code = pgError.code;
		for (const f of PG_FIELDS) {
			if (pgError[f] !== undefined)
				this[f] = pgError[f];
		}
		this.cause = pgError;
	}
}

class OrmOptionError extends TypeError {
	constructor(option, message) {
		super(message);
		this.name = 'OrmOptionError';
		this.option = option;
	}
}

class EmptyResultError extends Error {
	constructor(message) {
		super(message);
		this.name = 'SequelizeEmptyResultError';
	}
}

class ImportError extends Error {
	constructor(message, notCarried) {
		super(message);
		this.name = 'ImportError';
		this.notCarried = notCarried;
	}
}

/* A node-postgres error as an OrmError; anything else (a socket error) as it is. */
function fromPg(e) {
	if (e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && e.severity)
		return new OrmError(e);
	return e;
}

module.exports = { OrmError, OrmOptionError, EmptyResultError, ImportError, fromPg };

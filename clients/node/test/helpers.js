/*
 * test/helpers.js: a scratch database for the tests that need a server.
 *
 * The server comes from PGHOST, PGPORT, PGUSER (a superuser, orm_models
 * installed); ORM_ADMIN_DB (default postgres) is where databases are made
 * and dropped.  Without PGPORT the server tests are skipped, with a reason.
 */
'use strict';

const pg = require('pg');

const haveServer = Boolean(process.env.PGPORT);
const skipReason = haveServer ? false : 'no server (set PGHOST, PGPORT, PGUSER)';

/* A fresh database with the extension: {pool, name, sql(text, values), drop()}. */
async function scratchDatabase(tag) {
	const name = `ormnode_${tag}_${process.pid}`;
	const admin = new pg.Client({ database: process.env.ORM_ADMIN_DB || 'postgres' });
	await admin.connect();
	await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
	await admin.query(`CREATE DATABASE "${name}"`);
	const pool = new pg.Pool({ database: name, max: 3 });
	await pool.query('SET client_min_messages = warning; CREATE EXTENSION orm_models');
	return {
		pool,
		name,
		sql: async (text, values) => (await pool.query(text, values)).rows,
		async drop() {
			await pool.end();
			await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
			await admin.end();
		},
	};
}

module.exports = { scratchDatabase, haveServer, skipReason };

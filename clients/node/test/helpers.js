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
	/* an idle connection ended by the DROP below is no test's failure */
	pool.on('error', () => {});
	await pool.query('SET client_min_messages = warning; CREATE EXTENSION orm_models');
	return {
		pool,
		name,
		sql: async (text, values) => (await pool.query(text, values)).rows,
		async drop() {
			/* pool.end() resolves before its connections are closed: wait for them */
			await pool.end();
			for (let i = 0; i < 50; i++) {
				const r = await admin.query('SELECT count(*)::int AS n FROM pg_catalog.pg_stat_activity WHERE datname = $1', [name]);
				if (r.rows[0].n === 0)
					break;
				await new Promise(resolve => setTimeout(resolve, 100));
			}
			await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
			await admin.end();
		},
	};
}

module.exports = { scratchDatabase, haveServer, skipReason };

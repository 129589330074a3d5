#!/usr/bin/env node
/*
 * orm-models: the command.
 *
 *   orm-models import <models dir> [--sync] [--force] [--alter] [--dry-run]
 *                                  [--strict] [--print]
 *   orm-models types [--url <postgres://...>] [--out <file>]
 *
 * Loads the folder as the app's models/index.js does (lib/load.js), then
 * importModels: orm.define_models with every model and, with --sync (or
 * --force, --alter, --dry-run), orm.sync.  --print prints the
 * define_models document and connects to nothing.
 *
 * types prints orm.typescript(): TypeScript declarations of every model of
 * the catalog, with the OrmModelTypes map that types the package's finds
 * (new OrmModels<OrmModelTypes>(pool)).
 *
 * The connection: --url, else DATABASE_URL, else the usual PG* environment
 * variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), as psql
 * takes them.
 */
'use strict';

const { loadModels } = require('../lib/load');
const { importModels, serializeModels } = require('../lib/import');

const USAGE = `usage: orm-models import <models dir> [--sync] [--force] [--alter] [--dry-run] [--strict] [--print] [--url <connection string>]
       orm-models types [--url <connection string>] [--out <file>]

  --sync       run orm.sync after orm.define_models (creates what is missing)
  --force      sync with force (drop and recreate the tables)
  --alter      sync with alter (repair existing tables)
  --dry-run    sync with dryRun (print the statements, run nothing)
  --strict     fail when something cannot be carried (a JS validator, a hook...)
  --print      print the define_models document; connect to nothing

  types        print TypeScript declarations of every model (orm.typescript()):
               import type { OrmModelTypes } from './models';
               new OrmModels<OrmModelTypes>(pool).model('User').findAll({...})
  --url        the connection string (else DATABASE_URL, else the PG* variables)
  --out        write the declarations to this file instead of printing them

The connection comes from --url, DATABASE_URL, or PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.`;

/* A pg.Pool from --url, DATABASE_URL or the PG* variables. */
function poolFor(url) {
	const pg = require('pg');
	const connectionString = url || process.env.DATABASE_URL || undefined;
	return new pg.Pool({ max: 1, ...(connectionString ? { connectionString } : {}) });
}

/* --name value pairs of args; the rest as positional. */
function valueFlags(args, names) {
	const values = {};
	const rest = [];
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		const eq = a.indexOf('=');
		const name = eq > 0 ? a.slice(0, eq) : a;
		if (names.includes(name)) {
			const v = eq > 0 ? a.slice(eq + 1) : args[++i];
			if (v === undefined)
				return { error: `${name} needs a value` };
			values[name] = v;
		} else {
			rest.push(a);
		}
	}
	return { values, rest };
}

async function runTypes(args) {
	const { values, rest, error } = valueFlags(args, ['--url', '--out']);
	if (error || rest.length) {
		console.error(error ? `${error}\n${USAGE}` : `unrecognized argument ${rest[0]}\n${USAGE}`);
		return 2;
	}
	const pool = poolFor(values['--url']);
	try {
		let text;
		try {
			text = (await pool.query('SELECT orm.typescript() AS t')).rows[0].t;
		} catch (e) {
			throw require('../lib/errors').fromPg(e);
		}
		if (values['--out'])
			require('fs').writeFileSync(values['--out'], text);
		else
			process.stdout.write(text);
		return 0;
	} finally {
		await pool.end();
	}
}

function describe(n) {
	return `${n.model}${n.attribute ? `.${n.attribute}` : ''}${n.association ? ` (association ${n.association})` : ''}: ${n.what}`;
}

async function runImport(argv) {
	const { values, rest: args, error } = valueFlags(argv, ['--url']);
	if (error) {
		console.error(`${error}\n${USAGE}`);
		return 2;
	}
	const flags = new Set(args.filter(a => a.startsWith('--')));
	const dirs = args.filter(a => !a.startsWith('--'));
	const known = ['--sync', '--force', '--alter', '--dry-run', '--strict', '--print'];
	const bad = [...flags].filter(f => !known.includes(f));
	if (dirs.length !== 1 || bad.length) {
		console.error(bad.length ? `unrecognized option ${bad[0]}\n${USAGE}` : USAGE);
		return 2;
	}
	const { sequelize } = loadModels(dirs[0]);
	if (flags.has('--print')) {
		const { document, notCarried, warnings } = serializeModels(sequelize);
		console.log(JSON.stringify(document, null, 2));
		for (const n of notCarried)
			console.error(`not carried: ${describe(n)} (${n.reason})`);
		for (const w of warnings)
			console.error(`warning: ${describe(w)}`);
		return 0;
	}
	let sync;
	if (flags.has('--sync') || flags.has('--force') || flags.has('--alter') || flags.has('--dry-run')) {
		sync = {};
		if (flags.has('--force'))
			sync.force = true;
		if (flags.has('--alter'))
			sync.alter = true;
		if (flags.has('--dry-run'))
			sync.dryRun = true;
	}
	const pool = poolFor(values['--url']);
	try {
		const r = await importModels(sequelize, pool, { sync, strict: flags.has('--strict') });
		const names = Object.keys(r.document);
		console.log(`defined ${names.length} models: ${names.join(', ')}`);
		for (const n of r.notCarried)
			console.log(`not carried: ${describe(n)} (${n.reason})`);
		for (const w of r.warnings)
			console.log(`warning: ${describe(w)}`);
		for (const s of r.statements)
			console.log(`${s};`);
		return 0;
	} finally {
		await pool.end();
		await sequelize.close().catch(() => {});
	}
}

async function main(argv) {
	const [cmd, ...args] = argv;
	if (cmd === 'import')
		return runImport(args);
	if (cmd === 'types')
		return runTypes(args);
	console.error(USAGE);
	return cmd === undefined || cmd === '--help' || cmd === '-h' ? 0 : 2;
}

main(process.argv.slice(2)).then(code => {
	process.exitCode = code;
}, e => {
	const extra = [e.detail && `DETAIL: ${e.detail}`, e.hint && `HINT: ${e.hint}`].filter(Boolean);
	console.error(`orm-models: ${e.code ? `${e.code} ` : ''}${e.message}${extra.length ? `\n${extra.join('\n')}` : ''}`);
	process.exitCode = 1;
});

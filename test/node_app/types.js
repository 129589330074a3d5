/*
 * types.js <database>: `orm-models types` against the test app's synced
 * database writes out/models.ts; then tsc --strict (TypeScript pinned in
 * clients/node's lock file) must compile types/uses.ts, whose
 * @ts-expect-error lines must each fail, and must fail on types/fails.ts
 * with the error it is written to have.  Prints "N passed, N failed".
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const db = process.argv[2];
const verbose = process.argv.includes('-v');
const pkg = path.join(__dirname, '..', '..', 'clients', 'node');
const tsc = path.join(pkg, 'node_modules', 'typescript', 'bin', 'tsc');
const out = path.join(__dirname, 'out');
let passed = 0;
let failed = 0;

function check(name, ok, detail) {
	if (ok) {
		passed++;
		console.log(`ok ${name}`);
	} else {
		failed++;
		console.log(`FAILED ${name}`);
		if (detail)
			console.log(detail.split('\n').slice(0, 40).map(l => `  ${l}`).join('\n'));
	}
}

function run(cmd, args, env) {
	return spawnSync(process.execPath, [cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

fs.mkdirSync(out, { recursive: true });
const models = path.join(out, 'models.ts');
const gen = run(path.join(pkg, 'bin', 'orm-models.js'), ['types', '--out', models], { PGDATABASE: db });
check('orm-models types writes the declarations', gen.status === 0 && fs.existsSync(models) &&
	/export interface OrmModelTypes \{/.test(fs.readFileSync(models, 'utf8')), `${gen.stdout}${gen.stderr}`);
const printed = run(path.join(pkg, 'bin', 'orm-models.js'), ['types'], { PGDATABASE: db });
check('orm-models types prints the same declarations', printed.status === 0 && fs.existsSync(models) &&
	printed.stdout === fs.readFileSync(models, 'utf8'), printed.stderr);

const ok = run(tsc, ['-p', path.join(__dirname, 'types', 'tsconfig.json')]);
check('tsc --strict compiles types/uses.ts (results typed by include and attributes; every @ts-expect-error line fails)',
	ok.status === 0, `${ok.stdout}${ok.stderr}`);

const bad = run(tsc, ['-p', path.join(__dirname, 'types', 'tsconfig.fail.json')]);
const text = `${bad.stdout}${bad.stderr}`;
const errors = text.split('\n').filter(l => /error TS\d+/.test(l));
check('tsc --strict fails on types/fails.ts: posts[0].comments without including comments',
	bad.status !== 0 && errors.length === 1 && /fails\.ts\(10,\d+\): error TS2339: Property 'comments' does not exist on type/.test(errors[0]),
	text);
if (verbose)
	console.log(text);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

/*
 * types.test.js: index.d.ts compiles with tsc --strict (TypeScript pinned
 * in package-lock.json) against test/types/sample.ts, which uses it as a
 * Sequelize app would.
 */
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const fs = require('fs');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

test('index.d.ts compiles with tsc --strict against a sample app', { skip: !fs.existsSync(tsc) && 'typescript is not installed' }, () => {
	const r = spawnSync(process.execPath, [tsc, '-p', path.join(__dirname, 'types', 'tsconfig.json')], { encoding: 'utf8', cwd: root });
	assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`);
});

#!/usr/bin/env node
/*
 * validate_agreement.js: the CHECK constraints orm.sync makes from
 * "validate" against Sequelize 6's own validation in JavaScript.
 *
 *   node validate_agreement.js SAMPLES.json DATABASE
 *
 * SAMPLES.json holds models (orm.define_models' format) and, per attribute,
 * sample values.  The models are defined and synced in DATABASE (an empty
 * database; citext is created for CITEXT columns) and built with real
 * Sequelize (sequelize_sync.js's mapping).  For every sample value,
 * Model.build({attr: value}).validate({fields: [attr]}) must succeed exactly
 * when INSERT INTO table (column) VALUES (value) does; a rejected INSERT
 * must fail on a check constraint (23514), nothing else.  One line per
 * value, "ok ..." or "FAILED ...", then "agreement: N passed, N failed".
 * A value listed in known_disagreements ({model, attribute, value, reason})
 * must disagree, and counts as passed.
 */
'use strict';

const fs = require('fs');
const { Client } = require('pg');
const { Sequelize } = require('sequelize');
const { buildModels } = require('./sequelize_sync.js');

/* Does Sequelize accept the value? */
async function sequelizeAccepts(model, attr, value) {
	try {
		await model.build({ [attr]: value }).validate({ fields: [attr] });
		return true;
	} catch (err) {
		if (err.name !== 'SequelizeValidationError')
			throw err;
		return false;
	}
}

/* Does the table accept the value?  null if it failed on something else. */
async function tableAccepts(client, model, attr, value) {
	const table = model.getTableName();
	const field = model.rawAttributes[attr].field || attr;
	const q = s => `"${s.replace(/"/g, '""')}"`;

	await client.query('SAVEPOINT s');
	try {
		await client.query(`INSERT INTO ${q(table)} (${q(field)}) VALUES ($1)`, [value]);
		await client.query('RELEASE SAVEPOINT s');
		return { ok: true };
	} catch (err) {
		await client.query('ROLLBACK TO SAVEPOINT s');
		return { ok: false, code: err.code, message: err.message };
	}
}

async function main() {
	const [file, database] = process.argv.slice(2);
	if (!file || !database) {
		console.error('usage: node validate_agreement.js SAMPLES.json DATABASE');
		process.exit(2);
	}
	const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
	const known = doc.known_disagreements || [];
	const client = new Client({ database });
	let passed = 0;
	let failed = 0;

	await client.connect();
	await client.query('SET client_min_messages = warning');
	await client.query('CREATE EXTENSION IF NOT EXISTS citext');
	await client.query('CREATE EXTENSION IF NOT EXISTS orm_models');
	await client.query('SELECT orm.define_models($1)', [JSON.stringify(doc.models)]);
	await client.query(`SELECT * FROM orm.sync('{"force": true}')`);
	await client.query('BEGIN');

	const sequelize = new Sequelize('unused', 'unused', null, { dialect: 'postgres', logging: false });
	const models = buildModels(sequelize, doc.models);

	for (const [modelName, attrs] of Object.entries(doc.samples)) {
		for (const [attr, values] of Object.entries(attrs)) {
			for (const value of values) {
				const label = `${modelName}.${attr} ${JSON.stringify(value)}`;
				const seq = await sequelizeAccepts(models[modelName], attr, value);
				const orm = await tableAccepts(client, models[modelName], attr, value);
				const k = known.find(d => d.model === modelName && d.attribute === attr &&
					JSON.stringify(d.value) === JSON.stringify(value));
				let problem = null;

				if (!orm.ok && orm.code !== '23514')
					problem = `INSERT failed with ${orm.code}: ${orm.message}`;
				else if (seq !== orm.ok && !k)
					problem = `Sequelize ${seq ? 'accepts' : 'rejects'}, the CHECK ${orm.ok ? 'accepts' : 'rejects'}`;
				else if (seq === orm.ok && k)
					problem = 'listed as a known disagreement, but both agree';
				if (problem) {
					failed++;
					console.log(`FAILED ${label}: ${problem}`);
				} else {
					passed++;
					console.log(`ok     ${label}: ${seq ? 'accepted' : 'rejected'}${k ? ` by Sequelize only (known: ${k.reason})` : ''}`);
				}
			}
		}
	}
	await client.query('ROLLBACK');
	await client.end();
	console.log(`agreement: ${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main().catch(err => {
	console.error(`validate_agreement: ${err.message}`);
	console.log('agreement: 0 passed, 1 failed');
	process.exit(1);
});

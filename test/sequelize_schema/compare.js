#!/usr/bin/env node
/*
 * compare.js: compares the two schema descriptions of one case (describe.sql
 * output for the Sequelize database and for the orm_models database) and
 * prints every difference, one per line.  A difference that an entry of
 * allowed_differences.json matches is not a failure; it is printed only with
 * --verbose, marked with the entry's id.
 *
 *   node compare.js SEQ.json ORM.json META.json ALLOWED.json [--verbose]
 *   node compare.js --print DESCRIPTION.json    (the description, readable)
 *   node compare.js --drift DRIFT.json META.json [--verbose]
 *
 * --drift checks what orm.drift() reports over the tables Sequelize made,
 * the case's models defined on them (DRIFT.json: [{table, problem,
 * detail}]): only what the allowed differences explain may be there (an
 * index on a foreign key, a validator's CHECK, a relationship or count
 * function, a default Sequelize fills in JavaScript, DATE(n)'s precision).
 * Anything else, a default that compares unequal above all, is a failure.
 *
 * META.json is what sequelize_sync.js --meta wrote (the columns Sequelize
 * fills in JavaScript).  Exit status: 0 if every difference is allowed, 1 if
 * not, 2 on bad input.  Triggers and functions are not compared.
 */
'use strict';

const fs = require('fs');

const SEQ = 'sequelize';
const ORM = 'orm_models';

const show = v => JSON.stringify(v);
const cols = c => `(${c.join(', ')})`;

/* Differences between two lists of comparable items: [only in a, only in b]. */
function listDiff(a, b) {
	const keys = x => x.map(show);
	const ka = keys(a);
	const kb = keys(b);
	return [a.filter((x, i) => !kb.includes(ka[i])), b.filter((x, i) => !ka.includes(kb[i]))];
}

/* Every difference between the two descriptions of one table. */
function tableDiffs(name, s, o, out) {
	for (const col of new Set([...Object.keys(s.columns), ...Object.keys(o.columns)])) {
		const sc = s.columns[col];
		const oc = o.columns[col];
		if (!sc || !oc) {
			const only = sc ? SEQ : ORM;
			out.push({ kind: 'column', table: name, column: col, only_in: only, value: sc || oc,
				text: `${name}.${col}: column only in ${only} ${show(sc || oc)}` });
			continue;
		}
		for (const attr of ['type', 'not_null', 'default', 'comment']) {
			if (show(sc[attr]) !== show(oc[attr]))
				out.push({ kind: `column_${attr}`, table: name, column: col, type: sc.type,
					[SEQ]: sc[attr], [ORM]: oc[attr],
					text: `${name}.${col}: ${attr}: ${SEQ} ${show(sc[attr])}, ${ORM} ${show(oc[attr])}` });
		}
	}
	/* the order of the columns both sides have (missing ones are reported above) */
	const so = s.column_order.filter(c => c in o.columns);
	const oo = o.column_order.filter(c => c in s.columns);
	if (show(so) !== show(oo))
		out.push({ kind: 'column_order', table: name, [SEQ]: so, [ORM]: oo,
			text: `${name}: column order: ${SEQ} ${cols(so)}, ${ORM} ${cols(oo)}` });
	if (show(s.primary_key) !== show(o.primary_key))
		out.push({ kind: 'primary_key', table: name, [SEQ]: s.primary_key, [ORM]: o.primary_key,
			text: `${name}: primary key: ${SEQ} ${show(s.primary_key)}, ${ORM} ${show(o.primary_key)}` });
	if (show(s.comment) !== show(o.comment))
		out.push({ kind: 'table_comment', table: name, [SEQ]: s.comment, [ORM]: o.comment,
			text: `${name}: comment: ${SEQ} ${show(s.comment)}, ${ORM} ${show(o.comment)}` });

	for (const [kind, label, fmt] of [
		['unique', 'unique constraint', cols],
		['index', 'index', i => `${cols(i.columns)}${i.unique ? ' unique' : ''} using ${i.method}${i.where ? ` where ${i.where}` : ''}`],
		['check', 'check constraint', c => c.definition],
	]) {
		const field = { unique: 'unique', index: 'indexes', check: 'checks' }[kind];
		const [onlyS, onlyO] = listDiff(s[field], o[field]);
		for (const [only, items] of [[SEQ, onlyS], [ORM, onlyO]])
			for (const item of items)
				out.push({ kind, table: name, only_in: only, value: item,
					text: `${name}: ${label} ${fmt(item)} only in ${only}` });
	}

	/* foreign keys: paired by their columns, then field by field */
	const byCols = list => new Map(list.map(fk => [show(fk.columns), fk]));
	const sf = byCols(s.foreign_keys);
	const of = byCols(o.foreign_keys);
	for (const key of new Set([...sf.keys(), ...of.keys()])) {
		const a = sf.get(key);
		const b = of.get(key);
		if (!a || !b) {
			const only = a ? SEQ : ORM;
			const fk = a || b;
			out.push({ kind: 'foreign_key', table: name, only_in: only, value: fk,
				text: `${name}: foreign key ${cols(fk.columns)} -> ${fk.references}${cols(fk.ref_columns)} ` +
					`ON DELETE ${fk.on_delete} ON UPDATE ${fk.on_update} ${fk.deferrable} only in ${only}` });
			continue;
		}
		for (const f of ['references', 'ref_columns', 'on_delete', 'on_update', 'deferrable'])
			if (show(a[f]) !== show(b[f]))
				out.push({ kind: `foreign_key_${f}`, table: name, columns: a.columns,
					[SEQ]: a[f], [ORM]: b[f],
					text: `${name}: foreign key ${cols(a.columns)}: ${f}: ${SEQ} ${show(a[f])}, ${ORM} ${show(b[f])}` });
	}
}

/* Every difference between two descriptions. */
function diffs(s, o) {
	const out = [];

	for (const t of new Set([...Object.keys(s.tables), ...Object.keys(o.tables)])) {
		if (!s.tables[t] || !o.tables[t]) {
			const only = s.tables[t] ? SEQ : ORM;
			out.push({ kind: 'table', table: t, only_in: only,
				text: `${t}: table only in ${only}` });
		} else {
			tableDiffs(t, s.tables[t], o.tables[t], out);
		}
	}
	for (const e of new Set([...Object.keys(s.enums), ...Object.keys(o.enums)])) {
		if (!s.enums[e] || !o.enums[e]) {
			const only = s.enums[e] ? SEQ : ORM;
			out.push({ kind: 'enum', name: e, only_in: only,
				text: `enum type ${e} ${show(s.enums[e] || o.enums[e])} only in ${only}` });
		} else if (show(s.enums[e]) !== show(o.enums[e])) {
			out.push({ kind: 'enum_labels', name: e, [SEQ]: s.enums[e], [ORM]: o.enums[e],
				text: `enum type ${e}: labels: ${SEQ} ${show(s.enums[e])}, ${ORM} ${show(o.enums[e])}` });
		}
	}
	return out;
}

/*
 * Does an allowed_differences.json entry match a difference?  Every
 * condition of the entry must hold:
 *   kind, only_in          equal
 *   value                  each key equal in the difference's value
 *   sequelize, orm_models  equal (orm_models may be a list: one of)
 *   js_default             the column is one Sequelize fills in JavaScript,
 *                          of one of these sorts (META.json); with
 *                          orm_models an object, its value for that sort
 *   on_foreign_key         the index's columns are those of a foreign key
 *                          of the same table, on the side that has it
 *   declared_validator     the check was made from a validator (its
 *                          comment says which) that the case declares on
 *                          that one column (META.json: validators)
 */
function matches(entry, d, ctx) {
	if (entry.kind !== d.kind)
		return false;
	if ('only_in' in entry && entry.only_in !== d.only_in)
		return false;
	if (entry.value && !Object.entries(entry.value).every(([k, v]) => d.value && show(d.value[k]) === show(v)))
		return false;
	if (SEQ in entry && show(entry[SEQ]) !== show(d[SEQ]))
		return false;
	let jsSort = null;
	if (entry.js_default) {
		jsSort = ((ctx.meta.js_defaults || {})[d.table] || {})[d.column];
		if (!jsSort || !entry.js_default.includes(jsSort))
			return false;
	}
	if (ORM in entry) {
		let want = entry[ORM];
		if (want && typeof want === 'object' && !Array.isArray(want))
			want = want[jsSort];
		const wants = Array.isArray(want) ? want : [want];
		if (!wants.some(w => show(w) === show(d[ORM])))
			return false;
	}
	if (entry.on_foreign_key) {
		const desc = d.only_in === SEQ ? ctx.seq : ctx.orm;
		const fks = (desc.tables[d.table] || { foreign_keys: [] }).foreign_keys;
		if (!d.value || !fks.some(fk => show(fk.columns) === show(d.value.columns)))
			return false;
	}
	if (entry.declared_validator) {
		const v = d.value || {};
		const declared = ((ctx.meta.validators || {})[d.table] || {})[(v.columns || [])[0]] || [];
		if (!v.validator || !v.columns || v.columns.length !== 1 || !declared.includes(v.validator))
			return false;
	}
	return true;
}

/* A description as readable text, one line per column or constraint. */
function printDescription(desc) {
	for (const name of Object.keys(desc.tables).sort()) {
		const t = desc.tables[name];
		console.log(`table ${name}${t.comment ? ` -- ${t.comment}` : ''}`);
		for (const col of t.column_order) {
			const c = t.columns[col];
			console.log(`  ${col} ${c.type}${c.not_null ? ' NOT NULL' : ''}` +
				`${c.default !== null ? ` DEFAULT ${c.default}` : ''}${c.comment ? ` -- ${c.comment}` : ''}`);
		}
		if (t.primary_key)
			console.log(`  PRIMARY KEY ${cols(t.primary_key)}`);
		for (const u of t.unique)
			console.log(`  UNIQUE ${cols(u)}`);
		for (const fk of t.foreign_keys)
			console.log(`  FOREIGN KEY ${cols(fk.columns)} REFERENCES ${fk.references}${cols(fk.ref_columns)}` +
				` ON DELETE ${fk.on_delete} ON UPDATE ${fk.on_update} ${fk.deferrable}`);
		for (const i of t.indexes)
			console.log(`  ${i.unique ? 'UNIQUE ' : ''}INDEX USING ${i.method} ${cols(i.columns)}` +
				`${i.where ? ` WHERE ${i.where}` : ''}`);
		for (const c of t.checks)
			console.log(`  ${c.definition}${c.validator ? ` -- validate ${c.validator}` : ''}`);
	}
	for (const [e, labels] of Object.entries(desc.enums))
		console.log(`enum ${e} ${show(labels)}`);
	for (const tg of desc.triggers)
		console.log(`trigger ${tg.definition}`);
	for (const f of desc.functions)
		console.log(`function ${f}`);
}

/* The column a drift detail names first ("column x ...", "column \"x\" ..."). */
function driftColumn(detail) {
	const m = /column ("(?:[^"]|"")*"|[^ ]+)/.exec(detail);
	return m ? m[1].replace(/^"(.*)"$/, '$1').replace(/""/g, '"') : null;
}

/* The id of the allowed difference that explains a drift row, or null. */
function driftAllowed(row, meta) {
	const js = (meta.js_defaults || {})[row.table] || {};
	const col = driftColumn(row.detail);

	if (row.problem === 'missing index' && /^no index on foreign key column /.test(row.detail))
		return 'fk-index';
	if (row.problem === 'missing validator check')
		return 'validate-check';
	if (row.problem === 'missing relationship function' || row.problem === 'missing count function')
		return 'relationship-function';
	if (row.problem === 'missing trigger' &&
		/^trigger orm_(touch_updated_at|bump_version) /.test(row.detail))
		return 'orm-trigger';
	if (row.problem === 'missing default' && col && js[col])
		return ['createdAt', 'updatedAt'].includes(js[col]) ? 'timestamp-default' : 'js-default-value';
	if (row.problem === 'type mismatch' &&
		/ is timestamp with time zone, attribute .* is timestamp\([0-6]\) with time zone$/.test(row.detail))
		return 'date-precision';
	return null;
}

/* --drift: prints the rows no allowed difference explains; their count. */
function checkDrift(rows, meta, verbose) {
	let bad = 0;

	for (const row of rows || []) {
		const id = driftAllowed(row, meta);
		if (!id) {
			bad++;
			console.log(`  drift on Sequelize's tables: ${row.table}: ${row.problem}: ${row.detail}`);
		} else if (verbose) {
			console.log(`  allowed (${id}): drift ${row.table}: ${row.problem}: ${row.detail}`);
		}
	}
	return bad;
}

function main() {
	const args = process.argv.slice(2);
	if (args[0] === '--print' && args.length === 2) {
		printDescription(JSON.parse(fs.readFileSync(args[1], 'utf8')));
		return;
	}
	if (args[0] === '--drift' && args.length >= 3) {
		const [rows, meta] = args.slice(1, 3).map(f => JSON.parse(fs.readFileSync(f, 'utf8')));
		process.exit(checkDrift(rows, meta, args.includes('--verbose')) ? 1 : 0);
	}
	const verbose = args.includes('--verbose');
	const files = args.filter(a => a !== '--verbose');

	if (files.length !== 4) {
		console.error('usage: node compare.js SEQ.json ORM.json META.json ALLOWED.json [--verbose]');
		process.exit(2);
	}
	const [seq, orm, meta, allowed] = files.map(f => JSON.parse(fs.readFileSync(f, 'utf8')));
	const ctx = { seq, orm, meta };
	let bad = 0;

	for (const d of diffs(seq, orm)) {
		const entry = allowed.differences.find(e => matches(e, d, ctx));
		if (!entry) {
			bad++;
			console.log(`  ${d.text}`);
		} else if (verbose) {
			console.log(`  allowed (${entry.id}): ${d.text}`);
		}
	}
	process.exit(bad ? 1 : 0);
}

if (require.main === module)
	main();

module.exports = { diffs, matches };

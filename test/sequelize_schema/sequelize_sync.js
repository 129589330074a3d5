#!/usr/bin/env node
/*
 * sequelize_sync.js: the Sequelize half of the differential schema test.
 *
 * Reads one case file (a JSON document in orm.define_models' format), builds
 * the same models with real Sequelize 6, declares the associations in the
 * order they are listed (models in document order, each model's list in
 * order), and runs sequelize.sync({force: true}) into the given database.
 *
 *   node sequelize_sync.js CASE.json DATABASE [--sql] [--meta FILE]
 *
 * Connection settings come from PGHOST, PGPORT, PGUSER, PGPASSWORD.  With
 * --sql, every statement Sequelize runs is printed on stdout.  With --meta,
 * FILE receives what only the JavaScript side knows, for the comparison:
 * {"js_defaults": {"<table>": {"<column>": "createdAt" | "updatedAt" |
 * "NOW" | "UUIDV4"}}, "validators": {"<table>": {"<column>": [names]}}}:
 * the columns whose values Sequelize fills in JavaScript rather than
 * through a database default, and the validators it runs in JavaScript.
 * references.deferrable names a Deferrable ("INITIALLY_DEFERRED").
 *
 * The JSON -> Sequelize mapping is deliberately thin: type strings become
 * DataTypes ("STRING(100)" -> DataTypes.STRING(100), "ARRAY(INTEGER)" ->
 * DataTypes.ARRAY(DataTypes.INTEGER)); a type that is not a Sequelize name
 * is passed through as a raw SQL type string; "NOW" and "UUIDV4" defaults
 * become DataTypes.NOW and DataTypes.UUIDV4; references.model naming a
 * model becomes its table name (Sequelize reads a string as a table name);
 * "$op" keys of an index's where become Op symbols; everything else passes
 * through unchanged.  A belongsToMany without
 * "through" gets Sequelize's own combinedTableName, which is what
 * orm_models names such a junction (Sequelize itself requires "through").
 */
'use strict';

const fs = require('fs');
const { Sequelize, DataTypes, Deferrable, Op } = require('sequelize');
const Utils = require('sequelize/lib/utils');

const KINDS = ['hasOne', 'hasMany', 'belongsTo', 'belongsToMany'];

/* Splits "A, B(1, 2), 'x,y'" at top-level commas. */
function splitArgs(text) {
	const out = [];
	let depth = 0;
	let quote = null;
	let cur = '';

	for (const ch of text) {
		if (quote) {
			cur += ch;
			if (ch === quote)
				quote = null;
		} else if (ch === '\'' || ch === '"') {
			quote = ch;
			cur += ch;
		} else if (ch === '(') {
			depth++;
			cur += ch;
		} else if (ch === ')') {
			depth--;
			cur += ch;
		} else if (ch === ',' && depth === 0) {
			out.push(cur.trim());
			cur = '';
		} else {
			cur += ch;
		}
	}
	if (cur.trim() !== '')
		out.push(cur.trim());
	return out;
}

/* One argument of a type: a number, a quoted string, or a nested type. */
function parseArg(arg) {
	if (/^-?\d+(\.\d+)?$/.test(arg))
		return Number(arg);
	const m = /^'((?:[^']|'')*)'$/.exec(arg) || /^"((?:[^"]|"")*)"$/.exec(arg);
	if (m)
		return m[1].replace(/''/g, '\'').replace(/""/g, '"');
	return parseType(arg);
}

/*
 * A JSON type string to a Sequelize type: a DataTypes name with optional
 * arguments, else the string itself (Sequelize then writes it into the DDL
 * as it is, the way orm_models hands it to PostgreSQL's type parser).
 */
function parseType(text) {
	const m = /^([A-Z][A-Z0-9_]*)\s*(?:\((.*)\))?$/s.exec(text.trim());

	if (!m || typeof DataTypes[m[1]] !== 'function' || m[1] === 'postgres')
		return text;
	const ctor = DataTypes[m[1]];
	if (m[2] === undefined)
		return ctor;
	return ctor(...splitArgs(m[2]).map(parseArg));
}

/* A where object with "$op" keys -> one with Sequelize's Op symbols. */
function convertWhere(v) {
	if (Array.isArray(v))
		return v.map(convertWhere);
	if (v === null || typeof v !== 'object')
		return v;
	const out = {};
	for (const [k, val] of Object.entries(v)) {
		if (k.startsWith('$') && !k.endsWith('$') && Op[k.slice(1)])
			out[Op[k.slice(1)]] = convertWhere(val);
		else
			out[k] = convertWhere(val);
	}
	return out;
}

/* Model options, JSON -> Sequelize: the where of partial indexes. */
function buildOptions(options) {
	const out = { ...options };
	if (Array.isArray(options.indexes))
		out.indexes = options.indexes.map(i => (i.where ? { ...i, where: convertWhere(i.where) } : { ...i }));
	return out;
}

/* One attribute definition, JSON -> Sequelize. */
function buildAttribute(def, modelName, attrName) {
	if (typeof def === 'string')
		def = { type: def };
	if (def === null || typeof def !== 'object' || Array.isArray(def))
		throw new Error(`attribute ${modelName}.${attrName}: not an object or type string`);
	const out = { ...def };
	if (typeof def.type === 'string')
		out.type = parseType(def.type);
	if (def.references && typeof def.references.deferrable === 'string')
		out.references = { ...def.references, deferrable: Deferrable[def.references.deferrable] };
	if (def.defaultValue === 'NOW')
		out.defaultValue = DataTypes.NOW;
	else if (def.defaultValue === 'UUIDV4')
		out.defaultValue = DataTypes.UUIDV4;
	return out;
}

/*
 * references.model given as a model name (not a table name) becomes that
 * model's table name: Sequelize reads a string there as a table name.
 */
function resolveReferences(models) {
	const tables = new Set(Object.values(models).map(m => m.tableName));

	for (const model of Object.values(models)) {
		for (const attr of Object.values(model.rawAttributes)) {
			const ref = attr.references;
			if (ref && typeof ref.model === 'string' && models[ref.model] &&
				!tables.has(ref.model))
				ref.model = models[ref.model].getTableName();
		}
	}
}

/* Builds every model and association of a case on the given Sequelize. */
function buildModels(sequelize, doc) {
	const models = {};

	for (const [name, spec] of Object.entries(doc)) {
		const attrs = {};
		for (const [attrName, def] of Object.entries(spec.attributes || {}))
			attrs[attrName] = buildAttribute(def, name, attrName);
		models[name] = sequelize.define(name, attrs, buildOptions(spec.options || {}));
	}
	resolveReferences(models);

	for (const [name, spec] of Object.entries(doc)) {
		for (const item of spec.associations || []) {
			const kinds = KINDS.filter(k => Object.prototype.hasOwnProperty.call(item, k));
			if (kinds.length !== 1)
				throw new Error(`association of ${name}: exactly one of ${KINDS.join('/')} expected`);
			const kind = kinds[0];
			const target = models[item[kind]];
			if (!target)
				throw new Error(`association ${name}.${kind}: no model "${item[kind]}"`);
			const options = { ...item };
			delete options[kind];
			if (kind === 'belongsToMany' && options.through === undefined) {
				const self = models[name] === target;
				options.through = Utils.combineTableNames(
					models[name].getTableName(),
					self ? options.as || target.getTableName() : target.getTableName());
			}
			models[name][kind](target, options);
		}
	}
	return models;
}

/* The validators of each column, per table (see --meta). */
function validators(sequelize) {
	const out = {};

	for (const model of Object.values(sequelize.models)) {
		const table = model.getTableName();
		const cols = {};
		for (const [name, attr] of Object.entries(model.rawAttributes))
			if (attr.validate)
				cols[attr.field || name] = Object.keys(attr.validate);
		out[typeof table === 'string' ? table : table.tableName] = cols;
	}
	return out;
}

/* The columns Sequelize fills in JavaScript, per table (see --meta). */
function jsDefaults(sequelize) {
	const out = {};

	for (const model of Object.values(sequelize.models)) {
		const table = model.getTableName();
		const cols = {};
		const ts = model._timestampAttributes;
		for (const [name, attr] of Object.entries(model.rawAttributes)) {
			const col = attr.field || name;
			if (name === ts.createdAt)
				cols[col] = 'createdAt';
			else if (name === ts.updatedAt)
				cols[col] = 'updatedAt';
			else if (attr.defaultValue instanceof DataTypes.NOW ||
					 attr.defaultValue === DataTypes.NOW)
				cols[col] = 'NOW';
			else if (attr.defaultValue instanceof DataTypes.UUIDV4 ||
					 attr.defaultValue === DataTypes.UUIDV4)
				cols[col] = 'UUIDV4';
		}
		out[typeof table === 'string' ? table : table.tableName] = cols;
	}
	return out;
}

async function main() {
	const args = process.argv.slice(2);
	const positional = [];
	let showSql = false;
	let metaFile = null;

	for (let i = 0; i < args.length; i++) {
		if (args[i] === '--sql')
			showSql = true;
		else if (args[i] === '--meta')
			metaFile = args[++i] || '';
		else
			positional.push(args[i]);
	}
	const [caseFile, database] = positional;

	if (!caseFile || !database || metaFile === '' || positional.length > 2) {
		console.error('usage: node sequelize_sync.js CASE.json DATABASE [--sql] [--meta FILE]');
		process.exit(2);
	}
	const doc = JSON.parse(fs.readFileSync(caseFile, 'utf8'));
	const sequelize = new Sequelize(database, process.env.PGUSER || 'postgres',
		process.env.PGPASSWORD || null, {
			dialect: 'postgres',
			host: process.env.PGHOST || 'localhost',
			port: Number(process.env.PGPORT || 5432),
			logging: showSql ? sql => console.log(sql.replace(/^Executing \(default\): /, '') ) : false,
		});
	try {
		buildModels(sequelize, doc);
		await sequelize.sync({ force: true });
		if (metaFile)
			fs.writeFileSync(metaFile,
				JSON.stringify({ js_defaults: jsDefaults(sequelize),
					validators: validators(sequelize) }, null, 2) + '\n');
	} finally {
		await sequelize.close();
	}
}

if (require.main === module) {
	main().catch(err => {
		console.error(`sequelize: ${err.message}`);
		process.exit(1);
	});
}

module.exports = { buildModels, parseType };

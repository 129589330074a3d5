/*
 * sequelize_models.js: models.json (orm.define_models' format) -> real
 * Sequelize 6 models.
 *
 * Type strings become DataTypes ("STRING(100)" -> DataTypes.STRING(100),
 * "DECIMAL(10,2)" -> DataTypes.DECIMAL(10, 2), "ARRAY(TEXT)" ->
 * DataTypes.ARRAY(DataTypes.TEXT)); "NOW"/"UUIDV4" defaults become
 * DataTypes.NOW/UUIDV4; references.model naming a model becomes its table
 * name; everything else passes through unchanged.  Associations are
 * declared in document order: models in order, each model's list in order.
 */
'use strict';

const { DataTypes } = require('sequelize');

const KINDS = ['hasOne', 'hasMany', 'belongsTo', 'belongsToMany'];

/* Splits "A, B(1, 2)" at top-level commas. */
function splitArgs(text) {
	const out = [];
	let depth = 0;
	let cur = '';

	for (const ch of text) {
		if (ch === '(')
			depth++;
		else if (ch === ')')
			depth--;
		if (ch === ',' && depth === 0) {
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

/* "DECIMAL(10,2)" -> DataTypes.DECIMAL(10, 2), recursively. */
function parseType(text) {
	const m = /^([A-Z][A-Z0-9_]*)\s*(?:\((.*)\))?$/s.exec(String(text).trim());

	if (!m || typeof DataTypes[m[1]] !== 'function')
		throw new Error(`unsupported type string "${text}"`);
	const ctor = DataTypes[m[1]];
	if (m[2] === undefined)
		return ctor;
	return ctor(...splitArgs(m[2]).map(a => (/^\d+$/.test(a) ? Number(a) : parseType(a))));
}

function buildAttribute(def) {
	if (typeof def === 'string')
		def = { type: def };
	const out = { ...def, type: parseType(def.type) };
	if (def.defaultValue === 'NOW')
		out.defaultValue = DataTypes.NOW;
	else if (def.defaultValue === 'UUIDV4')
		out.defaultValue = DataTypes.UUIDV4;
	return out;
}

/* Defines every model and association of doc on sequelize. */
function buildModels(sequelize, doc) {
	const models = {};

	for (const [name, spec] of Object.entries(doc)) {
		const attrs = {};
		for (const [attrName, def] of Object.entries(spec.attributes || {}))
			attrs[attrName] = buildAttribute(def);
		models[name] = sequelize.define(name, attrs, { ...(spec.options || {}) });
	}
	const tables = new Set(Object.values(models).map(m => m.getTableName()));
	for (const model of Object.values(models)) {
		for (const attr of Object.values(model.rawAttributes)) {
			const ref = attr.references;
			if (ref && typeof ref.model === 'string' && models[ref.model] && !tables.has(ref.model))
				ref.model = models[ref.model].getTableName();
		}
	}
	for (const [name, spec] of Object.entries(doc)) {
		for (const item of spec.associations || []) {
			const kind = KINDS.find(k => Object.prototype.hasOwnProperty.call(item, k));
			const options = { ...item };
			delete options[kind];
			models[name][kind](models[item[kind]], options);
		}
	}
	return models;
}

module.exports = { buildModels, parseType };

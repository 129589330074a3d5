/*
 * lib/types.js: Sequelize DataTypes -> orm_models type strings.
 *
 * Reads a DataType instance the way Sequelize's postgres dialect reads it
 * (its key and options: length, precision/scale, values, the element type
 * of ARRAY, the subtype of RANGE) and writes the Sequelize name orm.define
 * takes ("STRING(100)", "DECIMAL(10,2)", "ARRAY(TEXT)", "RANGE(DATE)").  What
 * the postgres dialect itself drops (UNSIGNED, ZEROFILL, an integer's
 * length, TEXT's and BLOB's sizes, FLOAT's decimals) is dropped here too and
 * reported as a warning.  A type this file does not know is written as its
 * own toSql(), which PostgreSQL's type parser resolves or refuses.
 */
'use strict';

/* True for a DataType instance or class of any copy of Sequelize. */
function isDataType(t) {
	if (t === null || t === undefined)
		return false;
	if (typeof t === 'function')
		return typeof t.key === 'string' && typeof t.prototype.toSql === 'function';
	return typeof t === 'object' && typeof t.key === 'string' && typeof t.toSql === 'function';
}

function instance(t) {
	return typeof t === 'function' ? new t() : t;
}

const BARE = new Set(['CITEXT', 'TINYINT', 'SMALLINT', 'MEDIUMINT', 'INTEGER', 'BIGINT',
	'REAL', 'DOUBLE', 'BOOLEAN', 'TIME', 'DATEONLY', 'UUID', 'JSON', 'JSONB', 'HSTORE',
	'CIDR', 'INET', 'MACADDR', 'TSVECTOR', 'NOW', 'UUIDV1', 'UUIDV4']);

/*
 * The type string for DataType t; warn(text) is told what the postgres
 * dialect ignores.  Returns null for VIRTUAL (no column).
 */
function typeString(t, warn) {
	t = instance(t);
	const o = t.options || {};
	switch (t.key) {
		case 'VIRTUAL':
			return null;
		case 'STRING':
		case 'CHAR':
			if (o.binary || t._binary)
				return 'BLOB';
			return o.length ? `${t.key}(${o.length})` : t.key;
		case 'TEXT':
		case 'BLOB':
			if (o.length)
				warn(`${t.key}(${JSON.stringify(o.length)}): the size is ignored on PostgreSQL`);
			return t.key;
		case 'FLOAT':
			if (typeof o.decimals === 'number')
				warn('FLOAT decimals are ignored on PostgreSQL');
			return o.length ? `FLOAT(${o.length})` : 'FLOAT';
		case 'DECIMAL':
		case 'NUMERIC': {
			const args = [o.precision, o.scale].filter(x => x);
			return args.length ? `DECIMAL(${args.join(',')})` : 'DECIMAL';
		}
		case 'DATE':
			return o.length ? `DATE(${o.length})` : 'DATE';
		case 'DOUBLE PRECISION':
			if (o.length)
				warn('DOUBLE: the length is ignored on PostgreSQL');
			return 'DOUBLE';
		case 'ENUM':
			return 'ENUM';
		case 'ARRAY': {
			const inner = typeString(t.type, warn);
			return `ARRAY(${inner})`;
		}
		case 'RANGE':
			return `RANGE(${typeString(o.subtype || 'INTEGER', warn) || 'INTEGER'})`;
		case 'GEOMETRY':
		case 'GEOGRAPHY':
			if (!o.type)
				return t.key;
			return o.srid ? `${t.key}('${o.type}', ${o.srid})` : `${t.key}(${o.type})`;
		default:
			break;
	}
	if (BARE.has(t.key)) {
		if (o.unsigned || o.zerofill || o.length)
			warn(`${t.key}: LENGTH, UNSIGNED and ZEROFILL are ignored on PostgreSQL`);
		return t.key;
	}
	return t.toSql();
}

module.exports = { isDataType, typeString };

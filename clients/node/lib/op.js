/*
 * lib/op.js: the operators.
 *
 * Sequelize 6's Op symbols are registered symbols (Symbol.for('gt')), so
 * the package's own Op is the very same set: a where written with
 * require('sequelize').Op and one written with require('orm-models').Op are
 * the same object keys.  orm_models' query JSON spells them "$gt"; a symbol
 * key becomes "$" + its description.  Which operators the extension knows is
 * the extension's business: an unknown one comes back as its error.
 */
'use strict';

const NAMES = [
	'eq', 'ne', 'gte', 'gt', 'lte', 'lt', 'not', 'is', 'in', 'notIn',
	'like', 'notLike', 'iLike', 'notILike', 'startsWith', 'endsWith',
	'substring', 'regexp', 'notRegexp', 'iRegexp', 'notIRegexp', 'between',
	'notBetween', 'overlap', 'contains', 'contained', 'adjacent', 'strictLeft',
	'strictRight', 'noExtendRight', 'noExtendLeft', 'and', 'or', 'any', 'all',
	'values', 'col', 'placeholder', 'join', 'match',
];

const Op = Object.freeze(Object.fromEntries(NAMES.map(n => [n, Symbol.for(n)])));

/* "$gt" for Symbol.for('gt'); null for a symbol that is no registered one. */
function opKey(sym) {
	const name = Symbol.keyFor(sym);
	return name === undefined ? null : `$${name}`;
}

module.exports = { Op, opKey };

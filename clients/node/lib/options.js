/*
 * lib/options.js: Sequelize's find options -> orm_models' query JSON.
 *
 * The one translation layer for options, used by the find methods and by
 * the importer (index where clauses, scopes).  It takes the objects an app
 * writes for Sequelize 6 as they are:
 *
 *   where       Op symbols (Sequelize's or the package's: the same registered
 *               symbols) become "$op" keys; "$path$" keys, nested JSON paths,
 *               arrays and null pass through; Dates as ISO strings, BigInts
 *               and Buffers as text.
 *   include     an alias string, an association object, a model (a
 *               Sequelize model class, a name, or the package's model
 *               object), {association}, {model, as}, {all, nested}
 *               (expanded here, as Sequelize expands it); nested to any depth.
 *               Each becomes {"association": alias, ...} for the extension.
 *   order       "col", [col, dir], [assoc..., col, dir] with assoc an alias,
 *               {model, as}, a model or an association.
 *   attributes  a list, {include}, {exclude}; sequelize.fn/col as
 *               {"fn", "args"}/{"col"}.
 *
 * Anything else is an OrmOptionError naming the option: an option the
 * package does not know is never dropped.  Which models and associations
 * exist comes from a resolver (lib/catalog.js for finds, the Sequelize
 * instance for the importer), so that aliases are checked the way
 * Sequelize checks them, with its messages.
 */
'use strict';

const { opKey } = require('./op');
const { OrmOptionError } = require('./errors');

/* The find options each method takes: key -> how it is handled. */
const QUERY_KEYS = ['where', 'attributes', 'include', 'order', 'limit', 'offset', 'paranoid', 'group', 'having'];
const CALL_KEYS = ['transaction', 'logging', 'benchmark'];
/* Write options: those sent to the extension; validate is the database's, returning the package's. */
const WRITE_KEYS = {
	create: ['include', 'fields', 'validate', 'returning', ...CALL_KEYS],
	bulkCreate: ['include', 'fields', 'ignoreDuplicates', 'updateOnDuplicate', 'conflictAttributes', 'validate', 'returning', ...CALL_KEYS],
	update: ['where', 'fields', 'paranoid', 'validate', 'returning', ...CALL_KEYS],
	destroy: ['where', 'force', ...CALL_KEYS],
	restore: ['where', ...CALL_KEYS],
	upsert: ['fields', 'conflictFields', 'validate', 'returning', ...CALL_KEYS],
	increment: ['where', 'by', 'returning', 'paranoid', ...CALL_KEYS],
	decrement: ['where', 'by', 'returning', 'paranoid', ...CALL_KEYS],
};
const METHOD_KEYS = {
	findAll: [...QUERY_KEYS, ...CALL_KEYS, 'raw'],
	findOne: [...QUERY_KEYS, ...CALL_KEYS, 'raw', 'rejectOnEmpty', 'plain'],
	findByPk: [...QUERY_KEYS, ...CALL_KEYS, 'raw', 'rejectOnEmpty', 'plain'],
	findAndCountAll: [...QUERY_KEYS, ...CALL_KEYS, 'distinct', 'col'],
	count: ['where', 'include', 'paranoid', 'distinct', 'col', 'limit', 'offset', 'order', 'attributes', 'group', 'having', ...CALL_KEYS],
	scope: QUERY_KEYS,
	...WRITE_KEYS,
};
/* Options known but not carried by this version, with the reason. */
const NOT_YET = {
	scope: 'a find option "scope" is not Sequelize\'s: use Model.scope(...) or Model.unscoped()',
	limit: 'a write with limit is MySQL\'s (PostgreSQL has no UPDATE/DELETE ... LIMIT)',
	truncate: 'truncate is not a write of rows; run TRUNCATE yourself',
	cascade: 'truncate is not a write of rows; run TRUNCATE yourself',
	restartIdentity: 'truncate is not a write of rows; run TRUNCATE yourself',
	silent: 'updatedAt is set by a trigger on every update, whoever writes',
	individualHooks: 'hooks run in JavaScript',
	omitNull: 'omitNull is not supported by orm-models',
	onConflict: 'onConflict is not Sequelize 6\'s option: use conflictAttributes/conflictFields',
};
const NEVER = {
	subQuery: 'orm_models always limits parent rows (never joined rows); Sequelize\'s subQuery hint has no counterpart',
	lock: 'row locks are not part of a read through orm_models',
	skipLocked: 'row locks are not part of a read through orm_models',
	nest: 'nest works with raw rows of joins; orm_models returns nested objects already',
	replacements: 'orm_models takes no raw SQL',
	bind: 'orm_models takes no raw SQL',
	type: 'orm_models takes no raw SQL',
	useMaster: 'replication is not handled by orm-models',
	searchPath: 'orm_models qualifies every table; there is no search path to set',
	indexHints: 'index hints are MySQL\'s',
	tableHint: 'table hints are MSSQL\'s',
	mapToModel: 'orm-models returns plain objects',
	instance: 'orm-models returns plain objects',
	fieldMap: 'orm-models returns plain objects',
	hooks: 'hooks run in JavaScript',
	retry: 'retries are the pool\'s business',
};

const INCLUDE_KEYS = new Set(['association', 'model', 'as', 'where', 'required', 'attributes',
	'include', 'paranoid', 'through', 'order', 'limit', 'offset', 'separate', 'duplicating',
	'all', 'nested']);
const INCLUDE_DROPPED = new Set(['separate', 'duplicating']);
const INCLUDE_NEVER = {
	right: 'orm_models has no RIGHT OUTER JOIN include',
	on: 'a custom join condition is raw SQL',
	or: 'a custom join condition is raw SQL',
	subQuery: 'orm_models always limits parent rows (never joined rows)',
};
const THROUGH_KEYS = new Set(['attributes', 'where', 'paranoid']);


function fail(path, message) {
	throw new OrmOptionError(path, message);
}

function isPlainObject(v) {
	if (v === null || typeof v !== 'object')
		return false;
	const p = Object.getPrototypeOf(v);
	return p === Object.prototype || p === null;
}

/* sequelize.fn/col/literal/...: the class name, or null. */
function sequelizeMethod(v) {
	const c = v && typeof v === 'object' && v.constructor;
	if (!c || !['Fn', 'Col', 'Literal', 'Cast', 'Json', 'Where'].includes(c.name))
		return null;
	return c.name;
}

/* ---------------------------------------------------------------------
 * where
 * ------------------------------------------------------------------- */

function whereValue(v, path) {
	if (v === undefined)
		fail(path, `WHERE parameter "${path}" has invalid "undefined" value`);
	if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
		return v;
	if (typeof v === 'bigint')
		return String(v);
	if (v instanceof Date)
		return v.toISOString();
	if (Buffer.isBuffer(v))
		return `\\x${v.toString('hex')}`;
	if (Array.isArray(v))
		return v.map((x, i) => whereValue(x, `${path}[${i}]`));
	const m = sequelizeMethod(v);
	if (m)
		fail(path, `sequelize.${m.toLowerCase()}() in a where (${path}) is not supported by orm-models`);
	if (typeof v === 'object')
		return translateWhere(v, path);
	fail(path, `${path}: a ${typeof v} is not a where value`);
	return undefined;
}

/* A where object: symbol keys become "$op" keys, values translated. */
function translateWhere(where, path = 'where') {
	if (where === undefined || where === null)
		return where;
	if (Array.isArray(where))
		return where.map((x, i) => whereValue(x, `${path}[${i}]`));
	if (typeof where !== 'object' || sequelizeMethod(where))
		return whereValue(where, path);
	const out = {};
	for (const k of Reflect.ownKeys(where)) {
		let key = k;
		if (typeof k === 'symbol') {
			key = opKey(k);
			if (key === null)
				fail(path, `${path}: ${String(k)} is not one of Sequelize's operators`);
		}
		const p = typeof k === 'symbol' ? `${path}[Op.${key.slice(1)}]` : `${path}.${k}`;
		out[key] = whereValue(where[k], p);
	}
	return out;
}

/* ---------------------------------------------------------------------
 * having
 * ------------------------------------------------------------------- */

const COMPARATORS = { '=': null, '!=': '$ne', '<>': '$ne', '>': '$gt', '>=': '$gte', '<': '$lt', '<=': '$lte' };

/*
 * A having: a where over the aliases of the attributes' expressions, as
 * the extension takes it.  Sequelize's apps write it as
 * sequelize.where(fn(...), {[Op.gt]: 1}) or sequelize.where(fn(...), Op.gt, 1)
 * (PostgreSQL has no aliases in HAVING): each becomes the alias of the
 * attribute with the same expression; {alias: ...} keys pass through.
 */
function translateHaving(having, attributes, path) {
	if (sequelizeMethod(having) === 'Where') {
		const expr = JSON.stringify(expression(having.attribute, `${path}.attribute`));
		const list = Array.isArray(attributes) ? attributes : attributes && attributes.include ? attributes.include : [];
		const pair = list.find(a => Array.isArray(a) && JSON.stringify(a[0]) === expr);
		if (!pair)
			fail(path, `${path}: sequelize.where() over an expression that is not one of the attributes ([expression, alias]); orm_models' having names the alias`);
		let op = having.comparator;
		if (typeof op === 'symbol') {
			op = opKey(op);
		} else if (typeof op === 'string' && Object.prototype.hasOwnProperty.call(COMPARATORS, op)) {
			op = COMPARATORS[op];
		} else {
			fail(path, `${path}: comparator ${String(op)} is not supported`);
		}
		const value = whereValue(having.logic, `${path}.${pair[1]}`);
		return { [pair[1]]: op === null ? value : { [op]: value } };
	}
	if (Array.isArray(having))
		return having.map((h, i) => translateHaving(h, attributes, `${path}[${i}]`));
	if (having && typeof having === 'object' && !sequelizeMethod(having)) {
		const out = {};
		for (const k of Reflect.ownKeys(having)) {
			const v = having[k];
			if (typeof k === 'symbol') {
				const key = opKey(k);
				if (key === null)
					fail(path, `${path}: ${String(k)} is not one of Sequelize's operators`);
				out[key] = (key === '$and' || key === '$or' || key === '$not') ? translateHaving(v, attributes, `${path}[Op.${key.slice(1)}]`)
					: whereValue(v, `${path}[Op.${key.slice(1)}]`);
			} else {
				out[k] = whereValue(v, `${path}.${k}`);
			}
		}
		return out;
	}
	return whereValue(having, path);
}

/* ---------------------------------------------------------------------
 * attributes
 * ------------------------------------------------------------------- */

/* sequelize.fn / sequelize.col / a string, as attributes and order take them. */
function expression(v, path) {
	if (typeof v === 'string')
		return v;
	const m = sequelizeMethod(v);
	if (m === 'Col')
		return { col: v.col };
	if (m === 'Fn')
		return { fn: v.fn, args: v.args.map((a, i) => expression(a, `${path}.args[${i}]`)) };
	if (m === 'Literal')
		fail(path, `${path}: sequelize.literal() is raw SQL, which orm_models does not take`);
	if (m)
		fail(path, `${path}: sequelize.${m.toLowerCase()}() is not supported by orm-models`);
	if (typeof v === 'number' || typeof v === 'boolean' || v === null)
		return v;
	fail(path, `${path}: ${typeof v} is not an attribute`);
	return undefined;
}

function attributeItem(a, path) {
	if (Array.isArray(a)) {
		if (a.length !== 2 || typeof a[1] !== 'string')
			fail(path, `${path}: an attribute pair is [expression, alias]`);
		return [expression(a[0], `${path}[0]`), a[1]];
	}
	return expression(a, path);
}

function translateAttributes(attrs, path) {
	if (Array.isArray(attrs))
		return attrs.map((a, i) => attributeItem(a, `${path}[${i}]`));
	if (isPlainObject(attrs)) {
		const out = {};
		for (const [k, v] of Object.entries(attrs)) {
			if (k !== 'include' && k !== 'exclude')
				fail(`${path}.${k}`, `unrecognized key "${k}" in ${path}: use include or exclude`);
			if (!Array.isArray(v))
				fail(`${path}.${k}`, `${path}.${k} must be an array`);
			out[k] = k === 'exclude' ? v.map((a, i) => expression(a, `${path}.exclude[${i}]`))
				: v.map((a, i) => attributeItem(a, `${path}.include[${i}]`));
		}
		return out;
	}
	fail(path, `${path} must be an array or {include, exclude}`);
	return undefined;
}

/* ---------------------------------------------------------------------
 * include
 * ------------------------------------------------------------------- */

/* The model a reference names: a class, the package's model, or a name. */
function modelName(ref) {
	if (typeof ref === 'string')
		return ref;
	if (ref && (typeof ref === 'function' || typeof ref === 'object') && typeof ref.name === 'string')
		return ref.name;
	return null;
}

function isAssociation(v) {
	return v && typeof v === 'object' && typeof v.associationType === 'string' && typeof v.as === 'string' && v.target;
}

/*
 * The association an include names, as Sequelize's _getIncludedAssociation
 * finds it (and with its messages when it does not).
 */
function includedAssociation(resolver, source, target, as) {
	const all = resolver.associations(source).filter(a => a.target === target);
	if (all.length === 0)
		fail('include', `${target} is not associated to ${source}!`);
	const byAlias = all.find(a => (typeof as === 'string' ? a.as === as : as && as.plural ? a.as === as.plural : !a.aliased));
	if (byAlias)
		return byAlias;
	if (all.length === 1) {
		if (as)
			fail('include', `${target} is associated to ${source} using an alias. You've included an alias (${typeof as === 'string' ? as : as.plural}), but it does not match the alias(es) defined in your association (${all.map(a => a.as).join(', ')}).`);
		fail('include', `${target} is associated to ${source} using an alias. You must use the 'as' keyword to specify the alias within your include statement.`);
	}
	fail('include', `${target} is associated to ${source} multiple times. To identify the correct association, you must use the 'as' keyword to specify the alias of the association you want to include.`);
	return null;
}

function aliasAssociation(resolver, source, alias) {
	const a = resolver.associations(source).find(x => x.as === alias);
	if (!a)
		fail('include', `Association with alias "${alias}" does not exist on ${source}`);
	return a;
}

/* The association of include item `inc` (any of its forms) of model `source`. */
function resolveInclude(resolver, source, inc) {
	if (typeof inc === 'string')
		return { assoc: aliasAssociation(resolver, source, inc), rest: {} };
	if (isAssociation(inc))
		return { assoc: aliasAssociation(resolver, source, inc.as), rest: {} };
	if (typeof inc === 'function' || (inc && typeof inc === 'object' && inc.isOrmModel)) {
		const target = modelName(inc);
		return { assoc: includedAssociation(resolver, source, target, undefined), rest: {} };
	}
	if (!isPlainObject(inc))
		fail('include', `include: ${typeof inc} is not an include`);
	const { association, model, as, ...rest } = inc;
	let assoc;
	if (association !== undefined) {
		const alias = isAssociation(association) ? association.as : association;
		if (typeof alias !== 'string')
			fail('include.association', 'include.association must be an alias or an association');
		assoc = aliasAssociation(resolver, source, alias);
	} else if (model !== undefined) {
		const target = modelName(model);
		if (!target)
			fail('include.model', 'include.model must be a model or a model name');
		assoc = includedAssociation(resolver, source, target, as);
	} else {
		fail('include', 'Include unexpected. Element has to be either a Model, an Association or an object.');
	}
	return { assoc, rest };
}

const ALL_TYPES = {
	BelongsTo: ['BelongsTo'], HasOne: ['HasOne'], HasMany: ['HasMany'],
	One: ['BelongsTo', 'HasOne'], Has: ['HasOne', 'HasMany'], Many: ['HasMany'],
};

/* {all, nested}: the includes Sequelize's _expandIncludeAllElement makes. */
function expandAll(resolver, source, inc, existing) {
	const { all, nested, ...rest } = inc;
	let types = true;
	if (all !== true) {
		types = [];
		for (const t of [].concat(all)) {
			if (t === 'All') {
				types = true;
				break;
			}
			if (!ALL_TYPES[t])
				fail('include.all', `include all '${t}' is not valid - must be BelongsTo, HasOne, HasMany, One, Has, Many or All`);
			types.push(...ALL_TYPES[t]);
		}
	}
	const used = [];
	const add = (parent, list) => {
		for (const a of resolver.associations(parent)) {
			if (types !== true && !types.includes(a.type))
				continue;
			if (list.some(x => x.target === a.target && (!a.aliased || x.as === a.as)))
				continue;
			if (nested && used.includes(a.target))
				continue;
			used.push(parent);
			const item = { ...rest, association: a.as, as: a.as, target: a.target };
			list.push(item);
			if (nested) {
				item.include = [];
				add(a.target, item.include);
				if (item.include.length === 0)
					delete item.include;
			}
		}
		used.pop();
	};
	add(source, existing);
}

function translateThrough(t, path) {
	if (!isPlainObject(t))
		fail(path, `${path} must be an object`);
	const out = {};
	for (const [k, v] of Object.entries(t)) {
		if (!THROUGH_KEYS.has(k))
			fail(`${path}.${k}`, `unrecognized option "${k}" in ${path}: orm-models takes ${[...THROUGH_KEYS].join(', ')}`);
		if (k === 'where')
			out.where = translateWhere(v, `${path}.where`);
		else if (k === 'attributes')
			out.attributes = translateAttributes(v, `${path}.attributes`);
		else
			out[k] = v;
	}
	return out;
}

/* One include node (already resolved) -> the extension's include object. */
function includeNode(resolver, assoc, rest, path) {
	const out = { association: assoc.as };
	for (const [k, v] of Object.entries(rest)) {
		if (v === undefined || INCLUDE_DROPPED.has(k) || k === 'target' || k === 'as')
			continue;
		if (INCLUDE_NEVER[k] && v)
			fail(`${path}.${k}`, `include option "${k}" is not supported: ${INCLUDE_NEVER[k]}`);
		if (INCLUDE_NEVER[k])
			continue;
		if (!INCLUDE_KEYS.has(k))
			fail(`${path}.${k}`, `unrecognized include option "${k}" (${path})`);
		if (k === 'where')
			out.where = translateWhere(v, `${path}.where`);
		else if (k === 'attributes')
			out.attributes = translateAttributes(v, `${path}.attributes`);
		else if (k === 'through')
			out.through = translateThrough(v, `${path}.through`);
		else if (k === 'order')
			out.order = translateOrder(resolver, assoc.target, v, `${path}.order`);
		else if (k === 'include')
			out.include = translateIncludes(resolver, assoc.target, v, `${path}.include`);
		else
			out[k] = v;
	}
	if (Object.keys(out).length === 1)
		return assoc.as;
	return out;
}

/* Runs fn; an OrmOptionError it throws is given `path` as its option. */
function atPath(path, fn) {
	try {
		return fn();
	} catch (e) {
		if (e instanceof OrmOptionError && !/[.[]/.test(e.option))
			e.option = path;
		throw e;
	}
}

/*
 * A list of includes of model `source`.  {all} items are expanded after the
 * others and appended at the end, skipping associations already included,
 * as Sequelize's _expandIncludeAll does.
 */
function translateIncludes(resolver, source, includes, path) {
	const resolved = [];
	const alls = [];
	[].concat(includes).forEach((inc, i) => {
		const p = `${path}[${i}]`;
		if (isPlainObject(inc) && inc.all !== undefined && inc.all !== false) {
			alls.push(inc);
			return;
		}
		const { assoc, rest } = atPath(p, () => resolveInclude(resolver, source, inc));
		resolved.push({ assoc, rest, path: p });
	});
	for (const inc of alls) {
		const list = resolved.map(r => ({ target: r.assoc.target, as: r.assoc.as }));
		const n = list.length;
		atPath(`${path}.all`, () => expandAll(resolver, source, inc, list));
		for (const item of list.slice(n)) {
			const { association, as, target, ...rest } = item;
			resolved.push({ assoc: aliasAssociation(resolver, source, association), rest, path: `${path}.all` });
		}
	}
	return resolved.map(r => atPath(r.path, () => includeNode(resolver, r.assoc, r.rest, r.path)));
}

/* ---------------------------------------------------------------------
 * order
 * ------------------------------------------------------------------- */

function orderItem(resolver, model, item, path) {
	if (typeof item === 'string')
		return item;
	const m = sequelizeMethod(item);
	if (m)
		return expression(item, path);
	if (!Array.isArray(item))
		fail(path, `${path}: an order item is a column, [column, direction] or [association, ..., column, direction]`);
	const out = [];
	let at = model;
	item.forEach((part, i) => {
		const last = i === item.length - 1;
		if (typeof part === 'string') {
			const assoc = !last && resolver.associations(at).find(a => a.as === part);
			if (assoc)
				at = assoc.target;
			out.push(part);
		} else if (sequelizeMethod(part)) {
			out.push(expression(part, `${path}[${i}]`));
		} else if (isAssociation(part)) {
			out.push(part.as);
			at = aliasAssociation(resolver, at, part.as).target;
		} else if (isPlainObject(part) && (part.model !== undefined || part.as !== undefined)) {
			const a = part.as ? aliasAssociation(resolver, at, part.as)
				: includedAssociation(resolver, at, modelName(part.model), undefined);
			out.push(a.as);
			at = a.target;
		} else if (typeof part === 'function' || (part && part.isOrmModel)) {
			const a = includedAssociation(resolver, at, modelName(part), undefined);
			out.push(a.as);
			at = a.target;
		} else {
			fail(`${path}[${i}]`, `${path}[${i}]: ${typeof part} is not part of an order item`);
		}
	});
	return out;
}

function translateOrder(resolver, model, order, path) {
	if (typeof order === 'string' || sequelizeMethod(order))
		return [orderItem(resolver, model, order, path)];
	if (!Array.isArray(order))
		fail(path, `${path} must be an array`);
	/* order: ['name', 'DESC'] is two columns to Sequelize too (ORDER BY name, "DESC") */
	return order.map((item, i) => orderItem(resolver, model, item, `${path}[${i}]`));
}

/* ---------------------------------------------------------------------
 * find options
 * ------------------------------------------------------------------- */

/*
 * Sequelize find options -> {query, call}: query is the extension's query
 * JSON (an object), call the options of the call itself (transaction,
 * logging, rejectOnEmpty, raw...).  method is findAll, findOne, findByPk,
 * count or scope; ctx = {resolver, model}.
 */
function translateFind(options, method, ctx) {
	const query = {};
	const call = {};
	if (options === undefined || options === null)
		return { query, call };
	if (!isPlainObject(options))
		fail('options', `The argument passed to ${method} must be an options object`);
	const allowed = METHOD_KEYS[method];
	if (!allowed)
		fail('options', `unknown method ${method}`);
	for (const [k, v] of Object.entries(options)) {
		if (v === undefined)
			continue;
		if (!allowed.includes(k)) {
			const why = NOT_YET[k] || NEVER[k];
			fail(k, why ? `option "${k}" is not supported: ${why}` : `unrecognized option "${k}" for ${method}`);
		}
		switch (k) {
			case 'where':
				query.where = translateWhere(v, 'where');
				break;
			case 'attributes':
				query.attributes = translateAttributes(v, 'attributes');
				break;
			case 'include':
				query.include = translateIncludes(ctx.resolver, ctx.model, v, 'include');
				break;
			case 'order':
				query.order = translateOrder(ctx.resolver, ctx.model, v, 'order');
				break;
			case 'limit':
			case 'offset':
				if (v !== null)
					query[k] = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
				break;
			case 'paranoid':
				query.paranoid = v;
				break;
			case 'group':
				query.group = [].concat(v).map((g, i) => expression(g, `group[${i}]`));
				break;
			case 'having':
				/* after the attributes, whose aliases it names */
				query.having = v;
				break;
			case 'fields':
			case 'updateOnDuplicate':
			case 'conflictAttributes':
			case 'conflictFields':
				if (!Array.isArray(v) || !v.every(x => typeof x === 'string'))
					fail(k, `${k} must be an array of attribute names`);
				query[k] = v;
				break;
			case 'ignoreDuplicates':
			case 'force':
				query[k] = Boolean(v);
				break;
			case 'distinct':
				query.distinct = Boolean(v);
				break;
			case 'col':
				if (typeof v !== 'string')
					fail(k, 'col must be an attribute name');
				query.col = v;
				break;
			case 'validate':
				break;
			default:
				call[k] = v;
		}
	}
	if (query.having !== undefined)
		query.having = translateHaving(query.having, query.attributes, 'having');
	return { query, call };
}

/* ---------------------------------------------------------------------
 * The key of a find's options
 * ------------------------------------------------------------------- */

/*
 * findKey(options, method, call): a string that decides translateFind's
 * query for these options completely, so that lib/client.js can keep what
 * it made of them (the query text, the result's shape) under it and not
 * translate again; or null when no such key is made (then the call is
 * translated as always).  The options' call part (transaction, logging,
 * benchmark, rejectOnEmpty, raw, plain) is copied into `call`, as
 * translateFind copies it.
 *
 * The key is the options' content, never their identity (an app may
 * change an options object between two calls): every value translateFind
 * reads, in the order it reads them, with its type.  Where translateFind
 * reads only part of an object, the key holds that part:
 *
 *   a model class        its name (all translateFind asks of a function);
 *   an association,      isAssociation's verdict and its alias, isOrmModel,
 *   the package's model  the name, and sequelize.fn/col's fn, args and col
 *   or fn/col object     (lib/options.js resolves models by name only);
 *
 * and only in the places that name models, includes, orders, attributes
 * and groups (REF_KEYS).  Everywhere else (where, through, limit, required
 * ...: values that are translated as data or sent as they are) only plain
 * data has a key: plain objects (every own key, symbols as their
 * operator), arrays, strings, numbers, booleans, null, bigints and Dates.
 * Anything else there (a Buffer, a class instance, an unregistered symbol,
 * an array hole), a having, or options past KEY_NODES values or
 * KEY_LENGTH characters give null.  Options that translateFind refuses are
 * never kept: it throws before anything is.
 */
const REF_KEYS = new Set(['include', 'order', 'attributes', 'group', 'model', 'association']);
const KEY_CALL = new Set(['transaction', 'logging', 'benchmark', 'rejectOnEmpty']);
const KEY_NODES = 400;
const KEY_LENGTH = 4096;
const METHOD_KEY_SETS = Object.fromEntries(Object.entries(METHOD_KEYS).map(([m, keys]) => [m, new Set(keys)]));

/* A name as the key writes it: its length, then the text. */
function keyText(s) {
	return `${s.length}:${s}`;
}

/* A non-plain object where a model or an expression may be named (above). */
function refKey(v, budget) {
	let s = `X${isAssociation(v) ? `a${keyText(String(v.as))}` : '-'}${v.isOrmModel ? '1' : '0'}`;
	s += typeof v.name === 'string' ? keyText(v.name) : '-';
	const m = sequelizeMethod(v);
	if (m === 'Fn') {
		const args = Array.isArray(v.args) ? valueKey(v.args, true, budget) : null;
		if (args === null || typeof v.fn !== 'string')
			return null;
		return `${s}F${keyText(v.fn)}${args}`;
	}
	if (m === 'Col') {
		const col = valueKey(v.col, false, budget);
		return col === null ? null : `${s}C${col}`;
	}
	return m ? `${s}M${m}` : s;
}

/* The key of value v; ref: in a place that names models (REF_KEYS). */
function valueKey(v, ref, budget) {
	if (--budget.n < 0)
		return null;
	switch (typeof v) {
		case 'string':
			return v.length > KEY_LENGTH ? null : `s${keyText(v)}`;
		case 'number':
			return `n${v}`;
		case 'boolean':
			return v ? 't' : 'f';
		case 'bigint':
			return `b${v}`;
		case 'undefined':
			return 'u';
		case 'function':
			return ref && typeof v.name === 'string' ? `F${keyText(v.name)}` : null;
		case 'symbol':
			return null;
		default:
			break;
	}
	if (v === null)
		return 'z';
	if (Array.isArray(v)) {
		let s = '[';
		for (let i = 0; i < v.length; i++) {
			/* a hole and an undefined element translate apart */
			if (v[i] === undefined)
				return null;
			const e = valueKey(v[i], ref, budget);
			if (e === null)
				return null;
			s += `${e},`;
		}
		return `${s}]`;
	}
	const proto = Object.getPrototypeOf(v);
	if (proto === Object.prototype || proto === null) {
		let s = '{';
		for (const k of Reflect.ownKeys(v)) {
			let name;
			if (typeof k === 'symbol') {
				const op = opKey(k);
				if (op === null)
					return null;
				name = `Y${op}`;
			} else {
				name = keyText(k);
			}
			const e = valueKey(v[k], ref && REF_KEYS.has(k), budget);
			if (e === null)
				return null;
			s += `${name}=${e};`;
		}
		return `${s}}`;
	}
	if (proto === Date.prototype && Reflect.ownKeys(v).length === 0)
		return `D${v.getTime()}`;
	return ref ? refKey(v, budget) : null;
}

function findKey(options, method, call) {
	if (options === undefined || options === null)
		return '';
	const allowed = METHOD_KEY_SETS[method];
	if (!allowed || !isPlainObject(options))
		return null;
	const budget = { n: KEY_NODES };
	let key = '';
	/* Object.keys: the keys, and their order, of translateFind's Object.entries */
	for (const k of Object.keys(options)) {
		const v = options[k];
		if (v === undefined)
			continue;
		if (!allowed.has(k) || k === 'having')
			return null;
		if (KEY_CALL.has(k)) {
			call[k] = v;
			continue;
		}
		/* raw and plain are the call's, and decide whether the call is refused */
		if (k === 'raw' || k === 'plain')
			call[k] = v;
		const e = valueKey(v, REF_KEYS.has(k), budget);
		if (e === null)
			return null;
		key += `${keyText(k)}=${e};`;
		if (key.length > KEY_LENGTH)
			return null;
	}
	return key;
}

/* The resolver of a Sequelize instance's models (for the importer). */
function sequelizeResolver(sequelize) {
	return {
		associations(name) {
			const m = sequelize.models[name];
			if (!m)
				fail('include', `model "${name}" is not defined on this Sequelize instance`);
			return Object.values(m.associations).map(a => ({
				as: a.as, target: a.target.name, type: a.associationType, aliased: Boolean(a.isAliased),
			}));
		},
	};
}

/* A scope (for the importer): the query part only. */
function translateFindOptions(options, path, ctx) {
	try {
		return translateFind(options, 'scope', ctx).query;
	} catch (e) {
		if (e instanceof OrmOptionError)
			e.option = `${path}.${e.option}`;
		throw e;
	}
}

module.exports = {
	translateFind, findKey, translateFindOptions, translateWhere, translateAttributes,
	translateIncludes, translateOrder, modelName, sequelizeResolver, METHOD_KEYS, expression, isPlainObject,
};

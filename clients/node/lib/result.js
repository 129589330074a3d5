/*
 * lib/result.js: orm_models' JSON -> what Sequelize's toJSON() gives.
 *
 * The one translation layer for results.  The extension returns JSON text;
 * the package parses it itself (JSON.parse, once) and then converts, in one
 * pass over the rows and with knowledge of which keys need it, the values
 * JSON cannot carry as node-postgres and Sequelize's postgres dialect give
 * them:
 *
 *   timestamptz, timestamp   Date ('infinity' -> Infinity, as pg-types)
 *   date (DATEONLY)          the string ('infinity' -> Infinity)
 *   bigint, numeric          the exact text (strings, Sequelize's default;
 *                            or what the caller's parsers make of the text)
 *   real, double             NaN and Infinity from their JSON strings
 *   bytea                    Buffer
 *   ranges                   [{value, inclusive}, {value, inclusive}]
 *   arrays of those          element by element
 *
 * Which key needs what comes from the catalog (kindOf below) and the
 * query's include tree (shapeOf): a shape is a tree of plans, one per
 * model reached, each with the keys to convert and the includes to descend
 * into; a model without such keys costs only the descent.  Each shape is
 * compiled once into straight-line converters (compilePlan).
 *
 * Exactness: JSON.parse reads numbers as doubles.  A bigint beyond 2^53, a
 * numeric with more than 15 significant digits, or any value of a numeric
 * without a declared scale (whose text PostgreSQL keeps as written: "1.50")
 * cannot be rebuilt from a double; then the text is parsed again in exact
 * mode: every number token is first wrapped in a marked string (exactText),
 * so the numeric keys get their digits as PostgreSQL wrote them and every
 * other number is turned back into a number.
 */
'use strict';

/* ---------------------------------------------------------------------
 * Kinds, from the type as format_type prints it
 * ------------------------------------------------------------------- */

const RANGES = {
	int4range: 'int', int8range: 'bigint', numrange: 'decimal', tstzrange: 'date',
	tsrange: 'date', daterange: 'dateonly',
};

/*
 * The conversion a value of PostgreSQL type `t` needs: null (none), or
 * {k: 'date'|'dateonly'|'bigint'|'decimal'|'float'|'bytea'|'int'|'json'|
 * 'range'|'array', scale, sub}.  'int' and 'json' matter only in exact mode.
 */
function kindOf(t) {
	if (typeof t !== 'string')
		return null;
	if (t.endsWith('[]')) {
		const sub = kindOf(t.slice(0, -2));
		return sub ? { k: 'array', sub } : { k: 'array', sub: null };
	}
	if (/^timestamp(\(\d+\))? with(out)? time zone$/.test(t))
		return { k: 'date' };
	if (t === 'date')
		return { k: 'dateonly' };
	if (t === 'bigint')
		return { k: 'bigint' };
	if (t === 'integer' || t === 'smallint')
		return { k: 'int' };
	const m = /^numeric(?:\((\d+)(?:,(\d+))?\))?$/.exec(t);
	if (m)
		return { k: 'decimal', scale: m[1] === undefined ? null : Number(m[2] || 0) };
	if (t === 'real' || t === 'double precision')
		return { k: 'float' };
	if (t === 'bytea')
		return { k: 'bytea' };
	if (t === 'json' || t === 'jsonb')
		return { k: 'json' };
	if (RANGES[t])
		return { k: 'range', sub: RANGES[t] };
	return null;
}

/* ---------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------- */

class Lossy extends Error {}

/*
 * The time value of a timestamp as PostgreSQL writes it in JSON
 * (2024-01-02T03:04:05.678901+01:00), truncated to the millisecond as new
 * Date() and pg-types do; NaN for any other form.  Read by hand, from
 * fixed places: the offset is the string's last six characters, the
 * fraction what lies between the seconds and the offset (0 to 6 digits;
 * the first three count), and the day is turned into days since 1970 with
 * integer arithmetic (Hinnant's days_from_civil).  Each digit is read as
 * its character code; the codes' offsets ('0' is 48) are taken out once
 * per pair (528 = 48 * 11) or quadruple (53328 = 48 * 1111).  No string is
 * cut, nothing is allocated.
 */
function timestampValue(s) {
	const n = s.length;
	if (n < 25 || n > 32)
		return NaN;
	const sign = s.charCodeAt(n - 6);
	if ((sign !== 43 && sign !== 45) || s.charCodeAt(n - 3) !== 58 || s.charCodeAt(10) !== 84
		|| s.charCodeAt(4) !== 45 || (n > 25 && s.charCodeAt(19) !== 46))
		return NaN;
	let y = s.charCodeAt(0) * 1000 + s.charCodeAt(1) * 100 + s.charCodeAt(2) * 10 + s.charCodeAt(3) - 53328;
	if (y < 100)
		return NaN;
	const m = s.charCodeAt(5) * 10 + s.charCodeAt(6) - 528;
	if (m <= 2)
		y--;
	const era = (y / 400) | 0;
	const yoe = y - era * 400;
	const doy = (((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) | 0) + s.charCodeAt(8) * 10 + s.charCodeAt(9) - 529;
	const days = era * 146097 + yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy - 719468;
	const secs = (s.charCodeAt(11) * 10 + s.charCodeAt(12) - 528) * 3600
		+ (s.charCodeAt(14) * 10 + s.charCodeAt(15) - 528) * 60 + s.charCodeAt(17) * 10 + s.charCodeAt(18) - 528;
	let ms = 0;
	if (n > 26) {
		ms = (s.charCodeAt(20) - 48) * 100;
		if (n > 27) {
			ms += (s.charCodeAt(21) - 48) * 10;
			if (n > 28)
				ms += s.charCodeAt(22) - 48;
		}
	}
	const off = ((s.charCodeAt(n - 5) * 10 + s.charCodeAt(n - 4) - 528) * 60
		+ s.charCodeAt(n - 2) * 10 + s.charCodeAt(n - 1) - 528) * 60000;
	const t = days * 86400000 + secs * 1000 + ms;
	return sign === 43 ? t - off : t + off;
}

/*
 * A timestamp as PostgreSQL writes it in JSON -> Date (timestampValue);
 * anything else (no offset: a timestamp without time zone, read as local
 * time; a year before 100; BC; an offset with seconds) goes to new Date().
 */
function parseTimestamp(s) {
	const t = timestampValue(s);
	return t === t ? new Date(t) : new Date(s);
}

function toDate(v) {
	if (typeof v !== 'string')
		return v;
	const c = v.charCodeAt(0);
	if (c === 105 && v === 'infinity')
		return Infinity;
	if (c === 45 && v === '-infinity')
		return -Infinity;
	return parseTimestamp(v);
}

function toDateOnly(v) {
	if (v === 'infinity')
		return Infinity;
	if (v === '-infinity')
		return -Infinity;
	return v;
}

function toFloat(v) {
	if (typeof v !== 'string')
		return v;
	return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
}

/* The text of a bigint as PostgreSQL wrote it, from the parsed value. */
function bigintText(v) {
	if (typeof v === 'string')
		return v;
	if (Number.isSafeInteger(v))
		return String(v);
	throw new Lossy();
}

/* The text of a numeric with `scale` decimals, from the parsed value. */
function decimalText(v, scale) {
	if (typeof v === 'string')
		return v;
	if (scale !== null && scale <= 15 && Math.abs(v) < 10 ** (15 - scale))
		return v.toFixed(scale);
	throw new Lossy();
}

function toBuffer(v) {
	if (typeof v === 'string' && v.startsWith('\\x'))
		return Buffer.from(v.slice(2), 'hex');
	return v;
}

/* Sequelize's postgres range.parse: "[1,5)" -> [{value: 1, inclusive: true}, ...]. */
function parseRange(v, sub, parsers) {
	if (typeof v !== 'string')
		return v;
	if (v === 'empty')
		return [];
	const items = v.substring(1, v.length - 1).split(',', 2);
	if (items.length !== 2)
		return v;
	const bound = text => {
		if (!text)
			return null;
		if (text === 'infinity')
			return Infinity;
		if (text === '-infinity')
			return -Infinity;
		const raw = text.startsWith('"') ? text.slice(1, -1) : text;
		switch (sub) {
			case 'int':
				return parseInt(raw, 10);
			case 'bigint':
				return parsers.bigint(raw);
			case 'decimal':
				return parsers.decimal(raw);
			case 'date':
				return new Date(raw.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
			default:
				return raw;
		}
	};
	return [
		{ value: bound(items[0]), inclusive: v[0] === '[' },
		{ value: bound(items[1]), inclusive: v[v.length - 1] === ']' },
	];
}

/* One value of kind `kind` (not null). */
function convertValue(v, kind, parsers) {
	switch (kind.k) {
		case 'date':
			return toDate(v);
		case 'dateonly':
			return toDateOnly(v);
		case 'bigint':
			return parsers.bigint(bigintText(v));
		case 'decimal':
			return parsers.decimal(decimalText(v, kind.scale));
		case 'float':
			return toFloat(v);
		case 'bytea':
			return toBuffer(v);
		case 'range':
			return parseRange(v, kind.sub, parsers);
		case 'array':
			if (!Array.isArray(v) || !kind.sub)
				return v;
			return v.map(x => (x === null ? null : convertValue(x, kind.sub, parsers)));
		default:
			return v;
	}
}

/* Whether kind needs work outside exact mode. */
function needsWork(kind) {
	if (!kind)
		return false;
	if (kind.k === 'array')
		return needsWork(kind.sub);
	return kind.k !== 'int' && kind.k !== 'json';
}

/* Whether no double can stand for values of kind (a numeric without scale). */
function alwaysLossy(kind) {
	if (!kind)
		return false;
	if (kind.k === 'array')
		return alwaysLossy(kind.sub);
	return kind.k === 'decimal' && kind.scale === null;
}

/* ---------------------------------------------------------------------
 * Shapes
 * ------------------------------------------------------------------- */

/* The plan of a model's rows: keys to convert (dates apart: the common case). */
function planOf(kinds) {
	const dates = [];
	const others = [];
	let lossy = false;
	for (const [key, kind] of Object.entries(kinds)) {
		if (kind.k === 'date')
			dates.push(key);
		else if (needsWork(kind))
			others.push([key, kind]);
		if (alwaysLossy(kind))
			lossy = true;
	}
	return { dates, others, kinds, lossy };
}

function includeAlias(inc) {
	return typeof inc === 'string' ? inc : inc.association;
}

/*
 * The shape of a result: model `name`'s plan, and for each include of the
 * query (as lib/options.js wrote it) the key, whether it holds an array, the
 * junction's plan, and the included model's shape.  Attributes left out of
 * the result are simply absent; the converters test each key.
 */
/*
 * The kinds of a node's keys when its "attributes" renames some ([name,
 * alias] pairs, as lib/options.js wrote them): each alias takes its
 * attribute's kind; null when nothing is renamed (the model's kinds hold).
 */
function renamedKinds(kinds, attributes, catalog, model) {
	const list = Array.isArray(attributes) ? attributes : attributes && Array.isArray(attributes.include) ? attributes.include : null;
	if (!list || !list.some(a => Array.isArray(a)))
		return null;
	const out = Array.isArray(attributes) ? {} : { ...kinds };
	for (const a of list) {
		if (typeof a === 'string') {
			if (kinds[a])
				out[a] = kinds[a];
		} else if (Array.isArray(a) && typeof a[0] === 'string') {
			if (kinds[a[0]])
				out[a[1]] = kinds[a[0]];
			else
				delete out[a[1]];
		} else if (Array.isArray(a)) {
			const k = catalog && model ? expressionKind(catalog, model, a[0]) : null;
			if (k)
				out[a[1]] = k;
			else
				delete out[a[1]];
		}
	}
	return out;
}

const INTEGRAL = new Set(['int', 'bigint']);

/*
 * The kind of an expression's value ({"fn"}, {"col"}), as PostgreSQL types
 * it: COUNT is bigint; SUM of integers bigint, of bigint or numeric
 * numeric; AVG numeric (double for floats); MIN, MAX, DISTINCT and the
 * scalar functions of one column that column's.  null: none needed.
 */
function expressionKind(catalog, model, e) {
	if (!e || typeof e !== 'object')
		return null;
	if (typeof e.col === 'string') {
		const parts = e.col.split(/->|\./);
		if (parts.length > 1 && parts[0] === model.name)
			parts.shift();
		let at = model;
		for (const p of parts.slice(0, -1)) {
			const a = at.association(p);
			if (!a)
				return null;
			at = catalog.model(a.target);
		}
		return at.kinds[parts[parts.length - 1]] || null;
	}
	if (typeof e.fn !== 'string')
		return null;
	const fn = e.fn.toUpperCase();
	const args = Array.isArray(e.args) ? e.args : [];
	const sub = args.length ? expressionKind(catalog, model, args[0]) : null;
	switch (fn) {
		case 'COUNT':
			return { k: 'bigint' };
		case 'SUM':
			if (sub && sub.k === 'int')
				return { k: 'bigint' };
			if (sub && (sub.k === 'bigint' || sub.k === 'decimal'))
				return { k: 'decimal', scale: null };
			return sub && sub.k === 'float' ? sub : null;
		case 'AVG':
			if (sub && (INTEGRAL.has(sub.k) || sub.k === 'decimal'))
				return { k: 'decimal', scale: null };
			return sub && sub.k === 'float' ? sub : null;
		case 'MIN': case 'MAX': case 'DISTINCT': case 'COALESCE': case 'GREATEST': case 'LEAST':
		case 'NULLIF': case 'ABS':
			return sub;
		case 'DATE_TRUNC':
			return args.length > 1 ? expressionKind(catalog, model, args[1]) : null;
		case 'DATE_PART':
			return { k: 'float' };
		default:
			return null;
	}
}

function shapeOf(catalog, name, include, cache, attributes) {
	const model = catalog.model(name);
	const renamed = renamedKinds(model.kinds, attributes, catalog, model);
	let plan = renamed ? planOf(renamed) : cache.get(model);
	if (!plan) {
		plan = planOf(model.kinds);
		cache.set(model, plan);
	}
	const children = [];
	let lossy = plan.lossy;
	let work = plan.dates.length > 0 || plan.others.length > 0;
	for (const inc of [].concat(include || [])) {
		const alias = includeAlias(inc);
		const a = model.association(alias);
		if (!a)
			continue;
		const child = typeof inc === 'string' ? shapeOf(catalog, a.target, undefined, cache)
			: shapeOf(catalog, a.target, inc.include, cache, inc.attributes);
		let junction = null;
		if (a.kind === 'belongsToMany') {
			const j = catalog.junction(model, a);
			junction = { key: j.key, plan: planOf(j.kinds) };
			lossy = lossy || junction.plan.lossy;
			work = true;
		}
		children.push({ key: alias, many: a.many, shape: child, junction });
		lossy = lossy || child.lossy;
		work = work || child.work;
	}
	return { plan, children, lossy, work, kinds: renamed || model.kinds };
}

/* ---------------------------------------------------------------------
 * Converting
 * ------------------------------------------------------------------- */

/*
 * The converter of a shape: one function per model reached, made once per
 * shape (shapes are kept per query text, lib/client.js), whose body names
 * each key to convert (row["createdAt"]), so that every access is a named,
 * monomorphic property load, and calls its includes' converters: no key
 * lists walked, no closure made per row.  Keys are written as JSON string
 * literals, which are JavaScript string literals; no other text of the
 * catalog goes into the code.
 */
function compilePlan(plan, children) {
	const body = ['let v, s0, d0;'];
	const kinds = [];
	const subs = [];
	plan.dates.forEach((k, i) => {
		const q = JSON.stringify(k);
		const parse = `{ s0 = v; row[${q}] = d0 = toDate(v); }`;
		/* the same text as the date key before (updatedAt of a row never updated): its time, a Date of its own */
		body.push(i === 0 ? `v = row[${q}]; if (typeof v === 'string') ${parse}`
			: `v = row[${q}]; if (typeof v === 'string') { if (v === s0 && typeof d0 === 'object') row[${q}] = new Date(d0.getTime()); else ${parse} }`);
	});
	for (const [k, kind] of plan.others) {
		const q = JSON.stringify(k);
		body.push(`v = row[${q}]; if (v !== null && v !== undefined) row[${q}] = convertValue(v, K[${kinds.length}], P);`);
		kinds.push(kind);
	}
	for (const ch of children) {
		const conv = ch.shape.work ? shapeConverter(ch.shape) : null;
		const junction = ch.junction && (ch.junction.plan.dates.length || ch.junction.plan.others.length)
			? compilePlan(ch.junction.plan, []) : null;
		if (!conv && !junction)
			continue;
		const q = JSON.stringify(ch.key);
		const c = `S[${subs.length}]`;
		subs.push(conv);
		const j = `S[${subs.length}]`;
		subs.push(junction);
		const jq = junction && JSON.stringify(ch.junction.key);
		const one = r => [conv ? `${c}(${r}, P);` : '', junction ? `if (${r}[${jq}]) ${j}(${r}[${jq}], P);` : ''].join(' ');
		if (ch.many)
			body.push(`v = row[${q}]; if (v) for (let i = 0; i < v.length; i++) { const r = v[i]; ${one('r')} }`);
		else
			body.push(`v = row[${q}]; if (v) { ${one('v')} }`);
	}
	/* eslint-disable-next-line no-new-func */
	return new Function('toDate', 'convertValue', 'K', 'S',
		`return function convert(row, P) {\n${body.join('\n')}\n};`)(toDate, convertValue, kinds, subs);
}

function shapeConverter(shape) {
	if (!shape.convert)
		shape.convert = compilePlan(shape.plan, shape.children);
	return shape.convert;
}

/* rows: an array of rows, one row, or null; converted in place. */
function convertRows(rows, shape, parsers) {
	if (rows === null || !shape.work)
		return rows;
	const convert = shapeConverter(shape);
	if (Array.isArray(rows)) {
		for (let i = 0; i < rows.length; i++)
			convert(rows[i], parsers);
	} else {
		convert(rows, parsers);
	}
	return rows;
}

/* ---------------------------------------------------------------------
 * Exact mode
 * ------------------------------------------------------------------- */

/*
 * The JSON text with every number token outside strings wrapped as the
 * string "\u0000#<token>", and every string that begins with \u0000 given one
 * more (so that no string of the data is mistaken for a wrapped number).
 */
function exactText(text) {
	const parts = [];
	const n = text.length;
	let start = 0;
	let i = 0;
	while (i < n) {
		const c = text.charCodeAt(i);
		if (c === 34) {
			if (text.startsWith('\\u0000', i + 1)) {
				parts.push(text.slice(start, i + 1), '\\u0000');
				start = i + 1;
			}
			let j = i + 1;
			for (;;) {
				const d = text.charCodeAt(j);
				if (d === 92)
					j += 2;
				else if (d === 34)
					break;
				else
					j++;
			}
			i = j + 1;
		} else if (c === 45 || (c >= 48 && c <= 57)) {
			let j = i + 1;
			for (; j < n; j++) {
				const d = text.charCodeAt(j);
				if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45))
					break;
			}
			parts.push(text.slice(start, i), '"\\u0000#', text.slice(i, j), '"');
			start = j;
			i = j;
		} else {
			i++;
		}
	}
	parts.push(text.slice(start));
	return parts.join('');
}

/* A value of exact mode back to plain JSON values (numbers as numbers). */
function unwrap(v) {
	if (typeof v === 'string') {
		if (v.charCodeAt(0) !== 0)
			return v;
		return v.charCodeAt(1) === 35 ? Number(v.slice(2)) : v.slice(1);
	}
	if (Array.isArray(v)) {
		for (let i = 0; i < v.length; i++)
			v[i] = unwrap(v[i]);
		return v;
	}
	if (v !== null && typeof v === 'object') {
		for (const k of Object.keys(v))
			v[k] = unwrap(v[k]);
	}
	return v;
}

/* A wrapped value of a bigint/numeric key: its token as text. */
function unwrapExact(v, kind) {
	if (typeof v === 'string' && v.charCodeAt(0) === 0)
		return v.charCodeAt(1) === 35 ? v.slice(2) : v.slice(1);
	if (Array.isArray(v) && kind.k === 'array')
		return v.map(x => unwrapExact(x, kind.sub || {}));
	return unwrap(v);
}

function exactKind(kind) {
	if (!kind)
		return false;
	if (kind.k === 'array')
		return exactKind(kind.sub);
	return kind.k === 'bigint' || kind.k === 'decimal';
}

/* Undoes exactText on rows of `shape`, keeping the text of numeric keys. */
function unwrapRow(row, shape, kinds) {
	const child = new Map(shape ? shape.children.map(c => [c.key, c]) : []);
	for (const k of Object.keys(row)) {
		const v = row[k];
		const ch = child.get(k);
		if (ch && v !== null) {
			for (const r of ch.many ? v : [v]) {
				unwrapRow(r, ch.shape, ch.shape.kinds);
				if (ch.junction && r[ch.junction.key])
					unwrapRow(r[ch.junction.key], null, ch.junction.plan.kinds);
			}
		} else if (exactKind(kinds[k])) {
			row[k] = unwrapExact(v, kinds[k]);
		} else {
			row[k] = unwrap(v);
		}
	}
}

/* Parses text exactly (see above) and converts. */
function parseExact(text, shape, parsers) {
	const rows = JSON.parse(exactText(text));
	if (rows !== null && typeof rows === 'object') {
		for (const r of Array.isArray(rows) ? rows : [rows])
			unwrapRow(r, shape, shape.kinds);
	}
	return convertRows(rows, shape, parsers);
}

/* The JSON text of a find_* result -> converted rows. */
function parseResult(text, shape, parsers) {
	if (text === null)
		return null;
	if (shape.lossy)
		return parseExact(text, shape, parsers);
	const rows = JSON.parse(text);
	try {
		return convertRows(rows, shape, parsers);
	} catch (e) {
		if (e instanceof Lossy)
			return parseExact(text, shape, parsers);
		throw e;
	}
}

const IDENTITY = v => v;
const DEFAULT_PARSERS = Object.freeze({ bigint: IDENTITY, decimal: IDENTITY });

module.exports = {
	kindOf, shapeOf, parseResult, convertRows, exactText, unwrap, parseTimestamp, DEFAULT_PARSERS, Lossy,
};

/*
 * result.test.js: the extension's JSON -> Sequelize's toJSON() values
 * (lib/result.js), without a server: kinds from format_type's names, the
 * one-pass conversion, and exact mode for numbers no double holds.
 */
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { kindOf, shapeOf, parseResult, exactText, DEFAULT_PARSERS } = require('../lib/result');
const { Catalog, CatalogModel } = require('../lib/catalog');

test('kinds: from the types format_type prints', () => {
	const cases = {
		'timestamp with time zone': 'date', 'timestamp(3) with time zone': 'date', 'timestamp without time zone': 'date',
		date: 'dateonly', bigint: 'bigint', integer: 'int', smallint: 'int', numeric: 'decimal', 'numeric(10,2)': 'decimal',
		'numeric(5)': 'decimal', real: 'float', 'double precision': 'float', bytea: 'bytea', json: 'json', jsonb: 'json',
		int4range: 'range', tstzrange: 'range', 'bigint[]': 'array', 'timestamp with time zone[]': 'array',
		text: null, 'character varying(255)': null, uuid: null, boolean: null, 'public."enum_Users_role"': null, 'time without time zone': null,
	};
	for (const [t, k] of Object.entries(cases))
		assert.strictEqual(kindOf(t) ? kindOf(t).k : null, k, t);
	assert.deepStrictEqual(kindOf('numeric(10,2)'), { k: 'decimal', scale: 2 });
	assert.deepStrictEqual(kindOf('numeric(5)'), { k: 'decimal', scale: 0 });
	assert.deepStrictEqual(kindOf('numeric'), { k: 'decimal', scale: null });
	assert.deepStrictEqual(kindOf('date[]'), { k: 'array', sub: { k: 'dateonly' } });
});

/* A catalog of two models, as orm.describe gives them. */
function catalog(types) {
	const attrs = t => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { type: v, primaryKey: k === 'id' }]));
	const models = new Map();
	models.set('M', new CatalogModel('M', {
		tableName: 'Ms', schema: 'public', attributes: attrs({ id: 'integer', ...types }),
		associations: [
			{ as: 'kids', kind: 'hasMany', target: 'K' },
			{ as: 'tags', kind: 'belongsToMany', target: 'K', through: 'MK', foreignKey: 'mId', otherKey: 'kId', sourceKey: 'id', targetKey: 'id' },
		],
	}, {}));
	models.set('K', new CatalogModel('K', {
		tableName: 'Ks', schema: 'public', attributes: attrs({ id: 'bigint', at: 'timestamp with time zone' }), associations: [],
	}, {}));
	return new Catalog(models, new Map());
}

function parse(types, rows, include, parsers = DEFAULT_PARSERS) {
	const c = catalog(types);
	return parseResult(typeof rows === 'string' ? rows : JSON.stringify(rows), shapeOf(c, 'M', include, new Map()), parsers);
}

test('dates: Date objects, truncated to the millisecond; infinity as pg-types gives it', () => {
	const r = parse({ at: 'timestamp with time zone', on: 'date' }, [
		{ id: 1, at: '2024-01-02T03:04:05.678999+02:00', on: '2024-01-02' },
		{ id: 2, at: 'infinity', on: '-infinity' },
		{ id: 3, at: null, on: null },
	]);
	assert.deepStrictEqual(r, [
		{ id: 1, at: new Date('2024-01-02T01:04:05.678Z'), on: '2024-01-02' },
		{ id: 2, at: Infinity, on: -Infinity },
		{ id: 3, at: null, on: null },
	]);
});

test('bigint and numeric: the text PostgreSQL wrote, also past 2^53 and without a scale', () => {
	const text = '[{"id":1,"b":9007199254740993,"n":1.50,"s":12.50,"f":"NaN"},{"id":2,"b":5,"n":12345678901234567890.123,"s":0.10,"f":1.5}]';
	const r = parse({ b: 'bigint', n: 'numeric', s: 'numeric(10,2)', f: 'double precision' }, text);
	assert.deepStrictEqual(r, [
		{ id: 1, b: '9007199254740993', n: '1.50', s: '12.50', f: NaN },
		{ id: 2, b: '5', n: '12345678901234567890.123', s: '0.10', f: 1.5 },
	]);
});

test('bigint past 2^53 found after the fast parse: parsed again exactly', () => {
	const r = parse({ b: 'bigint', s: 'numeric(30,2)' }, '[{"id":1,"b":1,"s":1.00},{"id":2,"b":-9223372036854775808,"s":123456789012345678.99}]');
	assert.deepStrictEqual(r, [{ id: 1, b: '1', s: '1.00' }, { id: 2, b: '-9223372036854775808', s: '123456789012345678.99' }]);
});

test('exact mode keeps every other value as it was', () => {
	const text = JSON.stringify([{ id: 7, n: 1, j: { a: [1, 2.5, -3e-7, 'x', '\u0000#9', '\u0000\u0000'], b: null, c: true }, t: 'a"b\\c\u0000', at: '2024-01-01T00:00:00+00:00' }]);
	const r = parse({ n: 'numeric', j: 'jsonb', t: 'text', at: 'timestamp with time zone' }, text);
	assert.deepStrictEqual(r, [{ id: 7, n: '1', j: { a: [1, 2.5, -3e-7, 'x', '\u0000#9', '\u0000\u0000'], b: null, c: true }, t: 'a"b\\c\u0000', at: new Date('2024-01-01T00:00:00Z') }]);
	assert.strictEqual(JSON.parse(exactText('[1,-2.5e3,"1"]')).join('|'), '\u0000#1|\u0000#-2.5e3|1');
});

test('includes and junction rows are converted; absent keys stay absent', () => {
	const rows = [{
		id: 1, at: '2024-05-06T07:08:09+00:00',
		kids: [{ id: 'BIG', at: '2020-01-01T00:00:00+00:00' }, { id: 2 }],
		tags: [{ id: 3, at: null, MK: { mId: 1, kId: 3, createdAt: '2021-01-01T00:00:00+00:00', updatedAt: '2021-01-02T00:00:00+00:00' } }],
	}];
	const text = JSON.stringify(rows).replace('"BIG"', '9007199254740993');
	const r = parse({ at: 'timestamp with time zone' }, text, ['kids', { association: 'tags' }]);
	assert.deepStrictEqual(r, [{
		id: 1, at: new Date('2024-05-06T07:08:09Z'),
		kids: [{ id: '9007199254740993', at: new Date('2020-01-01T00:00:00Z') }, { id: '2' }],
		tags: [{ id: '3', at: null, MK: { mId: 1, kId: '3', createdAt: new Date('2021-01-01T00:00:00Z'), updatedAt: new Date('2021-01-02T00:00:00Z') } }],
	}]);
});

test('bytea, arrays, ranges as Sequelize\'s postgres dialect parses them', () => {
	const r = parse({
		bl: 'bytea', ad: 'timestamp with time zone[]', ab: 'bigint[]', ai: 'integer[]', ri: 'int4range', rn: 'numrange',
		rt: 'tstzrange', rd: 'daterange', re: 'int4range',
	}, [{
		id: 1, bl: '\\x00ff10', ad: ['2024-01-01T00:00:00+00:00', null], ab: [1, 2], ai: [1, 2],
		ri: '[1,5)', rn: '(,2.50]', rt: '["2024-01-01 00:00:00+00","2024-01-02 00:00:00.5+00")', rd: '[2024-01-01,infinity)', re: 'empty',
	}]);
	assert.deepStrictEqual(r, [{
		id: 1, bl: Buffer.from([0, 255, 16]), ad: [new Date('2024-01-01T00:00:00Z'), null], ab: ['1', '2'], ai: [1, 2],
		ri: [{ value: 1, inclusive: true }, { value: 5, inclusive: false }],
		rn: [{ value: null, inclusive: false }, { value: '2.50', inclusive: true }],
		rt: [{ value: new Date('2024-01-01T00:00:00Z'), inclusive: true }, { value: new Date('2024-01-02T00:00:00.500Z'), inclusive: false }],
		rd: [{ value: '2024-01-01', inclusive: true }, { value: Infinity, inclusive: false }],
		re: [],
	}]);
});

test('the caller\'s parsers get the text of bigint and numeric', () => {
	const parsers = { bigint: v => BigInt(v), decimal: v => Number(v) };
	const r = parse({ b: 'bigint', n: 'numeric(6,2)' }, '[{"id":1,"b":9007199254740993,"n":1.25}]', undefined, parsers);
	assert.deepStrictEqual(r, [{ id: 1, b: 9007199254740993n, n: 1.25 }]);
});

test('one row, null, and a model with nothing to convert', () => {
	assert.deepStrictEqual(parse({ at: 'timestamp with time zone' }, '{"id":1,"at":"2024-01-01T00:00:00Z"}'), { id: 1, at: new Date('2024-01-01T00:00:00Z') });
	const c = catalog({});
	assert.strictEqual(parseResult(null, shapeOf(c, 'M', [], new Map()), DEFAULT_PARSERS), null);
	assert.deepStrictEqual(parse({ s: 'text' }, '[{"id":1,"s":"x"}]'), [{ id: 1, s: 'x' }]);
});

test('timestamps read by hand agree with new Date() on every form PostgreSQL writes', () => {
	const { parseTimestamp } = require('../lib/result');
	let seed = 7;
	const rnd = n => {
		seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
		return seed % n;
	};
	const pad = (v, w) => String(v).padStart(w, '0');
	const forms = ['0099-12-31T23:59:59+00:00', '0100-01-01T00:00:00+00:00', '2024-02-29T12:00:00.5+05:30',
		'2024-02-29T12:00:00-09:30', '2024-02-29T12:00:00.123456789+14:00', '2024-01-01T00:00:00', '2024-01-01T00:00:00.25',
		'1969-12-31T23:59:59.999999-00:01', '2024-01-01T00:00:00+01', '2024-06-01T01:02:03.4+02:00:30', '275760-09-13T00:00:00+00:00',
		'1600-02-29T00:00:00+00:00', '1700-03-01T00:00:00+00:00', '2000-02-29T23:59:59.999+00:00', '2100-02-28T12:00:00-12:00',
		'9999-12-31T23:59:59.999999+00:00', '0400-02-29T00:00:00+00:00', '2024-12-31T23:59:59+00:00', '2023-03-01T00:00:00+14:00'];
	for (let i = 0; i < 20000; i++) {
		const frac = rnd(3) === 0 ? '' : `.${pad(rnd(1000000), 6).slice(0, 1 + rnd(6))}`;
		const off = rnd(4) === 0 ? '+00:00' : `${rnd(2) ? '+' : '-'}${pad(rnd(15), 2)}:${pad(rnd(4) * 15, 2)}`;
		const year = rnd(2) ? 1900 + rnd(200) : 100 + rnd(9900);
		forms.push(`${pad(year, 4)}-${pad(1 + rnd(12), 2)}-${pad(1 + rnd(28), 2)}T${pad(rnd(24), 2)}:${pad(rnd(60), 2)}:${pad(rnd(60), 2)}${frac}${off}`);
	}
	for (const s of forms) {
		const a = parseTimestamp(s);
		const b = new Date(s);
		assert.ok(Number.isNaN(b.getTime()) ? Number.isNaN(a.getTime()) : a.getTime() === b.getTime(), s);
	}
});

test('date keys of one row with the same text: equal Dates, each its own object', () => {
	const types = { createdAt: 'timestamp with time zone', updatedAt: 'timestamp with time zone', deletedAt: 'timestamp with time zone' };
	const t = '2022-01-02T04:45:25.850352+00:00';
	const rows = parse(types, JSON.stringify([
		{ id: 1, createdAt: t, updatedAt: t, deletedAt: t },
		{ id: 2, createdAt: t, updatedAt: '2022-01-02T04:45:25.851+00:00', deletedAt: t },
		{ id: 3, createdAt: 'infinity', updatedAt: 'infinity', deletedAt: null },
		{ id: 4, createdAt: null, updatedAt: t, deletedAt: '2024-01-01T00:00:00' },
		{ id: 5, createdAt: '2024-01-01T00:00:00', updatedAt: '2024-01-01T00:00:00', deletedAt: t },
	]));
	const d = s => new Date(s);
	assert.deepStrictEqual(rows, [
		{ id: 1, createdAt: d(t), updatedAt: d(t), deletedAt: d(t) },
		{ id: 2, createdAt: d(t), updatedAt: d('2022-01-02T04:45:25.851Z'), deletedAt: d(t) },
		{ id: 3, createdAt: Infinity, updatedAt: Infinity, deletedAt: null },
		{ id: 4, createdAt: null, updatedAt: d(t), deletedAt: d('2024-01-01T00:00:00') },
		{ id: 5, createdAt: d('2024-01-01T00:00:00'), updatedAt: d('2024-01-01T00:00:00'), deletedAt: d(t) },
	]);
	assert.notStrictEqual(rows[0].createdAt, rows[0].updatedAt);
	assert.notStrictEqual(rows[0].updatedAt, rows[0].deletedAt);
	rows[0].updatedAt.setUTCFullYear(2000);
	assert.strictEqual(rows[0].createdAt.getTime(), d(t).getTime(), 'changing one Date leaves the other');
});

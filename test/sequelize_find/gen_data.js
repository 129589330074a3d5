#!/usr/bin/env node
/*
 * gen_data.js: prints the data set of the test as plain SQL INSERTs (neither
 * ORM writes it), the same for both databases.  Deterministic: a fixed
 * seed, no clock.  Edge cases on purpose: users without posts, profile,
 * mentor; posts without comments or tags; a tag without posts; NULLs in
 * every nullable column; unicode, quotes, backslashes, '%' and '_' in text;
 * soft-deleted comments; timestamps with microseconds; ties in every sort
 * key the queries use (broken by a second key in the queries).
 */
'use strict';

let seed = 20240229;
/* mulberry32 */
function rand() {
	seed = (seed + 0x6D2B79F5) | 0;
	let t = seed;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = arr => arr[Math.floor(rand() * arr.length)];
const chance = p => rand() < p;

function lit(v) {
	if (v === null || v === undefined)
		return 'NULL';
	if (typeof v === 'number' || typeof v === 'boolean')
		return String(v);
	if (Array.isArray(v))
		return `ARRAY[${v.map(lit).join(', ')}]`;
	if (typeof v === 'object')
		return `${lit(JSON.stringify(v))}::jsonb`;
	return `'${String(v).replace(/'/g, "''")}'`;
}

/* A timestamp literal: base + minutes, with optional microseconds. */
const BASE = Date.UTC(2024, 0, 1);
function ts(minutes, micros = 0) {
	const d = new Date(BASE + minutes * 60000);
	const iso = d.toISOString().replace('T', ' ').replace(/\.000Z$/, '');
	return micros ? `${iso}.${String(micros).padStart(6, '0')}+00` : `${iso}+00`;
}
const tsl = (minutes, micros) => `'${ts(minutes, micros)}'::timestamptz`;

const out = [];
function insert(table, cols, rows) {
	const quoted = cols.map(c => `"${c}"`).join(', ');
	for (let i = 0; i < rows.length; i += 50) {
		const chunk = rows.slice(i, i + 50).map(r => `(${r.join(', ')})`).join(',\n  ');
		out.push(`INSERT INTO "${table}" (${quoted}) VALUES\n  ${chunk};`);
	}
}

/* ---- Users: 1..40; 31..40 have no posts ---- */
const names = ['Alice', 'Bob', 'Carol', 'Dave', 'Eve', 'Frank', 'Grace', 'Heidi',
	'Zoë', 'Ørjan', '李雷', 'José Ñúñez', "O'Brien", 'a_b%c', 'Back\\slash', '😀 Smile',
	'alice', 'ALICE', 'Mallory', 'Trent'];
const nickPool = ['ace', 'bee', 'cat', 'dog', 'elk', 'fox'];
const users = [];
for (let id = 1; id <= 40; id++) {
	const name = id <= 20 ? names[id - 1] : pick(names);	/* ties from 21 on */
	const nicknames = chance(0.15) ? null : chance(0.15) ? [] :
		Array.from(new Set(Array.from({ length: int(1, 3) }, () => pick(nickPool))));
	if (id === 33)
		nicknames.splice(0, nicknames.length, 'ace', null, 'x"y');
	users.push({
		id, name,
		email: `user${id}@Example.${id % 3 === 0 ? 'ORG' : 'com'}`,
		age: chance(0.2) ? null : pick([18, 25, 30, 30, 42, 42, 55, 61, 70]),
		score: chance(0.2) ? null : (int(0, 100000) / 100).toFixed(2),
		active: id % 4 !== 0,
		bio: id % 5 === 0 ? null : id % 7 === 0 ? '' : id === 34 ? 'tab\there, bell \u0001, back\\slash, quote " and \u2028' : `Bio of ${name}\nline "two" — ${id}`,
		nicknames,
		mentorId: id > 3 && chance(0.5) ? int(1, Math.min(id - 1, 6)) : null,
		createdAt: tsl(id * 60 - (id % 6 === 0 ? 60 : 0), id % 3 === 0 ? 123456 : 0),
		updatedAt: tsl(id * 90, id % 2 ? 999 : 0),
	});
}
insert('Users', ['id', 'name', 'email', 'age', 'score', 'active', 'bio', 'nicknames', 'mentorId', 'createdAt', 'updatedAt'],
	users.map(u => [u.id, lit(u.name), lit(u.email), lit(u.age),
		u.score === null ? 'NULL' : u.score, u.active,
		lit(u.bio), u.nicknames === null ? 'NULL' : u.nicknames.length ? `${lit(u.nicknames)}::varchar[]` : `'{}'::varchar[]`,
		lit(u.mentorId), u.createdAt, u.updatedAt]));

/* ---- Profiles: about 3 users in 4 ---- */
const profiles = [];
let pid = 0;
for (const u of users) {
	if (u.id % 4 === 2)
		continue;
	pid++;
	profiles.push([pid, u.id,
		lit(chance(0.3) ? null : `https://example.com/~u${u.id}`),
		chance(0.2) ? 'NULL' : lit(`19${int(60, 99)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`),
		chance(0.2) ? 'NULL' : lit({ theme: pick(['dark', 'light']), lang: pick(['en', 'fr', 'zh']), flags: { beta: chance(0.5) }, n: int(0, 9) }),
		chance(0.25) ? 'NULL' : tsl(50000 + int(0, 5000), pick([0, 1, 123456, 500000, 999])),
		chance(0.2) ? 'NULL' : pick(['0.1', '-33.868820', '1e-07', '12345.678901234', '0', '-0.5', '51.5']),
		chance(0.2) ? 'NULL' : lit(`${String(int(5, 9)).padStart(2, '0')}:${pick(['00', '15', '30'])}:00`),
		tsl(u.id * 61), tsl(u.id * 62)]);
}
insert('Profiles', ['id', 'userId', 'website', 'birthday', 'settings', 'lastLogin', 'latitude', 'wakeUp', 'createdAt', 'updatedAt'], profiles);

/* ---- Posts: 1..N, by users 1..30 (0..8 each) ---- */
const titles = ['Hello', 'Hello', 'SQL tips', 'Über Postgres', '100% pure', 'snake_case',
	'Ünïcödé ☃', 'Another day', 'another day', 'Zebra', "Don't panic", 'Hello'];
const kwPool = ['pg', 'sql', 'orm', 'js', 'c'];
const posts = [];
let postId = 0;
for (let uid = 1; uid <= 30; uid++) {
	const n = uid % 10 === 7 ? 0 : int(0, 8);	/* users 7, 17, 27: no posts */
	for (let k = 0; k < n; k++) {
		postId++;
		const published = chance(0.6);
		posts.push({
			id: postId, userId: uid,
			row: [postId, lit(pick(titles)), lit(chance(0.15) ? null : `Content ${postId} by ${uid}`), uid,
				chance(0.2) ? 'NULL' : (int(0, 50) / 10).toFixed(1),
				chance(0.1) ? 'NULL' : pick([0, 10, 100, 100, 250, 1000]),
				chance(0.3) ? 'NULL' : String(int(0, 3) * 1000000000 + int(0, 999)),
				published,
				published && chance(0.9) ? tsl(20000 + postId * 37, postId % 4 === 1 ? 250000 : 0) : 'NULL',
				chance(0.2) ? 'NULL' : `${lit(Array.from(new Set(Array.from({ length: int(0, 3) }, () => pick(kwPool)))))}::text[]`,
				tsl(10000 + Math.floor(postId / 2) * 30), tsl(10000 + postId * 31, postId % 5 === 0 ? 777 : 0)],
		});
	}
}
/* ARRAY[] of no elements needs its type spelled out */
for (const p of posts)
	p.row = p.row.map(v => (v === 'ARRAY[]::text[]' ? "'{}'::text[]" : v));
insert('Posts', ['id', 'title', 'content', 'userId', 'rating', 'view_count', 'reach', 'published', 'publishedAt', 'keywords', 'createdAt', 'updatedAt'],
	posts.map(p => p.row));

/* ---- Comments (paranoid): some posts none, some soft-deleted ---- */
const bodies = ['Nice!', 'nice', 'I disagree', '+1', 'Merci beaucoup', '谢谢', 'LGTM', 'What about 50%?', 'Nice!'];
const comments = [];
let cid = 0;
for (const p of posts) {
	const n = p.id % 6 === 0 ? 0 : int(0, 5);
	for (let k = 0; k < n; k++) {
		cid++;
		const deleted = cid % 7 === 3;
		comments.push([cid, lit(pick(bodies)), chance(0.2) ? 'NULL' : int(1, 5), p.id,
			chance(0.15) ? 'NULL' : int(1, 40),
			tsl(30000 + cid * 11, cid % 9 === 0 ? 1000 : 0), tsl(30000 + cid * 12),
			deleted ? tsl(60000 + cid) : 'NULL']);
	}
}
insert('Comments', ['id', 'body', 'stars', 'postId', 'userId', 'createdAt', 'updatedAt', 'deletedAt'], comments);

/* ---- Tags (no timestamps); tag 12 has no posts ---- */
const tagNames = ['postgres', 'sql', 'orm', 'javascript', 'c', 'performance', 'json', 'ünïcode', 'tips', 'news', 'misc', 'unused'];
insert('Tags', ['id', 'name', 'color'],
	tagNames.map((n, i) => [i + 1, lit(n), lit(i % 3 === 2 ? null : pick(['red', 'green', 'blue']))]));

/* ---- PostTags: 0..4 distinct tags (1..11) per post ---- */
const postTags = [];
for (const p of posts) {
	const n = p.id % 5 === 4 ? 0 : int(0, 4);
	const tags = new Set();
	while (tags.size < n)
		tags.add(int(1, 11));
	for (const t of [...tags].sort((a, b) => a - b))
		postTags.push([tsl(40000 + p.id * 3 + t, t % 2 ? 5 : 0), tsl(40000 + p.id * 3 + t), p.id, t]);
}
insert('PostTags', ['createdAt', 'updatedAt', 'postId', 'tagId'], postTags);

/* ---- bookmarks (underscored) ---- */
const bookmarks = [];
for (let id = 1; id <= 45; id++) {
	bookmarks.push([id, lit(chance(0.3) ? null : pick(['read later', 'great', 'todo', 'ref'])),
		id % 11 === 0 ? 'NULL' : int(1, 40), id % 13 === 0 ? 'NULL' : int(1, posts.length),
		chance(0.3), id % 4 === 0 ? 'NULL' : lit(`${(0x10000000 + id * 7919).toString(16)}-0000-4000-8000-${String(id).padStart(12, '0')}`),
		tsl(45000 + id * 7), tsl(45000 + id * 8)]);
}
insert('bookmarks', ['id', 'note', 'user_id', 'post_id', 'pinned', 'token', 'created_at', 'updated_at'], bookmarks);

process.stdout.write('BEGIN;\n' + out.join('\n') + '\nCOMMIT;\n');
process.stderr.write(`users ${users.length}, profiles ${profiles.length}, posts ${posts.length}, ` +
	`comments ${comments.length}, tags ${tagNames.length}, post tags ${postTags.length}, bookmarks ${bookmarks.length}\n`);

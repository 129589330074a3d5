/*
 * data.js: the test app's data set, deterministic (a fixed-seed LCG), as
 * rows keyed by attribute name for each model (and the PostTags junction),
 * in an order that satisfies the foreign keys.  Values go in as text where
 * the test wants more than a JS Date or number keeps: timestamps with
 * microseconds, BIGINTs past 2^53, DECIMALs with trailing zeros.
 */
'use strict';

function lcg(seed) {
	let s = seed >>> 0;
	return () => {
		s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
		return s / 4294967296;
	};
}

const rnd = lcg(20240601);
const pick = xs => xs[Math.floor(rnd() * xs.length)];
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const maybe = (p, v) => (rnd() < p ? null : v);

const BASE = Date.UTC(2023, 0, 1);

/* A timestamptz literal with microseconds: day d, second s, micro us. */
function ts(d, s, us) {
	const t = new Date(BASE + d * 86400000 + s * 1000);
	return `${t.toISOString().slice(0, 19)}.${String(us).padStart(6, '0')}+00`;
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa',
	'lambda', 'mu', 'nu', 'xi', 'omicron', 'pi', 'rho', 'sigma', 'tau', 'upsilon'];
const title = () => `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`;

function build() {
	const data = {};

	data.Category = [];
	const cats = ['News', 'Tech', 'Science', 'Art', 'Sport', 'Travel', 'Food', 'Music', 'Film', 'Books'];
	cats.forEach((name, i) => {
		data.Category.push({
			id: i + 1, name, slug: name.toLowerCase(), position: (i * 7) % 5,
			parentId: i < 3 ? null : (i % 3) + 1,
			createdAt: ts(i, 10, 100000 + i), updatedAt: ts(i + 1, 20, 999999),
			deletedAt: i === 8 || i === 4 ? ts(40, i, 5) : null,
		});
	});

	data.User = [];
	for (let i = 1; i <= 30; i++) {
		data.User.push({
			id: i,
			username: `user${String(i).padStart(2, '0')}`,
			email: `user${i}@example.com`,
			displayName: maybe(0.2, `User ${pick(WORDS)} ${i}`),
			role: i === 1 ? 'admin' : i % 5 === 0 ? 'editor' : 'reader',
			karma: i % 7 === 0 ? String(9007199254740993n + BigInt(i)) : String(i * 1000 - 37),
			balance: maybe(0.2, `${int(0, 99999)}.${pick(['00', '50', '05', '99'])}`),
			rating: maybe(0.3, pick(['1.50', '3', '2.125', '0.1', '12345678901234567890.5', '4.0'])),
			birthDate: maybe(0.3, `19${int(60, 99)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`),
			lastSeenAt: maybe(0.25, ts(100 + i, int(0, 86399), int(0, 999999))),
			active: i % 6 !== 0,
			settings: maybe(0.3, { theme: pick(['dark', 'light']), notifications: { email: rnd() < 0.5, digest: int(1, 7) }, score: int(1, 9) / 2 }),
			interests: i % 4 === 0 ? ['alpha', pick(WORDS)] : maybe(0.3, [pick(WORDS), pick(WORDS)]),
			avatar: maybe(0.7, Buffer.from([i, 255 - i, 0, 42])),
			mentorId: i <= 3 ? null : maybe(0.3, int(1, 3)),
			createdAt: ts(i, int(0, 86399), int(0, 999999)),
			updatedAt: ts(i + 30, int(0, 86399), int(0, 999999)),
		});
	}

	data.Profile = [];
	for (let i = 1; i <= 20; i++) {
		data.Profile.push({
			id: i, userId: i * 3 <= 30 ? i * 3 : i, bio: maybe(0.3, `Bio of ${i}: ${title()}`),
			website: maybe(0.5, `https://example.com/${i}`), timezone: pick(['UTC', 'Europe/Paris', 'America/New_York']),
			wakeUpAt: maybe(0.4, `0${int(5, 9)}:${String(int(0, 59)).padStart(2, '0')}:00`),
			latitude: maybe(0.4, int(-9000, 9000) / 100),
			createdAt: ts(50 + i, 0, i), updatedAt: ts(60 + i, 0, i * 10),
		});
	}
	/* unique userId */
	const seen = new Set();
	data.Profile = data.Profile.filter(p => !seen.has(p.userId) && seen.add(p.userId));

	data.Post = [];
	for (let i = 1; i <= 80; i++) {
		data.Post.push({
			id: i, title: title(), body: maybe(0.2, `Body ${i} ${title()} ${title()}`),
			status: pick(['draft', 'published', 'published', 'archived']),
			views: int(0, 5000), score: maybe(0.3, int(0, 1000) / 8),
			publishedAt: maybe(0.3, ts(200 + i, int(0, 86399), int(0, 999999))),
			metadata: maybe(0.5, { words: int(100, 2000), lang: pick(['en', 'fr']) }),
			authorId: i % 11 === 0 ? null : int(1, 30),
			categoryId: maybe(0.2, int(1, 10)),
			createdAt: ts(150 + i, int(0, 86399), int(0, 999999)),
			updatedAt: ts(180 + i, int(0, 86399), int(0, 999999)),
		});
	}

	data.Tag = [];
	['js', 'sql', 'postgres', 'node', 'orm', 'perf', 'css', 'html', 'rust', 'go', 'c', 'misc'].forEach((name, i) => {
		data.Tag.push({ id: i + 1, name, color: maybe(0.3, `#${(i * 1234567).toString(16).padStart(6, '0').slice(0, 6)}`) });
	});

	data.PostTags = [];
	for (let p = 1; p <= 80; p++) {
		const n = int(0, 4);
		const used = new Set();
		for (let k = 0; k < n; k++) {
			const t = int(1, 12);
			if (used.has(t))
				continue;
			used.add(t);
			data.PostTags.push({ postId: p, tagId: t, createdAt: ts(300 + p, k, p * 7 + k), updatedAt: ts(301 + p, k, p * 11 + k) });
		}
	}

	data.Comment = [];
	for (let i = 1; i <= 200; i++) {
		data.Comment.push({
			id: i, body: `Comment ${i}: ${title()}`, stars: maybe(0.2, int(1, 5)), postId: int(1, 80),
			UserId: maybe(0.15, int(1, 30)),
			createdAt: ts(250 + (i % 90), int(0, 86399), int(0, 999999)),
			updatedAt: ts(260 + (i % 90), int(0, 86399), int(0, 999999)),
			deletedAt: i % 9 === 0 ? ts(400, i, i) : null,
		});
	}

	data.Team = [];
	['Core', 'Docs', 'Infra', 'Design', 'Ops'].forEach((name, i) => {
		data.Team.push({
			id: i + 1, name, plan: i % 2 ? 'pro' : 'free', budget: maybe(0.2, `${i * 1000}.${i}0`),
			createdAt: ts(5 + i, 0, 0), updatedAt: ts(6 + i, 0, 1),
		});
	});

	data.Membership = [];
	const pairs = new Set();
	for (let k = 0; k < 40; k++) {
		const userId = int(1, 30);
		const teamId = int(1, 5);
		if (pairs.has(`${userId}:${teamId}`))
			continue;
		pairs.add(`${userId}:${teamId}`);
		data.Membership.push({
			userId, teamId, role: pick(['member', 'member', 'lead']), joinedAt: maybe(0.3, ts(70 + k, k, k)),
			createdAt: ts(80 + k, 0, k), updatedAt: ts(90 + k, 0, k),
		});
	}

	data.Bookmark = [];
	for (let i = 1; i <= 60; i++) {
		data.Bookmark.push({
			id: i, note: maybe(0.4, `note ${i}`), pinned: i % 4 === 0,
			token: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
			ownerId: maybe(0.1, int(1, 30)), postId: int(1, 80),
			createdAt: ts(500 + i, i, i), updatedAt: ts(501 + i, i, i),
		});
	}
	return data;
}

/* Tables in foreign-key order (model name, or the junction's table). */
const ORDER = ['Category', 'User', 'Profile', 'Post', 'Tag', 'PostTags', 'Comment', 'Team', 'Membership', 'Bookmark'];

module.exports = { build, ORDER };

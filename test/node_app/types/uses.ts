// A TypeScript app's use of orm-models, typed by the declarations that
// `orm-models types` wrote from the test app's synced database
// (../out/models.ts).  It must compile with tsc --strict, and each line
// after an expect-error directive must fail to (tsc reports an unused
// directive if it compiles), so the types are checked both ways.
import { Pool } from 'pg';
import { OrmModels, Op, FindOptions, Row } from 'orm-models';
import type { OrmModelTypes, User, Post } from '../out/models';

async function main(): Promise<void> {
	const pool = new Pool();
	const orm = new OrmModels<OrmModelTypes>(pool);

	/* include follows: posts are Post rows, their comments and tags nested */
	const users = await orm.model('User').findAll({
		where: { active: true, karma: { [Op.gt]: '10' } },
		include: [{ association: 'posts', include: ['comments', { association: 'tags', through: { attributes: ['createdAt'] } }] }, 'profile'],
		order: [['id', 'ASC']],
	});
	const u = users[0];
	const name: string = u.username;
	const seen: Date | null = u.lastSeenAt;
	const born: string | null = u.birthDate;
	const karma: string = u.karma;
	const role: 'admin' | 'editor' | 'reader' = u.role;
	const title: string = u.posts[0].title;
	const published: Date | null = u.posts[0].publishedAt;
	const stars: number | null = u.posts[0].comments[0].stars;
	const tagName: string = u.posts[0].tags[0].name;
	const tagged: Date = u.posts[0].tags[0].PostTags.createdAt;
	const bio: string | null | undefined = u.profile?.bio;
	// @ts-expect-error: a nullable attribute is not a plain string
	const display: string = u.displayName;
	// @ts-expect-error: mentor was not included
	u.mentor;
	// @ts-expect-error: a comment's author was not included
	u.posts[0].comments[0].User;
	// @ts-expect-error: the profile may be null (hasOne)
	u.profile.bio;
	// @ts-expect-error: PostTags' attributes were narrowed to createdAt
	u.posts[0].tags[0].PostTags.postId;

	/* attributes narrow and rename; a Sequelize-style two-level findByPk */
	const p = await orm.model('Post').findByPk(1, {
		attributes: ['id', ['title', 'heading']],
		include: [{ association: 'author', attributes: ['username'], include: [{ association: 'teams', attributes: ['name'] }] }],
		rejectOnEmpty: true,
	});
	const heading: string = p.heading;
	const author: string | undefined = p.author?.username;
	const role2: string | undefined = p.author?.teams[0].Membership.role;
	// @ts-expect-error: title was renamed to heading
	p.title;
	// @ts-expect-error: views was not in attributes
	p.views;
	// @ts-expect-error: the author's email was not in its attributes
	p.author?.email;

	/* findOne may give null; exclude leaves keys out */
	const c = await orm.model('Category').findOne({ attributes: { exclude: ['slug'] }, include: ['children', 'parent'] });
	if (c) {
		const childName: string = c.children[0].name;
		const deleted: Date | null = c.deletedAt;
		const parent: string | undefined = c.parent?.name;
		// @ts-expect-error: slug was excluded
		c.slug;
		console.log(childName, deleted, parent);
	}
	// @ts-expect-error: findOne without rejectOnEmpty may give null
	(await orm.model('Tag').findOne()).name;
	// @ts-expect-error: no model of that name
	orm.model('Nope');

	/* writes: Sequelize's result shapes, rows typed as finds' */
	const made = await orm.model('Post').create({ title: 't', authorId: 1, comments: [{ body: 'b', postId: 0 }] }, { include: ['comments'] });
	const madeTitle: string = made.title;
	const madeComment: string = made.comments[0].body;
	const [affected] = await orm.model('Post').update({ views: 1 }, { where: { id: 1 } });
	const [n2, updated] = await orm.model('Post').update({ views: 2 }, { where: { id: 1 }, returning: true });
	const updatedAt: Date = updated[0].updatedAt;
	const gone: number = await orm.model('Comment').destroy({ where: { postId: 1 } });
	const [[incRows, incCount]] = await orm.model('Post').increment('views', { by: 2, where: { id: 1 } });
	const [upserted, created] = await orm.model('Tag').upsert({ name: 'x' });
	const upName: string = upserted.name;
	const tags = await orm.model('Tag').bulkCreate([{ name: 'a' }, { name: 'b', color: null }]);
	const { count, rows: fcRows } = await orm.model('Post').scope('published').findAndCountAll({ attributes: ['id'], limit: 3 });
	const firstId: number = fcRows[0].id;
	const groups = await orm.model('Post').unscoped().count({ group: ['status'] });
	const perGroup: number = groups[0].count;
	// @ts-expect-error: title is required to create a Post
	await orm.model('Post').create({ views: 1 });
	// @ts-expect-error: update's values are the model's attributes
	await orm.model('Post').update({ nope: 1 }, { where: {} });
	// @ts-expect-error: destroy needs a where
	await orm.model('Post').destroy({});
	// @ts-expect-error: findAndCountAll's rows were narrowed to id
	fcRows[0].title;
	console.log(madeTitle, madeComment, affected, n2, updatedAt, gone, incRows, incCount, created, upName, tags, count, firstId, perGroup);

	/* options built elsewhere (a FindOptions value): rows typed loosely, still compiling */
	const wide: FindOptions = { include: ['posts'], where: { id: 1 } };
	const loose = await orm.model('User').findAll(wide);
	console.log(loose[0].posts);
	/* an explicit row type, with a Sequelize-like class */
	const mine: Row[] = await orm.model<Row>({ name: 'User' }).findAll();

	/* the row types themselves, and count */
	const rows: User[] = await orm.model('User').findAll();
	const n: number = await orm.model('Post').count({ where: { status: 'published' } });
	const plain: Post[] = await orm.model('Post').findAll({ where: { id: [1, 2] } });
	console.log(name, seen, born, karma, role, title, published, stars, tagName, tagged, bio, display,
		heading, author, role2, rows, n, plain, mine);
	await pool.end();
}

main();

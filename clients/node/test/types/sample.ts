// A sample app's use of orm-models, compiled with tsc --strict by
// test/types.test.js: the declarations must take what a Sequelize app
// writes (Sequelize's own Op symbols, model classes in include and order).
import { Pool } from 'pg';
import { Sequelize, DataTypes, Op as SeqOp } from 'sequelize';
import { OrmModels, importModels, Op, OrmError, OrmOptionError, Row } from 'orm-models';

interface UserRow extends Row {
	id: number;
	name: string;
	createdAt: Date;
	posts?: Array<{ id: number; title: string }>;
}

async function main(): Promise<void> {
	const sequelize = new Sequelize({ dialect: 'postgres' });
	const User = sequelize.define('User', { name: DataTypes.STRING });
	const Post = sequelize.define('Post', { title: DataTypes.STRING });
	User.hasMany(Post, { as: 'posts' });
	const pool = new Pool();
	const result = await importModels(sequelize, pool, { sync: { alter: true }, strict: false });
	for (const n of result.notCarried)
		console.log(n.model, n.what, n.reason);
	const orm = new OrmModels(pool, { sequelize });
	const users = await orm.model<UserRow>('User').findAll({
		where: { name: { [SeqOp.iLike]: 'a%' }, [Op.or]: [{ id: [1, 2] }, { id: { [Op.gt]: 10 } }], '$posts.title$': null },
		include: [{ model: Post, as: 'posts', attributes: ['id', 'title'], required: false }, { all: true }],
		order: [['name', 'DESC'], [{ model: Post, as: 'posts' }, 'id', 'ASC'], ['posts', 'title']],
		limit: 10,
		offset: 0,
		logging: (sql: string) => console.log(sql),
	});
	const first: Date = users[0].createdAt;
	const one = await orm.model(User).findByPk(1n, { include: ['posts'], rejectOnEmpty: true });
	const n: number = await orm.model('User').count({ include: [User.associations.posts], distinct: true });
	try {
		await orm.model('User').findOne({ where: { nope: 1 } });
	} catch (e) {
		if (e instanceof OrmError)
			console.log(e.code, e.detail, e.hint);
		else if (e instanceof OrmOptionError)
			console.log(e.option);
	}
	console.log(first.getTime(), one, n);
	await pool.end();
}

main();

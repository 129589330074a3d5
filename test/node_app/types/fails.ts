// Must NOT compile (types.js checks that tsc fails, with these errors):
// posts.comments are read without including comments.
import { Pool } from 'pg';
import { OrmModels } from 'orm-models';
import type { OrmModelTypes } from '../out/models';

async function main(): Promise<void> {
	const orm = new OrmModels<OrmModelTypes>(new Pool());
	const users = await orm.model('User').findAll({ include: ['posts'] });
	console.log(users[0].posts[0].comments.length);
}

main();

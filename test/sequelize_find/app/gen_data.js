#!/usr/bin/env node
/*
 * gen_data.js (app set): the data of the second model set as plain SQL
 * INSERTs, the same for both databases.  Deterministic.  Edge cases on
 * purpose: a user without notes, a note without its last changer, an
 * order without products, a product in no order, a tag without posts,
 * comments of both commentable types and of none, an enrollment that is
 * not active, shared columns ("Profiles".name read by two attributes).
 */
'use strict';

const out = [];
function lit(v) {
	if (v === null || v === undefined)
		return 'NULL';
	if (typeof v === 'number' || typeof v === 'boolean')
		return String(v);
	if (Array.isArray(v))
		return v.length ? `ARRAY[${v.map(lit).join(', ')}]` : `'{}'`;
	return `'${String(v).replace(/'/g, "''")}'`;
}
function insert(table, cols, rows) {
	if (!rows.length)
		return;
	out.push(`INSERT INTO "${table}" (${cols.map(c => `"${c}"`).join(', ')}) VALUES\n  ${rows.map(r => `(${r.map(lit).join(', ')})`).join(',\n  ')};`);
}
const stamp = "'2024-01-01 10:00:00+00'";

const users = [];
for (let i = 1; i <= 8; i++)
	users.push([i, ['Ann', 'Bo', 'Cy', "D'Arcy", 'Eve', 'Fay', 'Gus', 'Hal'][i - 1], i === 4 ? null : `u${i}@x.test`,
		i % 3 === 0 ? [] : [`t${i}`, 'all']]);
out.push(`INSERT INTO "Users" ("id", "name", "email", "tags", "createdAt", "updatedAt") VALUES\n  ${users.map(r => `(${r.map(lit).join(', ')}, ${stamp}, ${stamp})`).join(',\n  ')};`);
insert('Profiles', ['id', 'name', 'bio', 'userId'], [
	[1, 'Annie', 'first', 1], [2, 'Bobo', null, 2], [3, null, 'no name', 3], [4, 'Eve E.', 'evil', 5]]);
insert('Notes', ['id', 'body', 'ownerId', 'lastchangeuserId'], [
	[1, 'n1', 1, 2], [2, 'n2', 1, 1], [3, 'n3', 2, null], [4, 'n4', 3, 1], [5, 'n5', null, 3], [6, 'n6', 2, 2]]);
insert('Orders', ['id', 'reference', 'buyerId'], [
	[1, 'A-1', 1], [2, 'A-2', 1], [3, 'B-1', 2], [4, 'C-1', 3], [5, 'X-0', null]]);
insert('Products', ['id', 'name', 'price'], [
	[1, 'pen', 1.5], [2, 'ink', 3.25], [3, 'pad', 2], [4, 'unsold', 9.99]]);
insert('OrderProducts', ['orderId', 'productId', 'quantity'], [
	[1, 1, 2], [1, 2, 1], [2, 1, 5], [3, 3, 1], [3, 1, 1], [4, 2, 3]]);
insert('Posts', ['id', 'title', 'status', 'authorId'], [
	[1, 'hello', 'published', 1], [2, 'draft', 'draft', 1], [3, 'news', 'published', 2], [4, 'orphan', 'published', null]]);
insert('Tags', ['id', 'name', 'creatorId'], [
	[1, 'red', 1], [2, 'green', 2], [3, 'blue', null], [4, 'unused', 3]]);
insert('PostTags', ['postId', 'tagId', 'pinned'], [
	[1, 1, true], [1, 2, false], [2, 1, false], [3, 3, true], [3, 2, false]]);
insert('Comments', ['id', 'body', 'commentableType', 'commentableId', 'writerId'], [
	[1, 'c1 on post 1', 'post', 1, 2], [2, 'c2 on post 1', 'post', 1, null], [3, 'c3 on product 1', 'product', 1, 3],
	[4, 'c4 on post 3', 'post', 3, 1], [5, 'c5 on product 2', 'product', 2, 1], [6, 'c6 nowhere', 'photo', 1, 4]]);
insert('Students', ['id', 'name'], [[1, 'Sam'], [2, 'Tia'], [3, 'Uma']]);
insert('Courses', ['id', 'title'], [[1, 'Math'], [2, 'Art'], [3, 'Chem']]);
insert('Enrollments', ['studentId', 'courseId', 'status'], [
	[1, 1, 'active'], [1, 2, 'dropped'], [2, 1, 'active'], [2, 3, 'active'], [3, 2, 'dropped']]);
console.log(out.join('\n'));

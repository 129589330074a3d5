/*
 * ddl_indexes.c
 *		The "indexes" model option -> CREATE INDEX.
 *
 * A partial index's where is a find-style where object, written by the
 * where writer with literal values (an index predicate has no
 * parameters).  So the check orm.define runs before it stores a model
 * (the fields name attributes, the where can be written) is here too.
 * As Sequelize's sync does, sync skips an index whose name the new table
 * already has (sequelize-auto names indexes like the ones PostgreSQL makes
 * for keys: "users_pkey").
 */
#include "postgres.h"

#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "orm_core.h"
#include "orm_model.h"
#include "orm_query.h"
#include "orm_ddl.h"

/* Fails when an index field names no attribute of the model. */
static void
RequireAttribute(OrmModel *m, OrmIndex *idx, OrmIndexField *field)
{
	if (field->attr == NULL)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("index \"%s\" of model \"%s\" names \"%s\", which is not an attribute",
					   idx->name, m->name, field->name));
}

/*
 * Fails unless every index of a model names its attributes and has a
 * valid where.  With only_resolved, indexes that name an attribute the
 * model does not have (yet: an association may add it) pass.
 */
void
OrmCheckIndexes(OrmModel *m, bool only_resolved)
{
	ListCell   *lc;

	OrmResolveIndexes(m);
	foreach(lc, m->indexes)
	{
		OrmIndex   *idx = lfirst(lc);
		StringInfoData scratch;
		OrmParams	literals = {.literals = true};
		ListCell   *lc2;

		if (!idx->resolved && only_resolved)
			continue;
		foreach(lc2, idx->fields)
			RequireAttribute(m, idx, lfirst(lc2));
		if (idx->where)
		{
			initStringInfo(&scratch);
			OrmAppendWhere(&scratch, m, NULL, idx->where, &literals);
		}
	}
}

/* CREATE INDEX for one index of a model's "indexes". */
char *
OrmOneIndexSql(OrmModel *m, OrmIndex *idx)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE %sINDEX %s ON %s", idx->unique ? "UNIQUE " : "",
					 quote_identifier(idx->name), OrmQualifiedTable(m));
	if (idx->method)
		appendStringInfo(&buf, " USING %s", idx->method);
	appendStringInfoString(&buf, " (");
	foreach(lc, idx->fields)
	{
		OrmIndexField *field = lfirst(lc);

		RequireAttribute(m, idx, field);
		appendStringInfo(&buf, "%s%s", foreach_current_index(lc) ? ", " : "",
						 quote_identifier(field->attr->field));
		if (field->collate)
			appendStringInfo(&buf, " COLLATE %s", quote_identifier(field->collate));
		if (field->opclass)
			appendStringInfo(&buf, " %s", field->opclass);
		if (field->order)
			appendStringInfo(&buf, " %s", field->order);
	}
	appendStringInfoChar(&buf, ')');
	if (idx->where)
	{
		OrmParams	literals = {.literals = true};

		appendStringInfoString(&buf, " WHERE ");
		OrmAppendWhere(&buf, m, NULL, idx->where, &literals);
	}
	return buf.data;
}

/* Sequelize's "name1_name2" of index columns (indexcmds.c's own rule). */
static char *
ColumnNames(List *fields)
{
	char		buf[NAMEDATALEN * 2];
	int			len = 0;
	ListCell   *lc;

	buf[0] = '\0';
	foreach(lc, fields)
	{
		const char *name = lfirst(lc);

		if (len > 0)
			buf[len++] = '_';
		strlcpy(buf + len, name, NAMEDATALEN);
		len += strlen(buf + len);
		if (len >= NAMEDATALEN)
			break;
	}
	return pstrdup(buf);
}

/*
 * The names PostgreSQL gives the indexes of a new table's primary key
 * and unique constraints (makeObjectName, as index_create names them;
 * a name taken by another relation would get a number, which is not
 * predicted here).
 */
static List *
KeyIndexNames(OrmModel *m)
{
	List	   *names = NIL;
	List	   *pk = NIL;
	ListCell   *lc;

	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (!OrmIsColumnAttribute(m, a))
			continue;
		if (a->primary_key)
			pk = lappend(pk, a->field);
		if (a->unique && a->unique[0] == '\0' && !a->primary_key)
			names = lappend(names, makeObjectName(m->table_name, a->field, "key"));
	}
	if (pk)
		names = lappend(names, makeObjectName(m->table_name, NULL, "pkey"));
	foreach(lc, OrmUniqueGroups(m))
		names = lappend(names, makeObjectName(m->table_name,
											  ColumnNames(lfirst(lc)), "key"));
	return names;
}

/*
 * CREATE INDEX statements for a new table's "indexes", except those whose
 * name the table has once it is created (the index of a key): Sequelize's
 * sync creates only the indexes whose names the table lacks.
 */
List *
OrmIndexSql(OrmModel *m)
{
	List	   *stmts = NIL;
	List	   *taken = KeyIndexNames(m);
	ListCell   *lc;

	foreach(lc, m->indexes)
	{
		OrmIndex   *idx = lfirst(lc);
		ListCell   *lc2;
		bool		skip = false;

		foreach(lc2, taken)
			skip |= strcmp(lfirst(lc2), idx->name) == 0;
		if (skip)
			continue;
		stmts = lappend(stmts, OrmOneIndexSql(m, idx));
	}
	return stmts;
}

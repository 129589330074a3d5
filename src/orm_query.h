/*
 * orm_query.h
 *		The query layer: find queries parsed into a tree of nodes, their
 *		where conditions and their one SQL statement, and the find_* SQL
 *		functions.
 *
 * where.c and query_sql.c call each other: a where condition through a
 * to-many include is a sub-select, and a sub-select has where conditions.
 */
#ifndef ORM_QUERY_H
#define ORM_QUERY_H

#include "orm_sql.h"

/* A node of a find query: the root model, or one include under it. */
typedef struct OrmQueryNode
{
	OrmModel   *model;
	OrmAssociation *assoc;		/* NULL at the root */
	struct OrmQueryNode *parent;	/* NULL at the root */
	char	   *key;			/* JSON key of the include: the alias */
	int			index;			/* table alias number: t<index> */
	List	   *attributes;		/* OrmAttribute *, output in this order */
	bool		emit;			/* false for "attributes": [] */
	bool		attributes_given;	/* "attributes" written in the query */
	JsonbValue *where;			/* as given, or NULL */
	List	   *where_plain;	/* OrmJsonField *: entries on this row */
	List	   *where_many;		/* OrmJsonField *: entries through to-many
								 * includes, over a row source */
	List	   *where_joins;	/* OrmQueryNode *: the includes that row
								 * source joins, parents first */
	bool		required;
	List	   *order;			/* OrmOrderItem * */
	int64		limit;			/* -1 for none */
	int64		offset;			/* 0 for none */
	bool		paranoid;		/* hide soft-deleted rows */
	List	   *children;		/* OrmQueryNode * */
	List	   *through_attributes; /* belongsToMany: junction attributes */
	JsonbValue *through_where;
	bool		grouped;		/* pre-aggregated with GROUP BY and joined */
	int			key_param;		/* root of find_by_pk: its primary key
								 * equals parameter $key_param; else 0 */
	bool		reject_on_empty;	/* root: rejectOnEmpty */
} OrmQueryNode;

typedef struct OrmOrderItem
{
	OrmQueryNode *node;			/* the node whose column orders */
	List	   *path;			/* OrmQueryNode * from the ordering node
								 * down to node, through to-one includes */
	OrmAttribute *attr;
	const char *direction;		/* "ASC", "DESC NULLS LAST", ... */
	const char *aggregate;		/* "min"/"max" over a to-many child's rows,
								 * or NULL */
} OrmOrderItem;

/* in query_parse.c: findAll options -> query tree */
extern OrmQueryNode *OrmParseQuery(OrmSchema *schema, OrmModel *model,
								   Jsonb *query);

/* in where.c: where objects -> SQL conditions */
extern void OrmAppendWhere(StringInfo buf, OrmModel *model, const char *alias,
						   JsonbValue *where, OrmParams *params);
extern void OrmAppendNodeWhere(StringInfo buf, OrmQueryNode *node,
							   const char *alias, OrmParams *params);
extern void OrmAnalyzeNodeWhere(OrmQueryNode *node);
extern void OrmAppendManyWhere(StringInfo buf, OrmQueryNode *node,
							   OrmParams *params);
extern bool OrmWhereRejectsNull(OrmQueryNode *level, OrmQueryNode *hop);
extern char *OrmPathValueSql(List *path, OrmAttribute *attr,
							 const char *from_alias);
extern Datum OrmValueDatum(JsonbValue *v, OrmAttribute *attr,
						   OrmModel *model, Oid typid);

/* in query_sql.c: query tree -> one SQL statement */
typedef enum OrmFindShape
{
	ORM_FIND_ARRAY,				/* one json array of every row */
	ORM_FIND_ROWS,				/* one json value per row */
	ORM_FIND_COUNT				/* the number of rows */
} OrmFindShape;

extern char *OrmFindSql(OrmQueryNode *root, OrmFindShape shape,
						OrmParams *params);
extern char *OrmTableAlias(OrmQueryNode *node);
extern void OrmAppendManyFilter(StringInfo buf, OrmQueryNode *level,
								List *bound, OrmParams *params);

#endif							/* ORM_QUERY_H */

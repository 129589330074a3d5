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

#include "utils/tuplestore.h"

#include "orm_sql.h"

struct OrmQueryNode;
struct OrmFunction;

/* An expression of "attributes", "group" or "order": Sequelize's fn/col. */
typedef enum OrmExprKind
{
	ORM_EXPR_COLUMN,			/* {"col": "posts.id"}: an attribute of a row */
	ORM_EXPR_STAR,				/* {"col": "*"}, in COUNT only */
	ORM_EXPR_VALUE,				/* a JSON scalar: a parameter */
	ORM_EXPR_CALL				/* {"fn": "COUNT", "args": [...]} */
} OrmExprKind;

typedef struct OrmExpr
{
	OrmExprKind kind;
	/* a column: anchor's row holds it, or hops (to-one) lead to it */
	struct OrmQueryNode *anchor;
	List	   *hops;			/* OrmQueryNode *, to-one, from anchor */
	OrmAttribute *attr;
	List	   *path;			/* OrmQueryNode *: every include from the
								 * expression's node down to the column */
	JsonbValue *value;			/* a value */
	Oid			value_type;
	const struct OrmFunction *fn;	/* a call */
	bool		distinct;		/* an aggregate over DISTINCT values */
	List	   *args;			/* OrmExpr * */
	List	   *chain;			/* an aggregate: the includes (OrmQueryNode *,
								 * from the expression's node down) whose
								 * joined rows it ranges over; NIL: the
								 * node's own rows */
	char	   *preagg;			/* an aggregate read from a pre-aggregated
								 * join (query_sql.c), or NULL */
} OrmExpr;

/*
 * A member of a level's object: an attribute, or an expression with its
 * alias (["expr", "alias"] of "attributes"), or an anonymous expression
 * of "order".
 */
typedef struct OrmQueryMember
{
	char	   *name;			/* the JSON key; NULL for an order's */
	OrmAttribute *attr;			/* an attribute, or NULL */
	JsonbValue *json;			/* an expression as written */
	OrmExpr    *expr;			/* once resolved */
	Oid			typid;			/* its type, as PostgreSQL resolves it */
	bool		aggregate;		/* it has an aggregate call */
	bool		own_rows;		/* an aggregate over the node's own rows */
	char	   *sql;			/* its SQL, once written for a statement */
	int			sql_params;		/* ... with the parameters it had then */
} OrmQueryMember;

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
	int			keys_param;		/* root of a batch of find_all_rows: its
								 * primary key is in array $keys_param */
	bool		reject_on_empty;	/* root: rejectOnEmpty */
	char	   *row_source;		/* SQL read in place of the model's table
								 * (a write's rows), or NULL */
	char	   *junction_source;	/* belongsToMany: likewise for the
									 * junction table */
	char	   *source_order;	/* a column of the row source its rows are
								 * ordered by first (quoted), or NULL */
	bool		source_of_parent;	/* every row of row_source belongs to a
									 * row of the parent's (a write's rows):
									 * no need to look the parent's up */
	List	   *outputs;		/* OrmQueryMember *: the object's members
								 * (attributes and expressions), in order */
	List	   *members;		/* OrmQueryMember *: the expressions, by
								 * alias */
	JsonbValue *group_json;		/* root: "group" as given, or NULL */
	List	   *group;			/* root: OrmExpr *, "group" resolved */
	List	   *group_texts;	/* root: each group item's JSON, as text */
	List	   *group_members;	/* root: each group item's expression
								 * member of "attributes", or NULL */
	JsonbValue *having;			/* root: "having" as given, or NULL */
	bool		report;			/* root: a grouped report (GROUP BY), its
								 * rows groups */
	List	   *report_chain;	/* report: the includes (OrmQueryNode *)
								 * joined for its aggregates */
	bool		count_distinct; /* count: "distinct" */
	OrmAttribute *count_col;	/* count: "col", or NULL */
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
	OrmQueryMember *member;		/* an expression (an alias, or written in
								 * the order), or NULL */
} OrmOrderItem;

/* in query_scope.c: defaultScope and scopes, merged as Sequelize merges them */
extern JsonbValue *OrmMergeScopes(OrmSchema *schema, OrmModel *model,
								  JsonbValue *query, List **applied);
extern Jsonb *OrmScopedQuery(OrmSchema *schema, OrmModel *model, Jsonb *query,
							 List **applied);
extern const char *OrmIncludeAlias(OrmSchema *schema, OrmModel *parent,
								   JsonbValue *item);

/* in query_expr.c: fn/col expressions, from an allow-list in pg_catalog */
typedef enum OrmFunctionKind
{
	ORM_FN_AGGREGATE,			/* pg_catalog.count(...), ... */
	ORM_FN_SCALAR,				/* pg_catalog.lower(...), ... */
	ORM_FN_SYNTAX,				/* COALESCE(...): SQL syntax, not a function */
	ORM_FN_DISTINCT				/* DISTINCT x, as an aggregate's argument */
} OrmFunctionKind;

typedef struct OrmFunction
{
	OrmKeyword	kw;				/* the name, as fn() takes it */
	const char *sql;			/* pg_catalog's function, or the keyword */
	OrmFunctionKind kind;
	int			min_args;
	int			max_args;
} OrmFunction;

extern OrmQueryMember *OrmNewMember(struct OrmQueryNode *node, JsonbValue *expr,
									JsonbValue *alias);
extern OrmQueryMember *OrmFindMember(struct OrmQueryNode *node, const char *name);
extern void OrmResolveMembers(struct OrmQueryNode *node);
extern OrmQueryMember *OrmOrderMember(struct OrmQueryNode *node, JsonbValue *expr);
extern void OrmResolveGrouping(struct OrmQueryNode *root);
extern OrmAttribute *OrmMemberAttribute(OrmQueryMember *m);

/* in query_parse.c: findAll options -> query tree */
extern OrmQueryNode *OrmParseQuery(OrmSchema *schema, OrmModel *model,
								   Jsonb *query);
extern void OrmCheckScopes(OrmModel *model);

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
extern char *OrmJunctionAlias(OrmQueryNode *node);
extern char *OrmNodeTable(OrmQueryNode *node);
extern void OrmAppendFrom(StringInfo buf, OrmQueryNode *node);
extern const char *OrmAppendConditions(StringInfo buf, OrmQueryNode *node,
									   OrmQueryNode *parent, OrmParams *params,
									   const char *lead, bool filters);
extern List *OrmNodeMembers(OrmQueryNode *node);
extern void OrmAppendMembers(StringInfo buf, OrmQueryNode *node,
							 OrmParams *params);
extern void OrmAppendHaving(StringInfo buf, OrmQueryNode *node,
							OrmParams *params, const char *lead);
extern void OrmAppendOrderLimit(StringInfo buf, OrmQueryNode *node,
								OrmParams *params);
extern void OrmAppendManyFilter(StringInfo buf, OrmQueryNode *level,
								List *bound, OrmParams *params);

/* in json_writer.c: values of any type as compact JSON */
typedef enum OrmJsonKind
{
	ORM_JSON_BOOL,
	ORM_JSON_INT2,
	ORM_JSON_INT4,
	ORM_JSON_INT8,
	ORM_JSON_FLOAT8,
	ORM_JSON_NUMERIC,
	ORM_JSON_NUMBER_TEXT,		/* float4: its output, bare if a number */
	ORM_JSON_TEXT,
	ORM_JSON_UUID,
	ORM_JSON_DATE,
	ORM_JSON_TIMESTAMP,
	ORM_JSON_TIMESTAMPTZ,
	ORM_JSON_JSON,
	ORM_JSON_JSONB,
	ORM_JSON_ARRAY,
	ORM_JSON_OTHER_JSON,		/* a cast to json, or row_to_json */
	ORM_JSON_OTHER				/* its output text, as a string */
} OrmJsonKind;

/* How to write the values of one type: looked up once per column. */
typedef struct OrmJsonType
{
	OrmJsonKind kind;
	Oid			typid;			/* the base type */
	FmgrInfo	proc;			/* output or cast function, when used */
	struct OrmJsonType *elem;	/* arrays: how to write the elements */
	Oid			elemtype;
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
} OrmJsonType;

extern void OrmJsonTypeInit(OrmJsonType *t, Oid typid);
extern void OrmJsonAppendValue(StringInfo buf, OrmJsonType *t, Datum value);
extern char *OrmJsonKey(const char *name);
extern text *OrmCompactJsonText(text *json);

/* in query_levels.c: the statement the JSON writer nests, a level a branch */
typedef struct OrmLevelMember
{
	char	   *key;			/* "name": escaped, with its colon */
	int			key_len;		/* its length */
	int			column;			/* attribute number in the statement's rows */
	OrmJsonType type;			/* set when the statement first runs */
} OrmLevelMember;

/* One emitted node of a query tree: its rows, and how they become JSON. */
typedef struct OrmLevel
{
	int			id;				/* the rows' first column: their level */
	bool		many;			/* an array (to-many), else an object or null */
	char	   *key;			/* "alias": in the parent's object */
	int			parent_column;	/* the parent's side of the link; 0: root */
	int			nmembers;		/* the attributes, in order */
	OrmLevelMember *members;
	char	   *junction_key;	/* belongsToMany: "Junction": or NULL */
	bool		junction_last;	/* after the includes (else before) */
	int			njunction;
	OrmLevelMember *junction;
	int			nchildren;		/* the emitted includes, in order */
	struct OrmLevel **children;
	int		   *child_columns;	/* this row's side of each child's link */
} OrmLevel;

typedef struct OrmFindLevels
{
	int			nlevels;
	OrmLevel  **levels;			/* by id: children before their parents */
	OrmLevel   *root;			/* the last level */
	char	   *sql;
	char	   *keys_sql;		/* find_all_rows: the root's keys, in order,
								 * read in batches; NULL for the others */
	int			keys_param;		/* their batch's parameter in sql (0-based) */
	Oid			keys_type;		/* the array type of that parameter */
	bool		types_ready;	/* the members' types have been looked up */
} OrmFindLevels;

extern OrmFindLevels *OrmLevelsPlan(OrmQueryNode *root, OrmParams *params);
extern OrmFindLevels *OrmLevelsRowsPlan(OrmQueryNode *root, OrmParams *params);

/* in json_nest.c: runs a levels statement, writes its nested JSON */
extern text *OrmRunLevels(OrmFindLevels *plan, MemoryContext plan_context,
						  SPIPlanPtr splan, int nparams, Oid *types,
						  Datum *values, const char *nulls, bool array,
						  bool read_only, MemoryContext result_context,
						  uint64 *rows);
extern uint64 OrmRunLevelsRows(OrmFindLevels *plan, MemoryContext plan_context,
							   SPIPlanPtr keys, SPIPlanPtr splan, int nparams,
							   Oid *types, Datum *values, const char *nulls,
							   Tuplestorestate *result, TupleDesc desc);

/* in json_check.c: orm_models.json_writer = 'check' */
extern void OrmCheckSameJson(const char *model, const char *writer,
							 const char *sql);

/* in find.c: the find_* SQL functions, and the setting that picks a path */
typedef enum OrmWriterMode
{
	ORM_WRITER_OFF,
	ORM_WRITER_ON,
	ORM_WRITER_CHECK
} OrmWriterMode;

extern void OrmDefineFindSettings(void);
extern bool OrmStableInput(Oid typid);

#endif							/* ORM_QUERY_H */

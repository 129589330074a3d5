/*
 * orm_write.h
 *		The write layer: Sequelize's write methods (create, bulkCreate,
 *		update, destroy, restore, upsert, increment) as one statement each,
 *		on top of the query layer, whose where writer picks their rows and
 *		whose JSON writer returns them in find_*'s shape.
 *
 * A call's data is parsed into a tree of write levels (write_parse.c): the
 * root model, and one level per included association that the data gives
 * rows for.  Each level's rows reach SQL as one json parameter per set of
 * attributes given (an insert group), read by json_to_recordset, never
 * spliced.  write_sql.c chains the levels as data-modifying CTEs and hands
 * their rows to the JSON writer as the row sources of a query tree.
 */
#ifndef ORM_WRITE_H
#define ORM_WRITE_H

#include "nodes/bitmapset.h"

#include "orm_catalog.h"
#include "orm_query.h"

typedef enum OrmWriteKind
{
	ORM_WRITE_CREATE,
	ORM_WRITE_BULK_CREATE,
	ORM_WRITE_UPSERT,
	ORM_WRITE_UPDATE,
	ORM_WRITE_INCREMENT,
	ORM_WRITE_DECREMENT,
	ORM_WRITE_DESTROY,
	ORM_WRITE_RESTORE
} OrmWriteKind;

/* One object of the data: a row to create, or an existing row to link. */
typedef struct OrmWriteRow
{
	const char *text;			/* the object's json text, in the document */
	int			len;
	OrmJsonSpan *object;		/* its members */
	Bitmapset  *nested;			/* those that are no attribute: included
								 * rows, junction values (by position) */
	int			ordinal;		/* in its level: the created rows first */
	int			parent;			/* the parent row's ordinal; 0 at the root */
	Bitmapset  *given;			/* attribute numbers (0-based, in
								 * model->attributes) given a value */
	Bitmapset  *linked_to;		/* belongsTo levels (their index among the
								 * level's children) it has a row in */
	bool		link;			/* only the primary key: link, not create */
	const char *key;			/* link: the key's json text */
	int			key_len;
	const char *junction;		/* belongsToMany: the junction values' json
								 * text, or NULL */
	int			junction_len;
	int			group;			/* created: its insert group, 0-based */
} OrmWriteRow;

/* How an insert group's rows reach SQL. */
typedef enum OrmRowsForm
{
	ORM_ROWS_RECORD,			/* create's one object, as given */
	ORM_ROWS_ARRAY,				/* bulk_create's array, as given */
	ORM_ROWS_NUMBERED,			/* an array, each row with its ordinal */
	ORM_ROWS_CHILDREN			/* an array, each row with its ordinal and
								 * its parent's */
} OrmRowsForm;

/* The created rows of a level that give the same attributes. */
typedef struct OrmWriteGroup
{
	Bitmapset  *given;			/* the attributes they give */
	Bitmapset  *linked_to;		/* the belongsTo levels they have rows in */
	List	   *rows;			/* OrmWriteRow * */
	int			data_param;		/* $n: their json array (or object) */
	int			ords_param;		/* $n: their ordinals (int4[]), or 0 when
								 * they are 1..n (the level's only group) */
	int			pars_param;		/* $n: their parents' ordinals (int4[]), or 0
								 * (a root level, or one whose parent level
								 * has one row) */
	OrmRowsForm form;
} OrmWriteGroup;

typedef struct OrmWriteLevel
{
	OrmModel   *model;
	OrmAssociation *assoc;		/* from the parent level; NULL at the root */
	struct OrmWriteLevel *parent;
	OrmQueryNode *node;			/* the include it writes, in the output */
	int			id;				/* its CTEs' number */
	bool		is_junction;	/* a belongsToMany's junction rows */
	List	   *rows;			/* OrmWriteRow *: created, in order */
	List	   *links;			/* OrmWriteRow *: linked */
	List	   *groups;			/* OrmWriteGroup * */
	List	   *children;		/* OrmWriteLevel *: includes with rows */
	struct OrmWriteLevel *junction; /* belongsToMany: its junction level */
	int			links_param;	/* $n: the linked rows (json), or 0 */
} OrmWriteLevel;

/* What a call writes, parsed and checked against the models. */
typedef struct OrmWrite
{
	OrmWriteKind kind;
	OrmSchema  *schema;
	OrmModel   *model;
	OrmQueryNode *query;		/* the where (update...) or include
								 * (create...) of the call, parsed by the
								 * query layer */
	OrmWriteLevel *root;		/* create, bulk_create, upsert */
	text	   *data;			/* the data as given */
	Bitmapset  *set;			/* update, increment: the attributes set */
	text	   *set_json;		/* their values, as a json object */
	List	   *fields;			/* "fields": OrmAttribute *, or NIL */
	List	   *conflict;		/* ON CONFLICT's attributes, or NIL */
	List	   *update_on_conflict; /* DO UPDATE SET's attributes, or NIL */
	bool		ignore_duplicates;
	bool		force;			/* destroy */
	int			set_param;		/* $n of set_json */
	StringInfoData shape;		/* what the statement depends on */
	int			nlevels;
	List	   *levels;			/* OrmWriteLevel *, in their parameters' order */
	int			nparams;		/* the call's data: parameters 1..nparams */
	Oid		   *param_types;
} OrmWrite;

/* in write_parse.c: a call's arguments -> an OrmWrite */
extern OrmWrite *OrmParseWrite(OrmWriteKind kind, OrmSchema *schema,
							   OrmModel *model, text *data, Jsonb *options);
extern char *OrmWriteKindName(OrmWriteKind kind);
extern void OrmWriteParams(OrmWrite *w, Datum *values, char *nulls);

/* in write_sql.c: an OrmWrite -> its statement */
extern OrmStatement *OrmWriteStatement(OrmWrite *w);

/* in write_errors.c: a failed write's error, said in the models' terms */
extern void OrmRaiseWriteError(OrmWrite *w, List *models, ErrorData *e) pg_attribute_noreturn();

#endif							/* ORM_WRITE_H */

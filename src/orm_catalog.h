/*
 * orm_catalog.h
 *		The catalog layer: the orm.* tables, the live objects behind the
 *		models, the per-backend caches and kept statements, and the DDL
 *		watcher.
 */
#ifndef ORM_CATALOG_H
#define ORM_CATALOG_H

#include "orm_sql.h"

/* in catalog.c: the only code that reads or writes the orm.* tables */
extern OrmSchema *OrmLoadSchema(void);
extern void OrmStoreModel(OrmModel *model, text *attributes, Jsonb *options);
extern void OrmStoreAssociation(OrmAssociation *assoc, Jsonb *options);
extern void OrmShadowAssociation(OrmAssociation *assoc);
extern void OrmCheckOwner(const char *model, Oid owner);
extern Oid	OrmStoredModelOwner(const char *name);
extern void OrmDeleteModel(const char *name);
extern void OrmLinkModel(OrmModel *model, Oid relid);
extern void OrmUnlinkDropped(Datum oids);
extern void OrmRefreshLinkedNames(Datum oids);
extern void OrmSetAssociationFunction(OrmAssociation *assoc, Oid funcid);

/* in live.c: the live objects behind the models */
typedef enum OrmLiveMode
{
	ORM_LIVE_ANY,				/* any relation, or InvalidOid */
	ORM_LIVE_REQUIRED,			/* any relation, or an error */
	ORM_LIVE_TABLE,				/* a table, or InvalidOid */
	ORM_LIVE_TABLE_STRICT		/* a table, InvalidOid when the name is
								 * free, an error when something else has it */
} OrmLiveMode;

extern Oid	OrmLiveTable(OrmModel *model, OrmLiveMode mode);
extern Jsonb *OrmColumnsMap(OrmModel *model, Oid relid);
extern void OrmFollowLiveTables(OrmSchema *schema);
extern Oid	OrmRelationshipFunction(OrmAssociation *assoc);
extern bool OrmSameBody(Oid funcid, const char *body);

/*
 * A to-many association's count function, <alias>_count(source row): every
 * one sync makes has a body that starts so (catalog.c drops them by it).
 */
#define ORM_COUNT_BODY_PREFIX "SELECT pg_catalog.count(*) FROM "
extern bool OrmHasCountFunction(OrmAssociation *assoc);
extern char *OrmCountFunctionName(OrmAssociation *assoc);
extern Oid	OrmCountFunction(OrmAssociation *assoc);
extern bool OrmIsCountBody(Oid funcid);

/* in cache.c: per-backend caches, dropped whenever the catalog changes */
extern OrmSchema *OrmCachedSchema(void);

extern void OrmInitCache(void);
extern bool OrmIsLinked(Oid objid);
extern bool OrmHasLinks(void);


/* A find call's statement, kept per (function, model, query document). */
typedef struct OrmStatement
{
	char	   *sql;
	OrmParams	params;			/* the query's values; find_by_pk sets its
								 * key's on every call */
	int			key_param;		/* index of that parameter, or -1 */
	int			call_params;	/* a write's: its first call_params
								 * parameters are the call's data, set on
								 * every call */
	OrmModel   *root;			/* the model queried */
	OrmAttribute *key_attr;
	List	   *models;			/* OrmModel *: the tables it reads */
	bool		reject_on_empty;	/* no rows is an error */
	struct OrmFindLevels *levels;	/* the JSON writer's levels, or NULL for
									 * a statement that writes its own JSON */
	MemoryContext levels_context;	/* theirs: the cache adopts it */
	struct OrmStatement *check;	/* json_writer = check: the SQL path's */
	bool		kept;			/* in the cache (not a one-off) */
	SPIPlanPtr	plan;			/* once prepared and kept, or NULL */
} OrmStatement;

/* The SQL function a kept statement is for: part of its key. */
typedef enum OrmCallKind
{
	ORM_CALL_FIND_ALL,
	ORM_CALL_FIND_ONE,
	ORM_CALL_FIND_BY_PK,		/* its key is a parameter, set per call */
	ORM_CALL_COUNT,
	ORM_CALL_FIND_ALL_ROWS,
	ORM_CALL_WRITE				/* a write function: the variant says which */
} OrmCallKind;

extern OrmStatement *OrmLookupStatement(OrmCallKind kind, int variant,
										const char *model, Jsonb *query);
extern OrmStatement *OrmKeepStatement(OrmCallKind kind, int variant,
									  const char *model, Jsonb *query,
									  OrmStatement *st);
extern OrmStatement *OrmLookupStatementKey(OrmCallKind kind, int variant,
										   const char *model, const char *key,
										   Size len);
extern OrmStatement *OrmKeepStatementKey(OrmCallKind kind, int variant,
										 const char *model, const char *key,
										 Size len, OrmStatement *st);
extern SPIPlanPtr OrmStatementPlan(OrmStatement *st);
extern SPIPlanPtr OrmSqlPlan(const char *sql, int nargs, Oid *argtypes);

/* in event_trigger.c: the DDL watcher */
extern bool OrmSyncing;

#endif							/* ORM_CATALOG_H */

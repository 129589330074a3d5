/*
 * orm_ddl.h
 *		The ddl layer: CREATE and ALTER text for the models, their indexes
 *		and relationship functions, the differences from the live tables
 *		(drift), and orm.sync, which runs them.
 */
#ifndef ORM_DDL_H
#define ORM_DDL_H

#include "orm_core.h"

/* in ddl.c: structs -> SQL text */
extern List *OrmCreateTableSql(OrmModel *model, List *later);
extern char *OrmRowTriggerSql(OrmModel *m, const char *function,
							  const char *attribute);
extern List *OrmDeferredForeignKeys(OrmModel *model, List *later);
extern char *OrmRelationshipBody(OrmAssociation *assoc);
extern char *OrmRelationshipFunctionSql(OrmAssociation *assoc);
extern char *OrmCountBody(OrmAssociation *assoc);
extern char *OrmCountFunctionSql(OrmAssociation *assoc);
extern char *OrmColumnSql(OrmModel *m, OrmAttribute *a);
extern char *OrmForeignKeySql(OrmModel *m, OrmAttribute *a);
extern char *OrmForeignKeyClause(OrmModel *m, OrmAttribute *a);
extern char *OrmTypeSql(OrmAttribute *a);

/* in ddl_indexes.c: the "indexes" option -> CREATE INDEX */
extern void OrmCheckIndexes(OrmModel *m, bool only_resolved);
extern List *OrmIndexSql(OrmModel *m);
extern char *OrmOneIndexSql(OrmModel *m, OrmIndex *idx);

/* in drift.c: where the live tables differ from the catalog */
typedef struct OrmDrift
{
	OrmModel   *model;
	const char *problem;
	char	   *detail;
	char	   *repair;			/* the statement sync's alter runs, or NULL */
	char	   *repair2;		/* a second one that goes with it, or NULL */
	bool		late;			/* repair after tables are created (keys) */
} OrmDrift;

extern List *OrmModelDriftAsOwner(OrmModel *m, OrmSchema *schema);

#endif							/* ORM_DDL_H */

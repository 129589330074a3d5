/*
 * orm_sql.h
 *		The sql_util layer: the deparse primitives every SQL writer shares
 *		(the parameter list, the comparison operators of a type, typed
 *		literals).
 */
#ifndef ORM_SQL_H
#define ORM_SQL_H

#include "lib/stringinfo.h"

#include "orm_core.h"

/* Query parameters: values bound to $1, $2, ... */
typedef struct OrmParams
{
	bool		literals;		/* write values as typed literals (DDL) */
	int			count;
	int			capacity;
	Oid		   *types;
	Datum	   *values;
	char	   *nulls;
} OrmParams;

/* in sql_util.c: the deparse primitives the SQL writers share */
extern int	OrmAddParam(OrmParams *params, Oid type, Datum value, bool isnull);
extern void OrmAppendParam(StringInfo buf, OrmParams *params, Oid typid,
						   Datum value);
extern char *OrmComparisonOperator(OrmModel *model, OrmAttribute *attr,
								   int strategy, bool negate);
extern void OrmResetOperatorCache(void);

#endif							/* ORM_SQL_H */

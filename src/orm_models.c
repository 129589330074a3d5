/*
 * orm_models.c
 *		Module magic and initialization of the orm_models extension.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "orm_models.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* orm_models.json_writer: find_* write their JSON in C (else in SQL) */
bool		OrmJsonWriter = true;

/* Registers the cache invalidation callback and the settings. */
void
_PG_init(void)
{
	OrmInitCache();
	DefineCustomBoolVariable("orm_models.json_writer",
							 "find_* write their JSON in C, from flat rows.",
							 "Off: each statement writes its JSON with row_to_json and json_agg, as before 1.1.",
							 &OrmJsonWriter, true, PGC_USERSET, 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("orm_models");
}

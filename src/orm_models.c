/*
 * orm_models.c
 *		Module magic and initialization of the orm_models extension.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "orm_catalog.h"
#include "orm_query.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Registers the cache invalidation callback and the settings. */
void
_PG_init(void)
{
	OrmInitCache();
	OrmDefineFindSettings();
	MarkGUCPrefixReserved("orm_models");
}

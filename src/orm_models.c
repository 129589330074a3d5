/*
 * orm_models.c
 *		Module magic and initialization of the orm_models extension.
 */
#include "postgres.h"

#include "fmgr.h"

#include "orm_catalog.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Registers the cache invalidation callback. */
void
_PG_init(void)
{
	OrmInitCache();
}

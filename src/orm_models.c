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

/* orm_models.json_writer: find_* write their JSON in C, in SQL, or both */
int			OrmJsonWriter = ORM_WRITER_ON;

static const struct config_enum_entry writer_options[] = {
	{"on", ORM_WRITER_ON, false},
	{"off", ORM_WRITER_OFF, false},
	{"check", ORM_WRITER_CHECK, false},
	{"true", ORM_WRITER_ON, true},
	{"false", ORM_WRITER_OFF, true},
	{NULL, 0, false}
};

/* Registers the cache invalidation callback and the settings. */
void
_PG_init(void)
{
	OrmInitCache();
	DefineCustomEnumVariable("orm_models.json_writer",
							 "Whether find_* write their JSON in C, from flat rows.",
							 "off: with row_to_json and json_agg in the statement, as 1.0 does; "
							 "check: both ways, and an error when they disagree (for tests).",
							 &OrmJsonWriter, ORM_WRITER_ON, writer_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("orm_models");
}

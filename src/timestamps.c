/*
 * timestamps.c
 *		The triggers that keep a model's updatedAt current and count its
 *		version.
 *
 * Sequelize sets updatedAt in JavaScript on every save; here a BEFORE
 * UPDATE row trigger does it, so every writer, not just the ORM, keeps it
 * true.  Its one argument is the column name.  (contrib's moddatetime does
 * the same, but would make orm_models depend on another extension.)
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(orm_touch_updated_at);

/* orm.touch_updated_at(column): sets the column to now() on update */
Datum
orm_touch_updated_at(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	int			attnum;
	Datum		value;
	bool		isnull = false;
	const char *column;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		trigdata->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				errmsg("orm.touch_updated_at must be a BEFORE UPDATE row trigger with one argument"));
	column = trigdata->tg_trigger->tgargs[0];
	desc = RelationGetDescr(trigdata->tg_relation);
	attnum = SPI_fnumber(desc, column);
	if (attnum <= 0 ||
		TupleDescAttr(desc, attnum - 1)->atttypid != TIMESTAMPTZOID)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("column \"%s\" of table \"%s\" is not a timestamptz column",
					   column, RelationGetRelationName(trigdata->tg_relation)));
	value = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	return PointerGetDatum(heap_modify_tuple_by_cols(trigdata->tg_newtuple,
													 desc, 1, &attnum,
													 &value, &isnull));
}

PG_FUNCTION_INFO_V1(orm_bump_version);

/*
 * orm.bump_version(column): the "version" option's counter, one more than
 * the old row's on every update, whoever writes (Sequelize counts only its
 * own instance saves).  BEFORE UPDATE, for each row; the column integer.
 */
Datum
orm_bump_version(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	int			attnum;
	Datum		value;
	bool		isnull = false;
	const char *column;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		trigdata->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				errmsg("orm.bump_version must be a BEFORE UPDATE row trigger with one argument"));
	column = trigdata->tg_trigger->tgargs[0];
	desc = RelationGetDescr(trigdata->tg_relation);
	attnum = SPI_fnumber(desc, column);
	if (attnum <= 0 || TupleDescAttr(desc, attnum - 1)->atttypid != INT4OID)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("column \"%s\" of table \"%s\" is not an integer column",
					   column, RelationGetRelationName(trigdata->tg_relation)));
	value = heap_getattr(trigdata->tg_trigtuple, attnum, desc, &isnull);
	if (!isnull && DatumGetInt32(value) == PG_INT32_MAX)
		ereport(ERROR,
				errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				errmsg("version column \"%s\" of table \"%s\" is at its maximum",
					   column, RelationGetRelationName(trigdata->tg_relation)));
	value = Int32GetDatum(isnull ? 1 : DatumGetInt32(value) + 1);
	isnull = false;
	return PointerGetDatum(heap_modify_tuple_by_cols(trigdata->tg_newtuple,
													 desc, 1, &attnum,
													 &value, &isnull));
}

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

/*
 * The column a BEFORE UPDATE row trigger function keeps (its one argument),
 * checked to be of type typid; errors name the function and the type.
 */
static int
KeptColumn(FunctionCallInfo fcinfo, const char *function, Oid typid,
		   const char *type_name)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	const char *column;
	int			attnum;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		trigdata->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				errmsg("%s must be a BEFORE UPDATE row trigger with one argument",
					   function));
	column = trigdata->tg_trigger->tgargs[0];
	desc = RelationGetDescr(trigdata->tg_relation);
	attnum = SPI_fnumber(desc, column);
	if (attnum <= 0 || TupleDescAttr(desc, attnum - 1)->atttypid != typid)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("column \"%s\" of table \"%s\" is not %s column",
					   column, RelationGetRelationName(trigdata->tg_relation),
					   type_name));
	return attnum;
}

/* The new row with its column attnum set to value. */
static Datum
NewRowWith(FunctionCallInfo fcinfo, int attnum, Datum value)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	bool		isnull = false;

	return PointerGetDatum(heap_modify_tuple_by_cols(trigdata->tg_newtuple,
													 RelationGetDescr(trigdata->tg_relation),
													 1, &attnum, &value, &isnull));
}

PG_FUNCTION_INFO_V1(orm_touch_updated_at);

/* orm.touch_updated_at(column): sets the column to now() on update */
Datum
orm_touch_updated_at(PG_FUNCTION_ARGS)
{
	int			attnum = KeptColumn(fcinfo, "orm.touch_updated_at", TIMESTAMPTZOID,
									"a timestamptz");

	return NewRowWith(fcinfo, attnum,
					  TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()));
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
	int			attnum = KeptColumn(fcinfo, "orm.bump_version", INT4OID, "an integer");
	bool		isnull;
	Datum		old = heap_getattr(trigdata->tg_trigtuple, attnum,
								   RelationGetDescr(trigdata->tg_relation), &isnull);

	if (!isnull && DatumGetInt32(old) == PG_INT32_MAX)
		ereport(ERROR,
				errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				errmsg("version column \"%s\" of table \"%s\" is at its maximum",
					   trigdata->tg_trigger->tgargs[0],
					   RelationGetRelationName(trigdata->tg_relation)));
	return NewRowWith(fcinfo, attnum, Int32GetDatum(isnull ? 1 : DatumGetInt32(old) + 1));
}

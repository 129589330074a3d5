/*
 * event_trigger.c
 *		The DDL watcher: the catalog follows DDL run by hand.
 *
 * sql_drop: a synced table dropped outside orm.sync (also through CASCADE
 * or DROP SCHEMA) leaves its model defined but unlinked (relid NULL); a
 * dropped relationship function is unlinked from its association.
 * ddl_command_end (ALTER TABLE, ALTER SCHEMA): a renamed or moved synced
 * table updates the readable table_name and schema_name of its model and
 * the column names recorded with the link (find_* follow the OID and the
 * attribute numbers anyway, see live.c; the names matter after a restore).
 * Other column changes are not recorded: orm.drift() reads them from the
 * live tables.
 *
 * Both return at once when nothing is synced or when the DDL is sync's
 * own; otherwise they look at the affected objects' OIDs only.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "tcop/cmdtag.h"

#include "orm_models.h"

PG_FUNCTION_INFO_V1(orm_on_sql_drop);
PG_FUNCTION_INFO_V1(orm_on_ddl_command_end);

/* True while orm.sync runs its statements. */
bool		OrmSyncing = false;

/* Fails unless called as an event trigger. */
static void
CheckEventTrigger(FunctionCallInfo fcinfo)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				errmsg("function can only be called as an event trigger"));
}

/*
 * The OIDs that a query over the event's objects returns and that the
 * catalog links to, as an oid[] Datum, or (Datum) 0 when none.  The query
 * is prepared once per backend: DDL on other objects pays one execution.
 */
static Datum
LinkedObjects(SPIPlanPtr *plan, const char *query)
{
	Datum	   *oids;
	int			n = 0;
	int			rc;

	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(query, 0, NULL);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "could not prepare \"%s\"", query);
		*plan = p;
	}
	rc = SPI_execute_plan(*plan, NULL, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read the event's objects: %s",
			 SPI_result_code_string(rc));
	oids = palloc(sizeof(Datum) * (SPI_processed + 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		objid = SPI_getbinval(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull && OrmIsLinked(DatumGetObjectId(objid)))
			oids[n++] = objid;
	}
	if (n == 0)
		return (Datum) 0;
	return PointerGetDatum(construct_array(oids, n, OIDOID, sizeof(Oid), true,
										   TYPALIGN_INT));
}

/* orm.on_sql_drop(): unlink dropped tables and relationship functions */
Datum
orm_on_sql_drop(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	Datum		dropped;

	CheckEventTrigger(fcinfo);
	if (OrmSyncing || !OrmHasLinks())
		PG_RETURN_VOID();
	OrmSpiConnect();
	dropped = LinkedObjects(&plan,
							"SELECT objid FROM pg_catalog.pg_event_trigger_dropped_objects() "
							"WHERE objsubid OPERATOR(pg_catalog.=) 0 AND classid "
							"OPERATOR(pg_catalog.=) ANY ('{pg_catalog.pg_class,pg_catalog.pg_proc}'::pg_catalog.regclass[])");
	if (dropped != (Datum) 0)
		OrmUnlinkDropped(dropped);
	OrmSpiFinish();
	PG_RETURN_VOID();
}

/*
 * orm.on_ddl_command_end(): follow renamed and moved synced tables and
 * their renamed columns; a renamed schema refreshes every linked name.
 */
Datum
orm_on_ddl_command_end(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	EventTriggerData *trigdata = (EventTriggerData *) fcinfo->context;
	Datum		altered;

	CheckEventTrigger(fcinfo);
	if (OrmSyncing || !OrmHasLinks())
		PG_RETURN_VOID();
	OrmSpiConnect();
	if (strcmp(GetCommandTagName(trigdata->tag), "ALTER SCHEMA") == 0)
		OrmRefreshLinkedNames((Datum) 0);
	else
	{
		altered = LinkedObjects(&plan,
								"SELECT objid FROM pg_catalog.pg_event_trigger_ddl_commands() "
								"WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass");
		if (altered != (Datum) 0)
			OrmRefreshLinkedNames(altered);
	}
	OrmSpiFinish();
	PG_RETURN_VOID();
}

/*
 * event_trigger.c
 *		The DDL watcher: the catalog follows DDL run by hand.
 *
 * sql_drop: a synced table dropped outside orm.sync (also through CASCADE
 * or DROP SCHEMA) leaves its model defined but unlinked (relid NULL); a
 * dropped relationship function is unlinked from its association.
 * ddl_command_end (ALTER TABLE): a renamed or moved synced table updates
 * the readable table_name and schema_name of its model (find_* follow the
 * OID anyway, see live.c).  Column changes are not recorded: orm.drift()
 * reads them from the live tables.
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
 * catalog links to, as an oid[] Datum, or (Datum) 0 when none.
 */
static Datum
LinkedObjects(const char *query)
{
	Datum	   *oids;
	int			n = 0;

	OrmSpiExec(query, 0, NULL, NULL, NULL, true);
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
	Datum		dropped;
	Oid			argtypes[1] = {OIDARRAYOID};

	CheckEventTrigger(fcinfo);
	if (OrmSyncing || !OrmHasLinks())
		PG_RETURN_VOID();
	OrmSpiConnect();
	dropped = LinkedObjects("SELECT objid FROM pg_catalog.pg_event_trigger_dropped_objects() "
							"WHERE objsubid OPERATOR(pg_catalog.=) 0 AND classid "
							"OPERATOR(pg_catalog.=) ANY ('{pg_catalog.pg_class,pg_catalog.pg_proc}'::pg_catalog.regclass[])");
	if (dropped != (Datum) 0)
	{
		OrmSpiExec("UPDATE orm.models SET relid = NULL, columns = NULL "
				   "WHERE relid::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)",
				   1, argtypes, &dropped, NULL, false);
		OrmSpiExec("UPDATE orm.associations SET function = NULL "
				   "WHERE function::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)",
				   1, argtypes, &dropped, NULL, false);
	}
	OrmSpiFinish();
	PG_RETURN_VOID();
}

/* orm.on_ddl_command_end(): follow renamed and moved synced tables */
Datum
orm_on_ddl_command_end(PG_FUNCTION_ARGS)
{
	Datum		altered;
	Oid			argtypes[1] = {OIDARRAYOID};

	CheckEventTrigger(fcinfo);
	if (OrmSyncing || !OrmHasLinks())
		PG_RETURN_VOID();
	OrmSpiConnect();
	altered = LinkedObjects("SELECT objid FROM pg_catalog.pg_event_trigger_ddl_commands() "
							"WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass");
	if (altered != (Datum) 0)
		OrmSpiExec("UPDATE orm.models m SET table_name = c.relname, "
				   "schema_name = n.nspname "
				   "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
				   "ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
				   "WHERE m.relid::pg_catalog.oid OPERATOR(pg_catalog.=) c.oid "
				   "AND c.oid OPERATOR(pg_catalog.=) ANY ($1) "
				   "AND (m.table_name OPERATOR(pg_catalog.<>) c.relname::pg_catalog.text "
				   "OR m.schema_name OPERATOR(pg_catalog.<>) n.nspname::pg_catalog.text)",
				   1, argtypes, &altered, NULL, false);
	OrmSpiFinish();
	PG_RETURN_VOID();
}

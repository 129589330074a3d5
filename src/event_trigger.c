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
 * own; otherwise they read the event's objects straight from PostgreSQL's
 * functions and compare their OIDs with a cached set, and use SQL only to
 * update the catalog when one of them is linked.
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/tuplestore.h"
#include "tcop/cmdtag.h"

#include "orm_util.h"
#include "orm_catalog.h"

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
 * The OIDs of the event's objects of these classes (pg_class, pg_proc)
 * that the catalog links to, as an oid[] Datum, or (Datum) 0 when none.
 * The event's objects come from PostgreSQL's own set-returning function
 * (pg_event_trigger_dropped_objects or pg_event_trigger_ddl_commands,
 * whose first three columns are classid, objid, objsubid), called
 * directly: no SQL, no plan, so DDL on other objects costs next to nothing.
 */
static Datum
LinkedObjects(Oid srf, bool procs_too)
{
	FmgrInfo	flinfo;
	ReturnSetInfo rsinfo = {T_ReturnSetInfo};
	ExprContext *econtext = CreateStandaloneExprContext();
	TupleTableSlot *slot;
	Datum	   *oids = NULL;
	int			n = 0;
	int			size = 0;
	LOCAL_FCINFO(fcinfo, 0);

	fmgr_info(srf, &flinfo);
	rsinfo.econtext = econtext;
	rsinfo.allowedModes = SFRM_Materialize;
	rsinfo.returnMode = SFRM_ValuePerCall;
	InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, NULL,
							 (Node *) &rsinfo);
	(void) FunctionCallInvoke(fcinfo);
	slot = MakeSingleTupleTableSlot(rsinfo.setDesc, &TTSOpsMinimalTuple);
	while (rsinfo.setResult &&
		   tuplestore_gettupleslot(rsinfo.setResult, true, false, slot))
	{
		bool		isnull;
		Oid			classid = DatumGetObjectId(slot_getattr(slot, 1, &isnull));
		Oid			objid = DatumGetObjectId(slot_getattr(slot, 2, &isnull));
		int32		objsubid = DatumGetInt32(slot_getattr(slot, 3, &isnull));

		if (objsubid != 0 || !(classid == RelationRelationId ||
							   (procs_too && classid == ProcedureRelationId)) ||
			!OrmIsLinked(objid))
			continue;
		if (n == size)
		{
			size = size ? size * 2 : 8;
			oids = oids ? repalloc(oids, sizeof(Datum) * size) :
				palloc(sizeof(Datum) * size);
		}
		oids[n++] = ObjectIdGetDatum(objid);
	}
	ExecDropSingleTupleTableSlot(slot);
	if (rsinfo.setResult)
		tuplestore_end(rsinfo.setResult);
	FreeExprContext(econtext, true);
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

	CheckEventTrigger(fcinfo);
	if (OrmSyncing || !OrmHasLinks())
		PG_RETURN_VOID();
	dropped = LinkedObjects(F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, true);
	if (dropped == (Datum) 0)
		PG_RETURN_VOID();
	OrmSpiConnect();
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
	EventTriggerData *trigdata = (EventTriggerData *) fcinfo->context;
	bool		schema = strcmp(GetCommandTagName(trigdata->tag), "ALTER SCHEMA") == 0;
	Datum		altered = (Datum) 0;

	CheckEventTrigger(fcinfo);
	if (OrmSyncing || !OrmHasLinks())
		PG_RETURN_VOID();
	if (!schema &&
		(altered = LinkedObjects(F_PG_EVENT_TRIGGER_DDL_COMMANDS, false)) == (Datum) 0)
		PG_RETURN_VOID();
	OrmSpiConnect();
	OrmRefreshLinkedNames(altered);	/* (Datum) 0: every linked table */
	OrmSpiFinish();
	PG_RETURN_VOID();
}

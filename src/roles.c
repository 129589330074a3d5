/*
 * roles.c
 *		Whose rights a piece of work runs with.
 *
 * A model belongs to the role that defined it.  Everything that evaluates
 * what a model names (its types, domains and defaults while it is parsed,
 * the DDL sync runs for it, the drift checks of its table) runs with the
 * rights of the model's owner, under SECURITY_RESTRICTED_OPERATION, the
 * way PostgreSQL runs index expressions and foreign key checks as the table
 * owner (ri_triggers.c, index.c): whoever calls, a model's code never gets
 * more than its owner has.  (And sync takes over an object that exists
 * under the name it would create only when the model's owner has the
 * rights of the object's owner: sync.c's CheckAdoptable.)
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_authid.h"
#include "miscadmin.h"
#include "utils/syscache.h"

#include "orm_util.h"

/*
 * Runs as role from now on, restricted, until OrmRestoreRole(saved).  An
 * error in between restores the caller's identity at (sub)transaction
 * abort, as for every SetUserIdAndSecContext.
 */
void
OrmBecomeRole(Oid role, OrmSavedRole *saved)
{
	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(role)))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("role with OID %u does not exist", role),
				errdetail("A model belongs to a role that was dropped."),
				errhint("Define the model again as another role."));
	SetUserIdAndSecContext(role, saved->sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

/* Back to the identity OrmBecomeRole saved. */
void
OrmRestoreRole(OrmSavedRole *saved)
{
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}

/* A role's name for messages, also when it no longer exists. */
char *
OrmRoleName(Oid role)
{
	char	   *name = GetUserNameFromId(role, true);

	return name ? name : psprintf("(dropped role %u)", role);
}

/*
 * names.c
 *		The names orm_models turns into SQL identifiers or catalog keys.
 *
 * A model, attribute, association or index name becomes an identifier of
 * PostgreSQL's (a table, column, function, index), so it must fit in
 * NAMEDATALEN; checked where each is parsed, with the same error.
 */
#include "postgres.h"

#include "orm_util.h"

/* Checks a name that will become an SQL identifier or a catalog key. */
void
OrmCheckName(const char *what, const char *name)
{
	if (name == NULL || name[0] == '\0')
		ereport(ERROR,
				errcode(ERRCODE_INVALID_NAME),
				errmsg("%s name must not be empty", what));
	if (strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				errcode(ERRCODE_NAME_TOO_LONG),
				errmsg("%s name \"%s\" is too long", what, name),
				errdetail("Names are limited to %d bytes.", NAMEDATALEN - 1));
}

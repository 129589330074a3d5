/*
 * json_check.c
 *		orm_models.json_writer = check: every find answered twice, by the JSON
 *		writer and by the SQL path, and the two compared.
 *
 * The two must be the same JSON value: the same keys in the same order,
 * the same scalars as written, and the same elements in every array,
 * though not necessarily in the same order where the query leaves it
 * open (the SQL path's GROUP BY pre-aggregation hands a parent its rows in
 * no particular order).  So each side is put in a canonical form whose
 * arrays have their elements sorted, and the forms compared; and the
 * writer's text must be compact, with no whitespace between tokens.  The
 * texts are valid JSON (both come from code that writes valid JSON).
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "miscadmin.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_query.h"

static void Canonical(const char **p, StringInfo out);

static void
SkipSpace(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

/* A string token, as written, quotes included. */
static void
CopyString(const char **p, StringInfo out)
{
	const char *start = (*p)++;

	while (**p && **p != '"')
		*p += **p == '\\' ? 2 : 1;
	(*p)++;
	appendBinaryStringInfo(out, start, *p - start);
}

static int
CompareStrings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* An array, its elements' canonical forms sorted. */
static void
CanonicalArray(const char **p, StringInfo out)
{
	char	  **elems = NULL;
	int			n = 0;
	int			cap = 0;

	(*p)++;
	SkipSpace(p);
	while (**p && **p != ']')
	{
		StringInfoData e;

		initStringInfo(&e);
		Canonical(p, &e);
		if (n == cap)
		{
			cap = cap ? cap * 2 : 8;
			elems = elems ? repalloc(elems, sizeof(char *) * cap) :
				palloc(sizeof(char *) * cap);
		}
		elems[n++] = e.data;
		SkipSpace(p);
		if (**p == ',')
			(*p)++;
		SkipSpace(p);
	}
	(*p)++;
	if (n > 1)
		qsort(elems, n, sizeof(char *), CompareStrings);
	appendStringInfoChar(out, '[');
	for (int i = 0; i < n; i++)
		appendStringInfo(out, "%s%s", i ? "," : "", elems[i]);
	appendStringInfoChar(out, ']');
}

/* An object, its members in order. */
static void
CanonicalObject(const char **p, StringInfo out)
{
	bool		first = true;

	(*p)++;
	appendStringInfoChar(out, '{');
	SkipSpace(p);
	while (**p && **p != '}')
	{
		if (!first)
			appendStringInfoChar(out, ',');
		first = false;
		CopyString(p, out);
		SkipSpace(p);
		(*p)++;					/* the colon */
		appendStringInfoChar(out, ':');
		SkipSpace(p);
		Canonical(p, out);
		SkipSpace(p);
		if (**p == ',')
			(*p)++;
		SkipSpace(p);
	}
	(*p)++;
	appendStringInfoChar(out, '}');
}

/* One JSON value from *p, canonical, into out. */
static void
Canonical(const char **p, StringInfo out)
{
	const char *start;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	SkipSpace(p);
	switch (**p)
	{
		case '{':
			CanonicalObject(p, out);
			return;
		case '[':
			CanonicalArray(p, out);
			return;
		case '"':
			CopyString(p, out);
			return;
		default:
			start = *p;
			while (**p && **p != ',' && **p != '}' && **p != ']' &&
				   **p != ' ' && **p != '\n' && **p != '\t' && **p != '\r')
				(*p)++;
			appendBinaryStringInfo(out, start, *p - start);
	}
}

/* Whether JSON text has whitespace between tokens. */
static const char *
FirstSpace(const char *s)
{
	for (; *s; s++)
	{
		if (*s == '"')
		{
			for (s++; *s && *s != '"'; s += *s == '\\' ? 2 : 1)
				;
			if (*s == '\0')
				break;
		}
		else if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
			return s;
	}
	return NULL;
}

/* Fails unless the writer's JSON and the SQL path's are the same value. */
void
OrmCheckSameJson(const char *model, const char *writer, const char *sql)
{
	StringInfoData a;
	StringInfoData b;
	const char *pa = writer;
	const char *pb = sql;
	const char *space = FirstSpace(writer);
	int			i = 0;

	if (space)
		ereport(ERROR,
				errcode(ERRCODE_INTERNAL_ERROR),
				errmsg("the JSON writer's answer for model \"%s\" is not compact", model),
				errdetail("Whitespace at byte %d: %.80s", (int) (space - writer),
						  space > writer + 40 ? space - 40 : writer));
	initStringInfo(&a);
	initStringInfo(&b);
	Canonical(&pa, &a);
	Canonical(&pb, &b);
	if (strcmp(a.data, b.data) == 0)
		return;
	while (a.data[i] && a.data[i] == b.data[i])
		i++;
	ereport(ERROR,
			errcode(ERRCODE_INTERNAL_ERROR),
			errmsg("the JSON writer and the SQL path disagree on a query of model \"%s\"",
				   model),
			errdetail("At byte %d of their canonical forms: writer ...%.120s... SQL path ...%.120s...",
					  i, a.data + Max(0, i - 40), b.data + Max(0, i - 40)));
}

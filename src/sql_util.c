/*
 * sql_util.c
 *		The deparse primitives every SQL writer shares: the parameter list,
 *		the comparison operators of a type, and values written as typed
 *		literals.
 *
 * The where writer, the statement writer and the DDL writer all compare
 * columns with the operators of the column type's default btree operator
 * family, printed with their schema (OPERATOR(pg_catalog.=),
 * OPERATOR(public.=) for citext), so the caller's search_path never picks
 * them; and all bind values as $n parameters, except DDL, which cannot
 * (an index predicate, a function body) and writes typed literals.  As
 * postgres_fdw's deparse.c keeps its primitives in one place.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_operator.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "orm_model.h"
#include "orm_sql.h"

/*
 * Values per statement.  Each is one condition; PostgreSQL's planner
 * compares equality conditions pairwise without checking for interrupts,
 * so 100,000 of them ran for minutes past statement_timeout (found by the
 * fuzzer).  An array value ($in) is one value however long.
 */
#define MAX_QUERY_VALUES 4096

/* Adds a parameter; returns its number. */
int
OrmAddParam(OrmParams *p, Oid type, Datum value, bool isnull)
{
	if (p->count >= MAX_QUERY_VALUES)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("a query has too many values"),
				errdetail("At most %d values (conditions, limits, offsets) are allowed.",
						  MAX_QUERY_VALUES),
				errhint("Use \"$in\" with an array for many values of one attribute."));
	if (p->count == p->capacity)
	{
		p->capacity = p->capacity ? p->capacity * 2 : 8;
		p->types = p->types ? repalloc(p->types, p->capacity * sizeof(Oid)) :
			palloc(p->capacity * sizeof(Oid));
		p->values = p->values ? repalloc(p->values, p->capacity * sizeof(Datum)) :
			palloc(p->capacity * sizeof(Datum));
		p->nulls = p->nulls ? repalloc(p->nulls, p->capacity) : palloc(p->capacity);
	}
	p->types[p->count] = type;
	p->values[p->count] = value;
	p->nulls[p->count] = isnull ? 'n' : ' ';
	return ++p->count;
}

/* OPERATOR(schema.name) of an operator, for any search_path. */
static char *
OperatorSql(Oid opr)
{
	HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opr));
	Form_pg_operator form;
	char	   *sql;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator %u", opr);
	form = (Form_pg_operator) GETSTRUCT(tup);
	sql = psprintf("OPERATOR(%s.%s)",
				   quote_identifier(get_namespace_name(form->oprnamespace)),
				   NameStr(form->oprname));
	ReleaseSysCache(tup);
	return sql;
}

/*
 * A small per-backend cache of OrmComparisonOperator's answers, so a
 * statement built on every call does not look operators up every time.
 * Given sql, stores it; returns the cached text, or NULL.  Emptied with
 * the other caches when a type changes.
 */
#define OPERATOR_CACHE_SIZE 64

typedef struct OperatorCacheEntry
{
	Oid			typid;
	int			strategy;
	bool		negate;
	char	   *sql;
} OperatorCacheEntry;

static OperatorCacheEntry operator_cache[OPERATOR_CACHE_SIZE];
static int	operator_cache_used = 0;

void
OrmResetOperatorCache(void)
{
	for (int i = 0; i < operator_cache_used; i++)
		pfree(operator_cache[i].sql);
	operator_cache_used = 0;
}

static char *
CachedOperator(Oid typid, int strategy, bool negate, char *sql)
{
	for (int i = 0; i < operator_cache_used; i++)
	{
		OperatorCacheEntry *e = &operator_cache[i];

		if (e->typid == typid && e->strategy == strategy && e->negate == negate)
			return pstrdup(e->sql); /* a copy: a reset may come any time */
	}
	if (sql && operator_cache_used < OPERATOR_CACHE_SIZE)
	{
		OperatorCacheEntry *e = &operator_cache[operator_cache_used++];

		e->typid = typid;
		e->strategy = strategy;
		e->negate = negate;
		e->sql = MemoryContextStrdup(TopMemoryContext, sql);
	}
	return sql;
}

/*
 * OPERATOR(schema.name) of the column type's btree strategy, e.g. "=" for
 * BTEqualStrategyNumber; negate gives the negator ("<>").
 */
char *
OrmComparisonOperator(OrmModel *m, OrmAttribute *a, int strategy, bool negate)
{
	TypeCacheEntry *tc;
	Oid			opr = InvalidOid;
	char	   *sql;

	if (!OidIsValid(a->typid) && a->type_sql)
	{
		/* an ENUM sync has yet to create: pg_catalog's anyenum operators */
		static const char *const ops[] = {"", "<", "<=", "=", ">=", ">"};

		return psprintf("OPERATOR(pg_catalog.%s)", negate ? "<>" : ops[strategy]);
	}
	OrmRequireType(m, a);
	sql = CachedOperator(a->typid, strategy, negate, NULL);
	if (sql)
		return sql;
	tc = lookup_type_cache(a->typid, TYPECACHE_BTREE_OPFAMILY);

	if (OidIsValid(tc->btree_opf))
		opr = get_opfamily_member(tc->btree_opf, tc->btree_opintype,
								  tc->btree_opintype, strategy);
	if (OidIsValid(opr) && negate)
		opr = get_negator(opr);
	if (!OidIsValid(opr))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_FUNCTION),
				errmsg("attribute \"%s.%s\" of type %s cannot be compared",
					   m->name, a->name, a->type_name));
	return CachedOperator(a->typid, strategy, negate, OperatorSql(opr));
}

/*
 * The type a literal of typid is written as in DDL: the input type of the
 * operators that compare typid (text for varchar, inet for cidr), so the
 * stored predicate reads as the same condition typed by hand would
 * ("(status)::text <> 'deleted'::text").
 */
static Oid
LiteralType(Oid typid)
{
	TypeCacheEntry *tc = lookup_type_cache(typid, TYPECACHE_BTREE_OPFAMILY);
	Oid			elem;

	if (OidIsValid(tc->btree_opintype) && tc->btree_opintype != typid &&
		!IsPolymorphicType(tc->btree_opintype) &&
		IsBinaryCoercible(typid, tc->btree_opintype))
		return tc->btree_opintype;
	if (OidIsValid(elem = get_element_type(typid)) && LiteralType(elem) != elem &&
		OidIsValid(get_array_type(LiteralType(elem))))
		return get_array_type(LiteralType(elem));
	return typid;
}

/*
 * Appends a value: bound as the next parameter ($n), or, with
 * params->literals (DDL: an index predicate, a relationship function's
 * scope), as a typed literal (LiteralType).
 */
void
OrmAppendParam(StringInfo buf, OrmParams *params, Oid typid, Datum value)
{
	Oid			typout;
	bool		varlena;

	if (!params->literals)
	{
		appendStringInfo(buf, "$%d", OrmAddParam(params, typid, value, false));
		return;
	}
	getTypeOutputInfo(typid, &typout, &varlena);
	appendStringInfo(buf, "%s::%s",
					 quote_literal_cstr(OidOutputFunctionCall(typout, value)),
					 format_type_extended(LiteralType(typid), -1,
										  FORMAT_TYPE_TYPEMOD_GIVEN |
										  FORMAT_TYPE_FORCE_QUALIFY));
}

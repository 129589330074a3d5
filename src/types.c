/*
 * types.c
 *		Attribute types and default values.
 *
 * A type is a Sequelize name written in upper case, with its arguments
 * ("STRING", "STRING(100)", "DECIMAL(10,2)", "ARRAY(INTEGER)"), or any name
 * PostgreSQL's own type parser accepts ("timestamptz", "numeric(12,2)").
 * Sequelize names are matched in upper case only, because some of them mean
 * something else to PostgreSQL: Sequelize's DATE is timestamptz, PostgreSQL's
 * date is Sequelize's DATEONLY.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "nodes/value.h"
#include "parser/parse_coerce.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "miscadmin.h"
#include "utils/formatting.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/varlena.h"

#include "orm_util.h"
#include "orm_model.h"

/* How a Sequelize type name becomes PostgreSQL type text. */
typedef struct SequelizeType
{
	const char *name;			/* Sequelize name */
	const char *plain;			/* PostgreSQL type when written bare */
	const char *with_args;		/* printf format taking the arguments, or
								 * NULL when the type takes none */
} SequelizeType;

static const SequelizeType sequelize_types[] = {
	{"STRING", "character varying(255)", "character varying(%s)"},
	{"CHAR", "character(255)", "character(%s)"},
	{"TEXT", "text", NULL},
	{"CITEXT", "citext", NULL},
	{"TINYINT", "smallint", NULL},
	{"SMALLINT", "smallint", NULL},
	{"MEDIUMINT", "integer", NULL},
	{"INTEGER", "integer", NULL},
	{"BIGINT", "bigint", NULL},
	{"FLOAT", "double precision", "float(%s)"},
	{"REAL", "real", NULL},
	{"DOUBLE", "double precision", NULL},
	{"DECIMAL", "numeric", "numeric(%s)"},
	{"NUMERIC", "numeric", "numeric(%s)"},
	{"BOOLEAN", "boolean", NULL},
	{"DATE", "timestamp with time zone", "timestamp(%s) with time zone"},
	{"DATEONLY", "date", NULL},
	{"TIME", "time without time zone", NULL},
	{"UUID", "uuid", NULL},
	{"JSON", "json", NULL},
	{"JSONB", "jsonb", NULL},
	{"BLOB", "bytea", NULL},
	{"INET", "inet", NULL},
	{"CIDR", "cidr", NULL},
	{"MACADDR", "macaddr", NULL},
	{"TSVECTOR", "tsvector", NULL},
	{"HSTORE", "hstore", NULL},
};

/* Sequelize RANGE(T) subtypes and the range type each gives. */
static const SequelizeType sequelize_ranges[] = {
	{"INTEGER", "int4range", NULL},
	{"BIGINT", "int8range", NULL},
	{"DECIMAL", "numrange", NULL},
	{"DATE", "tstzrange", NULL},
	{"DATEONLY", "daterange", NULL},
};

static const SequelizeType *
FindSequelizeType(const SequelizeType *types, int ntypes, const char *name,
				  int len)
{
	for (int i = 0; i < ntypes; i++)
		if ((int) strlen(types[i].name) == len &&
			strncmp(types[i].name, name, len) == 0)
			return &types[i];
	return NULL;
}

/* The Sequelize name nearest to spec, for a "did you mean" hint, or NULL. */
static const char *
NearestTypeName(const char *spec)
{
	const char *best = NULL;
	int			best_distance = 3;
	int			len = strlen(spec);
	char	   *upper;

	if (len > 64)
		return NULL;
	upper = asc_toupper(spec, len);
	for (int i = 0; i < (int) lengthof(sequelize_types); i++)
	{
		const char *name = sequelize_types[i].name;
		int			d = varstr_levenshtein_less_equal(upper, len, name,
													  strlen(name), 1, 1, 1,
													  best_distance, true);

		if (d < best_distance)
		{
			best = name;
			best_distance = d;
		}
	}
	return best;
}

/* Raises the "unrecognized type" error, with a hint when one helps. */
static void
UnrecognizedType(const char *spec, const char *model, const char *attr,
				 const char *detail)
{
	const char *nearest = NearestTypeName(spec);
	bool		postgis = pg_strncasecmp(spec, "geometry", 8) == 0 ||
		pg_strncasecmp(spec, "geography", 9) == 0;

	ereport(ERROR,
			errcode(ERRCODE_UNDEFINED_OBJECT),
			errmsg("unrecognized type \"%s\" for attribute \"%s.%s\"",
				   spec, model, attr),
			detail ? errdetail_internal("%s", detail) : 0,
			postgis ? errhint("GEOMETRY and GEOGRAPHY need PostGIS in the database (CREATE EXTENSION postgis), in the model's schema or in public.") :
			nearest ? errhint("Perhaps you meant \"%s\".", nearest) :
			errhint("Use a Sequelize type name such as \"STRING\" or \"INTEGER\", or a PostgreSQL type name."));
}

static char *TypeText(const char *spec, const char *model, const char *attr);

/*
 * Turns a Sequelize type spec into PostgreSQL type text, or returns NULL
 * when spec is not a Sequelize name.  ARRAY and RANGE recurse.
 */
static char *
SequelizeToPostgres(const char *spec, const char *model, const char *attr)
{
	const char *paren = strchr(spec, '(');
	int			namelen = paren ? (int) (paren - spec) : (int) strlen(spec);
	const SequelizeType *t;
	char	   *args = NULL;

	if (paren)
	{
		int			len = strlen(paren);

		if (len < 2 || paren[len - 1] != ')')
			return NULL;
		args = pnstrdup(paren + 1, len - 2);
	}
	if (namelen == 5 && strncmp(spec, "ARRAY", 5) == 0 && args)
		return psprintf("%s[]", TypeText(args, model, attr));
	if (namelen == 5 && strncmp(spec, "RANGE", 5) == 0 && args)
	{
		t = FindSequelizeType(sequelize_ranges, lengthof(sequelize_ranges),
							  args, strlen(args));
		return t ? pstrdup(t->plain) : NULL;
	}
	t = FindSequelizeType(sequelize_types, lengthof(sequelize_types), spec,
						  namelen);
	if (t == NULL)
		return NULL;
	if (args == NULL)
		return pstrdup(t->plain);
	if (t->with_args == NULL || strspn(args, "0123456789, ") != strlen(args))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("invalid arguments \"%s\" to type %s of attribute \"%s.%s\"",
					   args, t->name, model, attr),
				t->with_args ? errhint("Write the arguments as numbers, as in \"%s(10)\".", t->name) :
				errhint("Type %s takes no arguments.", t->name));
	if (strcmp(t->name, "DATE") == 0 && (strlen(args) != 1 || args[0] > '6'))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("invalid precision \"%s\" of type DATE of attribute \"%s.%s\"",
					   args, model, attr),
				errhint("The precision of DATE is 0 to 6."));
	return psprintf(t->with_args, args);
}

/*
 * The PostgreSQL type text for a type spec: the Sequelize translation, or
 * the spec itself for PostgreSQL's parser to judge.
 */
static char *
TypeText(const char *spec, const char *model, const char *attr)
{
	char	   *text;

	if (strlen(spec) > NAMEDATALEN * 4)
		UnrecognizedType(spec, model, attr, "The type name is too long.");
	text = SequelizeToPostgres(spec, model, attr);
	return text ? text : pstrdup(spec);
}

/*
 * Parses PostgreSQL type text with PostgreSQL's own parser.  A parser error
 * becomes an error naming the attribute, with the parser's message as
 * detail; the transaction aborts right after, so catching it is safe.
 */
static void
ParseTypeText(const char *text, const char *spec, const char *model,
			  const char *attr, Oid *typid, int32 *typmod)
{
	MemoryContext cxt = CurrentMemoryContext;
	ErrorData  *volatile edata = NULL;

	PG_TRY();
	{
#if PG_VERSION_NUM >= 160000
		parseTypeString(text, typid, typmod, NULL);
#else
		parseTypeString(text, typid, typmod, false);
#endif
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	if (edata == NULL)
		return;
	if (edata->sqlerrcode == ERRCODE_UNDEFINED_OBJECT ||
		edata->sqlerrcode == ERRCODE_SYNTAX_ERROR ||
		edata->sqlerrcode == ERRCODE_INVALID_SCHEMA_NAME)
		UnrecognizedType(spec, model, attr, edata->message);
	ereport(ERROR,
			errcode(edata->sqlerrcode),
			errmsg("invalid type \"%s\" for attribute \"%s.%s\"",
				   spec, model, attr),
			errdetail_internal("%s", edata->message));
}

/* Resolves a type spec to a type OID and typmod, or fails cleanly. */
void
OrmResolveType(const char *spec, const char *model, const char *attr,
			   Oid *typid, int32 *typmod)
{
	char	   *text = TypeText(spec, model, attr);

	if (*spec == '\0')
		UnrecognizedType(spec, model, attr, NULL);
	ParseTypeText(text, spec, model, attr, typid, typmod);
	if (get_typtype(*typid) == TYPTYPE_PSEUDO)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("type \"%s\" of attribute \"%s.%s\" is a pseudo-type",
					   spec, model, attr),
				errdetail("A column cannot have a pseudo-type."));
}

/*
 * Runs a type's input function on text; a bad value (a data exception, a
 * domain's constraint, a name regclass cannot find) becomes an error naming
 * the attribute, with the
 * input function's message as detail.  Anything else it raises (a cancel,
 * an error in a domain's own code) is raised as it was.
 */
Datum
OrmInputValue(const char *text, Oid typid, int32 typmod, const char *model,
			  const char *attr)
{
	MemoryContext cxt = CurrentMemoryContext;
	ErrorData  *volatile edata = NULL;
	Oid			typinput;
	Oid			typioparam;
	volatile Datum result = (Datum) 0;

	getTypeInputInfo(typid, &typinput, &typioparam);
	PG_TRY();
	{
		result = OidInputFunctionCall(typinput, (char *) text, typioparam,
									  typmod);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	if (edata &&
		ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION &&
		ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION &&
		ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION)
		ReThrowError(edata);
	if (edata)
		ereport(ERROR,
				errcode(edata->sqlerrcode),
				errmsg("invalid value for attribute \"%s.%s\" of type %s",
					   model, attr, format_type_with_typemod(typid, typmod)),
				errdetail_internal("%s", edata->message));
	return result;
}

/* The text of a JSON scalar or container, as its type's input would read it. */
char *
OrmJsonValueText(JsonbValue *value)
{
	switch (value->type)
	{
		case jbvString:
			return pnstrdup(value->val.string.val, value->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(value->val.numeric)));
		case jbvBool:
			return pstrdup(value->val.boolean ? "true" : "false");
		case jbvNull:
			return pstrdup("null");
		default:
			return JsonbToCString(NULL, value->val.binary.data,
								  value->val.binary.len);
	}
}

/* Fails on a JSON value that is no default of the attribute's type. */
static void
NotAValue(JsonbValue *v, OrmAttribute *attr, const char *model, Oid typid)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			errmsg("invalid defaultValue for attribute \"%s.%s\" of type %s",
				   model, attr->name, format_type_be(typid)),
			errdetail("A JSON %s is not a value of this type.", OrmJsonTypeName(v)));
}

/* A JSON number as Sequelize writes it: the number, no trailing zeros. */
static char *
NumberText(JsonbValue *v)
{
	return numeric_normalize(v->val.numeric);
}

/*
 * A timestamp literal for a JSON number: Sequelize's new Date(n), n
 * milliseconds since 1970 (UTC), written in ISO form so that no DateStyle
 * misreads it; a date takes the UTC day.
 */
static char *
EpochLiteral(JsonbValue *v, Oid base, OrmAttribute *attr, const char *model)
{
	double		ms = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
														NumericGetDatum(v->val.numeric)));
	TimestampTz ts;
	struct pg_tm tm;
	fsec_t		fsec;
	char		buf[MAXDATELEN + 1];

	if (isnan(ms) || ms < -8.64e15 || ms > 8.64e15)	/* JavaScript's range */
		NotAValue(v, attr, model, base);
	ts = (TimestampTz) rint(ms * 1000.0) -
		((TimestampTz) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		NotAValue(v, attr, model, base);
	if (base == DATEOID)
	{
		EncodeDateOnly(&tm, USE_ISO_DATES, buf);
		return quote_literal_cstr(buf);
	}
	EncodeDateTime(&tm, fsec, false, 0, NULL, USE_ISO_DATES, buf);
	return quote_literal_cstr(psprintf("%s+00", buf));
}

/* A string's bytes as a bytea literal, as Sequelize's Buffer.from writes it. */
static char *
ByteaLiteral(const char *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "'\\x");
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		appendStringInfo(&buf, "%02x", *p);
	appendStringInfoChar(&buf, '\'');
	return buf.data;
}

/* One bound of a range, as Sequelize's range.stringify writes it. */
static void
AppendRangeBound(StringInfo buf, JsonbValue *b, bool *inclusive, int i,
				 OrmAttribute *attr, const char *model, Oid typid)
{
	if (OrmJsonIsObject(b))
	{
		JsonbValue *inc = getKeyJsonValueFromContainer(b->val.binary.data, "inclusive", 9, NULL);
		JsonbValue *val = getKeyJsonValueFromContainer(b->val.binary.data, "value", 5, NULL);

		if (inc)
			inclusive[i] = inc->type == jbvBool ? inc->val.boolean : inc->type != jbvNull;
		if (val == NULL)
			NotAValue(b, attr, model, typid);
		b = val;
	}
	if (b->type == jbvNull)
		return;
	if (b->type == jbvString)
		escape_json(buf, OrmJsonString(b));
	else if (b->type == jbvNumeric)
		appendStringInfoString(buf, NumberText(b));
	else
		NotAValue(b, attr, model, typid);
}

/* A range from [lower, upper] (or [] for empty): '[lower,upper)' */
static char *
RangeText(JsonbValue *v, OrmAttribute *attr, const char *model, Oid typid)
{
	List	   *bounds = OrmJsonElements(v->val.binary.data);
	bool		inclusive[2] = {true, false};
	StringInfoData lower;
	StringInfoData upper;

	if (bounds == NIL)
		return "empty";
	if (list_length(bounds) != 2)
		NotAValue(v, attr, model, typid);
	initStringInfo(&lower);
	initStringInfo(&upper);
	AppendRangeBound(&lower, linitial(bounds), inclusive, 0, attr, model, typid);
	AppendRangeBound(&upper, lsecond(bounds), inclusive, 1, attr, model, typid);
	return psprintf("%c%s,%s%c", inclusive[0] ? '[' : '(', lower.data, upper.data,
					inclusive[1] ? ']' : ')');
}

/* An hstore from a JSON object: "key"=>"value", null as NULL. */
static char *
HstoreText(JsonbValue *v, OrmAttribute *attr, const char *model, Oid typid)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		appendStringInfo(&buf, "%s", buf.len ? "," : "");
		escape_json(&buf, f->key);
		appendStringInfoString(&buf, "=>");
		if (f->value.type == jbvNull)
			appendStringInfoString(&buf, "NULL");
		else if (f->value.type == jbvBinary)
			NotAValue(&f->value, attr, model, typid);
		else
			escape_json(&buf, OrmJsonValueText(&f->value));
	}
	return buf.data;
}

/* PostGIS's ST_GeomFromGeoJSON in the schema of a geometry type, or NULL. */
static char *
GeomFromGeoJson(Oid typid)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	char	   *nsp = NULL;
	Oid			args[1] = {TEXTOID};

	if (HeapTupleIsValid(tup))
	{
		nsp = get_namespace_name(((Form_pg_type) GETSTRUCT(tup))->typnamespace);
		ReleaseSysCache(tup);
	}

	if (nsp == NULL ||
		!OidIsValid(LookupFuncName(list_make2(makeString(nsp),
											  makeString("st_geomfromgeojson")),
								   1, args, true)))
		return NULL;
	return psprintf("%s.st_geomfromgeojson", quote_identifier(nsp));
}

static char *DefaultLiteral(JsonbValue *v, Oid typid, int32 typmod,
							OrmAttribute *attr, const char *model);

/* ARRAY[...] of the elements of a JSON array, nested arrays as such. */
static char *
ArrayElements(JsonbValue *v, Oid elem, OrmAttribute *attr, const char *model)
{
	StringInfoData buf;
	ListCell   *lc;

	check_stack_depth();
	initStringInfo(&buf);
	appendStringInfoString(&buf, "ARRAY[");
	foreach(lc, OrmJsonElements(v->val.binary.data))
	{
		JsonbValue *e = lfirst(lc);

		appendStringInfoString(&buf, foreach_current_index(lc) ? "," : "");
		if (e->type == jbvNull)
			appendStringInfoString(&buf, "NULL");
		else if (OrmJsonIsArray(e) && elem != JSONOID && elem != JSONBOID)
			appendStringInfoString(&buf, ArrayElements(e, elem, attr, model));
		else
			appendStringInfoString(&buf, DefaultLiteral(e, elem, -1, attr, model));
	}
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

/*
 * A JSON scalar or container as a default of type typid, written as
 * Sequelize's postgres dialect writes it (query-generator's escape and the
 * types' stringify), so that the stored default is the one Sequelize
 * makes: numbers bare (quoted for the float types, whose stringify quotes
 * them), strings quoted, JSON as its text, arrays as ARRAY[...]::type[],
 * bytes as hex.  Every value is checked against the type here; values
 * Sequelize takes only by JavaScript's coercions (a string for FLOAT that
 * becomes NaN, an array for DATE) are refused.
 */
static char *
DefaultLiteral(JsonbValue *v, Oid typid, int32 typmod, OrmAttribute *attr,
			   const char *model)
{
	Oid			base = getBaseType(typid);
	Oid			elem = get_element_type(base);
	char		category = TypeCategory(base);
	char	   *text;
	Oid			literal_type;

	if (v->type == jbvNull)
		return "NULL";
	if (base == JSONOID || base == JSONBOID)
	{
		text = OrmJsonCompact(v);
		OrmInputValue(text, typid, typmod, model, attr->name);
		return quote_literal_cstr(text);
	}
	if (OrmJsonIsArray(v) && OidIsValid(elem))
		return psprintf("%s::%s", ArrayElements(v, elem, attr, model),
						format_type_extended(typid, typmod,
											 FORMAT_TYPE_TYPEMOD_GIVEN |
											 FORMAT_TYPE_FORCE_QUALIFY));
	if (v->type == jbvBinary)
	{
		char	   *fn;

		if (OrmJsonIsArray(v) && type_is_range(base))
			text = RangeText(v, attr, model, typid);
		else if (OrmJsonIsObject(v) && strcmp(format_type_be(base), "hstore") == 0)
			text = HstoreText(v, attr, model, typid);
		else if (OrmJsonIsObject(v) && (fn = GeomFromGeoJson(base)) != NULL &&
				 (strcmp(format_type_be(base), "geometry") == 0 ||
				  strcmp(format_type_be(base), "geography") == 0))
			return psprintf("%s(%s)", fn, quote_literal_cstr(OrmJsonCompact(v)));
		else
			NotAValue(v, attr, model, typid);
		OrmInputValue(text, typid, typmod, model, attr->name);
		return quote_literal_cstr(text);
	}
	if (base == BYTEAOID)
		return ByteaLiteral(OrmJsonValueText(v));
	if (v->type == jbvNumeric &&
		(base == DATEOID || base == TIMESTAMPTZOID))
		return EpochLiteral(v, base, attr, model);
	text = OrmJsonValueText(v);
	if (v->type == jbvString)
	{
		OrmInputValue(text, typid, typmod, model, attr->name);
		return quote_literal_cstr(text);
	}
	if (base == FLOAT4OID || base == FLOAT8OID)
	{
		text = v->type == jbvNumeric ? NumberText(v) : text;
		OrmInputValue(text, typid, typmod, model, attr->name);
		return quote_literal_cstr(text);
	}
	if (v->type == jbvNumeric && category == TYPCATEGORY_NUMERIC)
	{
		/* an integer column rounds it, as PostgreSQL's cast does */
		if (base == INT2OID || base == INT4OID || base == INT8OID)
			OrmInputValue(DatumGetCString(DirectFunctionCall1(numeric_out,
															  DirectFunctionCall2(numeric_round,
																				  NumericGetDatum(v->val.numeric),
																				  Int32GetDatum(0)))),
						  typid, typmod, model, attr->name);
		else
			OrmInputValue(text, typid, typmod, model, attr->name);
		return NumberText(v);
	}
	if (v->type == jbvBool && base == BOOLOID)
		return v->val.boolean ? "true" : "false";
	/* a number or boolean elsewhere: bare where PostgreSQL takes it */
	literal_type = v->type == jbvBool ? BOOLOID :
		strchr(text, '.') ? NUMERICOID : INT4OID;
	if (!can_coerce_type(1, &literal_type, &typid, COERCION_ASSIGNMENT))
		NotAValue(v, attr, model, typid);
	return v->type == jbvNumeric ? NumberText(v) : text;
}

/*
 * The SQL expression for an attribute's defaultValue: NULL, now() for
 * "NOW", gen_random_uuid() for "UUIDV4", else a literal (DefaultLiteral).
 */
char *
OrmDefaultSql(JsonbValue *value, OrmAttribute *attr, const char *model)
{
	char	   *text;

	if (value->type == jbvNull)
		return pstrdup("NULL");
	text = value->type == jbvString ? OrmJsonString(value) : NULL;
	if (text && strcmp(text, "NOW") == 0)
	{
		if (TypeCategory(attr->typid) != TYPCATEGORY_DATETIME)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					errmsg("defaultValue \"NOW\" is not valid for attribute \"%s.%s\" of type %s",
						   model, attr->name, attr->type_name),
					errhint("Use \"NOW\" only with date and time types."));
		return pstrdup("pg_catalog.now()");
	}
	if (text && strcmp(text, "UUIDV4") == 0)
	{
		if (attr->typid != UUIDOID &&
			TypeCategory(attr->typid) != TYPCATEGORY_STRING)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					errmsg("defaultValue \"UUIDV4\" is not valid for attribute \"%s.%s\" of type %s",
						   model, attr->name, attr->type_name),
					errhint("Use \"UUIDV4\" only with UUID and string types."));
		return pstrdup("pg_catalog.gen_random_uuid()");
	}
	if (text && strcmp(text, "UUIDV1") == 0)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("defaultValue \"UUIDV1\" of attribute \"%s.%s\" is not supported",
					   model, attr->name),
				errhint("Use \"UUIDV4\": PostgreSQL generates version 4 UUIDs."));
	return DefaultLiteral(value, attr->typid, attr->typmod, attr, model);
}

/*
 * The labels of an inline ENUM('a','b'): SQL-style quoted strings, quotes
 * doubled inside.
 */
List *
OrmParseEnumValues(const char *spec, const char *model, const char *attr)
{
	List	   *values = NIL;
	const char *p = spec + 5;	/* after "ENUM(" */

	for (;;)
	{
		StringInfoData label;

		while (*p == ' ')
			p++;
		if (*p++ != '\'')
			break;
		initStringInfo(&label);
		while (*p && !(*p == '\'' && p[1] != '\''))
		{
			if (*p == '\'')
				p++;
			appendStringInfoChar(&label, *p++);
		}
		if (*p++ != '\'')
			break;
		values = lappend(values, label.data);
		while (*p == ' ')
			p++;
		if (*p == ')' && p[1] == '\0')
			return values;
		if (*p++ != ',')
			break;
	}
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("invalid type \"%s\" for attribute \"%s.%s\"", spec, model, attr),
			errhint("Write ENUM('a', 'b'), or \"type\": \"ENUM\" with \"values\": [\"a\", \"b\"]."));
	return NIL;
}

/* Sequelize's name of an ENUM attribute's type: enum_<table>_<column> */
char *
OrmEnumTypeName(OrmModel *m, OrmAttribute *a)
{
	return psprintf("enum_%s_%s", m->table_name, a->field);
}

/*
 * Names an ENUM attribute's type as Sequelize does (enum_<table>_<column>,
 * in the model's schema) and finds it if sync has made it.
 */
void
OrmResolveEnum(OrmModel *m, OrmAttribute *a)
{
	char	   *name = OrmEnumTypeName(m, a);
	Oid			nsp = get_namespace_oid(m->schema, true);

	if (strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				errcode(ERRCODE_NAME_TOO_LONG),
				errmsg("enum type name \"%s\" of attribute \"%s.%s\" is too long",
					   name, m->name, a->name),
				errhint("Shorten the table or column name."));
	a->type_sql = quote_qualified_identifier(m->schema, name);
	a->type_name = a->type_sql;
	a->typmod = -1;
	a->typid = OidIsValid(nsp) ?
		GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
						ObjectIdGetDatum(nsp)) : InvalidOid;
}

/* Fails when an attribute's type does not exist yet (an unsynced ENUM). */
void
OrmRequireType(OrmModel *m, OrmAttribute *a)
{
	if (!OidIsValid(a->typid))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("type %s of attribute \"%s.%s\" does not exist yet",
					   a->type_name, m->name, a->name),
				errhint("Run orm.sync to create it."));
}

/*
 * A column's value as find_* returns it, and its type: the column itself,
 * or for PostGIS's geometry and geography, GeoJSON as Sequelize returns it
 * (wkx's toGeoJSON with a short CRS when the value has an SRID).
 */
static char *
OutputColumn(OrmAttribute *a, const char *alias, Oid *type)
{
	char	   *column = psprintf("%s.%s", alias, quote_identifier(a->field));
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(a->typid));
	Form_pg_type t;
	char	   *sql = column;

	*type = a->typid;
	if (!HeapTupleIsValid(tup))
		return column;
	t = (Form_pg_type) GETSTRUCT(tup);
	if (t->typtype == TYPTYPE_BASE && (strcmp(NameStr(t->typname), "geometry") == 0 ||
									   strcmp(NameStr(t->typname), "geography") == 0))
	{
		char	   *nsp = get_namespace_name(t->typnamespace);
		Oid			args[3] = {a->typid, INT4OID, INT4OID};
		List	   *fn = list_make2(makeString(nsp), makeString("st_asgeojson"));

		if (OidIsValid(LookupFuncName(fn, 3, args, true)))
		{
			sql = psprintf("%s.st_asgeojson(%s, 15, 2)::pg_catalog.json",
						   quote_identifier(nsp), column);
			*type = JSONOID;
		}
	}
	ReleaseSysCache(tup);
	return sql;
}

/* A column's value as find_* returns it (OutputColumn). */
char *
OrmOutputColumnSql(OrmAttribute *a, const char *alias)
{
	Oid			type;

	return OutputColumn(a, alias, &type);
}

/* The type of OrmOutputColumnSql's value. */
Oid
OrmOutputColumnType(OrmAttribute *a)
{
	Oid			type;

	(void) OutputColumn(a, "t", &type);
	return type;
}

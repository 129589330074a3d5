/*
 * json_writer.c
 *		Values of any type written as compact JSON, straight into a buffer.
 *
 * What to do with a column's values is worked out once per column
 * (OrmJsonTypeInit), the way PostgreSQL's json.c categorizes a type for
 * row_to_json: booleans and numbers bare, dates and timestamps in their
 * JSON form, json and jsonb as JSON, arrays as arrays, a non-built-in type
 * with a cast to json through the cast, anything else as its output text,
 * quoted.  The values come out the same as row_to_json's, but compact, as
 * JSON.stringify writes them: no whitespace between tokens, inside json
 * and jsonb values too.  The common types skip their output function:
 * integers, text, uuid, and dates and timestamps in a session time zone of
 * one fixed offset (UTC, '+02:00' ...), which is where JSON text spends most
 * of its time; everything else goes through the type's own functions.
 */
#include "postgres.h"

#include "access/transam.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "parser/parse_coerce.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/fmgroids.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_query.h"

static void JsonAppendString(StringInfo buf, const char *s, int len);

/* The characters JSON strings escape, as PostgreSQL's escape_json does. */
static inline bool
NeedsEscape(unsigned char c)
{
	return c < ' ' || c == '"' || c == '\\';
}

/*
 * s[0..len) as a JSON string, quoted: what escape_json writes, with runs
 * that need no escape copied at once.
 */
static void
JsonAppendString(StringInfo buf, const char *s, int len)
{
	const char *end = s + len;

	enlargeStringInfo(buf, len + 2);
	buf->data[buf->len++] = '"';
	while (s < end)
	{
		const char *run = s;

		while (s < end && !NeedsEscape((unsigned char) *s))
			s++;
		if (s > run)
			appendBinaryStringInfo(buf, run, s - run);
		if (s == end)
			break;
		switch (*s)
		{
			case '\b':
				appendStringInfoString(buf, "\\b");
				break;
			case '\f':
				appendStringInfoString(buf, "\\f");
				break;
			case '\n':
				appendStringInfoString(buf, "\\n");
				break;
			case '\r':
				appendStringInfoString(buf, "\\r");
				break;
			case '\t':
				appendStringInfoString(buf, "\\t");
				break;
			case '"':
				appendStringInfoString(buf, "\\\"");
				break;
			case '\\':
				appendStringInfoString(buf, "\\\\");
				break;
			default:
				appendStringInfo(buf, "\\u%04x", (int) (unsigned char) *s);
				break;
		}
		s++;
	}
	appendStringInfoChar(buf, '"');
}

/* "name": a key, escaped once, to be copied before each value. */
char *
OrmJsonKey(const char *name)
{
	StringInfoData buf;

	initStringInfo(&buf);
	JsonAppendString(&buf, name, strlen(name));
	appendStringInfoChar(&buf, ':');
	return buf.data;
}

/*
 * json text without its insignificant whitespace.  The text is valid JSON
 * (json_in checked it), so outside strings every space, tab, newline and
 * carriage return goes, and nothing else changes.
 */
static void
AppendCompactJson(StringInfo buf, const char *s, int len)
{
	const char *end = s + len;

	enlargeStringInfo(buf, len);
	while (s < end)
	{
		const char *run = s;

		while (s < end && *s != '"' && *s != ' ' && *s != '\t' &&
			   *s != '\n' && *s != '\r')
			s++;
		appendBinaryStringInfo(buf, run, s - run);
		if (s == end)
			break;
		if (*s == '"')
		{
			run = s++;
			while (s < end && *s != '"')
				s += *s == '\\' ? 2 : 1;
			s++;
			appendBinaryStringInfo(buf, run, s - run);
		}
		else
			s++;
	}
}

/*
 * A json text (the SQL path's answer) compact, as the writer writes it:
 * json_agg's ", " and newlines between elements gone.
 */
text *
OrmCompactJsonText(text *json)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoSpaces(&buf, VARHDRSZ);
	AppendCompactJson(&buf, VARDATA_ANY(json), VARSIZE_ANY_EXHDR(json));
	SET_VARSIZE(buf.data, buf.len);
	return (text *) buf.data;
}

/* A jsonb scalar, compact. */
static void
AppendJsonbScalar(StringInfo buf, JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			appendStringInfoString(buf, "null");
			break;
		case jbvBool:
			appendStringInfoString(buf, v->val.boolean ? "true" : "false");
			break;
		case jbvString:
			JsonAppendString(buf, v->val.string.val, v->val.string.len);
			break;
		case jbvNumeric:
			appendStringInfoString(buf,
								   DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric))));
			break;
		default:
			elog(ERROR, "unexpected jsonb scalar type %d", (int) v->type);
	}
}

/* A jsonb document, compact, its keys in jsonb's order. */
static void
AppendCompactJsonb(StringInfo buf, Jsonb *jb)
{
	JsonbIterator *it = JsonbIteratorInit(&jb->root);
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool		comma = false;	/* a value came before, at this level */

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if ((tok == WJB_BEGIN_ARRAY || tok == WJB_END_ARRAY) &&
			v.val.array.rawScalar)
			continue;			/* a scalar document: just the scalar */
		if (comma && (tok == WJB_BEGIN_ARRAY || tok == WJB_BEGIN_OBJECT ||
					  tok == WJB_KEY || tok == WJB_VALUE || tok == WJB_ELEM))
			appendStringInfoChar(buf, ',');
		switch (tok)
		{
			case WJB_BEGIN_ARRAY:
				appendStringInfoChar(buf, '[');
				comma = false;
				break;
			case WJB_BEGIN_OBJECT:
				appendStringInfoChar(buf, '{');
				comma = false;
				break;
			case WJB_KEY:
				AppendJsonbScalar(buf, &v);
				appendStringInfoChar(buf, ':');
				comma = false;
				break;
			case WJB_END_ARRAY:
				appendStringInfoChar(buf, ']');
				comma = true;
				break;
			case WJB_END_OBJECT:
				appendStringInfoChar(buf, '}');
				comma = true;
				break;
			default:
				AppendJsonbScalar(buf, &v);
				comma = true;
				break;
		}
	}
}

/* Two digits. */
static inline char *
Digits2(char *p, int v)
{
	p[0] = '0' + v / 10;
	p[1] = '0' + v % 10;
	return p + 2;
}

/* YYYY-MM-DD of a day since 2000-01-01, years 1 to 9999; false otherwise. */
static bool
FormatDate(char *p, int64 day, char **end)
{
	int			year,
				month,
				mday;

	if (day < 1721426 - POSTGRES_EPOCH_JDATE || day > 5373484 - POSTGRES_EPOCH_JDATE)
		return false;			/* before 0001-01-01 or after 9999-12-31 */
	j2date((int) day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	if (year < 1 || year > 9999)
		return false;
	p[0] = '0' + year / 1000;
	p[1] = '0' + year / 100 % 10;
	p[2] = '0' + year / 10 % 10;
	p[3] = '0' + year % 10;
	p[4] = '-';
	p = Digits2(p + 5, month);
	*p++ = '-';
	*end = Digits2(p, mday);
	return true;
}

/*
 * A timestamp's JSON form, as JsonEncodeDateTime writes it, quoted:
 * "YYYY-MM-DDTHH:MM:SS[.ffffff]" with trailing zeros of the fraction
 * dropped, and for timestamptz the offset (+HH:MM).  Fast when the session
 * time zone has a single offset; otherwise, and for years outside 1-9999
 * or infinity, PostgreSQL's own code.
 */
static void
AppendTimestamp(StringInfo buf, Timestamp ts, bool with_zone)
{
	long		gmtoff = 0;
	char		out[MAXDATELEN + 3];
	char	   *p = out;
	int64		local = ts;
	int64		day,
				usec;

	if (TIMESTAMP_NOT_FINITE(ts) ||
		(with_zone && !pg_get_timezone_offset(session_timezone, &gmtoff)))
		goto slow;
	local += (int64) gmtoff * USECS_PER_SEC;
	day = local / USECS_PER_DAY;
	usec = local % USECS_PER_DAY;
	if (usec < 0)
	{
		day--;
		usec += USECS_PER_DAY;
	}
	*p++ = '"';
	if (!FormatDate(p, day, &p))
		goto slow;
	*p++ = 'T';
	p = Digits2(p, (int) (usec / USECS_PER_HOUR));
	*p++ = ':';
	p = Digits2(p, (int) (usec / USECS_PER_MINUTE % 60));
	*p++ = ':';
	p = Digits2(p, (int) (usec / USECS_PER_SEC % 60));
	if (usec % USECS_PER_SEC)
	{
		int			frac = (int) (usec % USECS_PER_SEC);
		int			digits = 6;

		while (frac % 10 == 0)
		{
			frac /= 10;
			digits--;
		}
		*p++ = '.';
		for (int i = digits - 1; i >= 0; i--, frac /= 10)
			p[i] = '0' + frac % 10;
		p += digits;
	}
	if (with_zone)
	{
		long		off = gmtoff < 0 ? -gmtoff : gmtoff;

		*p++ = gmtoff < 0 ? '-' : '+';
		p = Digits2(p, (int) (off / SECS_PER_HOUR));
		*p++ = ':';
		p = Digits2(p, (int) (off / SECS_PER_MINUTE % 60));
		if (off % SECS_PER_MINUTE)
		{
			*p++ = ':';
			p = Digits2(p, (int) (off % SECS_PER_MINUTE));
		}
	}
	*p++ = '"';
	appendBinaryStringInfo(buf, out, p - out);
	return;
slow:
	JsonEncodeDateTime(out, TimestampGetDatum(ts),
					   with_zone ? TIMESTAMPTZOID : TIMESTAMPOID, NULL);
	appendStringInfo(buf, "\"%s\"", out);
}

/* A date's JSON form, quoted. */
static void
AppendDate(StringInfo buf, DateADT date)
{
	char		out[MAXDATELEN + 3];
	char	   *p = out + 1;

	if (!DATE_NOT_FINITE(date) && FormatDate(p, date, &p))
	{
		out[0] = '"';
		*p++ = '"';
		appendBinaryStringInfo(buf, out, p - out);
		return;
	}
	JsonEncodeDateTime(out, DateADTGetDatum(date), DATEOID, NULL);
	appendStringInfo(buf, "\"%s\"", out);
}

/* A uuid as uuid_out writes it, quoted. */
static void
AppendUuid(StringInfo buf, pg_uuid_t *uuid)
{
	static const char hex[] = "0123456789abcdef";
	char		out[38];
	char	   *p = out;

	*p++ = '"';
	for (int i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[uuid->data[i] >> 4];
		*p++ = hex[uuid->data[i] & 0x0F];
	}
	*p++ = '"';
	appendBinaryStringInfo(buf, out, p - out);
}

/* A number's text: bare when it is a JSON number, else quoted (NaN...). */
static void
AppendNumberText(StringInfo buf, const char *s)
{
	int			len = strlen(s);

	if (IsValidJsonNumber(s, len))
		appendBinaryStringInfo(buf, s, len);
	else
		JsonAppendString(buf, s, len);
}

/* The category of a type, and what writing its values needs. */
void
OrmJsonTypeInit(OrmJsonType *t, Oid typid)
{
	Oid			base = getBaseType(typid);
	Oid			elem;
	Oid			outfunc;
	bool		varlena;

	memset(t, 0, sizeof(OrmJsonType));
	t->typid = base;
	switch (base)
	{
		case BOOLOID:
			t->kind = ORM_JSON_BOOL;
			return;
		case INT2OID:
			t->kind = ORM_JSON_INT2;
			return;
		case INT4OID:
			t->kind = ORM_JSON_INT4;
			return;
		case INT8OID:
			t->kind = ORM_JSON_INT8;
			return;
		case FLOAT8OID:
			t->kind = ORM_JSON_FLOAT8;
			return;
		case NUMERICOID:
			t->kind = ORM_JSON_NUMERIC;
			return;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			t->kind = ORM_JSON_TEXT;
			return;
		case UUIDOID:
			t->kind = ORM_JSON_UUID;
			return;
		case DATEOID:
			t->kind = ORM_JSON_DATE;
			return;
		case TIMESTAMPOID:
			t->kind = ORM_JSON_TIMESTAMP;
			return;
		case TIMESTAMPTZOID:
			t->kind = ORM_JSON_TIMESTAMPTZ;
			return;
		case JSONOID:
			t->kind = ORM_JSON_JSON;
			return;
		case JSONBOID:
			t->kind = ORM_JSON_JSONB;
			return;
		default:
			break;
	}
	if (OidIsValid(elem = get_element_type(base)))
	{
		t->kind = ORM_JSON_ARRAY;
		t->elem = palloc(sizeof(OrmJsonType));
		OrmJsonTypeInit(t->elem, elem);
		get_typlenbyvalalign(elem, &t->elmlen, &t->elmbyval, &t->elmalign);
		t->elemtype = elem;
		return;
	}
	if (type_is_rowtype(base))
	{
		t->kind = ORM_JSON_OTHER_JSON;	/* composites: as row_to_json writes */
		fmgr_info(F_ROW_TO_JSON_RECORD, &t->proc);
		return;
	}
	t->kind = base == FLOAT4OID ? ORM_JSON_NUMBER_TEXT : ORM_JSON_OTHER;
	if (base >= FirstNormalObjectId)
	{
		Oid			castfunc;

		if (find_coercion_pathway(JSONOID, base, COERCION_EXPLICIT, &castfunc) ==
			COERCION_PATH_FUNC && OidIsValid(castfunc))
		{
			t->kind = ORM_JSON_OTHER_JSON;
			fmgr_info(castfunc, &t->proc);
			return;
		}
	}
	getTypeOutputInfo(base, &outfunc, &varlena);
	fmgr_info(outfunc, &t->proc);
}

/* An array's dimension dim, from *next on, as nested JSON arrays. */
static void
AppendArrayDim(StringInfo buf, OrmJsonType *t, int dim, int ndims, int *dims,
			   Datum *values, bool *nulls, int *next)
{
	appendStringInfoChar(buf, '[');
	for (int i = 0; i < dims[dim]; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		if (dim + 1 < ndims)
			AppendArrayDim(buf, t, dim + 1, ndims, dims, values, nulls, next);
		else
		{
			if (nulls[*next])
				appendStringInfoString(buf, "null");
			else
				OrmJsonAppendValue(buf, t->elem, values[*next]);
			(*next)++;
		}
	}
	appendStringInfoChar(buf, ']');
}

static void
AppendArray(StringInfo buf, OrmJsonType *t, Datum value)
{
	ArrayType  *a = DatumGetArrayTypeP(value);
	int			ndims = ARR_NDIM(a);
	Datum	   *values;
	bool	   *nulls;
	int			n;
	int			next = 0;

	if (ndims == 0 || ArrayGetNItems(ndims, ARR_DIMS(a)) == 0)
	{
		appendStringInfoString(buf, "[]");
		return;
	}
	deconstruct_array(a, t->elemtype, t->elmlen, t->elmbyval, t->elmalign,
					  &values, &nulls, &n);
	AppendArrayDim(buf, t, 0, ndims, ARR_DIMS(a), values, nulls, &next);
	pfree(values);
	pfree(nulls);
}

/* A value that is not null, written as its type's category says. */
void
OrmJsonAppendValue(StringInfo buf, OrmJsonType *t, Datum value)
{
	switch (t->kind)
	{
		case ORM_JSON_BOOL:
			appendStringInfoString(buf, DatumGetBool(value) ? "true" : "false");
			break;
		case ORM_JSON_INT2:
		case ORM_JSON_INT4:
			enlargeStringInfo(buf, 12);
			buf->len += pg_ltoa(t->kind == ORM_JSON_INT2 ? DatumGetInt16(value) :
								DatumGetInt32(value), buf->data + buf->len);
			break;
		case ORM_JSON_INT8:
			enlargeStringInfo(buf, 21);
			buf->len += pg_lltoa(DatumGetInt64(value), buf->data + buf->len);
			break;
		case ORM_JSON_FLOAT8:
			AppendNumberText(buf, float8out_internal(DatumGetFloat8(value)));
			break;
		case ORM_JSON_NUMERIC:
			AppendNumberText(buf, DatumGetCString(DirectFunctionCall1(numeric_out, value)));
			break;
		case ORM_JSON_NUMBER_TEXT:
			AppendNumberText(buf, OutputFunctionCall(&t->proc, value));
			break;
		case ORM_JSON_TEXT:
			{
				text	   *s = DatumGetTextPP(value);

				JsonAppendString(buf, VARDATA_ANY(s), VARSIZE_ANY_EXHDR(s));
				break;
			}
		case ORM_JSON_UUID:
			AppendUuid(buf, DatumGetUUIDP(value));
			break;
		case ORM_JSON_DATE:
			AppendDate(buf, DatumGetDateADT(value));
			break;
		case ORM_JSON_TIMESTAMP:
			AppendTimestamp(buf, DatumGetTimestamp(value), false);
			break;
		case ORM_JSON_TIMESTAMPTZ:
			AppendTimestamp(buf, DatumGetTimestampTz(value), true);
			break;
		case ORM_JSON_JSON:
			{
				text	   *s = DatumGetTextPP(value);

				AppendCompactJson(buf, VARDATA_ANY(s), VARSIZE_ANY_EXHDR(s));
				break;
			}
		case ORM_JSON_JSONB:
			AppendCompactJsonb(buf, DatumGetJsonbP(value));
			break;
		case ORM_JSON_ARRAY:
			AppendArray(buf, t, value);
			break;
		case ORM_JSON_OTHER_JSON:
			{
				text	   *s = DatumGetTextPP(FunctionCall1(&t->proc, value));

				AppendCompactJson(buf, VARDATA_ANY(s), VARSIZE_ANY_EXHDR(s));
				break;
			}
		case ORM_JSON_OTHER:
			{
				char	   *s = OutputFunctionCall(&t->proc, value);

				JsonAppendString(buf, s, strlen(s));
				break;
			}
	}
}

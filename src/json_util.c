/*
 * json_util.c
 *		Small helpers over PostgreSQL's JSON and JSONB machinery.
 *
 * Model attributes arrive as json, not jsonb, because jsonb forgets the
 * order of object keys and Sequelize's column order is the order in which
 * attributes are written.  The order is read once with PostgreSQL's JSON
 * parser; everything else works on jsonb with its iterator.
 */
#include "postgres.h"

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonfuncs.h"
#include "utils/numeric.h"

#include "orm_util.h"

typedef struct KeyOrderState
{
	int			depth;
	List	   *keys;
} KeyOrderState;

#if PG_VERSION_NUM >= 160000
#define JSON_ACTION_RETURN(x) return (x)
typedef JsonParseErrorType JsonActionResult;
#else
#define JSON_ACTION_RETURN(x) return
typedef void JsonActionResult;
#endif

static JsonActionResult
KeyOrderEnter(void *state)
{
	((KeyOrderState *) state)->depth++;
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
KeyOrderLeave(void *state)
{
	((KeyOrderState *) state)->depth--;
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
KeyOrderField(void *state, char *fname, bool isnull)
{
	KeyOrderState *s = (KeyOrderState *) state;

	if (s->depth == 1)
		s->keys = lappend(s->keys, pstrdup(fname));
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

/* The keys of a json object, in the order written, duplicates kept. */
List *
OrmJsonKeyOrder(text *json)
{
	KeyOrderState state = {0, NIL};
	JsonSemAction sem = {0};
	JsonLexContext *lex;

#if PG_VERSION_NUM >= 170000
	lex = makeJsonLexContextCstringLen(NULL, VARDATA_ANY(json),
									   VARSIZE_ANY_EXHDR(json),
									   GetDatabaseEncoding(), true);
#else
	lex = makeJsonLexContextCstringLen(VARDATA_ANY(json),
									   VARSIZE_ANY_EXHDR(json),
									   GetDatabaseEncoding(), true);
#endif
	sem.semstate = &state;
	sem.object_start = KeyOrderEnter;
	sem.object_end = KeyOrderLeave;
	sem.array_start = KeyOrderEnter;
	sem.array_end = KeyOrderLeave;
	sem.object_field_start = KeyOrderField;
	pg_parse_json_or_ereport(lex, &sem);
	return state.keys;
}

typedef struct FieldTextState
{
	JsonLexContext *lex;
	int			depth;
	const char *start;			/* of the current top-level value */
	List	   *fields;			/* OrmJsonText * */
} FieldTextState;

static JsonActionResult
FieldTextEnter(void *state)
{
	((FieldTextState *) state)->depth++;
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
FieldTextLeave(void *state)
{
	((FieldTextState *) state)->depth--;
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
FieldTextStart(void *state, char *fname, bool isnull)
{
	FieldTextState *s = (FieldTextState *) state;

	if (s->depth == 1)
	{
		OrmJsonText *f = palloc(sizeof(OrmJsonText));

		f->key = pstrdup(fname);
		f->value = NULL;
		s->fields = lappend(s->fields, f);
		s->start = s->lex->token_start;
	}
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
FieldTextEnd(void *state, char *fname, bool isnull)
{
	FieldTextState *s = (FieldTextState *) state;

	if (s->depth == 1)
	{
		OrmJsonText *f = llast(s->fields);

		f->value = cstring_to_text_with_len(s->start,
											s->lex->prev_token_terminator - s->start);
	}
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

/*
 * The fields of a json object, in the order written, duplicates kept,
 * each value as its json text: one pass, where looking each field up
 * would read the document once per field.
 */
List *
OrmJsonFieldTexts(text *json)
{
	FieldTextState state = {0};
	JsonSemAction sem = {0};

#if PG_VERSION_NUM >= 170000
	state.lex = makeJsonLexContextCstringLen(NULL, VARDATA_ANY(json),
											 VARSIZE_ANY_EXHDR(json),
											 GetDatabaseEncoding(), true);
#else
	state.lex = makeJsonLexContextCstringLen(VARDATA_ANY(json),
											 VARSIZE_ANY_EXHDR(json),
											 GetDatabaseEncoding(), true);
#endif
	sem.semstate = &state;
	sem.object_start = FieldTextEnter;
	sem.object_end = FieldTextLeave;
	sem.array_start = FieldTextEnter;
	sem.array_end = FieldTextLeave;
	sem.object_field_start = FieldTextStart;
	sem.object_field_end = FieldTextEnd;
	pg_parse_json_or_ereport(state.lex, &sem);
	return state.fields;
}

/* The same document as jsonb. */
Jsonb *
OrmJsonToJsonb(text *json)
{
	char	   *cstr = text_to_cstring(json);

	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(cstr)));
}

/* The json text of one field of a json object; the field must exist. */
text *
OrmJsonGetField(text *json, const char *key)
{
	return DatumGetTextPP(DirectFunctionCall2(json_object_field,
											  PointerGetDatum(json),
											  CStringGetTextDatum(key)));
}

/* The key/value pairs of a jsonb object; nested containers stay binary. */
List *
OrmJsonFields(JsonbContainer *container)
{
	List	   *fields = NIL;
	JsonbIterator *it = JsonbIteratorInit(container);
	JsonbValue	v;
	JsonbIteratorToken r;

	while ((r = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		OrmJsonField *f;

		if (r != WJB_KEY)
			continue;
		f = palloc(sizeof(OrmJsonField));
		f->key = pnstrdup(v.val.string.val, v.val.string.len);
		r = JsonbIteratorNext(&it, &f->value, true);
		Assert(r == WJB_VALUE);
		fields = lappend(fields, f);
	}
	return fields;
}

/* The elements of a jsonb array; nested containers stay binary. */
List *
OrmJsonElements(JsonbContainer *container)
{
	List	   *elems = NIL;
	JsonbIterator *it = JsonbIteratorInit(container);
	JsonbValue	v;
	JsonbIteratorToken r;

	while ((r = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (r == WJB_ELEM)
		{
			JsonbValue *copy = palloc(sizeof(JsonbValue));

			*copy = v;
			elems = lappend(elems, copy);
		}
	}
	return elems;
}

/* Is this value a JSON object (a nested container that is an object)? */
bool
OrmJsonIsObject(JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

/* Is this value a JSON array? */
bool
OrmJsonIsArray(JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

/* The JSON type of a value, for error messages. */
const char *
OrmJsonTypeName(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		default:
			return OrmJsonIsObject(v) ? "object" : "array";
	}
}

/* A jsonb document's root as a value, for the helpers above. */
JsonbValue *
OrmJsonRoot(Jsonb *jb)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	if (JB_ROOT_IS_SCALAR(jb))
		return getIthJsonbValueFromContainer(&jb->root, 0);
	v->type = jbvBinary;
	v->val.binary.data = &jb->root;
	v->val.binary.len = VARSIZE(jb) - VARHDRSZ;
	return v;
}

/* A string value as a C string. */
char *
OrmJsonString(JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* Appends v as JSON.stringify writes it: no whitespace between tokens. */
static void
AppendCompact(StringInfo buf, JsonbValue *v)
{
	ListCell   *lc;

	check_stack_depth();
	switch (v->type)
	{
		case jbvNull:
			appendStringInfoString(buf, "null");
			return;
		case jbvBool:
			appendStringInfoString(buf, v->val.boolean ? "true" : "false");
			return;
		case jbvNumeric:
			appendStringInfoString(buf,
								   DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric))));
			return;
		case jbvString:
			escape_json(buf, OrmJsonString(v));
			return;
		default:
			break;
	}
	if (OrmJsonIsArray(v))
	{
		appendStringInfoChar(buf, '[');
		foreach(lc, OrmJsonElements(v->val.binary.data))
		{
			if (foreach_current_index(lc) > 0)
				appendStringInfoChar(buf, ',');
			AppendCompact(buf, lfirst(lc));
		}
		appendStringInfoChar(buf, ']');
		return;
	}
	appendStringInfoChar(buf, '{');
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(buf, ',');
		escape_json(buf, f->key);
		appendStringInfoChar(buf, ':');
		AppendCompact(buf, &f->value);
	}
	appendStringInfoChar(buf, '}');
}

/*
 * A JSON value as compact text (object keys in jsonb's order, which is
 * not always the order written).
 */
char *
OrmJsonCompact(JsonbValue *v)
{
	StringInfoData buf;

	initStringInfo(&buf);
	AppendCompact(&buf, v);
	return buf.data;
}

/* null, {} or []: a value that says nothing. */
bool
OrmJsonIsEmpty(JsonbValue *v)
{
	if (v->type == jbvNull)
		return true;
	if (v->type != jbvBinary)
		return false;
	return JsonContainerSize(v->val.binary.data) == 0;
}

/* The row of a vocabulary table with that name, or NULL. */
const OrmKeyword *
OrmFindKeyword(const void *table, int n, size_t rowsize, const char *name)
{
	for (int i = 0; i < n; i++)
	{
		const OrmKeyword *kw = (const OrmKeyword *) ((const char *) table +
													 i * rowsize);

		if (strcmp(kw->name, name) == 0)
			return kw;
	}
	return NULL;
}

/* "a, b, c": the keys of a vocabulary table that are not refused. */
char *
OrmKeywordList(const void *table, int n, size_t rowsize)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
	{
		const OrmKeyword *kw = (const OrmKeyword *) ((const char *) table +
													 i * rowsize);

		if (kw->use != ORM_KEY_REFUSED)
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", kw->name);
	}
	return buf.data;
}

typedef struct SpanScan
{
	JsonLexContext *lex;
	int			depth;			/* containers entered */
	int			max_depth;		/* containers entered up to it are expanded */
	OrmJsonSpan *top;
	OrmJsonSpan *added;			/* the member whose value comes next */
	OrmJsonSpan **open;			/* open[d]: the expanded container at depth d */
	int		   *capacity;		/* capacity[d]: of open[d]->members */
} SpanScan;

/* The kind of the token the lexer is at, as OrmJsonSpan has it. */
static char
TokenKind(JsonTokenType t)
{
	switch (t)
	{
		case JSON_TOKEN_OBJECT_START:
			return 'o';
		case JSON_TOKEN_ARRAY_START:
			return 'a';
		case JSON_TOKEN_STRING:
			return 's';
		case JSON_TOKEN_NUMBER:
			return 'n';
		case JSON_TOKEN_TRUE:
		case JSON_TOKEN_FALSE:
			return 'b';
		default:
			return 'z';
	}
}

/*
 * The container a member at the current depth belongs to, when it is
 * expanded, or NULL.
 */
static OrmJsonSpan *
Owner(SpanScan *s)
{
	return s->depth >= 1 && s->depth <= s->max_depth ? s->open[s->depth - 1] : NULL;
}

/* A new member of the current container, at the lexer's token. */
static void
AddMember(SpanScan *s, char *key)
{
	OrmJsonSpan *span = Owner(s);
	int		   *capacity;
	OrmJsonSpan *m;

	s->added = NULL;
	if (span == NULL)
		return;
	capacity = &s->capacity[s->depth - 1];
	if (span->nmembers == *capacity)
	{
		*capacity = *capacity ? *capacity * 2 : 8;
		span->members = span->members ?
			repalloc(span->members, sizeof(OrmJsonSpan) * *capacity) :
			palloc(sizeof(OrmJsonSpan) * *capacity);
	}
	m = &span->members[span->nmembers++];
	m->key = key;
	m->kind = TokenKind(s->lex->token_type);
	m->start = s->lex->token_start;
	m->len = 0;
	m->nmembers = 0;
	m->members = NULL;
	m->expanded = false;
	s->added = m;
}

/* The end of the current container's last member. */
static void
EndMember(SpanScan *s)
{
	OrmJsonSpan *span = Owner(s);

	/* its members array may have moved since the member began */
	if (span)
		span->members[span->nmembers - 1].len =
			s->lex->prev_token_terminator - span->members[span->nmembers - 1].start;
}

/*
 * An object or array begins: the top value, or the member just added;
 * expanded when within the depth scanned.
 */
static void
Enter(SpanScan *s, char kind)
{
	OrmJsonSpan *span = s->depth == 0 ? s->top : s->added;

	if (span)
		span->kind = kind;
	if (span && s->depth < s->max_depth)
	{
		span->expanded = true;
		s->open[s->depth] = span;
		s->capacity[s->depth] = 0;
	}
	s->depth++;
}

static JsonActionResult
ScanObjectStart(void *state)
{
	Enter(state, 'o');
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
ScanArrayStart(void *state)
{
	Enter(state, 'a');
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
ScanLeave(void *state)
{
	((SpanScan *) state)->depth--;
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
ScanFieldStart(void *state, char *fname, bool isnull)
{
	AddMember(state, fname);
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
ScanFieldEnd(void *state, char *fname, bool isnull)
{
	EndMember(state);
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
ScanElementStart(void *state, bool isnull)
{
	AddMember(state, NULL);
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

static JsonActionResult
ScanElementEnd(void *state, bool isnull)
{
	EndMember(state);
	JSON_ACTION_RETURN(JSON_SUCCESS);
}

/* The kind of a document that is a scalar, from its first character. */
static char
ScalarKind(const char *json, int len)
{
	int			i = 0;

	while (i < len && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' ||
					   json[i] == '\r'))
		i++;
	if (i == len)
		return 'z';
	switch (json[i])
	{
		case '"':
			return 's';
		case 't':
		case 'f':
			return 'b';
		case 'n':
			return 'z';
		default:
			return 'n';
	}
}

/*
 * A json text read once, as a value and its members, down to depth
 * levels of containers: 1, the top object's fields or array's elements;
 * 2, theirs too; and so on.  Every member with its name, kind and text;
 * values deeper left as text.  One pass of PostgreSQL's parser over the
 * whole document, so a large array of rows, or rows nested in rows, is
 * read once.
 */
OrmJsonSpan *
OrmJsonScan(const char *json, int len, int depth)
{
	SpanScan	s = {0};
	JsonSemAction sem = {0};

#if PG_VERSION_NUM >= 170000
	s.lex = makeJsonLexContextCstringLen(NULL, (char *) json, len,
										 GetDatabaseEncoding(), true);
#else
	s.lex = makeJsonLexContextCstringLen((char *) json, len,
										 GetDatabaseEncoding(), true);
#endif
	s.top = palloc0(sizeof(OrmJsonSpan));
	s.top->start = json;
	s.top->len = len;
	s.max_depth = Max(depth, 1);
	s.open = palloc(sizeof(OrmJsonSpan *) * s.max_depth);
	s.capacity = palloc(sizeof(int) * s.max_depth);
	sem.semstate = &s;
	sem.object_start = ScanObjectStart;
	sem.object_end = ScanLeave;
	sem.array_start = ScanArrayStart;
	sem.array_end = ScanLeave;
	sem.object_field_start = ScanFieldStart;
	sem.object_field_end = ScanFieldEnd;
	sem.array_element_start = ScanElementStart;
	sem.array_element_end = ScanElementEnd;
	pg_parse_json_or_ereport(s.lex, &sem);
	if (s.top->kind == '\0')	/* no callback for scalars: they cost a copy */
		s.top->kind = ScalarKind(json, len);
	return s.top;
}

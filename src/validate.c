/*
 * validate.c
 *		An attribute's "validate" -> CHECK constraints.
 *
 * Sequelize 6 runs these validators in JavaScript (instance-validator.js,
 * with validator.js 13 and Sequelize's validator-extras.js): each gets
 * String(value), and none runs on a null value.  Here each becomes the
 * same test in SQL, so a CHECK passes null by itself.  What SQL cannot
 * test exactly (custom functions, locales, most of validator.js's other
 * functions) is an error, never dropped.
 *
 * A constraint is named <table>_<column>_<validator>_check (shortened as
 * PostgreSQL shortens names, makeObjectName), and commented
 * "orm_models validate <validator> <fingerprint>[: msg]": the comment
 * marks it as sync's own and tells alter when its condition changed.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "common/hashfn.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"

#define COMMENT_PREFIX "orm_models validate "

/* JavaScript's \s, as the body of a bracket expression */
#define JS_SPACE "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"

/* validator.js's isIP patterns */
#define V4SEG "(?:[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])"
#define V4ADDR "(" V4SEG "[.]){3}" V4SEG
#define V6SEG "(?:[0-9a-fA-F]{1,4})"
#define V6ADDR "(" \
	"(?:" V6SEG ":){7}(?:" V6SEG "|:)|" \
	"(?:" V6SEG ":){6}(?:" V4ADDR "|:" V6SEG "|:)|" \
	"(?:" V6SEG ":){5}(?::" V4ADDR "|(:" V6SEG "){1,2}|:)|" \
	"(?:" V6SEG ":){4}(?:(:" V6SEG "){0,1}:" V4ADDR "|(:" V6SEG "){1,3}|:)|" \
	"(?:" V6SEG ":){3}(?:(:" V6SEG "){0,2}:" V4ADDR "|(:" V6SEG "){1,4}|:)|" \
	"(?:" V6SEG ":){2}(?:(:" V6SEG "){0,3}:" V4ADDR "|(:" V6SEG "){1,5}|:)|" \
	"(?:" V6SEG ":){1}(?:(:" V6SEG "){0,4}:" V4ADDR "|(:" V6SEG "){1,6}|:)|" \
	"(?::((?::" V6SEG "){0,5}:" V4ADDR "|(?::" V6SEG "){1,7}|:))" \
	")(%[0-9a-zA-Z.]{1,})?"

/* isFQDN with isEmail's and isURL's defaults: labels, a TLD, no "_" */
#define LABEL_CHAR "a-z0-9\\u00a1-\\uff00\\uff5f-\\uffff"
#define LABEL "[" LABEL_CHAR "]([" LABEL_CHAR "-]{0,61}[" LABEL_CHAR "])?"
#define TLD "([a-z\\u00a1-\\u00a8\\u00aa-\\ud7ff\\uf900-\\ufdcf\\ufdf0-\\uff00\\uff5f-\\uffef]{2,63}|xn[a-z0-9-]{1,60}[a-z0-9])"
#define FQDN "(" LABEL "\\.)+" TLD
#define EMAIL_ATOM "[a-z0-9!#$%&'*+/=?^_`{|}~\\u00a1-\\ud7ff\\uf900-\\ufdcf\\ufdf0-\\uffef-]+"
#define EMAIL "^" EMAIL_ATOM "(\\." EMAIL_ATOM ")*@" FQDN "$"
#define PORT "0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
#define AUTH "([^\\s<>/?#@:]+(:[^\\s<>/?#@:]*)?|:[^\\s<>/?#@:]+)@"
#define URL "^((https?|ftp)://)?(" AUTH ")?(" FQDN "|" V4ADDR "|\\[" V6ADDR "\\])(:(" PORT ")?)?([/?#][^\\s<>]*)?$"

/* One validator being turned into SQL. */
typedef struct VCtx
{
	OrmModel   *m;
	OrmAttribute *a;
	const char *key;			/* the validator's name */
	List	   *args;			/* JsonbValue *, Sequelize's validatorArgs */
	char	   *msg;
	const char *col;			/* the quoted column */
	const char *text;			/* the column as text: String(value) */
} VCtx;

typedef char *(*VBuilder) (VCtx *cx);

/* Fails: the validator's arguments are not what it takes. */
static void
BadArgs(VCtx *cx, const char *expected)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("invalid arguments for validator \"%s\" of attribute \"%s.%s\"",
				   cx->key, cx->m->name, cx->a->name),
			errdetail("The validator takes %s.", expected));
}

/* Fails: Sequelize would do something SQL cannot do here. */
static void
CannotEnforce(VCtx *cx, const char *why)
{
	ereport(ERROR,
			errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			errmsg("validator \"%s\" of attribute \"%s.%s\" cannot be enforced by a CHECK constraint",
				   cx->key, cx->m->name, cx->a->name),
			errdetail("%s", why));
}

/* The only argument, or an error. */
static JsonbValue *
OneArg(VCtx *cx, const char *expected)
{
	if (list_length(cx->args) != 1)
		BadArgs(cx, expected);
	return linitial(cx->args);
}

static char *
StringArg(VCtx *cx, JsonbValue *v, const char *expected)
{
	if (v->type != jbvString)
		BadArgs(cx, expected);
	return OrmJsonString(v);
}

/* A JSON number as SQL numeric text. */
static char *
NumberArg(VCtx *cx, JsonbValue *v, const char *expected)
{
	if (v->type != jbvNumeric)
		BadArgs(cx, expected);
	return DatumGetCString(DirectFunctionCall1(numeric_out,
											   NumericGetDatum(v->val.numeric)));
}

/*
 * A validator that takes no arguments: true, or an object of options that
 * holds only "msg".  false is refused: Sequelize still runs the validator.
 */
static void
NoArgs(VCtx *cx)
{
	JsonbValue *v = cx->args ? linitial(cx->args) : NULL;

	if (list_length(cx->args) > 1)
		BadArgs(cx, "no arguments (write true)");
	if (v && v->type == jbvBool && !v->val.boolean)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("validator \"%s\" of attribute \"%s.%s\" is false",
					   cx->key, cx->m->name, cx->a->name),
				errdetail("Sequelize runs a validator set to false all the same."),
				errhint("Remove the key to turn the validator off."));
	if (v && OrmJsonIsObject(v))
	{
		ListCell   *lc;

		foreach(lc, OrmJsonFields(v->val.binary.data))
			if (strcmp(((OrmJsonField *) lfirst(lc))->key, "msg") != 0)
				CannotEnforce(cx, psprintf("Its option \"%s\" is not supported.",
										   ((OrmJsonField *) lfirst(lc))->key));
	}
	else if (v && v->type != jbvBool)
		BadArgs(cx, "no arguments (write true)");
}

/* text OPERATOR(pg_catalog.op) 'literal' */
static char *
Compare(const char *expr, const char *op, const char *literal)
{
	return psprintf("%s OPERATOR(pg_catalog.%s) %s", expr, op,
					quote_literal_cstr(literal));
}

/* A regular expression test of the column's text. */
static char *
Match(VCtx *cx, const char *re, bool icase, bool negate)
{
	return Compare(cx->text, negate ? (icase ? "!~*" : "!~") :
				   (icase ? "~*" : "~"), re);
}

/* Appends a JavaScript escape (after the backslash) as an ARE one. */
static const char *
TranslateEscape(VCtx *cx, const char *p, bool inclass, StringInfo out)
{
	char		c = *p;

	switch (c)
	{
		case 'd':
			appendStringInfoString(out, inclass ? "0-9" : "[0-9]");
			return p;
		case 'w':
			appendStringInfoString(out, inclass ? "A-Za-z0-9_" : "[A-Za-z0-9_]");
			return p;
		case 's':
			appendStringInfoString(out, inclass ? JS_SPACE : "[" JS_SPACE "]");
			return p;
		case 'D':
		case 'W':
		case 'S':
		case 'B':
			if (inclass)
				break;
			appendStringInfoString(out, c == 'D' ? "[^0-9]" : c == 'W' ?
								   "[^A-Za-z0-9_]" : c == 'S' ? "[^" JS_SPACE "]" : "\\Y");
			return p;
		case 'b':
			appendStringInfoString(out, inclass ? "\\b" : "\\y");
			return p;
		case 'x':
			if (!isxdigit((unsigned char) p[1]) || !isxdigit((unsigned char) p[2]))
				break;
			appendStringInfo(out, "\\u00%c%c", p[1], p[2]);
			return p + 2;
		case 'u':
			for (int i = 1; i <= 4; i++)
				if (!isxdigit((unsigned char) p[i]))
					goto refuse;
			appendStringInfo(out, "\\u%.4s", p + 1);
			return p + 4;
		case 't':
		case 'n':
		case 'r':
		case 'f':
		case 'v':
			appendStringInfo(out, "\\%c", c);
			return p;
		default:
			if (c >= '1' && c <= '9' && !inclass)
			{
				appendStringInfo(out, "\\%c", c);
				return p;
			}
			if (c != '\0' && !isalnum((unsigned char) c) && !IS_HIGHBIT_SET(c))
			{
				appendStringInfo(out, "\\%c", c);
				return p;
			}
	}
refuse:
	CannotEnforce(cx, psprintf("The escape \"\\%c\" has no exact counterpart in PostgreSQL's regular expressions here.", c));
	return p;
}

/*
 * A JavaScript regular expression as a PostgreSQL ARE that matches the
 * same strings: \d \w \s spelled out (ASCII and JavaScript's spaces, not
 * the locale's), \b as \y, "." without line terminators unless dotall.
 * What has no exact counterpart is refused.
 */
static char *
TranslateRegex(VCtx *cx, const char *src, bool dotall)
{
	StringInfoData out;
	bool		inclass = false;

	initStringInfo(&out);
	for (const char *p = src; *p; p++)
	{
		if (*p == '\\')
			p = TranslateEscape(cx, p + 1, inclass, &out);
		else if (inclass)
		{
			inclass = *p != ']';
			if (*p == '[')
				appendStringInfoChar(&out, '\\');
			appendStringInfoChar(&out, *p);
		}
		else if (*p == '[')
		{
			if (p[1] == ']' || (p[1] == '^' && p[2] == ']'))
				CannotEnforce(cx, "The empty classes [] and [^] have no counterpart in PostgreSQL.");
			inclass = true;
			appendStringInfoChar(&out, '[');
			if (p[1] == '^')
				appendStringInfoChar(&out, *++p);
		}
		else if (*p == '.' && !dotall)
			appendStringInfoString(&out, "[^\\n\\r\\u2028\\u2029]");
		else if (strncmp(p, "(?<", 3) == 0 && p[3] != '=' && p[3] != '!')
			CannotEnforce(cx, "Named groups have no counterpart in PostgreSQL.");
		else
			appendStringInfoChar(&out, *p);
	}
	if (inclass)
		BadArgs(cx, "a regular expression (this one has an unclosed \"[\")");
	return out.data;
}

/* Compiles a pattern now, so that a bad one fails at define, not at sync. */
static void
CheckRegex(const char *re, bool icase)
{
	(void) DirectFunctionCall2Coll(icase ? texticregexeq : textregexeq,
								   DEFAULT_COLLATION_OID,
								   CStringGetTextDatum(""),
								   CStringGetTextDatum(re));
}

/* is / not: a pattern, or [pattern, flags] */
static char *
BuildRegex(VCtx *cx)
{
	const char *expected = "a pattern string, or [pattern, flags]";
	char	   *flags = "";
	bool		icase = false;
	bool		dotall = false;
	bool		multiline = false;
	char	   *re;

	if (list_length(cx->args) < 1 || list_length(cx->args) > 2)
		BadArgs(cx, expected);
	if (list_length(cx->args) == 2)
		flags = StringArg(cx, lsecond(cx->args), expected);
	for (const char *f = flags; *f; f++)
	{
		if (strchr(f + 1, *f) || !strchr("dgimsuyv", *f))
			BadArgs(cx, "flags of JavaScript's RegExp, each once");
		if (*f == 'y' || *f == 'v')
			CannotEnforce(cx, psprintf("The regular expression flag \"%c\" has no counterpart in PostgreSQL.", *f));
		icase |= *f == 'i';
		dotall |= *f == 's';
		multiline |= *f == 'm';
	}
	re = TranslateRegex(cx, StringArg(cx, linitial(cx->args), expected), dotall);
	if (multiline)
		re = psprintf("(?w)%s", re);
	CheckRegex(re, icase);
	return Match(cx, re, icase, strcmp(cx->key, "not") == 0);
}

/*
 * len: [min, max], [min] or min.  validator.js's isLength counts UTF-16
 * code units less surrogate pairs and variation selectors after another
 * character: code points, less those selectors.
 */
static char *
BuildLen(VCtx *cx)
{
	const char *expected = "[min, max], [min] or min, non-negative integers";
	char	   *len = psprintf("pg_catalog.char_length(pg_catalog.regexp_replace(%s, %s, '.', 'g'))",
							   cx->text, quote_literal_cstr("[^\\ufe0e\\ufe0f][\\ufe0e\\ufe0f]"));
	char	   *bound[2] = {NULL, NULL};

	if (list_length(cx->args) < 1 || list_length(cx->args) > 2)
		BadArgs(cx, expected);
	for (int i = 0; i < list_length(cx->args); i++)
	{
		bound[i] = NumberArg(cx, list_nth(cx->args, i), expected);
		if (strspn(bound[i], "0123456789") != strlen(bound[i]))
			BadArgs(cx, expected);
	}
	if (bound[1] == NULL)
		return Compare(len, ">=", bound[0]);
	return psprintf("%s AND %s", Compare(len, ">=", bound[0]),
					Compare(len, "<=", bound[1]));
}

/* notEmpty: not only JavaScript whitespace (\s) */
static char *
BuildNotEmpty(VCtx *cx)
{
	NoArgs(cx);
	return Match(cx, "^[" JS_SPACE "]*$", false, true);
}

/* isNull, Sequelize's name for isEmpty: the empty string */
static char *
BuildIsNull(VCtx *cx)
{
	NoArgs(cx);
	return Compare(cx->text, "=", "");
}

/* equals: exactly this string */
static char *
BuildEquals(VCtx *cx)
{
	return Compare(cx->text, "=", StringArg(cx, OneArg(cx, "a string"), "a string"));
}

/* contains / notContains: a non-empty substring */
static char *
BuildContains(VCtx *cx)
{
	char	   *s = StringArg(cx, OneArg(cx, "a string"), "a string");

	if (s[0] == '\0')
		BadArgs(cx, "a non-empty string (Sequelize's contains is false for \"\")");
	return psprintf("pg_catalog.strpos(%s, %s) OPERATOR(pg_catalog.%s) 0", cx->text,
					quote_literal_cstr(s), strcmp(cx->key, "contains") == 0 ? ">" : "=");
}

/* A JSON scalar as JavaScript's String() of it. */
static char *
JsString(VCtx *cx, JsonbValue *v)
{
	if (v->type == jbvString)
		return OrmJsonString(v);
	if (v->type == jbvNumeric)
		return NumberArg(cx, v, "");
	if (v->type == jbvBool)
		return v->val.boolean ? "true" : "false";
	BadArgs(cx, "a list of strings, numbers or booleans: [[\"a\", \"b\"]]");
	return NULL;
}

/* isIn / notIn: [[values]] */
static char *
BuildIn(VCtx *cx)
{
	const char *expected = "one list of values: [[\"a\", \"b\"]]";
	JsonbValue *list = OneArg(cx, expected);
	StringInfoData buf;
	ListCell   *lc;

	if (!OrmJsonIsArray(list))
		BadArgs(cx, expected);
	initStringInfo(&buf);
	appendStringInfo(&buf, "%s%s OPERATOR(pg_catalog.=) ANY (ARRAY[",
					 strcmp(cx->key, "notIn") == 0 ? "NOT " : "", cx->text);
	foreach(lc, OrmJsonElements(list->val.binary.data))
		appendStringInfo(&buf, "%s%s", foreach_current_index(lc) ? ", " : "",
						 quote_literal_cstr(JsString(cx, lfirst(lc))));
	appendStringInfoString(&buf, "]::pg_catalog.text[])");
	return buf.data;
}

/* The options object of isInt / isFloat: bounds, as a condition on num. */
static char *
Bounds(VCtx *cx, const char *num, bool *leading_zeroes)
{
	static const char *const keys[] = {"min", "max", "gt", "lt"};
	static const char *const ops[] = {">=", "<=", ">", "<"};
	JsonbValue *v = OneArg(cx, "true or an options object");
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	if (v->type == jbvBool)
	{
		NoArgs(cx);
		return buf.data;
	}
	if (!OrmJsonIsObject(v))
		BadArgs(cx, "true or an options object");
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		int			i;

		for (i = 0; i < (int) lengthof(keys) && strcmp(f->key, keys[i]) != 0; i++)
			;
		if (strcmp(f->key, "msg") == 0 || f->value.type == jbvNull)
			continue;
		if (leading_zeroes && strcmp(f->key, "allow_leading_zeroes") == 0 &&
			f->value.type == jbvBool)
			*leading_zeroes = f->value.val.boolean;
		else if (i == (int) lengthof(keys))
			CannotEnforce(cx, psprintf("Its option \"%s\" is not supported.", f->key));
		else
			appendStringInfo(&buf, "%s%s OPERATOR(pg_catalog.%s) %s::pg_catalog.numeric",
							 buf.len ? " AND " : "", num, ops[i], quote_literal_cstr(NumberArg(cx, &f->value, "numbers as bounds")));
	}
	return buf.data;
}

/*
 * A pattern test, then bounds on the number it lets through (a CASE, so
 * that only a number is cast; null falls through to null).
 */
static char *
PatternAndBounds(VCtx *cx, const char *re, const char *bounds)
{
	if (bounds[0] == '\0')
		return Match(cx, re, false, false);
	return psprintf("CASE WHEN %s THEN false ELSE %s END", Match(cx, re, false, true),
					bounds);
}

/* isInt: [-+]digits, leading zeroes allowed unless told otherwise */
static char *
BuildIsInt(VCtx *cx)
{
	bool		zeroes = true;
	char	   *num = psprintf("%s::pg_catalog.numeric", cx->text);
	char	   *bounds = Bounds(cx, num, &zeroes);

	return PatternAndBounds(cx, zeroes ? "^[-+]?[0-9]+$" : "^[-+]?(0|[1-9][0-9]*)$", bounds);
}

/*
 * isFloat: validator.js's float pattern, and not "", ".", "-", "+".  With
 * bounds, a value without digits is parseFloat's NaN, which no bound
 * lets through: only values with digits are cast and compared.
 */
static char *
BuildIsFloat(VCtx *cx)
{
	char	   *num = psprintf("%s::pg_catalog.float8", cx->text);
	char	   *bounds = Bounds(cx, num, NULL);

	if (bounds[0] != '\0')
		return PatternAndBounds(cx, "^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$", bounds);
	return psprintf("%s AND NOT %s OPERATOR(pg_catalog.=) ANY (ARRAY['', '.', '-', '+'])",
					Match(cx, "^[-+]?([0-9]+)?(\\.[0-9]*)?([eE][-+]?[0-9]+)?$", false, false),
					cx->text);
}

/* isDecimal, as validator-extras.js has it */
static char *
BuildIsDecimal(VCtx *cx)
{
	NoArgs(cx);
	return psprintf("%s AND %s", Compare(cx->text, "<>", ""),
					Match(cx, "^(-?[0-9]+)?(\\.[0-9]*)?([eE][-+]?[0-9]+)?$", false, false));
}

/* isNumeric: [+-]digits with an optional decimal point; no_symbols */
static char *
BuildIsNumeric(VCtx *cx)
{
	JsonbValue *v = cx->args ? linitial(cx->args) : NULL;

	if (v && OrmJsonIsObject(v))
	{
		JsonbValue *ns = getKeyJsonValueFromContainer(v->val.binary.data,
													  "no_symbols", 10, NULL);

		if (ns && ns->type == jbvBool && ns->val.boolean &&
			list_length(OrmJsonFields(v->val.binary.data)) == 1)
			return Match(cx, "^[0-9]+$", false, false);
	}
	NoArgs(cx);
	return Match(cx, "^[+-]?([0-9]*[.])?[0-9]+$", false, false);
}

/* The validators that are one fixed pattern, given no arguments. */
static char *
BuildPattern(VCtx *cx)
{
	static const char *const patterns[][2] = {
		{"isAlpha", "^[A-Za-z]+$"},
		{"isAlphanumeric", "^[0-9A-Za-z]+$"},
		{"isHexadecimal", "^(0[xXhH])?[0-9A-Fa-f]+$"},
		{"isIPv4", "^" V4ADDR "$"},
		{"isIPv6", "^" V6ADDR "$"},
	};

	JsonbValue *v = list_length(cx->args) == 1 ? linitial(cx->args) : NULL;

	if ((strcmp(cx->key, "isAlpha") == 0 || strcmp(cx->key, "isAlphanumeric") == 0) &&
		v && v->type == jbvString)
	{
		if (strcmp(OrmJsonString(v), "en-US") != 0)
			CannotEnforce(cx, "Only the locale \"en-US\" is supported.");
	}
	else
		NoArgs(cx);
	for (int i = 0; i < (int) lengthof(patterns); i++)
		if (strcmp(cx->key, patterns[i][0]) == 0)
			return Match(cx, patterns[i][1], false, false);
	elog(ERROR, "no pattern for validator \"%s\"", cx->key);
	return NULL;
}

/* isIP: any version (Sequelize drops a version not given in an array), 4 or 6 */
static char *
BuildIsIP(VCtx *cx)
{
	char	   *version = cx->args ? JsString(cx, OneArg(cx, "[4] or [6]")) : "";

	if (strcmp(version, "4") == 0)
		return Match(cx, "^" V4ADDR "$", false, false);
	if (strcmp(version, "6") == 0)
		return Match(cx, "^" V6ADDR "$", false, false);
	if (version[0] != '\0')
		BadArgs(cx, "[4] or [6]");
	return Match(cx, "^(" V4ADDR "|" V6ADDR ")$", false, false);
}

/* isUUID: a version 1-8, "all", "loose", "nil" or "max" */
static char *
BuildIsUUID(VCtx *cx)
{
	const char *expected = "a UUID version: 1 to 8, \"all\", \"loose\", \"nil\" or \"max\"";
	char	   *v = cx->args ? JsString(cx, OneArg(cx, expected)) : "all";
	const char *hex = "[0-9A-Fa-f]";

	if (strlen(v) == 1 && v[0] >= '1' && v[0] <= '8')
		return Match(cx, psprintf("^%s{8}-%s{4}-%c%s{3}-[89ABab]%s{3}-%s{12}$",
								  hex, hex, v[0], hex, hex, hex), false, false);
	if (strcmp(v, "loose") == 0)
		return Match(cx, psprintf("^%s{8}-%s{4}-%s{4}-%s{4}-%s{12}$", hex, hex, hex, hex, hex),
					 false, false);
	if (strcmp(v, "nil") == 0)
		return Match(cx, "^00000000-0000-0000-0000-000000000000$", false, false);
	if (strcmp(v, "max") == 0)
		return Match(cx, "^[fF]{8}-[fF]{4}-[fF]{4}-[fF]{4}-[fF]{12}$", false, false);
	if (strcmp(v, "all") != 0)
		BadArgs(cx, expected);
	return Match(cx, "^([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
				 "|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$",
				 true, false);
}

/* isLowercase / isUppercase: unchanged by lower() / upper() */
static char *
BuildCase(VCtx *cx)
{
	NoArgs(cx);
	return psprintf("%s OPERATOR(pg_catalog.=) pg_catalog.%s(%s)", cx->text,
					strcmp(cx->key, "isLowercase") == 0 ? "lower" : "upper", cx->text);
}

/*
 * isEmail / isUrl: validator.js's default options as one pattern (quoted
 * local parts and IP-literal domains are not accepted).  Sequelize drops
 * any other option when a msg is given, and so does this.
 */
static char *
BuildEmailUrl(VCtx *cx)
{
	bool		email = strcmp(cx->key, "isEmail") == 0;

	NoArgs(cx);
	if (email)
		return psprintf("pg_catalog.char_length(%s) OPERATOR(pg_catalog.<=) 254 AND "
						"pg_catalog.octet_length(pg_catalog.split_part(%s, '@', 1)) OPERATOR(pg_catalog.<=) 64 AND "
						"pg_catalog.octet_length(pg_catalog.split_part(%s, '@', 2)) OPERATOR(pg_catalog.<=) 254 AND %s",
						cx->text, cx->text, cx->text, Match(cx, EMAIL, true, false));
	return psprintf("pg_catalog.char_length(%s) OPERATOR(pg_catalog.<=) 2084 AND %s AND %s",
					cx->text, Match(cx, "^mailto:", false, true), Match(cx, URL, true, false));
}

/*
 * The type class of an attribute's column: 'S' when its text is the
 * String(value) Sequelize checks, 'N'umeric, 'D'ate/time, else 'X'.  (Not
 * inet: its text cast adds the netmask.)
 */
static char
TypeClass(OrmAttribute *a)
{
	Oid			base;
	char		cat;

	if (a->enum_values)
		return 'S';
	base = getBaseType(a->typid);
	cat = TypeCategory(base);
	if (cat == TYPCATEGORY_NUMERIC || cat == TYPCATEGORY_DATETIME)
		return cat;
	if (cat == TYPCATEGORY_STRING || cat == TYPCATEGORY_BOOLEAN ||
		cat == TYPCATEGORY_ENUM || base == UUIDOID)
		return 'S';
	return 'X';
}

/* min / max: a number; NaN passes, as parseFloat's NaN does in Sequelize */
static char *
BuildMinMax(VCtx *cx)
{
	bool		is_float = getBaseType(cx->a->typid) == FLOAT4OID ||
		getBaseType(cx->a->typid) == FLOAT8OID;
	const char *type = is_float ? "pg_catalog.float8" : "pg_catalog.numeric";
	char	   *n = NumberArg(cx, OneArg(cx, "a number"), "a number");
	bool		min = strcmp(cx->key, "min") == 0;
	char	   *cmp = psprintf("%s OPERATOR(pg_catalog.%s) %s::%s", cx->col,
							   min ? ">=" : "<=", quote_literal_cstr(n), type);

	if (min || getBaseType(cx->a->typid) == INT2OID ||
		getBaseType(cx->a->typid) == INT4OID || getBaseType(cx->a->typid) == INT8OID)
		return cmp;
	return psprintf("(%s OR %s OPERATOR(pg_catalog.=) 'NaN'::%s)", cmp, cx->col, type);
}

/* isAfter / isBefore: a fixed date, in the column's own type */
static char *
BuildAfterBefore(VCtx *cx)
{
	char	   *date = StringArg(cx, OneArg(cx, "a date string"), "a date string");
	char	   *type = format_type_extended(cx->a->typid, -1, FORMAT_TYPE_FORCE_QUALIFY);

	OrmInputValue(date, cx->a->typid, -1, cx->m->name, cx->a->name);
	return psprintf("%s OPERATOR(pg_catalog.%s) %s::%s", cx->col,
					strcmp(cx->key, "isAfter") == 0 ? ">" : "<",
					quote_literal_cstr(date), type);
}

/*
 * isDate on a date/time column: the type already is the check.  notNull:
 * only the message of allowNull false, as Sequelize requires.
 */
static char *
BuildNothing(VCtx *cx)
{
	NoArgs(cx);
	if (strcmp(cx->key, "notNull") == 0 && cx->a->allow_null)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("validator \"notNull\" of attribute \"%s.%s\" needs \"allowNull\": false",
					   cx->m->name, cx->a->name),
				errdetail("Sequelize allows notNull only to give allowNull false its message."));
	return NULL;
}

typedef struct Validator
{
	const char *name;
	VBuilder	build;
	char		types;			/* the type class it takes: S, N, D */
} Validator;

static const Validator validators[] = {
	{"len", BuildLen, 'S'}, {"notEmpty", BuildNotEmpty, 'S'},
	{"is", BuildRegex, 'S'}, {"not", BuildRegex, 'S'},
	{"equals", BuildEquals, 'S'}, {"contains", BuildContains, 'S'},
	{"notContains", BuildContains, 'S'}, {"isIn", BuildIn, 'S'},
	{"notIn", BuildIn, 'S'}, {"isInt", BuildIsInt, 'S'},
	{"isFloat", BuildIsFloat, 'S'}, {"isDecimal", BuildIsDecimal, 'S'},
	{"isNumeric", BuildIsNumeric, 'S'}, {"isAlpha", BuildPattern, 'S'},
	{"isAlphanumeric", BuildPattern, 'S'}, {"isHexadecimal", BuildPattern, 'S'},
	{"isIPv4", BuildPattern, 'S'}, {"isIPv6", BuildPattern, 'S'},
	{"isIP", BuildIsIP, 'S'}, {"isUUID", BuildIsUUID, 'S'},
	{"isLowercase", BuildCase, 'S'}, {"isUppercase", BuildCase, 'S'},
	{"isEmail", BuildEmailUrl, 'S'}, {"isUrl", BuildEmailUrl, 'S'},
	{"isURL", BuildEmailUrl, 'S'}, {"isNull", BuildIsNull, 'S'},
	{"min", BuildMinMax, 'N'}, {"max", BuildMinMax, 'N'},
	{"isAfter", BuildAfterBefore, 'D'}, {"isBefore", BuildAfterBefore, 'D'},
	{"isDate", BuildNothing, 'D'}, {"notNull", BuildNothing, '*'},
};

/* Validators of validator.js and Sequelize that no CHECK here expresses. */
static const char *const unsupported[] = {
	"matches", "isMACAddress", "isIPRange", "isFQDN", "isBoolean", "isIBAN",
	"isBIC", "isAbaRouting", "isPassportNumber", "isPort", "isAscii",
	"isFullWidth", "isHalfWidth", "isVariableWidth", "isMultibyte", "isSemVer",
	"isSurrogatePair", "isIMEI", "isOctal", "isDivisibleBy", "isHexColor",
	"isRgbColor", "isHSL", "isISRC", "isMD5", "isHash", "isJWT", "isJSON",
	"isEmpty", "isLength", "isLocale", "isByteLength", "isULID", "isMongoId",
	"isLuhnNumber", "isCreditCard", "isIdentityCard", "isEAN", "isISIN",
	"isISBN", "isISSN", "isMobilePhone", "isPostalCode", "isEthereumAddress",
	"isCurrency", "isBtcAddress", "isISO6346", "isFreightContainerID",
	"isISO6391", "isISO8601", "isISO15924", "isRFC3339", "isISO31661Alpha2",
	"isISO31661Alpha3", "isISO31661Numeric", "isISO4217", "isBase32",
	"isBase58", "isBase64", "isDataURI", "isMagnetURI", "isMailtoURI",
	"isMimeType", "isLatLong", "isWhitelisted", "isSlug", "isStrongPassword",
	"isTaxID", "isTime", "isLicensePlate", "isVAT", "isImmutable", "regex",
	"notRegex",
};

/* The validator of this name, or an error. */
static const Validator *
FindValidator(VCtx *cx)
{
	for (int i = 0; i < (int) lengthof(validators); i++)
		if (strcmp(validators[i].name, cx->key) == 0)
			return &validators[i];
	for (int i = 0; i < (int) lengthof(unsupported); i++)
		if (strcmp(unsupported[i], cx->key) == 0)
			CannotEnforce(cx, "Only these validators become CHECK constraints: len, notEmpty, is, not, equals, contains, notContains, isIn, notIn, isInt, isFloat, isDecimal, isNumeric, isAlpha, isAlphanumeric, isHexadecimal, isIP, isIPv4, isIPv6, isUUID, isLowercase, isUppercase, isEmail, isUrl, isNull, min, max, isAfter, isBefore, isDate, notNull.");
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("unrecognized validator \"%s\" for attribute \"%s.%s\"",
				   cx->key, cx->m->name, cx->a->name),
			errdetail("Custom validator functions cannot be written in JSON."));
	return NULL;
}

/*
 * Sequelize's validatorArgs (_extractValidatorArgs): test.args or test,
 * an array as the arguments, anything else as the one argument (none for
 * isIP and, unless a string, isAlpha and isAlphanumeric); "msg" aside.
 */
static void
ExtractArgs(VCtx *cx, JsonbValue *test)
{
	JsonbValue *raw = test;

	if (OrmJsonIsObject(test))
	{
		JsonbValue *args = getKeyJsonValueFromContainer(test->val.binary.data, "args", 4, NULL);
		JsonbValue *msg = getKeyJsonValueFromContainer(test->val.binary.data, "msg", 3, NULL);
		ListCell   *lc;

		if (msg && msg->type != jbvString)
			BadArgs(cx, "a string as \"msg\"");
		cx->msg = msg ? OrmJsonString(msg) : NULL;
		if (args)
		{
			raw = args;
			foreach(lc, OrmJsonFields(test->val.binary.data))
				if (strcmp(((OrmJsonField *) lfirst(lc))->key, "args") != 0 &&
					strcmp(((OrmJsonField *) lfirst(lc))->key, "msg") != 0)
					BadArgs(cx, "{\"args\": ..., \"msg\": ...} and no other key beside them");
		}
	}
	if (OrmJsonIsArray(raw))
		cx->args = OrmJsonElements(raw->val.binary.data);
	else if (strcmp(cx->key, "isIP") == 0 ||
			 ((strcmp(cx->key, "isAlpha") == 0 || strcmp(cx->key, "isAlphanumeric") == 0) &&
			  raw->type != jbvString))
		cx->args = NIL;
	else
		cx->args = list_make1(raw);
}

/* The constraint name: <table>_<column>_<validator>_check, shortened. */
static char *
CheckName(OrmModel *m, OrmAttribute *a, const char *validator)
{
	return makeObjectName(m->table_name, a->field, psprintf("%s_check", validator));
}

static void
ValidatorContext(void *arg)
{
	VCtx	   *cx = arg;

	errcontext("validator \"%s\" of attribute \"%s.%s\"", cx->key, cx->m->name, cx->a->name);
}

/* One key of "validate" -> its CHECK, or NULL when none is needed. */
static OrmCheck *
ParseValidator(OrmModel *m, OrmAttribute *a, OrmJsonField *f)
{
	VCtx		cx = {m, a, f->key, NIL, NULL, quote_identifier(a->field), NULL};
	const Validator *v = FindValidator(&cx);
	char		cls = TypeClass(a);
	Oid			base = a->enum_values ? InvalidOid : getBaseType(a->typid);
	OrmCheck   *c;
	char	   *expr;

	if (v->types != '*' && v->types != cls && !(v->types == 'S' && cls == 'N'))
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("validator \"%s\" cannot be checked on attribute \"%s.%s\" of type %s",
					   f->key, m->name, a->name, a->type_name),
				errdetail("%s", v->types == 'N' ? "It takes a numeric type." :
						  v->types == 'D' ? "It takes a date or time type." :
						  "It takes a type whose text is the value Sequelize checks: strings, numbers, booleans, UUIDs, ENUMs."));
	cx.text = base == TEXTOID || base == VARCHAROID ? cx.col :
		psprintf("%s::pg_catalog.text", cx.col);
	ExtractArgs(&cx, &f->value);
	expr = v->build(&cx);
	if (expr == NULL)
		return NULL;
	c = palloc0(sizeof(OrmCheck));
	c->validator = pstrdup(f->key);
	c->name = CheckName(m, a, f->key);
	c->expr = expr;
	c->msg = cx.msg;
	c->comment = psprintf(COMMENT_PREFIX "%s %08x%s%s", f->key,
						  hash_bytes((const unsigned char *) expr, strlen(expr)),
						  cx.msg ? ": " : "", cx.msg ? cx.msg : "");
	return c;
}

/* Fails when two checks of a model got the same (shortened) name. */
static void
CheckUniqueName(OrmModel *m, OrmAttribute *a, OrmCheck *c)
{
	ListCell   *lc;

	foreach(lc, m->attributes)
	{
		OrmAttribute *b = lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, b->checks)
			if (strcmp(((OrmCheck *) lfirst(lc2))->name, c->name) == 0)
				ereport(ERROR,
						errcode(ERRCODE_DUPLICATE_OBJECT),
						errmsg("validators of attributes \"%s.%s\" and \"%s.%s\" would have the same constraint name \"%s\"",
							   m->name, b->name, m->name, a->name, c->name),
						errhint("Give one of the attributes a shorter \"field\"."));
	}
}

/*
 * The CHECK constraints of an attribute's "validate", once its column and
 * type are known.
 */
void
OrmParseValidators(OrmModel *m, OrmAttribute *a)
{
	ErrorContextCallback cb;
	VCtx		cx = {m, a, "", NIL, NULL, NULL, NULL};
	ListCell   *lc;

	if (a->validate == NULL)
		return;
	if (!OrmJsonIsObject(a->validate))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"validate\" of attribute \"%s.%s\" must be an object, not %s",
					   m->name, a->name, OrmJsonTypeName(a->validate)));
	cb.callback = ValidatorContext;
	cb.arg = &cx;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	foreach(lc, OrmJsonFields(a->validate->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		OrmCheck   *c;

		cx.key = f->key;
		c = ParseValidator(m, a, f);
		if (c == NULL)
			continue;
		CheckUniqueName(m, a, c);
		a->checks = lappend(a->checks, c);
	}
	error_context_stack = cb.previous;
}

/* CONSTRAINT name CHECK (expr), for CREATE TABLE or ADD */
char *
OrmCheckClause(OrmCheck *c)
{
	return psprintf("CONSTRAINT %s CHECK (%s)", quote_identifier(c->name), c->expr);
}

/* COMMENT ON CONSTRAINT, the mark of sync's own checks */
char *
OrmCheckCommentSql(OrmModel *m, OrmCheck *c)
{
	return psprintf("COMMENT ON CONSTRAINT %s ON %s IS %s", quote_identifier(c->name),
					OrmQualifiedTable(m), quote_literal_cstr(c->comment));
}

/* Whether a constraint comment marks a check sync made from "validate". */
bool
OrmIsValidatorComment(const char *comment)
{
	return comment && strncmp(comment, COMMENT_PREFIX, strlen(COMMENT_PREFIX)) == 0;
}

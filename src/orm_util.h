/*
 * orm_util.h
 *		The util layer of orm_models: JSON and JSONB helpers, the vocabulary
 *		tables, names, the inflector, roles, and checked SPI.
 *
 * Pure helpers that know nothing of models: every other layer builds on
 * them.  The layers, lowest first: util, core, model, sql_util, catalog,
 * query, ddl (README.md, "Layout"; test/layers checks them).
 */
#ifndef ORM_UTIL_H
#define ORM_UTIL_H

#include "executor/spi.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "fmgr.h"

/* in json_util.c: JSON and JSONB helpers */
typedef struct OrmJsonField
{
	char	   *key;
	JsonbValue	value;			/* containers as jbvBinary */
} OrmJsonField;

extern List *OrmJsonKeyOrder(text *json);

/* A field of a json object with its value's json text. */
typedef struct OrmJsonText
{
	char	   *key;
	text	   *value;
} OrmJsonText;

extern List *OrmJsonFieldTexts(text *json);

/*
 * A value in a json text, where it is and what it is; for an object (or,
 * at the top, an array) its members.  See OrmJsonScan.
 */
typedef struct OrmJsonSpan
{
	char	   *key;			/* a field: its name; an element: NULL */
	char		kind;			/* 'o'bject, 'a'rray, 's'tring, 'n'umber,
								 * 'b'oolean, 'z' null */
	const char *start;			/* its text, in the document */
	int			len;
	int			nmembers;		/* fields of an object, elements of an
								 * array: as OrmJsonScan expands them */
	struct OrmJsonSpan *members;
	bool		expanded;		/* a container whose members were read */
} OrmJsonSpan;

extern OrmJsonSpan *OrmJsonScan(const char *json, int len, int depth);
extern Jsonb *OrmJsonToJsonb(text *json);
extern text *OrmJsonGetField(text *json, const char *key);
extern List *OrmJsonFields(JsonbContainer *container);
extern List *OrmJsonElements(JsonbContainer *container);
extern bool OrmJsonIsObject(JsonbValue *v);
extern bool OrmJsonIsArray(JsonbValue *v);
extern const char *OrmJsonTypeName(JsonbValue *v);
extern JsonbValue *OrmJsonRoot(Jsonb *jb);
extern char *OrmJsonString(JsonbValue *v);
extern char *OrmJsonCompact(JsonbValue *v);
extern bool OrmJsonIsEmpty(JsonbValue *v);

/*
 * One key of a vocabulary of the JSON documents (model options, attribute
 * keys, association options) and what orm_models does with it.  Each
 * vocabulary is one static table whose rows begin with an OrmKeyword; the
 * table drives both the parsing and the "Valid options are: ..." hint.
 */
typedef enum OrmKeyUse
{
	ORM_KEY_PARSED,				/* read, with Sequelize's meaning */
	ORM_KEY_NOOP,				/* accepted: nothing to do on PostgreSQL */
	ORM_KEY_REFUSED				/* an error that says why */
} OrmKeyUse;

typedef struct OrmKeyword
{
	const char *name;
	OrmKeyUse	use;
	const char *why;			/* no-op or refused: the reason, a
								 * sentence; parsed: what only some values
								 * mean, or NULL */
} OrmKeyword;

extern const OrmKeyword *OrmFindKeyword(const void *table, int n,
										size_t rowsize, const char *name);
extern char *OrmKeywordList(const void *table, int n, size_t rowsize);

/* in names.c: names that become identifiers */
extern void OrmCheckName(const char *what, const char *name);

/* in inflect.c: the inflector of npm inflection@1.13.4, as Sequelize 6 uses it */
extern char *OrmPluralize(const char *word);
extern char *OrmSingularize(const char *word);
extern char *OrmCamelize(const char *str);	/* Sequelize Utils.camelize */
extern char *OrmUnderscore(const char *str);	/* inflection.underscore */

/* in roles.c: whose rights a piece of work runs with */
typedef struct OrmSavedRole
{
	Oid			userid;
	int			sec_context;
} OrmSavedRole;

extern void OrmBecomeRole(Oid role, OrmSavedRole *saved);
extern void OrmRestoreRole(OrmSavedRole *saved);
extern char *OrmRoleName(Oid role);

/* in spi_util.c: checked SPI wrappers */
extern void OrmSpiConnect(void);
extern void OrmSpiFinish(void);
extern int	OrmSpiExec(const char *sql, int nargs, Oid *argtypes,
					   Datum *values, const char *nulls, bool read_only);
extern void OrmInitScalarSetResult(FunctionCallInfo fcinfo, Oid type);
extern ErrorData *OrmTry(void (*fn) (void *), void *arg);
extern uint64 OrmSpiExecPlan(SPIPlanPtr plan, Datum *values, const char *nulls,
							 bool read_only, long count);
extern uint64 OrmSpiFetch(Portal portal, long count);
extern SPIPlanPtr OrmSpiPrepare(const char *sql, int nargs, Oid *argtypes);
extern void OrmRethrowShortened(MemoryContext context) pg_attribute_noreturn();
extern int	OrmJitOff(void);
extern int	OrmPlanSettings(bool point);
extern void OrmJitRestore(int level);

#endif							/* ORM_UTIL_H */

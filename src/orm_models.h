/*
 * orm_models.h
 *		Shared structures and prototypes of the orm_models extension.
 *
 * A model is what Sequelize's define(name, attributes, options) describes;
 * an association is one call of hasOne / hasMany / belongsTo / belongsToMany.
 * Everything here lives in the memory context of the call that built it.
 */
#ifndef ORM_MODELS_H
#define ORM_MODELS_H

#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#define ORM_SCHEMA "orm"

/* Where an attribute came from: the user, or a Sequelize default. */
typedef enum OrmAttrOrigin
{
	ORM_ATTR_DEFINED,			/* written by the user */
	ORM_ATTR_DEFAULT_PK,		/* the "id" added to a model without a key */
	ORM_ATTR_TIMESTAMP,			/* createdAt / updatedAt / deletedAt */
	ORM_ATTR_FOREIGN_KEY,		/* added by an association */
	ORM_ATTR_VERSION			/* the "version" option's counter */
} OrmAttrOrigin;

/*
 * A CHECK constraint made from one key of an attribute's "validate"
 * (validate.c).
 */
typedef struct OrmCheck
{
	char	   *validator;		/* the key: "len", "isEmail", ... */
	char	   *name;			/* constraint name */
	char	   *expr;			/* the condition, SQL */
	char	   *msg;			/* "msg" as given, or NULL */
	char	   *comment;		/* the constraint's comment: marks it as
								 * sync's own, with a fingerprint of expr */
} OrmCheck;

typedef struct OrmAttribute
{
	char	   *name;			/* attribute name: the JSON key */
	char	   *field;			/* column name */
	Oid			typid;
	int32		typmod;
	char	   *type_name;		/* as format_type_with_typemod() prints it */
	char	   *type_sql;		/* the type in DDL, schema-qualified */
	List	   *enum_values;	/* ENUM: its labels (char *), else NIL */
	bool		allow_null;
	bool		allow_null_given;	/* allowNull written, not defaulted */
	bool		primary_key;
	bool		auto_increment;
	char	   *unique;			/* NULL, "" for a unique column of its own,
								 * or the name of a composite unique group */
	JsonbValue *default_value;	/* as given, or NULL */
	char	   *default_sql;	/* SQL expression for DEFAULT, or NULL */
	char	   *comment;
	char	   *ref_model;		/* references.model as given, or NULL */
	char	   *ref_key;		/* references.key, or NULL */
	char	   *on_delete;		/* referential actions, or NULL */
	char	   *on_update;
	char	   *deferrable;		/* "DEFERRABLE INITIALLY DEFERRED", ..., or
								 * NULL */
	JsonbValue *validate;		/* "validate" as given, or NULL */
	List	   *checks;			/* OrmCheck *, from validate */
	struct OrmModel *ref_target;	/* the model ref_model names, once
									 * resolved; NULL for a plain table */
	OrmAttrOrigin origin;
} OrmAttribute;

typedef struct OrmModel
{
	char	   *name;
	char	   *table_name;
	char	   *schema;
	char	   *singular;
	char	   *plural;
	bool		timestamps;
	bool		paranoid;
	bool		underscored;
	bool		freeze_table_name;
	char	   *created_at;		/* attribute names, or NULL when disabled */
	char	   *updated_at;
	char	   *deleted_at;
	char	   *version;		/* the version attribute's name, or NULL */
	char	   *comment;
	List	   *attributes;		/* OrmAttribute *, in column order */
	List	   *indexes;		/* OrmIndex * */
	Oid			owner;			/* role that defined the model */
	Oid			relid;			/* the synced table, or InvalidOid */
	Jsonb	   *columns;		/* attribute numbers when linked, or NULL */
	bool		is_junction;	/* made up for a belongsToMany "through" */
} OrmModel;

/* An index of the "indexes" model option. */
typedef struct OrmIndex
{
	char	   *name;
	List	   *fields;			/* OrmAttribute * */
	List	   *directions;		/* "ASC" / "DESC" ..., one per field */
	bool		unique;
	char	   *method;			/* USING, or NULL */
	JsonbValue *where;			/* partial index condition, or NULL */
} OrmIndex;

typedef enum OrmAssocKind
{
	ORM_HAS_ONE,
	ORM_HAS_MANY,
	ORM_BELONGS_TO,
	ORM_BELONGS_TO_MANY
} OrmAssocKind;

typedef struct OrmAssociation
{
	OrmModel   *source;
	OrmModel   *target;
	OrmAssocKind kind;
	char	   *alias;			/* "as" */
	char	   *foreign_key;	/* attribute name, on target (hasX), source
								 * (belongsTo) or junction (belongsToMany) */
	char	   *source_key;		/* hasX, belongsToMany: key on the source */
	char	   *target_key;		/* belongsTo, belongsToMany: key on target */
	char	   *other_key;		/* belongsToMany: junction column to target */
	OrmModel   *junction;		/* belongsToMany: the through model */
	char	   *on_delete;		/* actions as given, then as in effect */
	char	   *on_update;
	bool		constraints;
	bool		alias_given;
	char	   *through;		/* belongsToMany: junction name as given */
	char	   *fk_field;		/* foreignKey.field as given */
	bool		fk_allow_null;	/* foreignKey.allowNull as given */
	bool		fk_allow_null_given;
	int			position;		/* declaration order */
	Jsonb	   *raw_options;	/* as given */
	Oid			function;		/* its relationship function, once synced */
} OrmAssociation;

/*
 * A model, or one association of it, that the catalog describes but that
 * cannot be loaded (a type it names is gone, say): calls that touch it
 * fail with its error, other calls never see it.
 */
typedef struct OrmBroken
{
	char	   *model;
	char	   *alias;			/* the association's, or NULL for the model */
	Oid			owner;
	ErrorData  *error;			/* why */
} OrmBroken;

/* Everything the catalog describes, resolved and cross-checked. */
typedef struct OrmSchema
{
	List	   *models;			/* OrmModel *, defined ones then junctions */
	List	   *associations;	/* OrmAssociation *, in declaration order */
	List	   *broken;			/* OrmBroken *: left out of the two above */
	List	   *resolving;		/* OrmModel *: what OrmResolveSchema is at */
} OrmSchema;

/* json_util.c: JSON and JSONB helpers */
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
extern Jsonb *OrmJsonToJsonb(text *json);
extern text *OrmJsonGetField(text *json, const char *key);
extern List *OrmJsonFields(JsonbContainer *container);
extern List *OrmJsonElements(JsonbContainer *container);
extern bool OrmJsonIsObject(JsonbValue *v);
extern bool OrmJsonIsArray(JsonbValue *v);
extern const char *OrmJsonTypeName(JsonbValue *v);
extern JsonbValue *OrmJsonRoot(Jsonb *jb);
extern char *OrmJsonString(JsonbValue *v);

/* inflect.c: the inflector of npm inflection@1.13.4, as Sequelize 6 uses it */
extern char *OrmPluralize(const char *word);
extern char *OrmSingularize(const char *word);
extern char *OrmCamelize(const char *str);	/* Sequelize Utils.camelize */
extern char *OrmUnderscore(const char *str);	/* inflection.underscore */

/* types.c: Sequelize and PostgreSQL type names */
extern char *OrmTypeText(const char *spec, const char *model, const char *attr);
extern char *OrmOutputColumnSql(OrmAttribute *a, const char *alias);
extern void OrmResolveType(const char *spec, const char *model,
						   const char *attr, Oid *typid, int32 *typmod);
extern char *OrmDefaultSql(JsonbValue *value, OrmAttribute *attr,
						   const char *model);
extern Datum OrmInputValue(const char *text, Oid typid, int32 typmod,
						   const char *model, const char *attr);
extern List *OrmParseEnumValues(const char *spec, const char *model,
								const char *attr);
extern void OrmResolveEnum(OrmModel *m, OrmAttribute *a);
extern void OrmRequireType(OrmModel *m, OrmAttribute *a);
extern char *OrmJsonValueText(JsonbValue *value);

/* model_parse.c: JSONB -> structs, all validation, no SPI */
extern OrmModel *OrmParseModel(const char *name, Jsonb *attributes,
							   List *order, Jsonb *options);
extern OrmAttribute *OrmMakeAttribute(const char *name, Oid typid,
									  bool allow_null, OrmAttrOrigin origin);
extern void OrmAssignFields(OrmModel *model);
extern void OrmCheckName(const char *what, const char *name);
extern char *OrmReferentialAction(JsonbValue *v, const char *model,
								  const char *attr, const char *key);

/* validate.c: "validate" -> CHECK constraints */
extern void OrmParseValidators(OrmModel *m, OrmAttribute *a);
extern char *OrmCheckClause(OrmCheck *c);
extern char *OrmCheckCommentSql(OrmModel *m, OrmCheck *c);
extern bool OrmIsValidatorComment(const char *comment);

/* model_indexes.c: the "indexes" model option */
extern void OrmParseIndexes(OrmModel *m, JsonbValue *indexes);
extern List *OrmIndexSql(OrmModel *m);
extern char *OrmOneIndexSql(OrmModel *m, OrmIndex *idx);

/* association.c: associations -> foreign keys and junction models */
extern OrmAssociation *OrmParseAssociation(OrmModel *source, const char *kind,
										   OrmModel *target, Jsonb *options);
extern void OrmResolveAssociation(OrmSchema *schema, OrmAssociation *assoc);
extern const char *OrmAssocKindName(OrmAssocKind kind);

/* schema.c: lookups in a loaded schema */
extern OrmModel *OrmFindModel(OrmSchema *schema, const char *name);
extern OrmModel *OrmFindReferenced(OrmSchema *schema, const char *name);
extern OrmAttribute *OrmFindAttribute(OrmModel *model, const char *name);
extern OrmAttribute *OrmPrimaryKey(OrmModel *model);
extern OrmAssociation *OrmFindAssociation(OrmSchema *schema,
										  const char *source, const char *alias);
extern void OrmResolveSchema(OrmSchema *schema);
extern void OrmCheckNewlyBroken(OrmSchema *before, OrmSchema *after);
extern OrmModel *OrmLookupModel(OrmSchema *schema, const char *name);
extern OrmBroken *OrmFindBroken(OrmSchema *schema, const char *model,
								const char *alias);
extern void OrmRaiseBroken(OrmBroken *b) pg_attribute_noreturn();
extern void OrmCheckReferences(OrmSchema *schema, OrmModel *model);

/* model_json.c: structs -> normalized JSONB */
extern Jsonb *OrmModelToJsonb(OrmModel *model);
extern Jsonb *OrmAssociationToJsonb(OrmAssociation *assoc);
extern Jsonb *OrmDescribeModel(OrmSchema *schema, OrmModel *model);

/* catalog.c: the only code that reads or writes the orm.* tables */
extern OrmSchema *OrmLoadSchema(void);
extern void OrmStoreModel(OrmModel *model, text *attributes, Jsonb *options);
extern void OrmStoreAssociation(OrmAssociation *assoc, Jsonb *options);
extern void OrmCheckOwner(const char *model, Oid owner);
extern Oid	OrmStoredModelOwner(const char *name);
extern void OrmDeleteModel(const char *name);
extern void OrmLinkModel(OrmModel *model, Oid relid);
extern void OrmUnlinkDropped(Datum oids);
extern void OrmRefreshLinkedNames(Datum oids);
extern void OrmSetAssociationFunction(OrmAssociation *assoc, Oid funcid);
extern void OrmDropRelationshipFunctions(const char *model);

/* live.c: the live tables behind the models */
extern Jsonb *OrmColumnsMap(OrmModel *model, Oid relid);
extern void OrmFollowLiveTables(OrmSchema *schema);

/* event_trigger.c: the DDL watcher */
extern bool OrmSyncing;

/* ddl.c: structs -> SQL text */
extern char *OrmQualifiedTable(OrmModel *model);
extern List *OrmCreateTableSql(OrmModel *model, List *later);
extern List *OrmDeferredForeignKeys(OrmModel *model, List *later);
extern char *OrmRelationshipBody(OrmAssociation *assoc);
extern char *OrmEnumTypeName(OrmModel *m, OrmAttribute *a);
extern char *OrmColumnSql(OrmModel *m, OrmAttribute *a);
extern char *OrmForeignKeySql(OrmModel *m, OrmAttribute *a);
extern char *OrmForeignKeyClause(OrmModel *m, OrmAttribute *a);
extern char *OrmTypeSql(OrmAttribute *a);

/* drift.c: where the live tables differ from the catalog */
typedef struct OrmDrift
{
	OrmModel   *model;
	const char *problem;
	char	   *detail;
	char	   *repair;			/* the statement sync's alter runs, or NULL */
	char	   *repair2;		/* a second one that goes with it, or NULL */
	bool		late;			/* repair after tables are created (keys) */
} OrmDrift;

extern List *OrmModelDrift(OrmModel *m, OrmSchema *schema);
extern List *OrmModelDriftAsOwner(OrmModel *m, OrmSchema *schema);

/* sync.c */
extern Oid	OrmRelationshipFunction(OrmAssociation *assoc);
extern bool OrmSameBody(Oid funcid, const char *body);
extern char *OrmRelationshipFunctionSql(OrmAssociation *assoc);


/* roles.c: whose rights a piece of work runs with */
typedef struct OrmSavedRole
{
	Oid			userid;
	int			sec_context;
} OrmSavedRole;

extern void OrmBecomeRole(Oid role, OrmSavedRole *saved);
extern void OrmRestoreRole(OrmSavedRole *saved);
extern char *OrmRoleName(Oid role);
extern void OrmCheckAdoptable(OrmModel *m, const char *what, const char *name,
							  Oid object_owner);

/* spi_util.c: checked SPI wrappers */
extern void OrmSpiConnect(void);
extern void OrmSpiFinish(void);
extern int	OrmSpiExec(const char *sql, int nargs, Oid *argtypes,
					   Datum *values, const char *nulls, bool read_only);
extern void OrmInitScalarSetResult(FunctionCallInfo fcinfo, Oid type);
extern ErrorData *OrmTry(void (*fn) (void *), void *arg);
extern void OrmRethrowShortened(MemoryContext context) pg_attribute_noreturn();
extern uint64 OrmSpiExecPlan(SPIPlanPtr plan, Datum *values, const char *nulls,
							 bool read_only, long count);
extern uint64 OrmSpiFetch(Portal portal, long count);
extern int	OrmJitOff(void);
extern void OrmJitRestore(int level);

/* cache.c: per-backend caches, dropped whenever the catalog changes */
extern OrmSchema *OrmCachedSchema(void);
extern SPIPlanPtr OrmCachedPlan(const char *sql, int nargs, Oid *argtypes);

extern void OrmInitCache(void);
extern bool OrmIsLinked(Oid objid);
extern bool OrmHasLinks(void);

/* Query parameters: values bound to $1, $2, ... */
typedef struct OrmParams
{
	bool		literals;		/* write values as typed literals (DDL) */
	int			count;
	int			capacity;
	Oid		   *types;
	Datum	   *values;
	char	   *nulls;
} OrmParams;

extern int	OrmAddParam(OrmParams *params, Oid type, Datum value, bool isnull);

/* A find call's statement, kept per (function, model, query document). */
typedef struct OrmStatement
{
	char	   *sql;
	OrmParams	params;			/* the query's values; find_by_pk sets its
								 * key's on every call */
	int			key_param;		/* index of that parameter, or -1 */
	OrmModel   *root;			/* the model queried */
	OrmAttribute *key_attr;
	List	   *models;			/* OrmModel *: the tables it reads */
	bool		kept;			/* in the cache (not a one-off) */
	SPIPlanPtr	plan;			/* once prepared and kept, or NULL */
} OrmStatement;

extern OrmStatement *OrmLookupStatement(char kind, const char *model,
										Jsonb *query);
extern OrmStatement *OrmKeepStatement(char kind, const char *model,
									  Jsonb *query, OrmStatement *st);
extern SPIPlanPtr OrmStatementPlan(OrmStatement *st);

/* A node of a find query: the root model, or one include under it. */
typedef struct OrmQueryNode
{
	OrmModel   *model;
	OrmAssociation *assoc;		/* NULL at the root */
	struct OrmQueryNode *parent;	/* NULL at the root */
	char	   *key;			/* JSON key of the include: the alias */
	int			index;			/* table alias number: t<index> */
	List	   *attributes;		/* OrmAttribute *, output in this order */
	bool		emit;			/* false for "attributes": [] */
	JsonbValue *where;			/* as given, or NULL */
	List	   *where_plain;	/* OrmJsonField *: entries on this row */
	List	   *where_many;		/* OrmJsonField *: entries through to-many
								 * includes, over a row source */
	List	   *where_joins;	/* OrmQueryNode *: the includes that row
								 * source joins, parents first */
	bool		required;
	List	   *order;			/* OrmOrderItem * */
	int64		limit;			/* -1 for none */
	int64		offset;			/* 0 for none */
	bool		paranoid;		/* hide soft-deleted rows */
	List	   *children;		/* OrmQueryNode * */
	List	   *through_attributes; /* belongsToMany: junction attributes */
	JsonbValue *through_where;
	bool		grouped;		/* pre-aggregated with GROUP BY and joined */
	int			key_param;		/* root of find_by_pk: its primary key
								 * equals parameter $key_param; else 0 */
} OrmQueryNode;

typedef struct OrmOrderItem
{
	OrmQueryNode *node;			/* the node whose column orders */
	List	   *path;			/* OrmQueryNode * from the ordering node
								 * down to node, through to-one includes */
	OrmAttribute *attr;
	const char *direction;		/* "ASC", "DESC NULLS LAST", ... */
	const char *aggregate;		/* "min"/"max" over a to-many child's rows,
								 * or NULL */
} OrmOrderItem;

/* query_parse.c: findAll options -> query tree */
extern OrmQueryNode *OrmParseQuery(OrmSchema *schema, OrmModel *model,
								   Jsonb *query);

/* where.c: where objects -> SQL conditions */
extern void OrmAppendWhere(StringInfo buf, OrmModel *model, const char *alias,
						   JsonbValue *where, OrmParams *params);
extern void OrmAppendNodeWhere(StringInfo buf, OrmQueryNode *node,
							   const char *alias, OrmParams *params);
extern void OrmAnalyzeNodeWhere(OrmQueryNode *node);
extern void OrmAppendManyWhere(StringInfo buf, OrmQueryNode *node,
							   OrmParams *params);
extern bool OrmWhereRejectsNull(OrmQueryNode *level, OrmQueryNode *hop);
extern char *OrmPathValueSql(List *path, OrmAttribute *attr,
							 const char *from_alias);
extern char *OrmComparisonOperator(OrmModel *model, OrmAttribute *attr,
								   int strategy, bool negate);
extern void OrmResetOperatorCache(void);
extern Datum OrmValueDatum(JsonbValue *v, OrmAttribute *attr,
						   OrmModel *model, Oid typid);

/* query_sql.c: query tree -> one SQL statement */
typedef enum OrmFindShape
{
	ORM_FIND_ARRAY,				/* one json array of every row */
	ORM_FIND_ROWS,				/* one json value per row */
	ORM_FIND_COUNT				/* the number of rows */
} OrmFindShape;

extern char *OrmFindSql(OrmQueryNode *root, OrmFindShape shape,
						OrmParams *params);
extern char *OrmTableAlias(OrmQueryNode *node);
extern void OrmAppendManyFilter(StringInfo buf, OrmQueryNode *level,
								List *bound, OrmParams *params);

#endif							/* ORM_MODELS_H */

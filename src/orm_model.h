/*
 * orm_model.h
 *		The model layer: types, validators, indexes, models and
 *		associations parsed from JSON into structs, resolved as a schema,
 *		and written back as JSON.
 */
#ifndef ORM_MODEL_H
#define ORM_MODEL_H

#include "orm_core.h"

/* in types.c: Sequelize and PostgreSQL type names */
extern char *OrmOutputColumnSql(OrmAttribute *a, const char *alias);
extern Oid	OrmOutputColumnType(OrmAttribute *a);
extern void OrmResolveType(const char *spec, const char *model,
						   const char *attr, Oid *typid, int32 *typmod);
extern char *OrmDefaultSql(JsonbValue *value, OrmAttribute *attr,
						   const char *model);
extern Datum OrmInputValue(const char *text, Oid typid, int32 typmod,
						   const char *model, const char *attr);
extern List *OrmParseEnumValues(const char *spec, const char *model,
								const char *attr);
extern char *OrmEnumTypeName(OrmModel *m, OrmAttribute *a);
extern void OrmResolveEnum(OrmModel *m, OrmAttribute *a);
extern void OrmRequireType(OrmModel *m, OrmAttribute *a);
extern char *OrmJsonValueText(JsonbValue *value);

/* in validate.c: "validate" -> CHECK constraints */
extern void OrmParseValidators(OrmModel *m, OrmAttribute *a);
extern char *OrmCheckClause(OrmCheck *c);
extern char *OrmCheckCommentSql(OrmModel *m, OrmCheck *c);
extern bool OrmIsValidatorComment(const char *comment);

/* in model_indexes.c: the "indexes" model option */
extern void OrmParseIndexes(OrmModel *m, JsonbValue *indexes);
extern void OrmResolveIndexes(OrmModel *m);

/* in model_parse.c: JSONB -> structs, all validation, no SPI */
extern OrmModel *OrmParseModel(const char *name, Jsonb *attributes,
							   List *order, Jsonb *options);
extern OrmAttribute *OrmMakeAttribute(const char *name, Oid typid,
									  bool allow_null, OrmAttrOrigin origin);
extern void OrmAssignFields(OrmModel *model);
extern void OrmParseAttributeKey(OrmAttribute *a, OrmJsonField *f,
								 const char *model, char **type_spec);
extern void OrmFinishAttribute(OrmAttribute *a, const char *type_spec,
							   const char *model);
extern int	OrmTypeSearchPath(const char *schema);
extern Jsonb *OrmJunctionOptions(OrmModel *source, const char *through,
								 int timestamps, bool paranoid);
extern char *OrmReferentialAction(JsonbValue *v, const char *model,
								  const char *attr, const char *key);

/* in association.c: associations -> foreign keys and junction models */
extern OrmAssociation *OrmParseAssociation(OrmModel *source, const char *kind,
										   OrmModel *target, Jsonb *options);
extern void OrmResolveAssociation(OrmSchema *schema, OrmAssociation *assoc);
extern void OrmSetAsideShadowed(OrmSchema *schema);
extern const char *OrmAssocKindName(OrmAssocKind kind);

/* in resolve.c: a schema resolved as a whole */
extern void OrmResolveSchema(OrmSchema *schema);
extern void OrmCheckReferences(OrmSchema *schema, OrmModel *model);

/* in model_json.c: structs -> normalized JSONB */
extern Jsonb *OrmModelToJsonb(OrmModel *model);
extern Jsonb *OrmAssociationToJsonb(OrmAssociation *assoc);
extern Jsonb *OrmDescribeModel(OrmSchema *schema, OrmModel *model);

#endif							/* ORM_MODEL_H */

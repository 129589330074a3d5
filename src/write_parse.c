/*
 * write_parse.c
 *		A write call's data and options -> an OrmWrite, checked against the
 *		models.
 *
 * The data is read once (OrmJsonScan): each object's keys are attributes
 * (checked: known, given once, one value per column), included
 * associations (their rows a level of their own, to any depth), or, in a
 * belongsToMany's row, the junction model's values.  An object that gives
 * only its primary key links that row instead of creating one.  Values are
 * not converted here: the statement reads them with json_to_recordset, so
 * a large bulk_create costs one pass of the parser in C; only a JSON
 * container where the type takes none is refused now.  The options are
 * one vocabulary table; the where and include are the query layer's
 * (OrmParseQuery), as find_* parse them.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_sql.h"
#include "orm_catalog.h"
#include "orm_query.h"
#include "orm_write.h"

/* Write kinds as bits, for where an option is valid. */
#define K(kind) (1 << (kind))
#define K_CREATES (K(ORM_WRITE_CREATE) | K(ORM_WRITE_BULK_CREATE))
#define K_WHERE (K(ORM_WRITE_UPDATE) | K(ORM_WRITE_INCREMENT) | \
				 K(ORM_WRITE_DECREMENT) | K(ORM_WRITE_DESTROY) | \
				 K(ORM_WRITE_RESTORE))
/* The writes Sequelize 6 applies the model's scopes to (_injectScope). */
#define K_SCOPED (K(ORM_WRITE_UPDATE) | K(ORM_WRITE_INCREMENT) | \
				  K(ORM_WRITE_DECREMENT) | K(ORM_WRITE_DESTROY))
#define K_ROWS (K_CREATES | K(ORM_WRITE_UPSERT) | K(ORM_WRITE_UPDATE) | \
				K(ORM_WRITE_INCREMENT) | K(ORM_WRITE_DECREMENT))

typedef struct WriteParse
{
	OrmWrite   *w;
	JsonbParseState *query;		/* the options the query layer reads */
	bool		has_where;
	int			next_id;
	int			nparams;
} WriteParse;

typedef void (*WriteOptionParser) (WriteParse *wp, JsonbValue *key,
								   JsonbValue *v);

typedef struct WriteOption
{
	OrmKeyword	kw;
	WriteOptionParser parse;
	int			kinds;			/* K(...) where it is valid */
} WriteOption;

static const char *const kind_names[] = {
	"create", "bulk_create", "upsert", "update", "increment", "decrement",
	"destroy", "restore"
};

/* The SQL function's name, for messages. */
char *
OrmWriteKindName(OrmWriteKind kind)
{
	return psprintf("orm.%s", kind_names[kind]);
}

static void
OptionWrongType(WriteParse *wp, const char *key, const char *expected,
				JsonbValue *v)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("option \"%s\" of %s for model \"%s\" must be %s, not %s",
				   key, OrmWriteKindName(wp->w->kind), wp->w->model->name,
				   expected, OrmJsonTypeName(v)));
}

/* The attribute of that name, or 42703 listing the model's attributes. */
static OrmAttribute *
NamedAttribute(OrmModel *m, const char *name)
{
	OrmAttribute *a = OrmFindAttribute(m, name);
	StringInfoData names;
	ListCell   *lc;

	if (a)
		return a;
	initStringInfo(&names);
	foreach(lc, m->attributes)
		appendStringInfo(&names, "%s\"%s\"", names.len ? ", " : "",
						 ((OrmAttribute *) lfirst(lc))->name);
	ereport(ERROR,
			errcode(ERRCODE_UNDEFINED_COLUMN),
			errmsg("model \"%s\" has no attribute \"%s\"", m->name, name),
			errhint("Its attributes are %s.", names.data));
	return NULL;
}

/* A non-empty list of attribute names, as attributes (once each). */
static List *
AttributeList(WriteParse *wp, const char *key, JsonbValue *v)
{
	List	   *attrs = NIL;
	ListCell   *lc;

	if (!OrmJsonIsArray(v))
		OptionWrongType(wp, key, "an array of attribute names", v);
	foreach(lc, OrmJsonElements(v->val.binary.data))
	{
		JsonbValue *e = lfirst(lc);

		if (e->type != jbvString)
			OptionWrongType(wp, key, "an array of attribute names", e);
		attrs = list_append_unique_ptr(attrs,
									   NamedAttribute(wp->w->model, OrmJsonString(e)));
	}
	return attrs;
}

static bool
OptionBool(WriteParse *wp, const char *key, JsonbValue *v)
{
	if (v->type != jbvBool)
		OptionWrongType(wp, key, "a boolean", v);
	return v->val.boolean;
}

/* where, include, paranoid: kept for the query layer's parser */
static void
OptQuery(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
	if (wp->query == NULL)
		pushJsonbValue(&wp->query, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&wp->query, WJB_KEY, key);
	pushJsonbValue(&wp->query, WJB_VALUE, v);
}

static void
OptWhere(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
	wp->has_where = true;
	OptQuery(wp, key, v);
}

static void
OptFields(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
	wp->w->fields = AttributeList(wp, "fields", v);
	if (wp->w->fields == NIL)
		OptionWrongType(wp, "fields", "a non-empty array of attribute names", v);
}

static void
OptConflict(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
	wp->w->conflict = AttributeList(wp, OrmJsonString(key), v);
}

static void
OptUpdateOnDuplicate(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
	wp->w->update_on_conflict = AttributeList(wp, "updateOnDuplicate", v);
	if (wp->w->update_on_conflict == NIL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("option \"updateOnDuplicate\" of orm.bulk_create for model \"%s\" must name attributes",
					   wp->w->model->name),
				errdetail("Sequelize's updateOnDuplicate takes only a non-empty array."));
}

static void
OptIgnoreDuplicates(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
	wp->w->ignore_duplicates = OptionBool(wp, "ignoreDuplicates", v);
}

static void
OptForce(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
	wp->w->force = OptionBool(wp, "force", v);
}

static void
OptNoop(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
}

/*
 * The options of Sequelize's write methods that orm_models reads, and
 * those it takes or refuses with a reason.
 */
static const WriteOption write_options[] = {
	{{"where", ORM_KEY_PARSED}, OptWhere, K_WHERE},
	{{"include", ORM_KEY_PARSED}, OptQuery, K_CREATES | K_WHERE},
	{{"paranoid", ORM_KEY_PARSED}, OptQuery,
	K(ORM_WRITE_UPDATE) | K(ORM_WRITE_INCREMENT) | K(ORM_WRITE_DECREMENT)},
	{{"scope", ORM_KEY_PARSED}, OptQuery, K_SCOPED},
	{{"fields", ORM_KEY_PARSED}, OptFields,
	K_CREATES | K(ORM_WRITE_UPSERT) | K(ORM_WRITE_UPDATE)},
	{{"ignoreDuplicates", ORM_KEY_PARSED}, OptIgnoreDuplicates, K(ORM_WRITE_BULK_CREATE)},
	{{"updateOnDuplicate", ORM_KEY_PARSED}, OptUpdateOnDuplicate, K(ORM_WRITE_BULK_CREATE)},
	{{"conflictAttributes", ORM_KEY_PARSED}, OptConflict, K(ORM_WRITE_BULK_CREATE)},
	{{"conflictFields", ORM_KEY_PARSED}, OptConflict, K(ORM_WRITE_UPSERT)},
	{{"force", ORM_KEY_PARSED}, OptForce, K(ORM_WRITE_DESTROY)},
	{{"validate", ORM_KEY_NOOP,
	"The database checks every row it writes: NOT NULL, and the validators' CHECK constraints."},
	OptNoop, K_ROWS},
	{{"returning", ORM_KEY_NOOP, "The rows written are always returned."},
	OptNoop, K_ROWS},
	{{"hooks", ORM_KEY_REFUSED, "Hooks are JavaScript functions, which do not reach the database."},
	NULL, ~0},
	{{"individualHooks", ORM_KEY_REFUSED, "Hooks are JavaScript functions, which do not reach the database."},
	NULL, ~0},
	{{"silent", ORM_KEY_REFUSED, "updatedAt is set by a trigger on every update, whoever writes."},
	NULL, ~0},
};

/* "a, b, c": the options valid for a kind of write. */
static char *
OptionList(OrmWriteKind kind)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < (int) lengthof(write_options); i++)
		if ((write_options[i].kinds & K(kind)) &&
			write_options[i].kw.use != ORM_KEY_REFUSED)
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "",
							 write_options[i].kw.name);
	return buf.data;
}

/* One option of a write call. */
static void
ParseOption(WriteParse *wp, JsonbValue *key, JsonbValue *v)
{
	OrmWriteKind kind = wp->w->kind;
	char	   *name = OrmJsonString(key);
	const WriteOption *o = (const WriteOption *)
		OrmFindKeyword(write_options, lengthof(write_options),
					   sizeof(WriteOption), name);

	if (o && o->kw.use == ORM_KEY_REFUSED)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("option \"%s\" of %s is not supported", name,
					   OrmWriteKindName(kind)),
				errdetail("%s", o->kw.why));
	if (o == NULL || !(o->kinds & K(kind)))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("unrecognized option \"%s\" of %s for model \"%s\"",
					   name, OrmWriteKindName(kind), wp->w->model->name),
				errhint("Valid options are: %s.", OptionList(kind)));
	o->parse(wp, key, v);
}

/*
 * "scope": false in the query of a write Sequelize applies no scope to
 * (create, bulkCreate, upsert, restore), so that the model's default scope
 * is not merged into what it writes or returns.
 */
static void
Unscoped(WriteParse *wp)
{
	JsonbValue	key = {.type = jbvString};
	JsonbValue	no = {.type = jbvBool};

	key.val.string.val = "scope";
	key.val.string.len = 5;
	no.val.boolean = false;
	OptQuery(wp, &key, &no);
}

/* The options: those of the write, and the query layer's. */
static Jsonb *
ParseOptions(WriteParse *wp, Jsonb *options)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken r;

	if (options && !JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("the options of %s for model \"%s\" must be an object",
					   OrmWriteKindName(wp->w->kind), wp->w->model->name));
	it = options ? JsonbIteratorInit(&options->root) : NULL;
	while (it && (r = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (r != WJB_KEY)
			continue;
		r = JsonbIteratorNext(&it, &v, true);
		ParseOption(wp, &k, &v);
	}
	if (!(K(wp->w->kind) & K_SCOPED))
		Unscoped(wp);
	if (wp->query == NULL)
		return NULL;
	return JsonbValueToJsonb(pushJsonbValue(&wp->query, WJB_END_OBJECT, NULL));
}

/* The position of an attribute in its model's list. */
static int
AttributeNumber(OrmModel *m, OrmAttribute *a)
{
	ListCell   *lc;

	foreach(lc, m->attributes)
		if (lfirst(lc) == a)
			return foreach_current_index(lc);
	elog(ERROR, "attribute \"%s\" is not of model \"%s\"", a->name, m->name);
	return -1;
}

/* The attribute of a key in a level's rows, and its number; or NULL. */
static OrmAttribute *
KeyAttribute(OrmModel *m, const char *key, int *number)
{
	ListCell   *lc;

	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (strcmp(a->name, key) == 0)
		{
			*number = foreach_current_index(lc);
			return a;
		}
	}
	return NULL;
}

/*
 * Fails on a JSON object or array given to an attribute whose type takes
 * none (json_to_recordset would read its text as the value).
 */
static void
CheckContainer(OrmModel *m, OrmAttribute *a, char kind)
{
	Oid			base;

	if (kind != 'o' && kind != 'a')
		return;
	base = getBaseType(a->typid);
	if (base == JSONOID || base == JSONBOID)
		return;
	if (kind == 'a' && OidIsValid(get_element_type(base)))
		return;
	if (kind == 'o' && type_is_rowtype(base))
		return;
	ereport(ERROR,
			errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			errmsg("invalid value for attribute \"%s.%s\" of type %s",
				   m->name, a->name, a->type_name),
			errdetail("A JSON %s is not a value of this type.",
					  kind == 'o' ? "object" : "array"));
}

/* The include of a level's node with that alias, or NULL. */
static OrmQueryNode *
IncludedChild(OrmQueryNode *node, const char *alias)
{
	ListCell   *lc;

	if (node == NULL)
		return NULL;
	foreach(lc, node->children)
		if (strcmp(((OrmQueryNode *) lfirst(lc))->key, alias) == 0)
			return lfirst(lc);
	return NULL;
}

static OrmWriteLevel *
NewLevel(WriteParse *wp, OrmModel *m, OrmAssociation *a, OrmWriteLevel *parent,
		 OrmQueryNode *node)
{
	OrmWriteLevel *l = palloc0(sizeof(OrmWriteLevel));

	l->model = m;
	l->assoc = a;
	l->parent = parent;
	l->node = node;
	l->id = wp->next_id++;
	if (parent)
		parent->children = lappend(parent->children, l);
	return l;
}

/* The child level of a level for an include, made when first needed. */
static OrmWriteLevel *
ChildLevel(WriteParse *wp, OrmWriteLevel *level, OrmQueryNode *node)
{
	ListCell   *lc;

	foreach(lc, level->children)
		if (((OrmWriteLevel *) lfirst(lc))->node == node)
			return lfirst(lc);
	return NewLevel(wp, node->model, node->assoc, level, node);
}

static bool
IsToMany(OrmAssociation *a)
{
	return a->kind == ORM_HAS_MANY || a->kind == ORM_BELONGS_TO_MANY;
}

/* Whether an association's rows may be linked by their primary key. */
static bool
Linkable(OrmWriteLevel *level)
{
	return level->assoc && !level->is_junction;
}

/*
 * Whether a row object gives only the primary key of its model (and, in
 * a belongsToMany, junction values): then it links the existing row.
 */
static bool
IsLink(OrmWriteLevel *level, OrmJsonSpan *obj)
{
	OrmAttribute *pk = OrmPrimaryKey(level->model);
	int			keys = 0;

	if (!Linkable(level) || pk == NULL)
		return false;
	for (int i = 0; i < obj->nmembers; i++)
	{
		OrmJsonSpan *f = &obj->members[i];

		if (strcmp(f->key, pk->name) == 0)
			keys++;
		else if (level->assoc->kind != ORM_BELONGS_TO_MANY ||
				 strcmp(f->key, level->assoc->junction->name) != 0)
			return false;
	}
	return keys == 1;
}

/* The position of an element in a list. */
static int
ListIndex(List *list, void *elem)
{
	ListCell   *lc;

	foreach(lc, list)
		if (lfirst(lc) == elem)
			return foreach_current_index(lc);
	elog(ERROR, "an include level is not among its parent's");
	return -1;
}

static void ParseRows(WriteParse *wp, OrmWriteLevel *level, OrmJsonSpan *value,
					  int parent);

/*
 * How deep the rows of node and of its includes nest in a json value (an
 * array of them, or one): the depth OrmJsonScan reads them all to in one
 * pass.
 */
static int
RowsDepth(OrmQueryNode *node, bool array)
{
	int			deepest = 0;
	ListCell   *lc;

	check_stack_depth();
	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);

		deepest = Max(deepest, RowsDepth(child, IsToMany(child->assoc)));
	}
	return (array ? 2 : 1) + deepest;
}

/*
 * The nested rows of an included association in a row: an array for
 * hasMany and belongsToMany, an object for hasOne and belongsTo, or null.
 * A belongsTo's row is of the level its parent's row links to.
 */
static void
ParseNested(WriteParse *wp, OrmWriteLevel *level, OrmWriteRow *row,
			OrmQueryNode *child, OrmJsonSpan *f)
{
	OrmAssociation *a = child->assoc;
	bool		many = IsToMany(a);
	OrmWriteLevel *cl;

	if (f->kind == 'z')
		return;
	if (f->kind != (many ? 'a' : 'o'))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("value of association \"%s\" of model \"%s\" must be %s, not %s",
					   a->alias, level->model->name,
					   many ? "an array of objects" : "an object or null",
					   f->kind == 'o' ? "an object" : f->kind == 'a' ? "an array" :
					   "a scalar"));
	cl = ChildLevel(wp, level, child);
	if (a->kind == ORM_BELONGS_TO)
		row->linked_to = bms_add_member(row->linked_to,
										ListIndex(level->children, cl));
	ParseRows(wp, cl, f->expanded ? f : OrmJsonScan(f->start, f->len, RowsDepth(child, many)),
			  row->ordinal);
}

/* An attribute's value in a row: given once, one value per column. */
static void
GiveAttribute(WriteParse *wp, OrmWriteLevel *level, OrmWriteRow *row,
			  OrmAttribute *a, int number, OrmJsonSpan *f, Bitmapset **seen)
{
	OrmModel   *m = level->model;
	OrmWrite   *w = wp->w;
	ListCell   *lc;

	if (bms_is_member(number, *seen))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("attribute \"%s.%s\" is given twice", m->name, a->name));
	foreach(lc, m->attributes)
	{
		OrmAttribute *b = lfirst(lc);

		if (b != a && strcmp(b->field, a->field) == 0 &&
			bms_is_member(foreach_current_index(lc), *seen))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("attributes \"%s.%s\" and \"%s.%s\" are both given, for the one column %s",
						   m->name, b->name, m->name, a->name,
						   quote_identifier(a->field)));
	}
	*seen = bms_add_member(*seen, number);
	CheckContainer(m, a, f->kind);
	if (level->parent == NULL && w->fields && !list_member_ptr(w->fields, a))
		return;					/* left out by "fields" */
	if (w->kind == ORM_WRITE_CREATE && m->updated_at &&
		strcmp(a->name, m->updated_at) == 0)
		return;					/* create sets updatedAt, as Sequelize does */
	if (a->auto_generated && level->is_junction)
		return;					/* Sequelize skips a junction's own key */
	row->given = bms_add_member(row->given, number);
}

/*
 * A key of a row object that is no attribute: an included association's
 * rows, a belongsToMany's junction values, or an error.
 */
static void
OtherKey(WriteParse *wp, OrmWriteLevel *level, OrmWriteRow *row,
		 OrmJsonSpan *f)
{
	OrmModel   *m = level->model;
	OrmQueryNode *child = IncludedChild(level->node, f->key);
	OrmAssociation *a = level->assoc;

	if (child)
	{
		ParseNested(wp, level, row, child, f);
		return;
	}
	if (a && !level->is_junction && a->kind == ORM_BELONGS_TO_MANY &&
		strcmp(f->key, a->junction->name) == 0)
	{
		if (f->kind != 'o' && f->kind != 'z')
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("junction values \"%s\" of a row of model \"%s\" must be an object",
						   f->key, m->name));
		row->junction = f->kind == 'o' ? f->start : NULL;
		row->junction_len = f->len;
		return;
	}
	if (OrmFindAssociation(wp->w->schema, m->name, f->key))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("value for association \"%s\" of model \"%s\", which is not included",
					   f->key, m->name),
				errhint("Add \"%s\" to the option \"include\" to write its rows.", f->key));
	(void) NamedAttribute(m, f->key);
}

/* One object of a level's rows; parent is its parent row's ordinal. */
static void
ParseRow(WriteParse *wp, OrmWriteLevel *level, OrmJsonSpan *obj, int parent)
{
	OrmWriteRow *row = palloc0(sizeof(OrmWriteRow));
	Bitmapset  *seen = NULL;

	if (obj->kind != 'o')
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("a row of model \"%s\" must be an object", level->model->name));
	row->text = obj->start;
	row->len = obj->len;
	row->object = obj;
	row->parent = parent;
	row->link = IsLink(level, obj);
	if (row->link)
		level->links = lappend(level->links, row);
	else
	{
		level->rows = lappend(level->rows, row);
		row->ordinal = list_length(level->rows);
	}
	for (int i = 0; i < obj->nmembers; i++)
	{
		OrmJsonSpan *f = &obj->members[i];
		int			number;
		OrmAttribute *a = KeyAttribute(level->model, f->key, &number);

		if (a && row->link)
		{
			row->key = f->start;
			row->key_len = f->len;
		}
		else if (a)
			GiveAttribute(wp, level, row, a, number, f, &seen);
		else
		{
			OtherKey(wp, level, row, f);
			row->nested = bms_add_member(row->nested, i);
		}
	}
}

/* A level's rows from a value: an array of objects, or one object. */
static void
ParseRows(WriteParse *wp, OrmWriteLevel *level, OrmJsonSpan *value, int parent)
{
	CHECK_FOR_INTERRUPTS();
	if (value->kind == 'a')
	{
		for (int i = 0; i < value->nmembers; i++)
			ParseRow(wp, level, &value->members[i], parent);
	}
	else
		ParseRow(wp, level, value, parent);
}

/*
 * The attributes a level's rows get from elsewhere than their own values:
 * the parent's key (hasOne, hasMany), the association's scope, and, in a
 * junction, both keys and the through scope.  A value given for one of
 * them is overridden, as in Sequelize.
 */
static Bitmapset *
ForcedAttributes(OrmWriteLevel *level)
{
	OrmAssociation *a = level->assoc;
	OrmModel   *m = level->model;
	Bitmapset  *forced = NULL;
	JsonbValue *scope = NULL;

	if (a == NULL)
		return NULL;
	if (level->is_junction)
	{
		forced = bms_add_member(forced, AttributeNumber(m, OrmFindAttribute(m, a->foreign_key)));
		forced = bms_add_member(forced, AttributeNumber(m, OrmFindAttribute(m, a->other_key)));
		scope = a->through_scope;
	}
	else if (a->kind == ORM_HAS_MANY || a->kind == ORM_HAS_ONE)
	{
		forced = bms_add_member(forced, AttributeNumber(m, OrmFindAttribute(m, a->foreign_key)));
		scope = a->scope;
	}
	if (scope)
	{
		ListCell   *lc;

		foreach(lc, OrmJsonFields(scope->val.binary.data))
			forced = bms_add_member(forced,
									AttributeNumber(m, NamedAttribute(m, ((OrmJsonField *) lfirst(lc))->key)));
	}
	return forced;
}

/*
 * The junction level of a belongsToMany level: one row for each of its
 * rows, created or linked, with the junction values given under the
 * junction model's name.
 */
static void
MakeJunction(WriteParse *wp, OrmWriteLevel *level)
{
	OrmWriteLevel *j = NewLevel(wp, level->assoc->junction, level->assoc, NULL, NULL);
	List	   *items = list_concat_copy(level->rows, level->links);
	ListCell   *lc;

	j->is_junction = true;
	j->parent = level;
	level->junction = j;
	foreach(lc, items)
	{
		OrmWriteRow *item = lfirst(lc);
		OrmJsonSpan empty = {.kind = 'o', .start = "{}", .len = 2};
		OrmJsonSpan *values = item->junction ?
			OrmJsonScan(item->junction, item->junction_len, 1) : &empty;

		ParseRow(wp, j, values, item->ordinal);
	}
}

/* Sorts a level's created rows into groups by the attributes they give. */
static void
GroupRows(OrmWriteLevel *level)
{
	Bitmapset  *forced = ForcedAttributes(level);
	ListCell   *lc;

	foreach(lc, level->rows)
	{
		OrmWriteRow *row = lfirst(lc);
		OrmWriteGroup *g = NULL;
		ListCell   *lc2;
		int			i = 0;

		row->given = bms_del_members(row->given, forced);
		for (int c = -1; (c = bms_next_member(row->linked_to, c)) >= 0;)
		{
			OrmWriteLevel *b = list_nth(level->children, c);

			row->given = bms_del_member(row->given,
										AttributeNumber(level->model,
														OrmFindAttribute(level->model, b->assoc->foreign_key)));
		}
		foreach(lc2, level->groups)
		{
			OrmWriteGroup *cand = lfirst(lc2);

			if (bms_equal(cand->given, row->given) &&
				bms_equal(cand->linked_to, row->linked_to))
			{
				g = cand;
				break;
			}
			i++;
		}
		if (g == NULL)
		{
			g = palloc0(sizeof(OrmWriteGroup));
			g->given = row->given;
			g->linked_to = row->linked_to;
			level->groups = lappend(level->groups, g);
		}
		g->rows = lappend(g->rows, row);
		row->group = i;
	}
}

/* The next parameter of the call's data, of that type. */
static int
NextParam(WriteParse *wp, Oid type)
{
	OrmWrite   *w = wp->w;

	w->param_types = w->param_types ?
		repalloc(w->param_types, sizeof(Oid) * (wp->nparams + 1)) :
		palloc(sizeof(Oid));
	w->param_types[wp->nparams] = type;
	w->nparams = ++wp->nparams;
	return wp->nparams;
}

/*
 * How a group's rows reach SQL: create's and upsert's one object as given,
 * bulk_create's array as given when nothing needs their ordinals (no
 * other group, no included rows), else an array built with their ordinals
 * and their parents'.
 */
static OrmRowsForm
GroupForm(WriteParse *wp, OrmWriteLevel *level)
{
	OrmWriteKind kind = wp->w->kind;

	if (level->parent)
		return ORM_ROWS_CHILDREN;
	if (kind == ORM_WRITE_CREATE || kind == ORM_WRITE_UPSERT)
		return ORM_ROWS_RECORD;
	if (list_length(level->groups) == 1 && level->children == NIL)
		return ORM_ROWS_ARRAY;
	return ORM_ROWS_NUMBERED;
}

/* The rows of a level, created and linked. */
static int
LevelRowCount(OrmWriteLevel *level)
{
	return list_length(level->rows) + list_length(level->links);
}

/* Appends a set of attribute numbers to the shape. */
static void
ShapeSet(StringInfo shape, Bitmapset *set)
{
	appendStringInfoChar(shape, '(');
	for (int i = -1; (i = bms_next_member(set, i)) >= 0;)
		appendStringInfo(shape, "%d,", i);
	appendStringInfoChar(shape, ')');
}

/*
 * Finishes a level after every row is read: linked rows' ordinals (after
 * the created rows), the junction, the groups, the keys, the parameters,
 * and the level's part of the shape, the statement's cache key.  Its
 * children first: a belongsTo's level is finished before its parent's
 * groups are made.
 */
static void
FinishLevel(WriteParse *wp, OrmWriteLevel *level)
{
	StringInfo	shape = &wp->w->shape;
	ListCell   *lc;

	foreach(lc, level->links)
		((OrmWriteRow *) lfirst(lc))->ordinal = list_length(level->rows) +
			foreach_current_index(lc) + 1;
	foreach(lc, level->children)
		FinishLevel(wp, lfirst(lc));
	if (level->assoc && !level->is_junction &&
		level->assoc->kind == ORM_BELONGS_TO_MANY)
		MakeJunction(wp, level);
	GroupRows(level);
	appendStringInfo(shape, "[%s:%s:%d:%d", level->assoc ? level->assoc->alias : "",
					 level->is_junction ? "j" : "", level->node ? level->node->index : -1,
					 list_length(level->children));
	foreach(lc, level->groups)
	{
		OrmWriteGroup *g = lfirst(lc);

		g->form = GroupForm(wp, level);
		g->data_param = NextParam(wp, JSONOID);
		/* the only group has the created rows, 1..n; else their ordinals */
		if ((g->form == ORM_ROWS_NUMBERED || g->form == ORM_ROWS_CHILDREN) &&
			list_length(level->groups) > 1)
			g->ords_param = NextParam(wp, INT4ARRAYOID);
		/* under the parent level's one row, every parent is 1 */
		if (g->form == ORM_ROWS_CHILDREN && LevelRowCount(level->parent) > 1)
			g->pars_param = NextParam(wp, INT4ARRAYOID);
		appendStringInfo(shape, "%d%s%s", (int) g->form, g->ords_param ? "o" : "",
						 g->pars_param ? "p" : "");
		ShapeSet(shape, g->given);
		ShapeSet(shape, g->linked_to);
	}
	if (level->links)
		level->links_param = NextParam(wp, JSONOID);
	wp->w->levels = lappend(wp->w->levels, level);
	appendStringInfo(shape, "%s%s]", level->links ? "l" : "",
					 level->groups ? "" : "e");
	if (level->junction)
		FinishLevel(wp, level->junction);
}

/* The data of create, bulk_create and upsert: the root level's rows. */
static void
ParseCreateData(WriteParse *wp, text *data)
{
	OrmWrite   *w = wp->w;
	bool		bulk = w->kind == ORM_WRITE_BULK_CREATE;
	OrmJsonSpan *top = OrmJsonScan(VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data),
								   RowsDepth(w->query, bulk));

	if (top->kind != (bulk ? 'a' : 'o'))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("the data of %s for model \"%s\" must be %s",
					   OrmWriteKindName(w->kind), w->model->name,
					   bulk ? "an array of objects" : "an object"));
	w->root = NewLevel(wp, w->model, NULL, NULL, w->query);
	ParseRows(wp, w->root, top, 0);
	FinishLevel(wp, w->root);
	w->nlevels = wp->next_id;
}

/*
 * The data of update, or the amounts of increment: an object of
 * attributes (increment's all numbers), the attributes it sets.
 */
static void
ParseSetData(WriteParse *wp, text *data)
{
	OrmWrite   *w = wp->w;
	OrmModel   *m = w->model;
	OrmJsonSpan *top = OrmJsonScan(VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data), 1);
	bool		increment = w->kind != ORM_WRITE_UPDATE;
	Bitmapset  *seen = NULL;

	if (top->kind != 'o')
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("the %s of %s for model \"%s\" must be an object",
					   increment ? "amounts" : "data", OrmWriteKindName(w->kind),
					   m->name));
	for (int i = 0; i < top->nmembers; i++)
	{
		OrmJsonSpan *f = &top->members[i];
		int			number = -1;
		OrmAttribute *a = KeyAttribute(m, f->key, &number);

		if (a == NULL && OrmFindAssociation(w->schema, m->name, f->key))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("%s cannot write association \"%s\" of model \"%s\"",
						   OrmWriteKindName(w->kind), f->key, m->name),
					errhint("Write the associated rows with their own model."));
		if (a == NULL)
			a = NamedAttribute(m, f->key);
		if (bms_is_member(number, seen))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("attribute \"%s.%s\" is given twice", m->name, a->name));
		seen = bms_add_member(seen, number);
		if (increment && f->kind != 'n')
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("the amount of attribute \"%s.%s\" for %s must be a number",
						   m->name, a->name, OrmWriteKindName(w->kind)));
		if (increment && TypeCategory(getBaseType(a->typid)) != TYPCATEGORY_NUMERIC)
			ereport(ERROR,
					errcode(ERRCODE_DATATYPE_MISMATCH),
					errmsg("attribute \"%s.%s\" of type %s cannot be incremented",
						   m->name, a->name, a->type_name));
		CheckContainer(m, a, f->kind);
		if (w->fields && !list_member_ptr(w->fields, a))
			continue;
		if (!increment && m->updated_at && strcmp(a->name, m->updated_at) == 0)
			continue;			/* the trigger sets it, as Sequelize does */
		w->set = bms_add_member(w->set, number);
	}
	w->set_json = data;
	ShapeSet(&w->shape, w->set);
	w->set_param = NextParam(wp, JSONOID);
}

/* The query of a write: its include (create) or where, parsed. */
static void
ParseQuery(WriteParse *wp, Jsonb *query)
{
	OrmWrite   *w = wp->w;

	if ((K(w->kind) & K_WHERE) && !wp->has_where)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("%s of model \"%s\" needs a where", OrmWriteKindName(w->kind),
					   w->model->name),
				errhint("Give {\"where\": {}} to write every row, as Sequelize does."));
	w->query = OrmParseQuery(w->schema, w->model, query);
	if (w->ignore_duplicates && w->query->children)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("option \"ignoreDuplicates\" of orm.bulk_create cannot be combined with \"include\""),
				errdetail("The rows a duplicate leaves out would have no key for their included rows."));
	if (w->kind == ORM_WRITE_RESTORE && w->model->deleted_at == NULL)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("model \"%s\" is not paranoid", w->model->name),
				errdetail("Only the rows of a paranoid model can be restored."));
}

/*
 * Parses a write call: its options (the query layer's part as find_* do),
 * and its data against the models.  data is the call's rows (create,
 * bulk_create, upsert), values (update) or amounts (increment), or NULL.
 */
OrmWrite *
OrmParseWrite(OrmWriteKind kind, OrmSchema *schema, OrmModel *model,
			  text *data, Jsonb *options)
{
	WriteParse	wp = {0};
	OrmWrite   *w = palloc0(sizeof(OrmWrite));

	w->kind = kind;
	w->schema = schema;
	w->model = model;
	w->data = data;
	initStringInfo(&w->shape);
	wp.w = w;
	ParseQuery(&wp, ParseOptions(&wp, options));
	if (kind == ORM_WRITE_CREATE || kind == ORM_WRITE_BULK_CREATE ||
		kind == ORM_WRITE_UPSERT)
		ParseCreateData(&wp, data);
	else if (data)
		ParseSetData(&wp, data);
	return w;
}

/* An int4[] of the rows' ordinals, or of their parents'. */
static Datum
OrdinalArray(List *rows, bool parents)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(rows), 1));
	ListCell   *lc;

	foreach(lc, rows)
	{
		OrmWriteRow *row = lfirst(lc);

		elems[foreach_current_index(lc)] =
			Int32GetDatum(parents ? row->parent : row->ordinal);
	}
	return PointerGetDatum(construct_array(elems, list_length(rows), INT4OID,
										   sizeof(int32), true, TYPALIGN_INT));
}

/*
 * A row's object as given, but for its members that are no attribute:
 * the statement reads its attributes, and reads nested rows no more.
 */
static void
AppendRowObject(StringInfo buf, OrmWriteRow *row)
{
	OrmJsonSpan *obj = row->object;
	bool		first = true;

	if (row->nested == NULL)
	{
		appendBinaryStringInfo(buf, row->text, row->len);
		return;
	}
	appendStringInfoChar(buf, '{');
	for (int i = 0; i < obj->nmembers; i++)
	{
		if (bms_is_member(i, row->nested))
			continue;
		if (!first)
			appendStringInfoChar(buf, ',');
		first = false;
		escape_json(buf, obj->members[i].key);
		appendStringInfoChar(buf, ':');
		appendBinaryStringInfo(buf, obj->members[i].start, obj->members[i].len);
	}
	appendStringInfoChar(buf, '}');
}

/* A json array of the rows' objects, as given. */
static Datum
RowsArray(List *rows)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	foreach(lc, rows)
	{
		if (foreach_current_index(lc))
			appendStringInfoChar(&buf, ',');
		AppendRowObject(&buf, lfirst(lc));
	}
	appendStringInfoChar(&buf, ']');
	return PointerGetDatum(cstring_to_text_with_len(buf.data, buf.len));
}

/* A json array of the linked rows: {"o": ordinal, "p": parent, "k": key}. */
static Datum
LinksArray(List *links)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	foreach(lc, links)
	{
		OrmWriteRow *row = lfirst(lc);

		appendStringInfo(&buf, "%s{\"o\":%d,\"p\":%d,\"k\":",
						 foreach_current_index(lc) ? "," : "", row->ordinal,
						 row->parent);
		appendBinaryStringInfo(&buf, row->key, row->key_len);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, ']');
	return PointerGetDatum(cstring_to_text_with_len(buf.data, buf.len));
}

/*
 * The values of the call's data parameters (1..w->nparams, as values[0]
 * ...): each group's rows, ordinals and parents, each level's links, or
 * update's and increment's values.  Built from the document's text, not
 * converted: the statement reads them.
 */
void
OrmWriteParams(OrmWrite *w, Datum *values, char *nulls)
{
	ListCell   *lc;

	memset(nulls, ' ', w->nparams);
	if (w->set_param)
		values[w->set_param - 1] = PointerGetDatum(w->set_json);
	foreach(lc, w->levels)
	{
		OrmWriteLevel *level = lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, level->groups)
		{
			OrmWriteGroup *g = lfirst(lc2);
			OrmWriteRow *first = linitial(g->rows);

			if (g->form == ORM_ROWS_RECORD)
			{
				StringInfoData buf;

				initStringInfo(&buf);
				AppendRowObject(&buf, first);
				values[g->data_param - 1] =
					PointerGetDatum(cstring_to_text_with_len(buf.data, buf.len));
			}
			else if (g->form == ORM_ROWS_ARRAY)
				values[g->data_param - 1] = PointerGetDatum(w->data);
			else
				values[g->data_param - 1] = RowsArray(g->rows);
			if (g->ords_param)
				values[g->ords_param - 1] = OrdinalArray(g->rows, false);
			if (g->pars_param)
				values[g->pars_param - 1] = OrdinalArray(g->rows, true);
		}
		if (level->links_param)
			values[level->links_param - 1] = LinksArray(level->links);
	}
}

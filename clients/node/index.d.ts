// Type declarations of orm-models (index.js).  Sequelize's own types are not
// needed: the Sequelize things the package takes (an instance, model
// classes, associations, Op symbols) are described by their shape.

/* ------------------------------------------------------------------------
 * Connections
 * ---------------------------------------------------------------------- */

/** A node-postgres Pool, Client or PoolClient (anything with its query()). */
export interface Queryable {
	query(config: { text: string; values?: unknown[]; name?: string; types?: unknown }): Promise<{ rows: any[] }>;
	query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** A Sequelize 6 instance (only read: its models and their definitions). */
export interface SequelizeLike {
	modelManager: { models: unknown[] };
	models: Record<string, unknown>;
	close(): Promise<void>;
}

/** A Sequelize model class, or the package's own model object. */
export type ModelRef = string | { name: string };

/* ------------------------------------------------------------------------
 * Operators
 * ---------------------------------------------------------------------- */

export type OpName =
	| 'eq' | 'ne' | 'gte' | 'gt' | 'lte' | 'lt' | 'not' | 'is' | 'in' | 'notIn'
	| 'like' | 'notLike' | 'iLike' | 'notILike' | 'startsWith' | 'endsWith'
	| 'substring' | 'regexp' | 'notRegexp' | 'iRegexp' | 'notIRegexp' | 'between'
	| 'notBetween' | 'overlap' | 'contains' | 'contained' | 'adjacent' | 'strictLeft'
	| 'strictRight' | 'noExtendRight' | 'noExtendLeft' | 'and' | 'or' | 'any' | 'all'
	| 'values' | 'col' | 'placeholder' | 'join' | 'match';

/** Sequelize's operators: the same registered symbols as require('sequelize').Op. */
export const Op: { readonly [K in OpName]: symbol };

/* ------------------------------------------------------------------------
 * Find options, as Sequelize 6 takes them
 * ---------------------------------------------------------------------- */

export type WhereValue =
	| string | number | boolean | bigint | null | Date | Buffer
	| readonly WhereValue[]
	| WhereOptions;

/** A where object: attribute (or "$include.attribute$") keys and Op symbol keys. */
export interface WhereOptions {
	[key: string]: WhereValue;
	[op: symbol]: WhereValue;
}

/** sequelize.fn(...) / sequelize.col(...) in attributes and order. */
export interface SequelizeFnOrCol {
	readonly fn?: string;
	readonly col?: string;
	readonly args?: unknown[];
}

/** An attribute, or [attribute, alias] (the alias is its key in the rows). */
export type AttributeItem = string | SequelizeFnOrCol | readonly [string | SequelizeFnOrCol, string];

export type FindAttributeOptions =
	| readonly AttributeItem[]
	| { include?: readonly AttributeItem[]; exclude?: readonly string[] };

export type OrderDirection = 'ASC' | 'DESC' | 'ASC NULLS FIRST' | 'ASC NULLS LAST' | 'DESC NULLS FIRST'
	| 'DESC NULLS LAST' | 'NULLS FIRST' | 'NULLS LAST' | Lowercase<'ASC' | 'DESC'>;

/** An association object (Model.associations.posts). */
export interface AssociationLike {
	readonly associationType: string;
	readonly as: string;
	readonly target: unknown;
}

export type OrderPathPart = string | ModelRef | AssociationLike | { model?: ModelRef; as?: string };

export type OrderItem =
	| string
	| SequelizeFnOrCol
	| readonly [string | SequelizeFnOrCol]
	| readonly [string | SequelizeFnOrCol, OrderDirection | string]
	| readonly [...OrderPathPart[], string, OrderDirection | string];

export type Order = string | readonly OrderItem[];

export interface IncludeOptions {
	association?: string | AssociationLike;
	model?: ModelRef;
	as?: string;
	where?: WhereOptions;
	required?: boolean;
	attributes?: FindAttributeOptions;
	include?: Includeable | readonly Includeable[];
	paranoid?: boolean;
	through?: { attributes?: FindAttributeOptions; where?: WhereOptions; paranoid?: boolean };
	order?: Order;
	limit?: number;
	offset?: number;
	/** Accepted and ignored: orm_models loads every include in the one statement. */
	separate?: boolean;
	/** Accepted and ignored. */
	duplicating?: boolean;
}

export interface IncludeAllOptions {
	all: true | 'BelongsTo' | 'HasOne' | 'HasMany' | 'One' | 'Has' | 'Many' | 'All'
		| ReadonlyArray<'BelongsTo' | 'HasOne' | 'HasMany' | 'One' | 'Has' | 'Many' | 'All'>;
	nested?: boolean;
	required?: boolean;
	where?: WhereOptions;
	attributes?: FindAttributeOptions;
	paranoid?: boolean;
}

export type Includeable = string | ModelRef | AssociationLike | IncludeOptions | IncludeAllOptions;

/** Where a call runs: a node-postgres client in a transaction, or a Sequelize transaction. */
export type TransactionLike = Queryable | { connection: Queryable };

export interface CallOptions {
	transaction?: TransactionLike | null;
	/** Called with the statement (and, with benchmark, the milliseconds it took). */
	logging?: false | ((sql: string, ms?: number) => void);
	benchmark?: boolean;
}

export interface FindOptions extends CallOptions {
	where?: WhereOptions;
	attributes?: FindAttributeOptions;
	include?: Includeable | readonly Includeable[];
	order?: Order;
	limit?: number | null;
	offset?: number | null;
	paranoid?: boolean;
	/** Attribute names, aliases of attributes, sequelize.fn/col: the rows are groups. */
	group?: string | SequelizeFnOrCol | readonly (string | SequelizeFnOrCol)[];
	/** A where over the attributes' aliases, or sequelize.where(fn(...), ...) over one of them. */
	having?: WhereOptions | object;
	/** Allowed without include (the rows are plain objects anyway). */
	raw?: boolean;
}

export interface FindAndCountAllOptions extends FindOptions {
	/** count counts parents whatever the includes (as Sequelize's does with distinct). */
	distinct?: boolean;
	col?: string;
}

export interface FindOneOptions extends FindOptions {
	rejectOnEmpty?: boolean | Error | (new () => Error);
	plain?: true;
}

export interface CountOptions extends CallOptions {
	where?: WhereOptions;
	include?: Includeable | readonly Includeable[];
	paranoid?: boolean;
	/** orm.count counts parents; distinct over the primary key is the same count. */
	distinct?: boolean;
	/** count(DISTINCT col) with distinct, else the rows where col is not null. */
	col?: string;
	/** A count per group: [{...group keys, count}]. */
	group?: string | SequelizeFnOrCol | readonly (string | SequelizeFnOrCol)[];
	having?: WhereOptions | object;
	/** Ignored, as Sequelize's count ignores them. */
	attributes?: FindAttributeOptions;
	order?: Order;
	limit?: number | null;
	offset?: number | null;
}

/* ------------------------------------------------------------------------
 * Results
 * ---------------------------------------------------------------------- */

/**
 * A row as Sequelize's toJSON() gives it: attributes by name (DATE as Date,
 * DATEONLY as string, BIGINT and DECIMAL as strings unless parsers say
 * otherwise), included associations under their aliases.  The type of the
 * rows of an untyped OrmModels.
 */
export type Row = Record<string, any>;

/**
 * One model of the map `npx orm-models types` (orm.typescript()) writes,
 * OrmModelTypes: its attributes as rows have them, what creating one takes,
 * and its associations by alias.
 */
export interface ModelTypeEntry {
	attributes: object;
	creation: object;
	associations: object;
}

/** An association of a ModelTypeEntry: the target's name, an array or not, a junction row. */
export interface AssociationTypeEntry {
	model: string;
	many: boolean;
	through?: { name: string; attributes: object };
}

/** The constraint of OrmModels' map (an interface like OrmModelTypes, or any). */
export type ModelTypeMap<M> = { [K in keyof M]: ModelTypeEntry };

type IsAny<T> = 0 extends (1 & T) ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** What a key the types cannot follow holds (an include by model class without "as", {all}). */
type Unfollowed = { [key: string]: unknown };

type AttributesOf<M, N> = N extends keyof M ? M[N] extends { attributes: infer A } ? A : never : never;
type AssociationsOf<M, N> = N extends keyof M ? M[N] extends { associations: infer A } ? A : {} : {};

/* attributes: a list narrows the row to it (aliases renamed), {exclude} leaves keys out */
type AttributeKey<A, Item> =
	Item extends string ? (string extends Item ? Partial<A> : Item extends keyof A ? { [K in Item]: A[K] } : {})
	: Item extends readonly [infer Src, infer Alias extends string]
		? (string extends Alias ? Unfollowed : { [K in Alias]: Src extends keyof A ? A[Src] : unknown })
	: Unfollowed;
type Selected<A, Att> =
	[Att] extends [undefined] ? A
	: Att extends readonly unknown[] ? UnionToIntersection<AttributeKey<A, Att[number]>>
	: Att extends { exclude: readonly (infer E)[] } ? Omit<A, E & keyof A> & (Att extends { include: readonly (infer I)[] } ? UnionToIntersection<AttributeKey<A, I>> : {})
	: Att extends { include: readonly (infer I)[] } ? A & UnionToIntersection<AttributeKey<A, I>>
	: A;

/* an option of O: its type, undefined when O has no such key (an optional one keeps its undefined) */
type OptionOf<O, K extends string> = K extends keyof O ? O[K] : undefined;
type Items<I> = I extends readonly unknown[] ? I[number] : I;

/* one include item -> { alias: rows } */
type Included<M, N, Item> =
	Item extends undefined ? {}
	: Item extends string ? Association<M, N, Item, {}>
	: Item extends { all: unknown } ? Unfollowed
	: Item extends { association: infer A } ? (A extends string ? Association<M, N, A, Item>
		: A extends { as: infer S extends string } ? Association<M, N, S, Item> : Unfollowed)
	: Item extends { as: infer A extends string } ? Association<M, N, A, Item>
	: Unfollowed;
type Association<M, N, Alias extends string, Item> =
	string extends Alias ? Unfollowed
	: Alias extends keyof AssociationsOf<M, N> ? { [K in Alias]: AssociationValue<M, AssociationsOf<M, N>[Alias], Item> }
	: {};
type Junction<D, Item> = D extends { through: { name: infer J extends string; attributes: infer JA } }
	? { [K in J]: Simplify<Selected<JA, OptionOf<OptionOf<Item, 'through'>, 'attributes'>>> }
	: {};
type AssociationValue<M, D, Item> = D extends { model: infer T; many: infer Many }
	? Many extends true ? Array<Simplify<RowOf<M, T, Item> & Junction<D, Item>>> : Simplify<RowOf<M, T, Item>> | null
	: unknown;

/**
 * The row of model N of map M that a find with options O gives: its
 * attributes (narrowed by O.attributes), and each include of O under its
 * alias: an array of rows (hasMany, belongsToMany with the junction row
 * under its model's name) or a row or null (belongsTo, hasOne), nested as
 * O's includes nest.
 */
export type RowOf<M, N, O = {}> = Simplify<
	Selected<AttributesOf<M, N>, OptionOf<O, 'attributes'>> &
	UnionToIntersection<Included<M, N, Items<OptionOf<O, 'include'>>>>
>;

/** A find's row: T when given, Row for an untyped OrmModels, else RowOf. */
export type ResultRow<M, N, T, O> =
	[T] extends [never] ? (IsAny<M> extends true ? Row : string extends N ? Row : RowOf<M, N, O>) : T;

/** What a write takes: the attributes (all optional), or Row untyped. */
export type ValuesOf<M, N, T> =
	[T] extends [never] ? (IsAny<M> extends true ? Row : string extends N ? Row : Partial<AttributesOf<M, N>>) : Partial<T>;
type CreationOf<M, N> = N extends keyof M ? M[N] extends { creation: infer C } ? C : never : never;
/** What create takes: the creation attributes, and rows of associations to create with include. */
export type CreationValuesOf<M, N, T> =
	[T] extends [never] ? (IsAny<M> extends true ? Row : string extends N ? Row
		: CreationOf<M, N> & { [K in keyof AssociationsOf<M, N>]?: unknown }) : Partial<T>;

/** findOne/findByPk: null unless rejectOnEmpty is set. */
type MaybeNull<R, O> = O extends { rejectOnEmpty: true | Error | (new () => Error) } ? R : R | null;

/* ------------------------------------------------------------------------
 * OrmModels
 * ---------------------------------------------------------------------- */

export interface Parsers {
	/** The text of a BIGINT -> the value (default: the text, as Sequelize gives it). */
	bigint?: (text: string) => unknown;
	/** The text of a DECIMAL/NUMERIC -> the value (default: the text). */
	decimal?: (text: string) => unknown;
}

export interface OrmModelsOptions {
	/** Read BIGINT and DECIMAL as this Sequelize instance's type parsers do. */
	sequelize?: SequelizeLike;
	parsers?: Parsers;
}

/**
 * The models of a database.  M: the OrmModelTypes map that
 * `npx orm-models types` writes (then each find's rows are typed by its
 * include and attributes), or left out (rows are Row).
 */
export class OrmModels<M extends ModelTypeMap<M> = any> {
	constructor(pool: Queryable, options?: OrmModelsOptions);
	readonly pool: Queryable;
	/** The model object of model `name` (a name of M, or a Sequelize model class). */
	model<N extends keyof M & string>(name: N | { name: N }): OrmModel<M, N>;
	/**
	 * Untyped (an OrmModels without M; with M, a Sequelize model class
	 * whose name the types do not know): the rows are T.
	 */
	model<T extends Row = Row>(name: IsAny<M> extends true ? ModelRef : { name: string }): OrmModel<any, string, T>;
	/** Forget the catalog read so far (after models changed): read again on the next call. */
	refresh(): this;
}

/** Sequelize's model statics (finds and writes), answered by orm_models in one statement each. */
export class OrmModel<M = any, N extends string = string, T = never> {
	readonly name: N;
	readonly isOrmModel: true;
	findAll<const O extends FindOptions = {}>(options?: O): Promise<Array<ResultRow<M, N, T, O>>>;
	findOne<const O extends FindOneOptions = {}>(options?: O): Promise<MaybeNull<ResultRow<M, N, T, O>, O>>;
	findByPk<const O extends FindOneOptions = {}>(pk: number | bigint | string | Buffer | null | undefined, options?: O): Promise<MaybeNull<ResultRow<M, N, T, O>, O>>;
	count<const O extends CountOptions & { group: unknown }>(options: O): Promise<Array<Row & { count: number }>>;
	count(options?: CountOptions): Promise<number>;
	findAndCountAll<const O extends FindAndCountAllOptions = {}>(options?: O): Promise<{ count: number; rows: Array<ResultRow<M, N, T, O>> }>;

	/** Sequelize's Model.scope: these named scopes instead of the default scope; scope() is unscoped(). */
	scope(...names: Array<string | readonly string[] | null>): OrmModel<M, N, T>;
	/** No scope at all (not even the default scope). */
	unscoped(): OrmModel<M, N, T>;

	/** The row created, read back through the same include. */
	create<const O extends CreateOptions = {}>(values: CreationValuesOf<M, N, T>, options?: O): Promise<ResultRow<M, N, T, O>>;
	/** The rows created, in the order given. */
	bulkCreate<const O extends BulkCreateOptions = {}>(records: ReadonlyArray<CreationValuesOf<M, N, T>>, options?: O): Promise<Array<ResultRow<M, N, T, O>>>;
	/** [affectedCount], or [affectedCount, rows] with returning: true (Sequelize's shapes). */
	update(values: ValuesOf<M, N, T>, options: UpdateOptions & { returning: true }): Promise<[number, Array<ResultRow<M, N, T, {}>>]>;
	update(values: ValuesOf<M, N, T>, options: UpdateOptions): Promise<[number]>;
	/**
	 * Sequelize 6 on PostgreSQL: [[rows keyed by column, count]], and
	 * [[rows, count], 2] with returning: true (Sequelize's second member is
	 * the length of the [rows, count] pair).
	 */
	increment(fields: string | readonly string[] | Record<string, number>, options: IncrementOptions & { returning: true }): Promise<[[Row[], number], 2]>;
	increment(fields: string | readonly string[] | Record<string, number>, options: IncrementOptions): Promise<[[Row[], number]]>;
	decrement(fields: string | readonly string[] | Record<string, number>, options: IncrementOptions & { returning: true }): Promise<[[Row[], number], 2]>;
	decrement(fields: string | readonly string[] | Record<string, number>, options: IncrementOptions): Promise<[[Row[], number]]>;
	/** The rows deleted (soft-deleted for a paranoid model, unless force). */
	destroy(options: DestroyOptions): Promise<number>;
	/** The soft-deleted rows restored. */
	restore(options?: RestoreOptions): Promise<number>;
	/** [row, null]: as on Sequelize's PostgreSQL dialect, whether it was created is not told. */
	upsert(values: CreationValuesOf<M, N, T>, options?: UpsertOptions): Promise<[ResultRow<M, N, T, {}>, null]>;
}

/* ------------------------------------------------------------------------
 * Write options
 * ---------------------------------------------------------------------- */

export interface WriteOptions extends CallOptions {
	/** Accepted: the database checks every row it writes. */
	validate?: boolean;
}

export interface CreateOptions extends WriteOptions {
	/** The associations whose rows the values carry (and the result's include). */
	include?: Includeable | readonly Includeable[];
	fields?: readonly string[];
	returning?: boolean;
}

export interface BulkCreateOptions extends CreateOptions {
	ignoreDuplicates?: boolean;
	updateOnDuplicate?: readonly string[];
	conflictAttributes?: readonly string[];
}

export interface UpdateOptions extends WriteOptions {
	where: WhereOptions;
	fields?: readonly string[];
	paranoid?: boolean;
	returning?: boolean;
}

export interface IncrementOptions extends CallOptions {
	where: WhereOptions;
	/** The amount of each field given by name (default 1). */
	by?: number;
	paranoid?: boolean;
	returning?: boolean;
}

export interface DestroyOptions extends CallOptions {
	where: WhereOptions;
	/** Delete a paranoid model's rows instead of setting deletedAt. */
	force?: boolean;
}

export interface RestoreOptions extends CallOptions {
	where?: WhereOptions;
}

export interface UpsertOptions extends WriteOptions {
	fields?: readonly string[];
	conflictFields?: readonly string[];
	returning?: boolean;
}

/* ------------------------------------------------------------------------
 * Importing a models/ folder
 * ---------------------------------------------------------------------- */

/** Something of a model Sequelize has and the database cannot hold. */
export interface NotCarried {
	model: string;
	attribute?: string;
	association?: string;
	what: string;
	reason: string;
}

/** Something Sequelize's postgres dialect itself ignores (UNSIGNED, a TEXT size...). */
export interface ImportWarning {
	model: string;
	attribute?: string;
	what: string;
}

/** orm.define_models' argument. */
export type ModelsDocument = Record<string, {
	attributes: Record<string, Record<string, unknown>>;
	options?: Record<string, unknown>;
	associations?: Array<Record<string, unknown>>;
}>;

export interface SyncOptions {
	force?: boolean;
	alter?: boolean;
	dryRun?: boolean;
	models?: string[];
}

export interface ImportOptions {
	/** Run orm.sync after orm.define_models (true, or orm.sync's options). */
	sync?: boolean | SyncOptions;
	/** Refuse to import when something cannot be carried (ImportError). */
	strict?: boolean;
}

export interface ImportResult {
	document: ModelsDocument;
	notCarried: NotCarried[];
	warnings: ImportWarning[];
	/** orm.define_models' result: each model as orm.describe gives it. */
	models: unknown;
	/** The statements orm.sync ran. */
	statements: string[];
}

export function importModels(sequelize: SequelizeLike, pool: Queryable, options?: ImportOptions): Promise<ImportResult>;

export function serializeModels(sequelize: SequelizeLike): {
	document: ModelsDocument;
	notCarried: NotCarried[];
	warnings: ImportWarning[];
};

/** A models/ folder as its index.js (or sequelize-cli's loader) builds it. */
export function loadModels(dir: string): { sequelize: SequelizeLike; models: Record<string, unknown> };

/* ------------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------- */

/** An error of the database, with node-postgres' fields. */
export class OrmError extends Error {
	/** The SQLSTATE. */
	code: string;
	severity?: string;
	detail?: string;
	hint?: string;
	position?: string;
	where?: string;
	schema?: string;
	table?: string;
	column?: string;
	constraint?: string;
	cause: unknown;
}

/** An option the package does not know or does not carry, found before anything ran. */
export class OrmOptionError extends TypeError {
	/** Where: "include[0].separate", "where.age[Op.gt]"... */
	option: string;
}

/** rejectOnEmpty, as Sequelize names it (SequelizeEmptyResultError). */
export class EmptyResultError extends Error {}

/** importModels with strict: what cannot be carried. */
export class ImportError extends Error {
	notCarried: NotCarried[];
}

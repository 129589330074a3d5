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
	| WhereValue[]
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

export type AttributeItem = string | SequelizeFnOrCol | [string | SequelizeFnOrCol, string];

export type FindAttributeOptions =
	| AttributeItem[]
	| { include?: AttributeItem[]; exclude?: string[] };

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
	| [string | SequelizeFnOrCol]
	| [string | SequelizeFnOrCol, OrderDirection | string]
	| [...OrderPathPart[], string, OrderDirection | string];

export type Order = string | OrderItem[];

export interface IncludeOptions {
	association?: string | AssociationLike;
	model?: ModelRef;
	as?: string;
	where?: WhereOptions;
	required?: boolean;
	attributes?: FindAttributeOptions;
	include?: Includeable | Includeable[];
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
		| Array<'BelongsTo' | 'HasOne' | 'HasMany' | 'One' | 'Has' | 'Many' | 'All'>;
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
	include?: Includeable | Includeable[];
	order?: Order;
	limit?: number | null;
	offset?: number | null;
	paranoid?: boolean;
	/** Allowed without include (the rows are plain objects anyway). */
	raw?: boolean;
}

export interface FindOneOptions extends FindOptions {
	rejectOnEmpty?: boolean | Error | (new () => Error);
	plain?: true;
}

export interface CountOptions extends CallOptions {
	where?: WhereOptions;
	include?: Includeable | Includeable[];
	paranoid?: boolean;
	/** orm.count counts parents; distinct over the primary key is the same count. */
	distinct?: boolean;
	/** The primary key only, with distinct. */
	col?: string;
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
 * otherwise), included associations under their aliases.
 */
export type Row = Record<string, any>;

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

export class OrmModels {
	constructor(pool: Queryable, options?: OrmModelsOptions);
	readonly pool: Queryable;
	/** The model object of model `name` (a name, or a Sequelize model class). */
	model<T extends Row = Row>(name: ModelRef): OrmModel<T>;
	/** Forget the catalog read so far (after models changed): read again on the next call. */
	refresh(): this;
}

/** Sequelize's find statics, answered by orm_models in one statement each. */
export class OrmModel<T extends Row = Row> {
	readonly name: string;
	readonly isOrmModel: true;
	findAll(options?: FindOptions): Promise<T[]>;
	findOne(options?: FindOneOptions): Promise<T | null>;
	findByPk(pk: number | bigint | string | Buffer | null | undefined, options?: FindOneOptions): Promise<T | null>;
	count(options?: CountOptions): Promise<number>;
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

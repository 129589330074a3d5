# orm_models: PGXS build
EXTENSION = orm_models
EXTVERSION = $(shell grep default_version $(EXTENSION).control | sed -e "s/default_version[[:space:]]*=[[:space:]]*'\([^']*\)'/\1/")

MODULE_big = orm_models
# In layers, lowest first (README.md, "Layout"; test/layers checks them).
OBJS = \
	src/json_util.o src/names.o src/inflect.o src/roles.o src/spi_util.o \
	src/schema.o \
	src/types.o src/validate.o src/model_indexes.o src/model_parse.o \
	src/association.o src/resolve.o src/model_json.o \
	src/sql_util.o \
	src/catalog.o src/cache.o src/live.o src/event_trigger.o \
	src/query_scope.o src/query_parse.o src/query_expr.o src/where.o src/query_sql.o src/query_levels.o \
	src/json_writer.o src/json_nest.o src/json_check.o src/find.o \
	src/write_parse.o src/write_sql.o src/write_errors.o src/write.o \
	src/ddl.o src/ddl_indexes.o src/drift.o src/sync.o src/timestamps.o \
	src/define.o src/typescript.o src/orm_models.o

DATA = $(wildcard sql/$(EXTENSION)--*.sql)

REGRESS = \
	install \
	inflect \
	define \
	define_errors \
	associate \
	define_models \
	enum \
	geometry \
	indexes \
	sync \
	find \
	scopes \
	aggregates \
	write \
	sync_errors \
	seed \
	ddl_watch \
	drift \
	validate \
	models_folder \
	atomicity \
	security \
	typescript \
	json_writer \
	count_functions
REGRESS_OPTS = --load-extension=plpgsql --encoding=UTF8 --no-locale

SHLIB_LINK += $(ICU_LIBS)

# the header dependencies the compiler writes (-MMD, below)
EXTRA_CLEAN = $(OBJS:.o=.d)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Warnings, whatever flags PostgreSQL was built with (test/run adds
# -Wextra, and -Werror under CI).  -MMD -MP: each object's header
# dependencies, as the compiler saw its #include lines, in src/*.d; the
# bitcode of a file is rebuilt with its object.
override CFLAGS += -Wall -Wmissing-prototypes -Wshadow=compatible-local -MMD -MP
$(patsubst %.o,%.bc,$(OBJS)): %.bc: %.o
-include $(OBJS:.o=.d)

.PHONY: bench
bench:
	bash test/bench/run_bench.sh

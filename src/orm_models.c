/*
 * orm_models.c
 *		Module magic of the orm_models extension.
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;

/*
 * spi_util.c
 *		Checked SPI wrappers: every failure becomes an ERROR.
 */
#include "postgres.h"

#include "executor/spi.h"

#include "orm_models.h"

/* Connects to SPI or fails. */
void
OrmSpiConnect(void)
{
	int			rc = SPI_connect();

	if (rc != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(rc));
}

/* Disconnects from SPI or fails. */
void
OrmSpiFinish(void)
{
	int			rc = SPI_finish();

	if (rc != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed: %s", SPI_result_code_string(rc));
}

/*
 * Runs one statement with its values as parameters; returns the number of
 * rows processed.  nulls follows SPI's convention (' ' or 'n'), may be NULL.
 */
int
OrmSpiExec(const char *sql, int nargs, Oid *argtypes, Datum *values,
		   const char *nulls, bool read_only)
{
	int			rc;

	rc = SPI_execute_with_args(sql, nargs, argtypes, values, nulls,
							   read_only, 0);
	if (rc < 0)
		elog(ERROR, "could not run \"%s\": %s", sql,
			 SPI_result_code_string(rc));
	return (int) SPI_processed;
}

#ifndef DXKIT_CSQLITE_SHIM_H
#define DXKIT_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
// Binding with it makes SQLite copy the buffer before the call returns.
static inline sqlite3_destructor_type dxkit_sqlite_transient(void) {
  return SQLITE_TRANSIENT;
}

// sqlite3_db_config is variadic; this fixed-arity wrapper is what Swift can call.
static inline int dxkit_sqlite_db_config_int(sqlite3 *db, int op, int value, int *result) {
  return sqlite3_db_config(db, op, value, result);
}

#endif

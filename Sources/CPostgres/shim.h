// libpq's declarations only: nothing here links libpq. TendReport dlopen's it when a report URL is configured,
// so a local run never maps libpq and its dependencies (GSSAPI, LDAP, OpenSSL). The typedefs give each function
// it looks up a type the compiler checks against libpq's own prototype.
#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#elif __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
// No libpq headers on the include path (Homebrew's libpq is keg-only): the few declarations tend uses, as libpq
// has declared them since 7.x. Nothing is linked either way; the library is found at run time.
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef unsigned int Oid;
typedef enum { CONNECTION_OK, CONNECTION_BAD } ConnStatusType;
typedef enum { PGRES_EMPTY_QUERY = 0, PGRES_COMMAND_OK, PGRES_TUPLES_OK } ExecStatusType;
#endif

typedef PGconn *(*tend_pq_connectdb_params)(const char *const *keywords, const char *const *values, int expand_dbname);
typedef ConnStatusType (*tend_pq_status)(const PGconn *conn);
typedef char *(*tend_pq_error_message)(const PGconn *conn);
typedef void (*tend_pq_finish)(PGconn *conn);
typedef PGresult *(*tend_pq_exec)(PGconn *conn, const char *query);
typedef PGresult *(*tend_pq_exec_params)(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                                         const char *const *paramValues, const int *paramLengths,
                                         const int *paramFormats, int resultFormat);
typedef ExecStatusType (*tend_pq_result_status)(const PGresult *res);
typedef char *(*tend_pq_result_error_message)(const PGresult *res);
typedef char *(*tend_pq_result_error_field)(const PGresult *res, int fieldcode);
typedef int (*tend_pq_ntuples)(const PGresult *res);
typedef int (*tend_pq_nfields)(const PGresult *res);
typedef char *(*tend_pq_getvalue)(const PGresult *res, int tup_num, int field_num);
typedef int (*tend_pq_getisnull)(const PGresult *res, int tup_num, int field_num);
typedef void (*tend_pq_clear)(PGresult *res);

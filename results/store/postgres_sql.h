// The thin layer over libpq (the PostgreSQL C API) that the PostgreSQL
// backend uses: a connection, results and parameters as RAII values,
// server errors as absl::Status by SQLSTATE, and the connection URI with its
// password kept out of every message.
//
// libpq rather than libpqxx: libpqxx reports errors by exceptions, which the
// store would have to catch at every call to return Status; libpq's C API
// maps one-to-one onto the pattern store_sql.h uses for SQLite, and is one
// small library already on every machine with a PostgreSQL client.
#ifndef IPCLAB_RESULTS_STORE_POSTGRES_SQL_H_
#define IPCLAB_RESULTS_STORE_POSTGRES_SQL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "results/store/transaction.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace ipclab::results::pg {

// The password of a connection URI ("postgresql://user:secret@host/db" or
// "...?password=secret"), or "" when it has none.
std::string PasswordOf(absl::string_view uri);

// `uri` with its password replaced by "***": what messages may show.
std::string RedactLocation(absl::string_view uri);

// `text` with every occurrence of `uri`'s password (raw or as written in the
// URI) replaced by "***".
std::string RedactSecrets(absl::string_view text, absl::string_view uri);

// A query result, cleared by the destructor.
class Result final {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  // Rows an INSERT/UPDATE/DELETE touched.
  int64_t affected_rows() const;
  bool IsNull(int row, int column) const;
  // Text-format columns.
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;
  // A column of a binary-format result, as its bytes.
  std::string Bytes(int row, int column) const;

 private:
  PGresult* result_ = nullptr;
};

// Query parameters, all typed (text, bytea, int8, float8 or NULL); numbers
// and bytes go in binary format, so nothing is lost to decimal text.
class Params final {
 public:
  Params& Text(absl::string_view text);
  Params& Bytes(absl::string_view bytes);
  Params& Int(int64_t value);
  Params& Double(double value);
  Params& NullInt();
  Params& NullDouble();
  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class Connection;
  Params& Add(unsigned int type, std::string value, int format, bool null);

  std::vector<unsigned int> types_;
  std::vector<std::string> values_;
  std::vector<int> formats_;
  std::vector<bool> nulls_;
};

// One connection to the server, closed by the destructor.
class Connection final {
 public:
  // Connects to `uri` (libpq finds the password in PGPASSWORD, PGPASSFILE or
  // ~/.pgpass when the URI has none). UNAVAILABLE naming the redacted URI
  // when the server cannot be reached or refuses.
  static absl::StatusOr<Connection> Open(const std::string& uri);
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters or results.
  absl::Status Exec(absl::string_view sql, absl::string_view what) const;
  // One statement with `params` ($1, $2 ...); text results unless
  // `binary_results`.
  absl::StatusOr<Result> Query(const std::string& sql, const Params& params, absl::string_view what,
                               bool binary_results = false) const;

  // The server process serving this connection.
  int backend_pid() const;
  const std::string& uri() const { return uri_; }

 private:
  Connection(PGconn* connection, std::string uri) : connection_(connection), uri_(std::move(uri)) {}
  absl::Status Error(PGresult* result, absl::string_view what) const;

  PGconn* connection_ = nullptr;
  std::string uri_;
};

// connection->Exec, as Transaction runs it.
absl::Status Exec(const Connection* connection, absl::string_view sql, absl::string_view what);
using Transaction = results::Transaction<const Connection*, Exec>;

}  // namespace ipclab::results::pg

#endif  // IPCLAB_RESULTS_STORE_POSTGRES_SQL_H_

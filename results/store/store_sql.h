// The thin layer over the SQLite C API that store.cc and store_schema.cc
// share: one RAII prepared statement, and SQLite errors as absl::Status
// naming what was being done.
#ifndef IPCLAB_RESULTS_STORE_STORE_SQL_H_
#define IPCLAB_RESULTS_STORE_STORE_SQL_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "results/store/transaction.h"

namespace ipclab::results::sql {

// The status for SQLite result `code` while doing `what`: SQLITE_NOTADB and
// SQLITE_CORRUPT are FAILED_PRECONDITION ("... is not a usable database"),
// SQLITE_CONSTRAINT is ALREADY_EXISTS, SQLITE_BUSY/LOCKED UNAVAILABLE, the
// rest INTERNAL. The message is "<what>: <sqlite3_errmsg>".
absl::Status Error(sqlite3* db, int code, absl::string_view what);

// Runs one or more statements without results.
absl::Status Exec(sqlite3* db, absl::string_view sql, absl::string_view what);

// A prepared statement, finalized by the destructor. Bind indexes are
// 1-based as in SQLite.
class Statement final {
 public:
  static absl::StatusOr<Statement> Prepare(sqlite3* db, absl::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, absl::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);
  Statement& BindBlob(int index, absl::string_view bytes);

  // Advances: true with a row, false when done; an error otherwise.
  absl::StatusOr<bool> Step();
  // Step() for statements without rows.
  absl::Status Run(absl::string_view what);
  // Ready to bind and step again.
  void Reset();

  std::string Text(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  bool IsNull(int column) const;
  std::string Blob(int column) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

// BEGIN IMMEDIATE takes the write lock at once (waiting up to the busy
// timeout), so a transaction never fails half-way for a lock.
inline constexpr absl::string_view kBeginImmediate = "BEGIN IMMEDIATE";
using Transaction = results::Transaction<sqlite3*, Exec>;

}  // namespace ipclab::results::sql

#endif  // IPCLAB_RESULTS_STORE_STORE_SQL_H_

// A transaction rolled back by its destructor unless committed, for both
// store backends: `Db` is the handle statements run on and `kExec` runs one
// (sql::Exec on a sqlite3*, pg::Exec on a const pg::Connection*).
#ifndef IPCLAB_RESULTS_STORE_TRANSACTION_H_
#define IPCLAB_RESULTS_STORE_TRANSACTION_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ipclab::results {

template <typename Db, absl::Status (*kExec)(Db db, absl::string_view sql, absl::string_view what)>
class Transaction final {
 public:
  // Runs `begin` ("BEGIN", or SQLite's "BEGIN IMMEDIATE").
  static absl::StatusOr<Transaction> Begin(Db db, absl::string_view begin) {
    if (absl::Status begun = kExec(db, begin, "starting a transaction"); !begun.ok()) return begun;
    return Transaction(db);
  }
  ~Transaction() {
    if (db_ != nullptr) (void)kExec(db_, "ROLLBACK", "rolling back");
  }
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // A failed COMMIT leaves the rollback to the destructor: SQLite keeps the
  // transaction open after one (SQLITE_BUSY); PostgreSQL has already ended
  // it, and the ROLLBACK only draws a warning.
  absl::Status Commit() {
    if (absl::Status committed = kExec(db_, "COMMIT", "committing"); !committed.ok()) {
      return committed;
    }
    db_ = nullptr;
    return absl::OkStatus();
  }

 private:
  explicit Transaction(Db db) : db_(db) {}
  Db db_ = nullptr;  // null once committed or moved from
};

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STORE_TRANSACTION_H_

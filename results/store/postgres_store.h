// The PostgreSQL backend of ResultStore: one history for a team, written by
// many CI runners and lab machines at once. Opened from a libpq connection
// URI ("postgresql://user@host/db?sslmode=verify-full"); the password comes
// from libpq's PGPASSWORD, PGPASSFILE or ~/.pgpass, and every message shows
// the URI with any password it holds replaced by "***".
//
// The tables live in the connection's current schema (search_path). A
// schema holding other tables but no ipclab_schema is not ours and is
// refused (FAILED_PRECONDITION) untouched, as is a newer schema version.
// Opening an older or empty one migrates it in one transaction under an
// advisory lock (postgres_schema.h). Each Save is one transaction; a
// connection lost half-way leaves nothing of that run.
#ifndef IPCLAB_RESULTS_STORE_POSTGRES_STORE_H_
#define IPCLAB_RESULTS_STORE_POSTGRES_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "results/store/postgres_sql.h"
#include "results/store/store.h"

namespace ipclab::results {

class PostgresResultStore final : public ResultStore {
 public:
  // Connects to `uri` and brings the schema up to date.
  //   UNAVAILABLE          the server cannot be reached or refused;
  //   NOT_FOUND            kReadWrite and no ipclab tables yet;
  //   FAILED_PRECONDITION  another program's tables, or a newer schema.
  static absl::StatusOr<std::unique_ptr<PostgresResultStore>> Open(const std::string& uri,
                                                                   Mode mode);

  absl::Status Save(const v1::RunResult& run, const Tags& tags) override;
  absl::StatusOr<std::vector<StoredRun>> List(const RunFilter& filter) const override;
  absl::StatusOr<std::string> ResolveId(absl::string_view id_or_prefix) const override;
  absl::StatusOr<v1::RunResult> Load(absl::string_view id_or_prefix) const override;
  absl::StatusOr<Tags> TagsOf(absl::string_view run_id) const override;

  // The server process of this store's connection (for tests that kill it).
  int backend_pid() const { return connection_.backend_pid(); }

 private:
  explicit PostgresResultStore(pg::Connection connection);
  absl::Status PrepareSchema(Mode mode);
  absl::Status SaveRows(const v1::RunResult& run, const Tags& tags, const std::string& bytes);

  pg::Connection connection_;
};

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STORE_POSTGRES_STORE_H_

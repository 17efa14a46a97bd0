// The SQLite backend of ResultStore: one file per engineer. WAL journal, so
// `results list` reads while a run is being saved; several processes may
// share the file (writers wait up to 5 s for each other).
//
// The schema version is PRAGMA user_version, the file's owner PRAGMA
// application_id. A file that is not an ipclab database (not SQLite at all,
// corrupt, another program's database, or one from a newer ipclab) is
// refused with FAILED_PRECONDITION before anything is written to it: its
// bytes stay as they were.
#ifndef IPCLAB_RESULTS_STORE_SQLITE_STORE_H_
#define IPCLAB_RESULTS_STORE_SQLITE_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "results/store/store.h"

struct sqlite3;

namespace ipclab::results {

class SqliteResultStore final : public ResultStore {
 public:
  // Opens (and if needed creates or migrates) the database at `path`,
  // retrying for up to a minute while other processes hold its locks
  // (creating or migrating it at the same moment). kCreate (a run is about
  // to be stored) also makes sure, before anything runs, that the file can
  // be written and its file system has room. A database on a read-only
  // file system is read as immutable in kReadWrite mode.
  //   NOT_FOUND            kReadWrite and no file at `path`;
  //   FAILED_PRECONDITION  not an ipclab database, or a newer schema;
  //                        kCreate: the file or its file system is read-only;
  //   RESOURCE_EXHAUSTED   kCreate: its file system is (nearly) full;
  //   INVALID_ARGUMENT     the directory cannot be created, the file cannot
  //                        be opened or read;
  //   UNAVAILABLE          still locked by another process after a minute.
  static absl::StatusOr<std::unique_ptr<SqliteResultStore>> Open(const std::string& path,
                                                                 Mode mode);
  ~SqliteResultStore() override;

  absl::Status Save(const v1::RunResult& run, const Tags& tags) override;
  absl::StatusOr<std::vector<StoredRun>> List(const RunFilter& filter) const override;
  absl::StatusOr<std::string> ResolveId(absl::string_view id_or_prefix) const override;
  absl::StatusOr<v1::RunResult> Load(absl::string_view id_or_prefix) const override;
  absl::StatusOr<Tags> TagsOf(absl::string_view run_id) const override;

 private:
  SqliteResultStore(std::string path, sqlite3* db) : ResultStore(std::move(path)), db_(db) {}
  // One attempt of Open; UNAVAILABLE when another process's lock was in the way.
  static absl::StatusOr<std::unique_ptr<SqliteResultStore>> OpenOnce(const std::string& path,
                                                                     Mode mode, bool read_only_fs);

  sqlite3* db_;
};

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STORE_SQLITE_STORE_H_

#include "results/store/sqlite_store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/size.h"
#include "base/status_macros.h"
#include "results/store/store_rows.h"
#include "results/store/store_schema.h"
#include "results/store/store_sql.h"

namespace ipclab::results {
namespace {

// How long one statement waits for another process's lock.
constexpr int kBusyTimeoutMs = 30000;
// How long opening keeps retrying while other processes create or migrate
// the same database (SQLite can answer SQLITE_BUSY at once, without the
// busy handler, e.g. while another connection switches to WAL).
constexpr absl::Duration kOpenPatience = absl::Seconds(60);
// A database that is to take a run needs at least this much free space on
// its file system (a run's rows and its WAL frames; big runs need more).
constexpr uint64_t kMinFreeBytes = uint64_t{1} << 20;
constexpr char kSqliteMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                   'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

absl::Status NotOurs(const std::string& path, absl::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("\"", path, "\" is not an ipclab results database (", why,
                   "); it was left unchanged. Choose another file with --db"));
}

// Creates `directory` and its parents (mode 0700 for what it creates).
absl::Status MakeDirectories(const std::string& directory) {
  if (directory.empty()) return absl::OkStatus();
  struct stat info;
  if (stat(directory.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create the results database: \"", directory, "\" is not a directory"));
  }
  const size_t slash = directory.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    IPCLAB_RETURN_IF_ERROR(MakeDirectories(directory.substr(0, slash)));
  }
  if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create the results database: ",
                     base::ErrnoMessage(absl::StrCat("mkdir(\"", directory, "\")"), errno)));
  }
  return absl::OkStatus();
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Refuses, without letting SQLite near it, a non-empty file that does not
// start with the SQLite header.
absl::Status CheckHeader(const std::string& path) {
  const base::Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open the results database: ",
                     base::ErrnoMessage(absl::StrCat("open(\"", path, "\")"), errno)));
  }
  char header[sizeof(kSqliteMagic)];
  // Up to the header's size or the end of the file.
  const absl::StatusOr<size_t> read = base::ReadFull(fd.get(), header, sizeof(header), path);
  if (!read.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the results database: ", read.status().message()));
  }
  const ssize_t got = static_cast<ssize_t>(*read);
  if (got == 0) return absl::OkStatus();  // an empty file is an empty database
  // A header shorter than the magic but matching it so far is another
  // process writing the first page right now: try again.
  if (got < static_cast<ssize_t>(sizeof(header)) &&
      memcmp(header, kSqliteMagic, static_cast<size_t>(got)) == 0) {
    return absl::UnavailableError(absl::StrCat("\"", path, "\" is being created"));
  }
  if (got < static_cast<ssize_t>(sizeof(header)) ||
      memcmp(header, kSqliteMagic, sizeof(header)) != 0) {
    return NotOurs(path, "not an SQLite file");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> QueryInt(sqlite3* db, const char* query) {
  IPCLAB_ASSIGN_OR_RETURN(sql::Statement statement, sql::Statement::Prepare(db, query));
  IPCLAB_ASSIGN_OR_RETURN(bool row, statement.Step());
  return row ? statement.Int(0) : 0;
}

int64_t Microseconds(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

int64_t NowMicroseconds() { return absl::ToUnixMicros(absl::Now()); }

// Reads the identity of an open database and brings its schema up to date
// (never when `writable` is false). UNAVAILABLE while another process holds
// a lock (the caller retries); only what SQLite itself calls not a database
// (or corrupt) is "not an ipclab results database".
absl::Status PrepareSchema(sqlite3* db, const std::string& path, bool writable) {
  // One read transaction, so the three come from one snapshot: between two
  // autocommit reads another process may commit the schema, and tables
  // without the application id looked like another program's database.
  IPCLAB_RETURN_IF_ERROR(sql::Exec(db, "BEGIN", "reading the database's identity"));
  absl::StatusOr<int64_t> application_id = QueryInt(db, "PRAGMA application_id");
  absl::StatusOr<int64_t> version = QueryInt(db, "PRAGMA user_version");
  absl::StatusOr<int64_t> objects = QueryInt(db, "SELECT count(*) FROM sqlite_master");
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);  // ends the read transaction
  for (const auto* status : {&application_id.status(), &version.status(), &objects.status()}) {
    if (status->ok()) continue;
    if (absl::IsFailedPrecondition(*status)) return NotOurs(path, status->message());
    if (absl::IsUnavailable(*status)) return *status;
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the results database \"", path, "\": ", status->message()));
  }
  const bool fresh = *application_id == 0 && *version == 0 && *objects == 0;
  if (!fresh && *application_id != kStoreApplicationId) {
    IPCLAB_ASSIGN_OR_RETURN(sql::Statement tables,
                            sql::Statement::Prepare(db,
                                                    "SELECT name FROM sqlite_master WHERE type = "
                                                    "'table' ORDER BY name LIMIT 5"));
    std::vector<std::string> names;
    for (;;) {
      absl::StatusOr<bool> row = tables.Step();
      if (!row.ok() || !*row) break;
      names.push_back(tables.Text(0));
    }
    return NotOurs(path,
                   absl::StrCat("another program's SQLite database",
                                names.empty() ? "" : " with tables ", absl::StrJoin(names, ", ")));
  }
  if (*version > kStoreSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("\"", path, "\" was written by a newer ipclab (schema version ", *version,
                     "; this one knows up to ", kStoreSchemaVersion, "); it was left unchanged"));
  }
  if (!fresh && *version == kStoreSchemaVersion) return absl::OkStatus();
  if (!writable) {
    return absl::FailedPreconditionError(
        absl::StrCat("\"", path, "\" is read-only and ",
                     fresh ? "empty" : "of an older schema that must be upgraded first",
                     "; open it once where it is writable"));
  }

  // New or older: WAL first (outside the transaction), then the migrations.
  IPCLAB_RETURN_IF_ERROR(sql::Exec(db, "PRAGMA journal_mode = WAL", "switching to WAL"));
  IPCLAB_ASSIGN_OR_RETURN(sql::Transaction transaction,
                          sql::Transaction::Begin(db, sql::kBeginImmediate));
  // Another process may have migrated it while this one waited for the lock.
  IPCLAB_ASSIGN_OR_RETURN(int64_t current, QueryInt(db, "PRAGMA user_version"));
  if (current < kStoreSchemaVersion) {
    IPCLAB_RETURN_IF_ERROR(schema::Migrate(db, static_cast<int>(current), kStoreSchemaVersion));
  }
  return transaction.Commit();
}

// The file system holding `directory`, or nullopt if it cannot be read.
std::optional<struct statvfs> FileSystemOf(const std::string& directory) {
  struct statvfs fs;
  if (statvfs(directory.empty() ? "." : directory.c_str(), &fs) != 0) return std::nullopt;
  return fs;
}

std::string CannotStore(const std::string& path, absl::string_view why) {
  return absl::StrCat("cannot store runs in \"", path, "\": ", why,
                      ". Choose another file with --db, or --no-store");
}

// "file:<path>?immutable=1": a database on a read-only file system is read
// without locks or a -shm file (SQLite would otherwise need to create one).
std::string ImmutableUri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      absl::StrAppend(&uri, "%", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      uri.push_back(c);
    }
  }
  return uri + "?immutable=1";
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteResultStore>> SqliteResultStore::OpenOnce(
    const std::string& path, Mode mode, bool read_only_fs) {
  struct stat info;
  if (stat(path.c_str(), &info) == 0) {
    if (!S_ISREG(info.st_mode)) return NotOurs(path, "not a regular file");
    IPCLAB_RETURN_IF_ERROR(CheckHeader(path));
  }

  sqlite3* db = nullptr;
  const bool immutable = read_only_fs && mode == Mode::kReadWrite;
  const int flags = SQLITE_OPEN_NOMUTEX |
                    (immutable ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI : SQLITE_OPEN_READWRITE) |
                    (mode == Mode::kCreate ? SQLITE_OPEN_CREATE : 0);
  const std::string target = immutable ? ImmutableUri(path) : path;
  const int code = sqlite3_open_v2(target.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    absl::Status status = sql::Error(db, code, absl::StrCat("opening \"", path, "\""));
    sqlite3_close(db);
    if (absl::IsUnavailable(status)) return status;
    return absl::InvalidArgumentError(status.message());
  }
  std::unique_ptr<SqliteResultStore> store(new SqliteResultStore(path, db));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  const bool writable = sqlite3_db_readonly(db, "main") == 0;
  if (mode == Mode::kCreate && !writable) {
    return absl::FailedPreconditionError(
        CannotStore(path, "the file is read-only (its permissions or its directory's)"));
  }
  IPCLAB_RETURN_IF_ERROR(PrepareSchema(db, path, writable));
  if (writable) {
    IPCLAB_RETURN_IF_ERROR(sql::Exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL",
                                     "configuring the connection"));
  }
  if (mode == Mode::kCreate) {
    // The write lock, taken and given back: a database SQLite cannot write
    // (a read-only -wal or -shm, a lock another program keeps) says so now.
    const int begin = sqlite3_exec(db, "BEGIN IMMEDIATE; ROLLBACK", nullptr, nullptr, nullptr);
    if (begin != SQLITE_OK) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      absl::Status status = sql::Error(db, begin, "taking the write lock");
      if (absl::IsUnavailable(status)) return status;
      return absl::FailedPreconditionError(CannotStore(path, status.message()));
    }
  }
  return store;
}

absl::StatusOr<std::unique_ptr<SqliteResultStore>> SqliteResultStore::Open(const std::string& path,
                                                                           Mode mode) {
  if (path.empty()) return absl::InvalidArgumentError("--db needs a file name");
  struct stat info;
  const std::string directory = DirectoryOf(path);
  if (stat(path.c_str(), &info) != 0) {
    if (mode == Mode::kReadWrite) {
      return absl::NotFoundError(absl::StrCat(
          "no results database at \"", path, "\" (`ipclab run` creates it; --db chooses another)"));
    }
    IPCLAB_RETURN_IF_ERROR(MakeDirectories(directory));
  }
  // Checked before anything runs: a run that cannot be stored is refused.
  const std::optional<struct statvfs> fs = FileSystemOf(directory);
  const bool read_only_fs = fs.has_value() && (fs->f_flag & ST_RDONLY) != 0;
  if (mode == Mode::kCreate && read_only_fs) {
    return absl::FailedPreconditionError(CannotStore(path, "it is on a read-only file system"));
  }
  if (mode == Mode::kCreate && fs.has_value() && (fs->f_flag & ST_RDONLY) == 0) {
    const uint64_t free_bytes = static_cast<uint64_t>(fs->f_bavail) * fs->f_frsize;
    if (free_bytes < kMinFreeBytes) {
      return absl::ResourceExhaustedError(CannotStore(
          path,
          absl::StrCat("its file system is full (", base::FormatSize(free_bytes),
                       " free; a run needs at least ", base::FormatSize(kMinFreeBytes), ")")));
    }
  }

  // Many processes may create or migrate a fresh database at once (CI jobs
  // starting together): whatever another one's lock makes fail is retried,
  // with a growing pause, until kOpenPatience has passed.
  const absl::Time give_up = absl::Now() + kOpenPatience;
  absl::Duration pause = absl::Milliseconds(2 + getpid() % 8);
  for (;;) {
    absl::StatusOr<std::unique_ptr<SqliteResultStore>> store = OpenOnce(path, mode, read_only_fs);
    if (store.ok() || !absl::IsUnavailable(store.status())) return store;
    if (absl::Now() + pause > give_up) {
      return absl::UnavailableError(absl::StrCat(store.status().message(),
                                                 " (still locked by another process after ",
                                                 absl::FormatDuration(kOpenPatience), ")"));
    }
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(100));
  }
}

SqliteResultStore::~SqliteResultStore() { sqlite3_close_v2(db_); }

absl::Status SqliteResultStore::Save(const v1::RunResult& run, const Tags& tags) {
  if (run.run_id().empty()) return absl::InvalidArgumentError("cannot store a run without an id");
  std::string bytes;
  if (!run.SerializeToString(&bytes)) return absl::InternalError("cannot serialize the run");
  int repetitions = 0;
  for (const v1::CaseResult& result : run.cases()) {
    for (const v1::RepetitionResult& repetition : result.repetitions()) {
      repetitions += repetition.warmup() ? 0 : 1;
    }
  }

  IPCLAB_ASSIGN_OR_RETURN(sql::Transaction transaction,
                          sql::Transaction::Begin(db_, sql::kBeginImmediate));
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement row,
      sql::Statement::Prepare(db_,
                              "INSERT INTO runs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                              "?11, ?12, ?13, ?14, ?15)"));
  const v1::HostInfo& host = run.host();
  row.Bind(1, run.run_id())
      .Bind(2, run.workload())
      .Bind(3, v1::RunStatus_Name(run.status()))
      .Bind(4, Microseconds(run.started_at()))
      .Bind(5, Microseconds(run.finished_at()))
      .Bind(6, NowMicroseconds())
      .Bind(7, run.request().label())
      .Bind(8, run.server())
      .Bind(9, host.hostname())
      .Bind(10, host.kernel_release())
      .Bind(11, host.thp_enabled())
      .Bind(12, host.cpu_model())
      .Bind(13, int64_t{host.cpu_count()})
      .Bind(14, int64_t{run.cases_size()})
      .Bind(15, int64_t{repetitions});
  absl::Status inserted = row.Run("storing the run");
  if (absl::IsAlreadyExists(inserted)) {
    return absl::AlreadyExistsError(
        absl::StrCat("run ", run.run_id(), " is already stored in \"", path(), "\""));
  }
  IPCLAB_RETURN_IF_ERROR(inserted);
  IPCLAB_ASSIGN_OR_RETURN(sql::Statement result_row,
                          sql::Statement::Prepare(db_, "INSERT INTO run_results VALUES (?1, ?2)"));
  result_row.Bind(1, run.run_id()).BindBlob(2, bytes);
  IPCLAB_RETURN_IF_ERROR(result_row.Run("storing the run's result"));
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement tag_row,
      sql::Statement::Prepare(db_, "INSERT OR REPLACE INTO run_tags VALUES (?1, ?2, ?3)"));
  for (const auto& [key, value] : tags) {
    tag_row.Reset();
    tag_row.Bind(1, run.run_id()).Bind(2, key).Bind(3, value);
    IPCLAB_RETURN_IF_ERROR(tag_row.Run("storing a tag"));
  }
  IPCLAB_RETURN_IF_ERROR(schema::InsertCaseRows(db_, run));
  IPCLAB_RETURN_IF_ERROR(schema::InsertRepetitionRows(db_, run));
  return transaction.Commit();
}

absl::StatusOr<std::vector<StoredRun>> SqliteResultStore::List(const RunFilter& filter) const {
  std::string query =
      "SELECT run_id, workload, status, started_at_us, label, server, hostname, kernel_release, "
      "case_count, repetition_count, "
      "(SELECT group_concat(key || char(31) || value, char(30)) FROM run_tags t "
      "WHERE t.run_id = runs.run_id) FROM runs WHERE 1";
  int next = 1;
  std::vector<std::pair<int, std::string>> texts;
  if (!filter.workload.empty()) {
    absl::StrAppend(&query, " AND workload = ?", next);
    texts.emplace_back(next++, filter.workload);
  }
  if (!filter.label.empty()) {
    absl::StrAppend(&query, " AND label = ?", next);
    texts.emplace_back(next++, filter.label);
  }
  if (!filter.status.empty()) {
    absl::StrAppend(&query, " AND status = ?", next);
    texts.emplace_back(next++, filter.status);
  }
  for (const auto& [key, value] : filter.tags) {
    absl::StrAppend(&query, " AND run_id IN (SELECT run_id FROM run_tags WHERE key = ?", next,
                    " AND value = ?", next + 1, ")");
    texts.emplace_back(next++, key);
    texts.emplace_back(next++, value);
  }
  const int since_index = next;
  if (filter.since_us.has_value()) absl::StrAppend(&query, " AND started_at_us >= ?", next++);
  absl::StrAppend(&query, " ORDER BY started_at_us DESC, rowid DESC");
  if (filter.limit > 0) absl::StrAppend(&query, " LIMIT ", filter.limit);

  IPCLAB_ASSIGN_OR_RETURN(sql::Statement statement, sql::Statement::Prepare(db_, query));
  for (const auto& [index, text] : texts) statement.Bind(index, text);
  if (filter.since_us.has_value()) statement.Bind(since_index, *filter.since_us);
  std::vector<StoredRun> runs;
  for (;;) {
    IPCLAB_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    runs.push_back(schema::ListedRun([&](int column) { return statement.Text(column); },
                                     [&](int column) { return statement.Int(column); }));
  }
  return runs;
}

absl::StatusOr<std::string> SqliteResultStore::ResolveId(absl::string_view id_or_prefix) const {
  if (id_or_prefix.empty()) return absl::InvalidArgumentError("an empty run id");
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement statement,
      sql::Statement::Prepare(db_,
                              "SELECT run_id FROM runs WHERE run_id = ?1 UNION ALL "
                              "SELECT run_id FROM runs WHERE substr(run_id, 1, length(?1)) = ?1 "
                              "AND run_id != ?1 LIMIT 6"));
  statement.Bind(1, id_or_prefix);
  std::vector<std::string> ids;
  for (;;) {
    IPCLAB_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    ids.push_back(statement.Text(0));
  }
  return schema::OneRunId(id_or_prefix, ids, path());
}

absl::StatusOr<v1::RunResult> SqliteResultStore::Load(absl::string_view id_or_prefix) const {
  IPCLAB_ASSIGN_OR_RETURN(std::string id, ResolveId(id_or_prefix));
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement statement,
      sql::Statement::Prepare(db_, "SELECT result FROM run_results WHERE run_id = ?1"));
  statement.Bind(1, id);
  IPCLAB_ASSIGN_OR_RETURN(bool row, statement.Step());
  v1::RunResult run;
  if (!row || !run.ParseFromString(statement.Blob(0))) {
    return absl::FailedPreconditionError(
        absl::StrCat("run ", id, " in \"", path(), "\" is damaged: its result does not decode"));
  }
  return run;
}

absl::StatusOr<Tags> SqliteResultStore::TagsOf(absl::string_view run_id) const {
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement statement,
      sql::Statement::Prepare(db_,
                              "SELECT key, value FROM run_tags WHERE run_id = ?1 ORDER BY key"));
  statement.Bind(1, run_id);
  Tags tags;
  for (;;) {
    IPCLAB_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    tags.emplace_back(statement.Text(0), statement.Text(1));
  }
  return tags;
}

}  // namespace ipclab::results

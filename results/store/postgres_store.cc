#include "results/store/postgres_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "results/store/postgres_schema.h"
#include "results/store/store_rows.h"

namespace ipclab::results {
namespace {

namespace sql = postgres_schema;

int64_t Microseconds(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

absl::Status NotOurs(const std::string& where, absl::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("\"", where, "\" is not an ipclab results database (", why,
                   "); it was left unchanged. Choose another database or schema with --db"));
}

}  // namespace

PostgresResultStore::PostgresResultStore(pg::Connection connection)
    : ResultStore(pg::RedactLocation(connection.uri())), connection_(std::move(connection)) {}

absl::StatusOr<std::unique_ptr<PostgresResultStore>> PostgresResultStore::Open(
    const std::string& uri, Mode mode) {
  IPCLAB_ASSIGN_OR_RETURN(pg::Connection connection, pg::Connection::Open(uri));
  std::unique_ptr<PostgresResultStore> store(new PostgresResultStore(std::move(connection)));
  IPCLAB_RETURN_IF_ERROR(store->PrepareSchema(mode));
  return store;
}

absl::Status PostgresResultStore::PrepareSchema(Mode mode) {
  IPCLAB_ASSIGN_OR_RETURN(pg::Result inspect,
                          connection_.Query(sql::kInspect, pg::Params(), "reading the schema"));
  if (inspect.Text(0, 2) == "t") {
    return absl::FailedPreconditionError(absl::StrCat(
        "\"", path(), "\": no schema to create the tables in (the search_path names none)"));
  }
  const bool has_version = inspect.Text(0, 0) == "t";
  int64_t version = 0;
  if (has_version) {
    IPCLAB_ASSIGN_OR_RETURN(pg::Result row, connection_.Query(sql::kReadVersion, pg::Params(),
                                                              "reading the schema version"));
    if (row.rows() != 1 || row.Int(0, 0) != kStoreApplicationId) {
      return NotOurs(path(), "its ipclab_schema table is not ipclab's");
    }
    version = row.Int(0, 1);
  } else if (!inspect.Text(0, 1).empty()) {
    return NotOurs(path(), absl::StrCat("another program's tables: ", inspect.Text(0, 1)));
  } else if (mode == Mode::kReadWrite) {
    return absl::NotFoundError(
        absl::StrCat("no ipclab results in \"", path(),
                     "\" yet (`ipclab run --db URI` or `ipclab results push --to URI` creates "
                     "them)"));
  }
  if (version > kStoreSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("\"", path(), "\" was written by a newer ipclab (schema version ", version,
                     "; this one knows up to ", kStoreSchemaVersion, "); it was left unchanged"));
  }
  if (has_version && version == kStoreSchemaVersion) return absl::OkStatus();

  // New or older: one transaction, one client at a time.
  IPCLAB_ASSIGN_OR_RETURN(pg::Transaction transaction,
                          pg::Transaction::Begin(&connection_, "BEGIN"));
  pg::Params lock;
  lock.Int(kStoreApplicationId);
  IPCLAB_RETURN_IF_ERROR(
      connection_.Query(sql::kLockMigrations, lock, "waiting for the migration lock").status());
  // Another client may have migrated while this one waited for the lock.
  IPCLAB_RETURN_IF_ERROR(connection_.Exec(sql::kCreateVersionTable, "creating the version table"));
  IPCLAB_ASSIGN_OR_RETURN(pg::Result current, connection_.Query(sql::kReadVersion, pg::Params(),
                                                                "reading the schema version"));
  const int64_t now = current.rows() == 1 ? current.Int(0, 1) : 0;
  if (now < kStoreSchemaVersion) {
    IPCLAB_RETURN_IF_ERROR(sql::Migrate(connection_, static_cast<int>(now), kStoreSchemaVersion));
  }
  return transaction.Commit();
}

absl::Status PostgresResultStore::Save(const v1::RunResult& run, const Tags& tags) {
  if (run.run_id().empty()) return absl::InvalidArgumentError("cannot store a run without an id");
  std::string bytes;
  if (!run.SerializeToString(&bytes)) return absl::InternalError("cannot serialize the run");
  IPCLAB_ASSIGN_OR_RETURN(pg::Transaction transaction,
                          pg::Transaction::Begin(&connection_, "BEGIN"));
  IPCLAB_RETURN_IF_ERROR(SaveRows(run, tags, bytes));
  return transaction.Commit();
}

absl::Status PostgresResultStore::SaveRows(const v1::RunResult& run, const Tags& tags,
                                           const std::string& bytes) {
  int repetitions = 0;
  for (const v1::CaseResult& result : run.cases()) {
    for (const v1::RepetitionResult& repetition : result.repetitions()) {
      repetitions += repetition.warmup() ? 0 : 1;
    }
  }
  const v1::HostInfo& host = run.host();
  pg::Params row;
  row.Text(run.run_id())
      .Text(run.workload())
      .Text(v1::RunStatus_Name(run.status()))
      .Int(Microseconds(run.started_at()))
      .Int(Microseconds(run.finished_at()))
      .Int(absl::ToUnixMicros(absl::Now()))
      .Text(run.request().label())
      .Text(run.server())
      .Text(host.hostname())
      .Text(host.kernel_release())
      .Text(host.thp_enabled())
      .Text(host.cpu_model())
      .Int(host.cpu_count())
      .Int(run.cases_size())
      .Int(repetitions);
  IPCLAB_ASSIGN_OR_RETURN(pg::Result inserted,
                          connection_.Query(sql::kInsertRun, row, "storing the run"));
  if (inserted.affected_rows() == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("run ", run.run_id(), " is already stored in \"", path(), "\""));
  }
  pg::Params result;
  result.Text(run.run_id()).Bytes(bytes);
  IPCLAB_RETURN_IF_ERROR(
      connection_.Query(sql::kInsertRunResult, result, "storing the run's result").status());

  // A key given twice keeps its last value, as in SQLite's INSERT OR REPLACE.
  std::map<std::string, std::string> unique_tags;
  for (const auto& [key, value] : tags) unique_tags[key] = value;
  if (!unique_tags.empty()) {
    pg::Params tag_rows;
    for (const auto& [key, value] : unique_tags) tag_rows.Text(run.run_id()).Text(key).Text(value);
    IPCLAB_RETURN_IF_ERROR(
        connection_
            .Query(sql::InsertRows("run_tags", 3, static_cast<int>(unique_tags.size())), tag_rows,
                   "storing the tags")
            .status());
  }
  if (run.cases_size() > 0) {
    pg::Params case_rows;
    pg::Params param_rows;
    int param_count = 0;
    for (int index = 0; index < run.cases_size(); ++index) {
      const v1::CaseResult& result_case = run.cases(index);
      case_rows.Text(run.run_id())
          .Int(index)
          .Text(result_case.case_().name())
          .Text(v1::RunStatus_Name(result_case.status()))
          .Text(result_case.error())
          .Text(v1::Verdict_Name(result_case.verdict()));
      for (const auto& [name, value] : result_case.case_().params()) {
        param_rows.Text(run.run_id()).Int(index).Text(name).Text(value);
        ++param_count;
      }
    }
    IPCLAB_RETURN_IF_ERROR(
        connection_
            .Query(sql::InsertRows("cases", 6, run.cases_size()), case_rows, "storing the cases")
            .status());
    if (param_count > 0) {
      IPCLAB_RETURN_IF_ERROR(connection_
                                 .Query(sql::InsertRows("case_params", 4, param_count), param_rows,
                                        "storing the case parameters")
                                 .status());
    }
  }
  return sql::InsertRepetitions(connection_, run.run_id(), schema::RepetitionRows(run));
}

absl::StatusOr<std::vector<StoredRun>> PostgresResultStore::List(const RunFilter& filter) const {
  pg::Params params;
  const std::string query = sql::ListQuery(filter, &params);
  IPCLAB_ASSIGN_OR_RETURN(pg::Result rows, connection_.Query(query, params, "listing the runs"));
  std::vector<StoredRun> runs;
  runs.reserve(static_cast<size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    runs.push_back(schema::ListedRun([&](int column) { return rows.Text(i, column); },
                                     [&](int column) { return rows.Int(i, column); }));
  }
  return runs;
}

absl::StatusOr<std::string> PostgresResultStore::ResolveId(absl::string_view id_or_prefix) const {
  if (id_or_prefix.empty()) return absl::InvalidArgumentError("an empty run id");
  pg::Params params;
  params.Text(id_or_prefix);
  IPCLAB_ASSIGN_OR_RETURN(pg::Result rows,
                          connection_.Query(sql::kResolveId, params, "looking up a run id"));
  std::vector<std::string> ids;
  for (int i = 0; i < rows.rows(); ++i) ids.push_back(rows.Text(i, 0));
  return schema::OneRunId(id_or_prefix, ids, path());
}

absl::StatusOr<v1::RunResult> PostgresResultStore::Load(absl::string_view id_or_prefix) const {
  IPCLAB_ASSIGN_OR_RETURN(std::string id, ResolveId(id_or_prefix));
  pg::Params params;
  params.Text(id);
  IPCLAB_ASSIGN_OR_RETURN(pg::Result rows, connection_.Query(sql::kLoadResult, params,
                                                             "reading a run", /*binary=*/true));
  v1::RunResult run;
  if (rows.rows() != 1 || !run.ParseFromString(rows.Bytes(0, 0))) {
    return absl::FailedPreconditionError(
        absl::StrCat("run ", id, " in \"", path(), "\" is damaged: its result does not decode"));
  }
  return run;
}

absl::StatusOr<Tags> PostgresResultStore::TagsOf(absl::string_view run_id) const {
  pg::Params params;
  params.Text(run_id);
  IPCLAB_ASSIGN_OR_RETURN(pg::Result rows,
                          connection_.Query(sql::kTagsOf, params, "reading the tags"));
  Tags tags;
  for (int i = 0; i < rows.rows(); ++i) tags.emplace_back(rows.Text(i, 0), rows.Text(i, 1));
  return tags;
}

}  // namespace ipclab::results

#include "results/store/postgres_schema.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "results/store/migration_2.h"
#include "results/store/store.h"
#include "results/store/store_schema.h"

namespace ipclab::results::postgres_schema {
namespace {

// PostgreSQL takes at most 65535 parameters per statement.
constexpr int kMaxParameters = 60000;

constexpr schema::ColumnTypes kPostgresTypes = {"BIGINT", "BYTEA"};

constexpr char kVersion2[] = R"sql(
CREATE TABLE repetitions (
  run_id                   TEXT NOT NULL,
  case_index               BIGINT NOT NULL,
  repetition               BIGINT NOT NULL,
  headline_phase           TEXT NOT NULL,
  wall_ns                  BIGINT,
  throughput_bytes_per_sec DOUBLE PRECISION,
  latency_p50_ns           DOUBLE PRECISION,
  latency_p99_ns           DOUBLE PRECISION,
  faults_per_page          DOUBLE PRECISION,
  rss_growth_bytes         DOUBLE PRECISION,
  PRIMARY KEY (run_id, case_index, repetition),
  FOREIGN KEY (run_id, case_index) REFERENCES cases (run_id, case_index) ON DELETE CASCADE
)
)sql";

constexpr char kVersion2Runs[] = "SELECT run_id, result FROM runs ORDER BY run_id";

absl::Status ApplyVersion1(const pg::Connection& connection) {
  return connection.Exec(schema::Version1Sql(kPostgresTypes), "creating schema 1");
}

// The repetitions of the runs stored so far, from their bytes, with the
// rules migration 2 shipped with (migration_2.h).
absl::Status ApplyVersion2(const pg::Connection& connection) {
  IPCLAB_RETURN_IF_ERROR(connection.Exec(kVersion2, "creating schema 2"));
  IPCLAB_ASSIGN_OR_RETURN(pg::Result runs, connection.Query(kVersion2Runs, pg::Params(),
                                                            "migrating to schema 2", true));
  for (int row = 0; row < runs.rows(); ++row) {
    v1::RunResult run;
    const std::string run_id = runs.Bytes(row, 0);
    if (!run.ParseFromString(runs.Bytes(row, 1))) {
      return absl::FailedPreconditionError(
          absl::StrCat("migrating to schema 2: run ", run_id, " does not decode"));
    }
    run.set_run_id(run_id);
    IPCLAB_RETURN_IF_ERROR(InsertRepetitions(connection, run_id, schema::RepetitionRowsV2(run)));
  }
  return absl::OkStatus();
}

absl::Status ApplyVersion3(const pg::Connection& connection) {
  return connection.Exec(schema::Version3Sql(kPostgresTypes), "creating schema 3");
}

}  // namespace

const char kInspect[] =
    "SELECT coalesce(bool_or(tablename = 'ipclab_schema'), false), "
    "coalesce(string_agg(tablename, ', ' ORDER BY tablename), ''), current_schema() IS NULL "
    "FROM (SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "ORDER BY tablename = 'ipclab_schema' DESC, tablename LIMIT 6) AS t";
const char kReadVersion[] = "SELECT application_id, version FROM ipclab_schema";
const char kLockMigrations[] = "SELECT pg_advisory_xact_lock($1)";
const char kCreateVersionTable[] =
    "CREATE TABLE IF NOT EXISTS ipclab_schema ("
    "application_id BIGINT NOT NULL, version BIGINT NOT NULL)";

const char kInsertRun[] =
    "INSERT INTO runs (run_id, workload, status, started_at_us, finished_at_us, stored_at_us, "
    "label, server, hostname, kernel_release, thp_enabled, cpu_model, cpu_count, case_count, "
    "repetition_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
    "ON CONFLICT (run_id) DO NOTHING";
const char kInsertRunResult[] = "INSERT INTO run_results VALUES ($1, $2)";
const char kResolveId[] =
    "(SELECT run_id FROM runs WHERE run_id = $1) UNION ALL "
    "(SELECT run_id FROM runs WHERE starts_with(run_id, $1) AND run_id <> $1 "
    "ORDER BY run_id LIMIT 6) LIMIT 6";
const char kLoadResult[] = "SELECT result FROM run_results WHERE run_id = $1";
const char kTagsOf[] = "SELECT key, value FROM run_tags WHERE run_id = $1 ORDER BY key";

absl::Status Migrate(const pg::Connection& connection, int from_version, int to_version) {
  using Apply = absl::Status (*)(const pg::Connection&);
  static constexpr Apply kMigrations[] = {ApplyVersion1, ApplyVersion2, ApplyVersion3};
  static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kStoreSchemaVersion,
                "one PostgreSQL migration per schema version");
  IPCLAB_RETURN_IF_ERROR(connection.Exec(kCreateVersionTable, "creating the version table"));
  for (int version = from_version + 1; version <= to_version; ++version) {
    IPCLAB_RETURN_IF_ERROR(kMigrations[version - 1](connection));
  }
  IPCLAB_RETURN_IF_ERROR(connection.Exec("DELETE FROM ipclab_schema", "setting the version"));
  pg::Params version;
  version.Int(kStoreApplicationId).Int(to_version);
  return connection
      .Query("INSERT INTO ipclab_schema VALUES ($1, $2)", version, "setting the schema version")
      .status();
}

std::string InsertRows(absl::string_view table, int columns, int rows) {
  std::string sql = absl::StrCat("INSERT INTO ", table, " VALUES ");
  int next = 1;
  for (int row = 0; row < rows; ++row) {
    absl::StrAppend(&sql, row == 0 ? "(" : ", (");
    for (int column = 0; column < columns; ++column) {
      absl::StrAppend(&sql, column == 0 ? "$" : ", $", next++);
    }
    sql.push_back(')');
  }
  return sql;
}

absl::Status InsertRepetitions(const pg::Connection& connection, const std::string& run_id,
                               const std::vector<schema::RepetitionRow>& rows) {
  constexpr int kColumns = 10;
  const size_t batch = kMaxParameters / kColumns;
  for (size_t first = 0; first < rows.size(); first += batch) {
    const size_t count = std::min(batch, rows.size() - first);
    pg::Params params;
    for (size_t i = first; i < first + count; ++i) {
      const schema::RepetitionRow& row = rows[i];
      params.Text(run_id).Int(row.case_index).Int(row.repetition).Text(row.headline_phase);
      if (row.wall_ns.has_value()) {
        params.Int(*row.wall_ns);
      } else {
        params.NullInt();
      }
      for (const std::optional<double>& metric : row.metrics) {
        if (metric.has_value()) {
          params.Double(*metric);
        } else {
          params.NullDouble();
        }
      }
    }
    IPCLAB_RETURN_IF_ERROR(connection
                               .Query(InsertRows("repetitions", kColumns, static_cast<int>(count)),
                                      params, "storing the repetitions")
                               .status());
  }
  return absl::OkStatus();
}

std::string ListQuery(const RunFilter& filter, pg::Params* params) {
  // The newest few: each one's tags by its index. Many: all tags in one
  // hashed pass (10,000 index lookups cost ~10x more).
  std::string query = absl::StrCat(
      "SELECT run_id, workload, status, started_at_us, label, server, hostname, kernel_release, "
      "case_count, repetition_count, ",
      filter.limit > 0 && filter.limit <= 100
          ? "(SELECT string_agg(t.key || chr(31) || t.value, chr(30)) FROM run_tags t "
            "WHERE t.run_id = runs.run_id) FROM runs"
          : "all_tags.tags FROM runs LEFT JOIN (SELECT run_id, string_agg(key || chr(31) || "
            "value, chr(30)) AS tags FROM run_tags GROUP BY run_id) AS all_tags USING (run_id)",
      " WHERE true");
  int next = 1;
  if (!filter.workload.empty()) {
    absl::StrAppend(&query, " AND workload = $", next++);
    params->Text(filter.workload);
  }
  if (!filter.label.empty()) {
    absl::StrAppend(&query, " AND label = $", next++);
    params->Text(filter.label);
  }
  if (!filter.status.empty()) {
    absl::StrAppend(&query, " AND status = $", next++);
    params->Text(filter.status);
  }
  for (const auto& [key, value] : filter.tags) {
    absl::StrAppend(&query, " AND run_id IN (SELECT run_id FROM run_tags WHERE key = $", next,
                    " AND value = $", next + 1, ")");
    next += 2;
    params->Text(key).Text(value);
  }
  if (filter.since_us.has_value()) {
    absl::StrAppend(&query, " AND started_at_us >= $", next++);
    params->Int(*filter.since_us);
  }
  absl::StrAppend(&query, " ORDER BY started_at_us DESC, stored_at_us DESC, run_id DESC");
  if (filter.limit > 0) absl::StrAppend(&query, " LIMIT ", filter.limit);
  return query;
}

}  // namespace ipclab::results::postgres_schema

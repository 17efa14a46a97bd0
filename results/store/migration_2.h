// Schema migration 2, frozen: the `repetitions` table and its rows for the
// runs stored before it existed. A shipped migration never changes, so this
// code depends on nothing but the proto, SQLite and the row struct: the metric rules it needs
// are copies, as they were when migration 2 shipped. Do not "fix" them to
// follow results/model/; a new rule takes a new migration.
#ifndef IPCLAB_RESULTS_STORE_MIGRATION_2_H_
#define IPCLAB_RESULTS_STORE_MIGRATION_2_H_

#include <sqlite3.h>

#include <vector>

#include "absl/status/status.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/store/store_rows.h"

namespace ipclab::results::schema {

// Creates `repetitions` and fills it from the RunResult bytes in `runs`.
absl::Status ApplyVersion2(sqlite3* db);

// The rows migration 2 derives from a run's bytes, with the rules of its
// time (the PostgreSQL backend's migration 2 uses them too).
std::vector<RepetitionRow> RepetitionRowsV2(const v1::RunResult& run);

}  // namespace ipclab::results::schema

#endif  // IPCLAB_RESULTS_STORE_MIGRATION_2_H_

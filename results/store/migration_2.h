// Schema migration 2, frozen: the `repetitions` table and its rows for the
// runs stored before it existed. A shipped migration never changes, so this
// code depends on nothing but the proto and SQLite: the metric rules it needs
// are copies, as they were when migration 2 shipped. Do not "fix" them to
// follow results/model/; a new rule takes a new migration.
#ifndef IPCLAB_RESULTS_STORE_MIGRATION_2_H_
#define IPCLAB_RESULTS_STORE_MIGRATION_2_H_

#include <sqlite3.h>

#include "absl/status/status.h"

namespace ipclab::results::schema {

// Creates `repetitions` and fills it from the RunResult bytes in `runs`.
absl::Status ApplyVersion2(sqlite3* db);

}  // namespace ipclab::results::schema

#endif  // IPCLAB_RESULTS_STORE_MIGRATION_2_H_

// Test-only: a private PostgreSQL server for the length of a test. It runs
// Debian's initdb into a fresh temporary directory and starts the server
// with no TCP listener, its Unix socket in that directory (as the
// `postgres` user when the test runs as root: initdb refuses root). The
// destructor stops the server and removes the directory.
//
// The server binaries come from $IPCLAB_PG_BINDIR, else
// /usr/lib/postgresql/15/bin (Debian's `postgresql` package, which
// `scripts/setup.sh --tests` installs). When they are missing, Start()
// fails saying so: a test needing a server fails rather than skips.
#ifndef IPCLAB_RESULTS_TESTING_POSTGRES_SERVER_H_
#define IPCLAB_RESULTS_TESTING_POSTGRES_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ipclab::results::testing {

class PostgresServer final {
 public:
  // initdb + pg_ctl start (a second or two). FAILED_PRECONDITION when the
  // binaries are missing; INTERNAL with the server's log otherwise.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates database `name` (letters, digits, '_'); its URI.
  absl::StatusOr<std::string> CreateDatabase(const std::string& name);

  // postgresql:///<database>?host=<socket directory>&user=ipclab
  std::string Uri(const std::string& database) const;

  // `pg_ctl stop`: -m immediate (a crash: backends killed, no checkpoint)
  // or -m fast. Then Restart() starts it again (recovering after a crash).
  absl::Status Stop(bool immediate);
  absl::Status Restart();

  const std::string& directory() const { return directory_; }

 private:
  PostgresServer(std::string bin_dir, std::string directory)
      : bin_dir_(std::move(bin_dir)), directory_(std::move(directory)) {}
  // Runs a server binary (as `postgres` when root); its output goes to
  // `<directory>/<log_name>`.
  absl::Status RunTool(const std::vector<std::string>& argv, const std::string& log_name) const;

  std::string bin_dir_;
  std::string directory_;  // holds data/, the socket and the logs
  bool running_ = false;
};

}  // namespace ipclab::results::testing

#endif  // IPCLAB_RESULTS_TESTING_POSTGRES_SERVER_H_

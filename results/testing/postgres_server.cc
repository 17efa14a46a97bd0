#include "results/testing/postgres_server.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/posix_call.h"
#include "results/store/postgres_sql.h"

extern char** environ;

namespace ipclab::results::testing {
namespace {

constexpr char kDefaultBinDir[] = "/usr/lib/postgresql/15/bin";
constexpr char kUser[] = "ipclab";
// A Unix socket path holds at most 107 bytes; the socket is
// <directory>/.s.PGSQL.5432.
constexpr size_t kMaxDirectoryLength = 80;

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

std::string ReadTail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

void RemoveTree(const std::string& directory) {
  if (directory.empty()) return;
  pid_t pid = -1;
  const char* argv[] = {"rm", "-rf", "--", directory.c_str(), nullptr};
  if (posix_spawnp(&pid, "rm", nullptr, nullptr, const_cast<char**>(argv), environ) == 0) {
    int status = 0;
    base::RetryOnEintr([&] { return waitpid(pid, &status, 0); });
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  const char* configured = getenv("IPCLAB_PG_BINDIR");
  const std::string bin_dir =
      configured != nullptr && *configured != '\0' ? configured : kDefaultBinDir;
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    if (!IsExecutable(absl::StrCat(bin_dir, "/", tool))) {
      return absl::FailedPreconditionError(
          absl::StrCat("PostgreSQL server binaries not found (", bin_dir, "/", tool,
                       "): run scripts/setup.sh --tests to install Debian's postgresql package"));
    }
  }
  const char* base = getenv("TMPDIR");
  std::string parent = base != nullptr && *base != '\0' ? base : "/tmp";
  if (parent.size() > kMaxDirectoryLength - 20) parent = "/tmp";
  std::string pattern = parent + "/ipclab-pg-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp(\"", pattern, "\"): ", strerror(errno)));
  }
  std::unique_ptr<PostgresServer> server(new PostgresServer(bin_dir, pattern));
  if (geteuid() == 0) {
    const struct passwd* postgres = getpwnam("postgres");
    if (postgres == nullptr) {
      return absl::FailedPreconditionError(
          "running as root, and there is no `postgres` user to run the server as (initdb refuses "
          "root): run scripts/setup.sh --tests");
    }
    if (chown(pattern.c_str(), postgres->pw_uid, postgres->pw_gid) != 0) {
      return absl::InternalError(absl::StrCat("chown(\"", pattern, "\"): ", strerror(errno)));
    }
  }
  if (absl::Status made =
          server->RunTool({"initdb", "-D", pattern + "/data", "-U", kUser, "-A", "trust", "-E",
                           "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                          "initdb.log");
      !made.ok()) {
    return made;
  }
  if (absl::Status started = server->Restart(); !started.ok()) return started;
  return server;
}

PostgresServer::~PostgresServer() {
  if (running_) (void)Stop(/*immediate=*/true);
  RemoveTree(directory_);
}

absl::Status PostgresServer::RunTool(const std::vector<std::string>& argv,
                                     const std::string& log_name) const {
  std::vector<std::string> command;
  if (geteuid() == 0) command = {"/sbin/runuser", "-u", "postgres", "--"};
  command.push_back(absl::StrCat(bin_dir_, "/", argv[0]));
  command.insert(command.end(), argv.begin() + 1, argv.end());
  if (geteuid() == 0 && !IsExecutable(command[0])) command[0] = "/usr/sbin/runuser";

  const std::string log = absl::StrCat(directory_, "/", log_name);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (std::string& arg : command) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return absl::InternalError(absl::StrCat("posix_spawn(", args[0], "): ", strerror(spawned)));
  }
  int status = 0;
  if (base::RetryOnEintr([&] { return waitpid(pid, &status, 0); }) < 0) {
    return absl::InternalError(absl::StrCat("waitpid: ", strerror(errno)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(command, " "), " failed (status ", status,
                                            "):\n", ReadTail(log)));
  }
  return absl::OkStatus();
}

absl::Status PostgresServer::Restart() {
  // No TCP at all; the socket in our directory; durability to the OS page
  // cache only (a killed server loses nothing committed, a crashed machine
  // would - fine for a test); few resources, as tests run in parallel.
  const std::string options = absl::StrCat(
      "-c listen_addresses='' -c unix_socket_directories='", directory_,
      "' -c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=60");
  absl::Status started = RunTool({"pg_ctl", "start", "-w", "-t", "60", "-D", directory_ + "/data",
                                  "-l", directory_ + "/server.log", "-o", options},
                                 "pg_ctl.log");
  if (!started.ok()) {
    return absl::InternalError(
        absl::StrCat(started.message(), "\nserver log:\n", ReadTail(directory_ + "/server.log")));
  }
  running_ = true;
  return absl::OkStatus();
}

absl::Status PostgresServer::Stop(bool immediate) {
  running_ = false;
  return RunTool({"pg_ctl", "stop", "-w", "-t", "60", "-D", directory_ + "/data", "-m",
                  immediate ? "immediate" : "fast"},
                 "pg_ctl.log");
}

std::string PostgresServer::Uri(const std::string& database) const {
  return absl::StrCat("postgresql:///", database, "?host=", directory_, "&user=", kUser);
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_') {
      return absl::InvalidArgumentError(absl::StrCat("database name \"", name, "\""));
    }
  }
  absl::StatusOr<pg::Connection> connection = pg::Connection::Open(Uri("postgres"));
  if (!connection.ok()) return connection.status();
  if (absl::Status created =
          connection->Exec(absl::StrCat("CREATE DATABASE \"", name, "\""), "creating a database");
      !created.ok()) {
    return created;
  }
  return Uri(name);
}

}  // namespace ipclab::results::testing

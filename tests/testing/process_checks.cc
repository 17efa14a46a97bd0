#include "tests/testing/process_checks.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/fd.h"
#include "workloads/instance_lock.h"
#include "workloads/owner_mark.h"

namespace ipclab::testing {

std::string RealWorkerPath() {
  std::string path = BinaryPath("ipclab-worker");
  if (path.empty() || access(path.c_str(), X_OK) != 0) return "";
  return path;
}

std::string WriteFakeWorker(const std::string& body) {
  char dir[] = "/tmp/ipclab-server-test-XXXXXX";
  if (mkdtemp(dir) == nullptr) return "";
  const std::string path = std::string(dir) + "/fake-worker";
  {
    std::ofstream script(path);
    script << "#!/bin/sh\n" << body;
  }
  chmod(path.c_str(), 0755);
  return path;
}

void RemoveFakeWorker(const std::string& path) {
  unlink(path.c_str());
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos) rmdir(path.substr(0, slash).c_str());
}

std::vector<pid_t> ChildPidsOf(pid_t pid) {
  std::vector<pid_t> pids;
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* tasks = opendir(task_dir.c_str());
  if (tasks == nullptr) return pids;
  while (dirent* entry = readdir(tasks)) {
    if (entry->d_name[0] == '.') continue;
    // Not an ifstream: a read of a thread that has just exited fails with
    // ESRCH, which libstdc++'s filebuf throws (base/fd.h).
    absl::StatusOr<std::string> text =
        base::ReadFileToString(task_dir + "/" + entry->d_name + "/children");
    if (!text.ok()) continue;
    std::istringstream children(*text);
    pid_t child;
    while (children >> child) pids.push_back(child);
  }
  closedir(tasks);
  return pids;
}

std::vector<pid_t> ChildPids() { return ChildPidsOf(getpid()); }

std::vector<std::string> IpclabShmEntries() {
  std::vector<std::string> names;
  DIR* shm = opendir("/dev/shm");
  if (shm == nullptr) return names;
  while (dirent* entry = readdir(shm)) {
    if (std::string(entry->d_name).rfind("ipclab-", 0) == 0) names.push_back(entry->d_name);
  }
  closedir(shm);
  return names;
}

std::vector<std::string> LeftoverShmSince(const std::vector<std::string>& before) {
  std::vector<std::string> leftovers;
  for (const std::string& name : IpclabShmEntries()) {
    if (std::find(before.begin(), before.end(), name) != before.end()) continue;
    // "ipclab-i3-<run>-...": this process's if it held instance 3 (an
    // embedded server); then any such name left after a run is a leftover.
    if (std::optional<uint32_t> instance = workloads::InstanceOfName(name)) {
      if (workloads::InstanceHolderPid(*instance) == getpid()) leftovers.push_back(name);
      continue;
    }
    const size_t dash = name.find('-', 7);
    pid_t pid = 0;
    try {
      pid = static_cast<pid_t>(std::stol(name.substr(7, dash - 7)));
    } catch (const std::exception&) {
      continue;  // not a per-worker name
    }
    if (ProcessGone(pid)) leftovers.push_back(name);
  }
  return leftovers;
}

bool ProcessGone(pid_t pid) {
  absl::StatusOr<std::string> stat =
      base::ReadFileToString("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) return true;
  const std::string line = stat->substr(0, stat->find('\n'));
  const size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] == 'Z' ||
         line[paren + 2] == 'X';
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace ipclab::testing

// Test-only (ipclab_subprocess_testing), for the server, client and
// integration tests: the real worker, fake workers written as shell
// scripts, and checks that no process or /dev/shm entry was left behind.
#ifndef IPCLAB_TESTS_TESTING_PROCESS_CHECKS_H_
#define IPCLAB_TESTS_TESTING_PROCESS_CHECKS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "tests/testing/subprocess.h"

namespace ipclab::testing {

// The real worker; "" if it has not been built.
std::string RealWorkerPath();

// Writes an executable /bin/sh script with `body` into a fresh temporary
// directory and returns its path; the directory is removed by
// RemoveFakeWorker. Handy bodies: kFakeWorkerDone, kFakeWorkerSleeps.
std::string WriteFakeWorker(const std::string& body);
void RemoveFakeWorker(const std::string& path);

// Writes the length-delimited WorkerEvent{done: true} to fd 3 and exits 0.
// It does not read stdin to its end: the server keeps stdin open for acks.
inline constexpr char kFakeWorkerDone[] = "printf '\\002\\040\\001' >&3; exit 0\n";
// Runs for a long time, with a child in its process group.
inline constexpr char kFakeWorkerSleeps[] = "sleep 1000 & wait\n";

// Children of `pid` (all its threads), from /proc/PID/task/*/children.
std::vector<pid_t> ChildPidsOf(pid_t pid);
// Children of this process.
std::vector<pid_t> ChildPids();

// Names in /dev/shm starting with "ipclab-".
std::vector<std::string> IpclabShmEntries();

// "ipclab-<pid>-..." entries created since `before` whose creator is gone,
// and "ipclab-i<instance>-..." ones of an instance this process held (an
// embedded server; workloads/instance_lock.h): what a worker would leave
// behind. Entries of live processes and other processes' instances (other
// tests on this machine) are not ours to judge.
std::vector<std::string> LeftoverShmSince(const std::vector<std::string>& before);

// Whether `pid` is gone or a zombie (a killed orphan whose reaper is slow).
bool ProcessGone(pid_t pid);

// Polls `condition` every 10 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace ipclab::testing

#endif  // IPCLAB_TESTS_TESTING_PROCESS_CHECKS_H_

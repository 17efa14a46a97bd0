#include "workloads/leftovers.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "workloads/scratch_files.h"
#include "workloads/sys/sysv_segment.h"

namespace ipclab::workloads {
namespace {

constexpr char kShmDir[] = "/dev/shm";

static_assert(kNoInstance == sys::kSysvNoOwner, "SysV keys hold every instance slot");

// `dirs` without /dev/shm (swept as shm names) and without repeats.
std::vector<std::string> DistinctScratchDirs(std::vector<std::string> dirs) {
  std::vector<std::string> distinct;
  for (std::string& dir : dirs) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (dir.empty() || dir == kShmDir) continue;
    if (std::find(distinct.begin(), distinct.end(), dir) == distinct.end()) {
      distinct.push_back(std::move(dir));
    }
  }
  return distinct;
}

SweepReport RemoveWithPrefix(const std::string& prefix,
                             const std::vector<std::string>& scratch_dirs) {
  SweepReport report;
  report.shm_names = RemoveOwnEntriesWithPrefix(kShmDir, prefix, &report.bytes);
  for (const std::string& dir : DistinctScratchDirs(scratch_dirs)) {
    report.scratch_files += RemoveOwnEntriesWithPrefix(dir, prefix, &report.bytes);
  }
  return report;
}

// "452.0 MiB", "64 KiB": what a person reads in a log line.
std::string ReadableBytes(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) return absl::StrFormat("%.1f GiB", bytes / 1073741824.0);
  if (bytes >= (uint64_t{1} << 20)) return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
  return absl::StrCat(bytes / 1024, " KiB");
}

std::string Plural(int count, const char* one, const char* many) {
  return absl::StrCat(count, " ", count == 1 ? one : many);
}

}  // namespace

void SweepReport::Add(const SweepReport& other) {
  for (uint32_t instance : other.instances) {
    if (std::find(instances.begin(), instances.end(), instance) == instances.end()) {
      instances.push_back(instance);
    }
  }
  shm_names += other.shm_names;
  scratch_files += other.scratch_files;
  sysv_segments += other.sysv_segments;
  bytes += other.bytes;
}

std::string SweepReport::ToString() const {
  std::vector<std::string> parts;
  if (shm_names > 0) parts.push_back(Plural(shm_names, "/dev/shm name", "/dev/shm names"));
  if (scratch_files > 0) parts.push_back(Plural(scratch_files, "scratch file", "scratch files"));
  std::string text = absl::StrJoin(parts, ", ");
  if (bytes > 0) absl::StrAppend(&text, " (", ReadableBytes(bytes), ")");
  if (sysv_segments > 0) {
    absl::StrAppend(&text, text.empty() ? "" : ", ",
                    Plural(sysv_segments, "SysV segment", "SysV segments"));
  }
  if (!instances.empty()) {
    absl::StrAppend(&text, " of dead ipclab instance", instances.size() == 1 ? " " : "s ",
                    absl::StrJoin(instances, ", "));
  }
  return text;
}

SweepReport RemoveRunLeftovers(const OwnerMark& owner, pid_t worker_pid,
                               const std::vector<std::string>& scratch_dirs) {
  SweepReport report = RemoveWithPrefix(OwnerNamePrefix(owner, worker_pid), scratch_dirs);
  report.sysv_segments = owner.owned() ? sys::RemoveOwnedSysvSegments(owner.instance, worker_pid)
                                       : sys::RemoveLeftoverSysvSegments(worker_pid);
  return report;
}

SweepReport RemoveInstanceLeftovers(uint32_t instance,
                                    const std::vector<std::string>& scratch_dirs) {
  SweepReport report = RemoveWithPrefix(InstanceNamePrefix(instance), scratch_dirs);
  report.sysv_segments = sys::RemoveOwnedSysvSegments(instance);
  if (!report.empty()) report.instances.push_back(instance);
  return report;
}

SweepReport SweepDeadInstances(const InstanceLock& own,
                               const std::vector<std::string>& scratch_dirs) {
  std::vector<std::string> dirs = scratch_dirs;
  dirs.insert(dirs.end(), own.previous_scratch_dirs().begin(), own.previous_scratch_dirs().end());
  SweepReport report = RemoveInstanceLeftovers(own.instance(), dirs);

  std::set<uint32_t> named = InstancesNamedIn(kShmDir);
  for (const std::string& dir : DistinctScratchDirs(scratch_dirs)) {
    std::set<uint32_t> in_dir = InstancesNamedIn(dir);
    named.insert(in_dir.begin(), in_dir.end());
  }
  std::set<uint32_t> sysv = sys::SysvSegmentOwners();
  named.insert(sysv.begin(), sysv.end());
  named.erase(own.instance());
  for (uint32_t instance : named) {
    // Held while sweeping, so the slot cannot be taken meanwhile.
    std::optional<InstanceLock> dead = InstanceLock::TryLockDead(instance);
    if (!dead.has_value()) continue;  // alive, another user's, or not judged here
    std::vector<std::string> dead_dirs = scratch_dirs;
    dead_dirs.insert(dead_dirs.end(), dead->previous_scratch_dirs().begin(),
                     dead->previous_scratch_dirs().end());
    SweepReport removed = RemoveInstanceLeftovers(instance, dead_dirs);
    if (!removed.empty()) dead->NoteSwept();
    report.Add(std::move(removed));
  }
  return report;
}

}  // namespace ipclab::workloads

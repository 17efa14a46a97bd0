#include "workloads/catalog.h"
#include "workloads/scratch_files.h"

#include <memory>

#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "workloads/hugepages.h"
#include "workloads/ring_workload.h"
#include "workloads/sys/filesystem.h"
#include "workloads/transfer.h"
#include "workloads/worker.h"

namespace ipclab::workloads {
namespace {

absl::StatusOr<sys::FilesystemInfo> CheckLocation(const std::string& dir,
                                                  const std::string& location) {
  IPCLAB_ASSIGN_OR_RETURN(sys::FilesystemInfo fs, sys::FilesystemOf(dir));
  if (location == "tmpfs" && fs.type != "tmpfs") {
    return absl::FailedPreconditionError(absl::StrCat(
        "location=tmpfs: the scratch directory ", dir, " is on ", fs.type, " (", fs.mount_point,
        "), not tmpfs; start ipclabd with --scratch-tmpfs=DIR on a tmpfs mount"));
  }
  if (location == "disk" && fs.in_memory()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "location=disk: the scratch directory ", dir, " is on ", fs.type, " (", fs.mount_point,
        "), which lives in memory; start ipclabd with --scratch-disk=DIR on a disk file system"));
  }
  return fs;
}

std::string ThpSettingNote(const sys::FilesystemInfo& fs) {
  if (fs.type == "tmpfs") {
    const std::string huge = fs.Option("huge");
    return absl::StrCat(fs.mount_point, ": tmpfs huge=", huge.empty() ? "never (default)" : huge,
                        "; ", ShmemThpSettingNote(), " (force/deny override the mount)");
  }
  const std::string enabled = ReadThpSetting("enabled");
  return absl::StrCat(fs.mount_point, ": ", fs.type,
                      "; /sys/kernel/mm/transparent_hugepage/enabled=",
                      enabled.empty() ? "(absent: no THP)" : enabled,
                      " (page cache THP also needs a file system with large folios)");
}

v1::WorkloadSpec MmapFileSpec() {
  std::vector<v1::ParamSpec> params = RingParamSpecs(/*hugetlb=*/false);
  params.push_back(EnumParam(
      "location", "tmpfs", {"tmpfs", "disk"},
      "tmpfs: the server's --scratch-tmpfs directory (default /dev/shm); disk: its --scratch-disk "
      "directory (default $TMPDIR or /tmp), which must not be an in-memory file system"));
  return TransferSpec(
      "mmap_file",
      "ring in a file mapped MAP_SHARED by two processes, in the server's tmpfs or disk scratch "
      "directory; the producer copies each message into the ring, the consumer copies it out",
      std::move(params));
}

RingFaultModel MmapFileFaultModel(const CaseParams& params) {
  RingFaultModel model;
  model.read_fault_around = true;  // filemap_map_pages / shmem: both fault around
  if (params.Text("location") == "disk") {
    model.memory_metric = "vm_rss_delta_bytes";
    model.faults_may_retry = true;
    model.thp_rule =
        "page cache THP for a disk file needs /sys/kernel/mm/transparent_hugepage/enabled="
        "always|madvise and a file system with large folios (ext4 since Linux 6.16, xfs), and "
        "even then readahead decides the folio size: when the consumer's read fault on the "
        "header comes first, the ring's pages are read ahead in folios smaller than 2 MiB "
        "(measured on 6.18 ext4: 131 faults for 4 MiB instead of 3)";
  } else {
    model.thp_rule =
        "a tmpfs file gets THP only if its mount has huge=always|within_size|advise (or "
        "shmem_enabled=force); the default huge=never ignores MADV_HUGEPAGE";
  }
  return model;
}

absl::StatusOr<RingBacking> MakeMmapFileBacking(const CaseParams& params, const RunContext& context,
                                                const RingOptions& options) {
  const std::string& location = params.Text("location");
  const std::string dir = ScratchDirectory(context, location);
  IPCLAB_ASSIGN_OR_RETURN(sys::FilesystemInfo fs, CheckLocation(dir, location));

  static std::atomic<uint64_t> counter{0};
  const std::string path =
      absl::StrCat(ScratchFilePrefix(dir, context.owner, ::getpid()), counter.fetch_add(1));
  // The coordinator creates the file; each role opens and maps it in its
  // setup phase; it is unlinked as soon as both have mapped it (and by its
  // owner on every error path before that).
  IPCLAB_ASSIGN_OR_RETURN(sys::ScratchFile created,
                          sys::ScratchFile::Create(path, options.layout.bytes()));
  auto file = std::make_shared<sys::ScratchFile>(std::move(created));
  RingBacking backing;
  backing.map = [options, path]() -> absl::StatusOr<RingMemory> {
    IPCLAB_ASSIGN_OR_RETURN(base::Fd fd, sys::ScratchFile::Open(path));
    return MapRingFile(fd.get(), options, path);  // the fd closes; the mapping stays
  };
  backing.after_setup = [file]() { return file->Unlink(); };
  backing.notes["scratch_file"] = path;
  backing.notes["scratch_filesystem"] = absl::StrCat(fs.type, " on ", fs.mount_point);
  backing.thp_setting = [fs]() { return ThpSettingNote(fs); };
  return backing;
}

}  // namespace

WorkloadOps MmapFileOps() {
  return RingWorkloadOps({MmapFileSpec(), MmapFileFaultModel, MakeMmapFileBacking});
}

}  // namespace ipclab::workloads

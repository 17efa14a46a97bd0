#include "workloads/catalog.h"

#include <memory>

#include <linux/memfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/size.h"
#include "base/status_macros.h"
#include "workloads/hugepages.h"
#include "workloads/ring_workload.h"
#include "workloads/sys/filesystem.h"
#include "workloads/sys/shm_object.h"
#include "workloads/transfer.h"
#include "workloads/worker.h"

namespace ipclab::workloads {
namespace {

// "/ipclab-i3-<run>-0" (owner_mark.h); "/ipclab-<pid>-0" without a mark.
std::string NextShmName(const OwnerMark& owner) {
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat("/", OwnerNamePrefix(owner, ::getpid()), counter.fetch_add(1));
}

// /dev/shm is tmpfs, which cannot hold hugetlb pages, and glibc's shm_open
// only ever opens files there. For huge_pages=hugetlb the segment is a
// memfd_create(MFD_HUGETLB) file instead: the roles inherit its fd (there
// is no name to open, nor to leave behind).
absl::StatusOr<base::Fd> CreateHugetlbMemfd(const std::string& name, size_t size) {
  const int fd = ::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_HUGETLB | MFD_HUGE_2MB);
  if (fd < 0) {
    return base::ErrnoStatus(absl::StrCat("memfd_create(\"", name, "\", MFD_HUGETLB)"), errno);
  }
  base::Fd owned(fd);
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    return base::ErrnoStatus(absl::StrCat("ftruncate(memfd \"", name, "\", ", size, ")"), errno);
  }
  return owned;
}

std::string DevShmThpNote() {
  absl::StatusOr<sys::FilesystemInfo> fs = sys::FilesystemOf("/dev/shm");
  const std::string huge = fs.ok() ? fs->Option("huge") : "";
  return absl::StrCat("/dev/shm: ", fs.ok() ? fs->type : "?",
                      " huge=", huge.empty() ? "never (default)" : huge, "; ",
                      ShmemThpSettingNote(), " (force/deny override the mount)");
}

v1::WorkloadSpec ShmPosixSpec() {
  return TransferSpec(
      "shm_posix",
      "POSIX shared memory ring (shm_open + mmap MAP_SHARED) between two processes; the producer "
      "copies each message into the ring, the consumer copies it out",
      RingParamSpecs(/*hugetlb=*/true));
}

RingFaultModel ShmPosixFaultModel(const CaseParams& /*params*/) {
  RingFaultModel model;
  model.read_fault_around = true;  // a tmpfs file: shmem's map_pages
  model.thp_rule =
      "files in /dev/shm get THP only if /dev/shm is mounted with huge=always|within_size|advise "
      "(or shmem_enabled=force); the default huge=never ignores MADV_HUGEPAGE";
  return model;
}

absl::StatusOr<RingBacking> MakeShmPosixBacking(const CaseParams& params, const RunContext& context,
                                                const RingOptions& options) {
  const size_t region = options.layout.bytes();
  const std::string name = NextShmName(context.owner);
  RingBacking backing;

  // The coordinator creates the object; each role opens and maps it in its
  // setup phase; the name is unlinked as soon as both have mapped it, so a
  // crash later leaves nothing in /dev/shm.
  if (options.huge_pages == HugePages::kHugetlb) {
    IPCLAB_RETURN_IF_ERROR(CheckRingHugetlbPool("shm_posix", "region", params, options));
    IPCLAB_ASSIGN_OR_RETURN(base::Fd created, CreateHugetlbMemfd(name, region));
    auto memfd = std::make_shared<base::Fd>(std::move(created));
    backing.keep_fds = {memfd->get()};
    backing.map = [memfd, options, name]() { return MapRingFile(memfd->get(), options, name); };
    backing.after_setup = [memfd]() {
      memfd->Reset();  // the mappings keep the memory
      return absl::OkStatus();
    };
    backing.notes["shm_backing"] = "memfd_create(MFD_HUGETLB): /dev/shm cannot hold hugetlb pages";
  } else {
    IPCLAB_ASSIGN_OR_RETURN(sys::ShmObject created, sys::ShmObject::Create(name, region));
    auto object = std::make_shared<sys::ShmObject>(std::move(created));
    backing.map = [options, name]() -> absl::StatusOr<RingMemory> {
      IPCLAB_ASSIGN_OR_RETURN(sys::ShmObject opened, sys::ShmObject::Open(name));
      return MapRingFile(opened.fd(), options, name);  // the fd closes; the mapping stays
    };
    backing.after_setup = [object]() { return object->Unlink(); };
    backing.notes["shm_name"] = name;
    backing.thp_setting = DevShmThpNote;
  }
  return backing;
}

}  // namespace

WorkloadOps ShmPosixOps() {
  return RingWorkloadOps({ShmPosixSpec(), ShmPosixFaultModel, MakeShmPosixBacking});
}

}  // namespace ipclab::workloads

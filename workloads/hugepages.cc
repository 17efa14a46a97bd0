#include "workloads/hugepages.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/posix_call.h"
#include "base/status_macros.h"
#include "workloads/host_info.h"

namespace ipclab::workloads {
namespace {

constexpr char kHugePagesDir[] = "/sys/kernel/mm/hugepages";

absl::StatusOr<uint64_t> ReadNumberAt(int fd, const std::string& path) {
  char text[32] = {};
  const ssize_t got = base::RetryOnEintr([&] { return ::pread(fd, text, sizeof(text) - 1, 0); });
  if (got < 0) return base::ErrnoStatus(absl::StrCat("read(", path, ")"), errno);
  uint64_t value = 0;
  if (!absl::SimpleAtoi(
          absl::StripAsciiWhitespace(absl::string_view(text, static_cast<size_t>(got))), &value)) {
    return absl::DataLossError(absl::StrCat(path, " does not hold a number: \"", text, "\""));
  }
  return value;
}

absl::StatusOr<uint64_t> ReadNumber(const std::string& path) {
  base::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return base::ErrnoStatus(absl::StrCat("open(", path, ")"), errno);
  return ReadNumberAt(fd.get(), path);
}

absl::Status WriteNumberAt(int fd, const std::string& path, uint64_t value) {
  const std::string text = absl::StrCat(value, "\n");
  const ssize_t written =
      base::RetryOnEintr([&] { return ::pwrite(fd, text.data(), text.size(), 0); });
  if (written < 0) return base::ErrnoStatus(absl::StrCat("write(", path, ", ", value, ")"), errno);
  return absl::OkStatus();
}

// nr_hugepages of one pool, opened read-write and locked against other
// processes doing the same read-modify-write.
class LockedPoolSize final {
 public:
  static absl::StatusOr<LockedPoolSize> Open(uint64_t page_size_bytes) {
    LockedPoolSize locked;
    locked.path_ = HugePagePoolDir(page_size_bytes) + "/nr_hugepages";
    locked.fd_ = base::Fd(::open(locked.path_.c_str(), O_RDWR | O_CLOEXEC));
    if (!locked.fd_.valid()) {
      const int error = errno;
      if (error == ENOENT) {
        return absl::FailedPreconditionError(absl::StrCat("this kernel has no pool of ",
                                                          HugePageSizeName(page_size_bytes),
                                                          " huge pages (no ", locked.path_, ")"));
      }
      if (error == EACCES || error == EROFS || error == EPERM) {
        return absl::PermissionDeniedError(absl::StrCat(
            "open(", locked.path_,
            ", O_RDWR): ", error == EROFS ? "read-only file system" : "permission denied",
            "; changing huge page pools needs root and a writable /sys"));
      }
      return base::ErrnoStatus(absl::StrCat("open(", locked.path_, ")"), error);
    }
    if (base::RetryOnEintr([&] { return ::flock(locked.fd_.get(), LOCK_EX); }) < 0) {
      return base::ErrnoStatus(absl::StrCat("flock(", locked.path_, ")"), errno);
    }
    return locked;
  }
  absl::StatusOr<uint64_t> Read() const { return ReadNumberAt(fd_.get(), path_); }
  absl::Status Write(uint64_t pages) const { return WriteNumberAt(fd_.get(), path_, pages); }
  // The lock goes with the fd.

 private:
  std::string path_;
  base::Fd fd_;
};

// The host-wide lock of HugePageReservation: binding an abstract Unix
// socket name succeeds for one socket at a time, and the kernel frees it
// when the socket closes or its process dies; nothing is left on disk.
absl::StatusOr<base::Fd> AcquireHostLock(std::chrono::seconds wait) {
  constexpr char kName[] = "ipclab-hugepage-reservation";
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    base::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return base::ErrnoStatus("socket(AF_UNIX)", errno);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path + 1, kName, sizeof(kName) - 1);  // sun_path[0] = 0: abstract
    const socklen_t length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + sizeof(kName));
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0) return fd;
    if (errno != EADDRINUSE) return base::ErrnoStatus(absl::StrCat("bind(@", kName, ")"), errno);
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("another process held the huge page reservation lock (@", kName,
                       ") for more than ", wait.count(), " s"));
    }
    ::usleep(10000);
  }
}

}  // namespace

std::string HugePagePoolDir(uint64_t page_size_bytes) {
  return absl::StrCat(kHugePagesDir, "/hugepages-", page_size_bytes / 1024, "kB");
}

std::string HugePageSizeName(uint64_t page_size_bytes) {
  if (page_size_bytes >= (uint64_t{1} << 30) && page_size_bytes % (uint64_t{1} << 30) == 0) {
    return absl::StrCat(page_size_bytes >> 30, " GiB");
  }
  if (page_size_bytes >= (uint64_t{1} << 20) && page_size_bytes % (uint64_t{1} << 20) == 0) {
    return absl::StrCat(page_size_bytes >> 20, " MiB");
  }
  return absl::StrCat(page_size_bytes >> 10, " KiB");
}

absl::StatusOr<HugePagePoolState> ReadHugePagePool(uint64_t page_size_bytes) {
  const std::string dir = HugePagePoolDir(page_size_bytes);
  if (::access(dir.c_str(), F_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("this kernel has no pool of ",
                                                      HugePageSizeName(page_size_bytes),
                                                      " huge pages (no ", dir, ")"));
  }
  HugePagePoolState pool;
  pool.page_size_bytes = page_size_bytes;
  IPCLAB_ASSIGN_OR_RETURN(pool.total_pages, ReadNumber(dir + "/nr_hugepages"));
  IPCLAB_ASSIGN_OR_RETURN(pool.free_pages, ReadNumber(dir + "/free_hugepages"));
  IPCLAB_ASSIGN_OR_RETURN(pool.reserved_pages, ReadNumber(dir + "/resv_hugepages"));
  IPCLAB_ASSIGN_OR_RETURN(pool.surplus_pages, ReadNumber(dir + "/surplus_hugepages"));
  return pool;
}

std::string HugePageShortageMessage(const HugePagePoolState& pool, uint64_t pages_needed,
                                    absl::string_view what) {
  const uint64_t missing =
      pages_needed > pool.available_pages() ? pages_needed - pool.available_pages() : 0;
  const std::string size = HugePageSizeName(pool.page_size_bytes);
  std::string message =
      absl::StrCat(what, " needs ", pages_needed, " free ", size, " huge pages, but the pool has ",
                   pool.available_pages(), " available (nr_hugepages=", pool.total_pages,
                   ", free=", pool.free_pages, ", reserved=", pool.reserved_pages, "); reserve ",
                   missing, " more as root with: echo ", pool.total_pages + missing, " > ",
                   HugePagePoolDir(pool.page_size_bytes), "/nr_hugepages");
  if (pool.page_size_bytes == kHugePage2MiB) {
    absl::StrAppend(&message, " (or: sysctl vm.nr_hugepages=", pool.total_pages + missing, ")");
  }
  if (pool.page_size_bytes >= kHugePage1GiB) {
    absl::StrAppend(&message,
                    "; if the kernel cannot find that much contiguous memory at run time, reserve "
                    "them at boot with the kernel parameters hugepagesz=1G hugepages=",
                    pool.total_pages + missing);
  }
  return message;
}

absl::Status CheckHugePagesAvailable(uint64_t page_size_bytes, uint64_t pages_needed,
                                     absl::string_view what) {
  IPCLAB_ASSIGN_OR_RETURN(HugePagePoolState pool, ReadHugePagePool(page_size_bytes));
  if (pool.available_pages() >= pages_needed) return absl::OkStatus();
  return absl::FailedPreconditionError(HugePageShortageMessage(pool, pages_needed, what));
}

std::string ReadThpSetting(absl::string_view name) {
  const std::string path = absl::StrCat("/sys/kernel/mm/transparent_hugepage/", name);
  base::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return "";
  char text[256] = {};
  const ssize_t got = ::pread(fd.get(), text, sizeof(text) - 1, 0);
  if (got <= 0) return "";
  return BracketedChoice(std::string(text, static_cast<size_t>(got)));
}

bool ThpHonorsMadvise(absl::string_view enabled) {
  return enabled == "always" || enabled == "madvise";
}

bool ShmemThpHonorsMadvise(absl::string_view shmem_enabled) {
  return shmem_enabled == "always" || shmem_enabled == "within_size" || shmem_enabled == "advise" ||
         shmem_enabled == "force";
}

HugePageReservation& HugePageReservation::operator=(HugePageReservation&& other) noexcept {
  if (this != &other) {
    (void)Release();
    page_size_bytes_ = other.page_size_bytes_;
    added_pages_ = std::exchange(other.added_pages_, 0);
    lock_ = std::move(other.lock_);
  }
  return *this;
}

absl::StatusOr<HugePageReservation> HugePageReservation::Ensure(uint64_t page_size_bytes,
                                                                uint64_t pages,
                                                                std::chrono::seconds wait) {
  HugePageReservation reservation;
  reservation.page_size_bytes_ = page_size_bytes;
  IPCLAB_ASSIGN_OR_RETURN(base::Fd lock, AcquireHostLock(wait));
  reservation.lock_ = std::move(lock);
  IPCLAB_ASSIGN_OR_RETURN(HugePagePoolState pool, ReadHugePagePool(page_size_bytes));
  if (pool.available_pages() >= pages) return reservation;
  IPCLAB_ASSIGN_OR_RETURN(LockedPoolSize locked, LockedPoolSize::Open(page_size_bytes));
  const uint64_t missing = pages - pool.available_pages();
  IPCLAB_ASSIGN_OR_RETURN(uint64_t total_before, locked.Read());
  IPCLAB_RETURN_IF_ERROR(locked.Write(total_before + missing));
  IPCLAB_ASSIGN_OR_RETURN(uint64_t total_after, locked.Read());
  // From here on the guard owns what the kernel actually added.
  reservation.added_pages_ = total_after > total_before ? total_after - total_before : 0;
  IPCLAB_ASSIGN_OR_RETURN(pool, ReadHugePagePool(page_size_bytes));
  if (pool.available_pages() < pages) {
    const uint64_t got = reservation.added_pages_;
    // Give back while still holding the flock (Release would take it again).
    IPCLAB_RETURN_IF_ERROR(locked.Write(total_after - got));
    reservation.added_pages_ = 0;
    return absl::ResourceExhaustedError(absl::StrCat(
        "raising ", HugePagePoolDir(page_size_bytes), "/nr_hugepages from ", total_before, " to ",
        total_before + missing, " added only ", got, " ", HugePageSizeName(page_size_bytes),
        " pages (not enough free contiguous memory); the pool was put back to ", total_before));
  }
  return reservation;
}

absl::Status HugePageReservation::Release() {
  if (added_pages_ > 0) {
    IPCLAB_ASSIGN_OR_RETURN(LockedPoolSize locked, LockedPoolSize::Open(page_size_bytes_));
    IPCLAB_ASSIGN_OR_RETURN(uint64_t total, locked.Read());
    IPCLAB_RETURN_IF_ERROR(locked.Write(total > added_pages_ ? total - added_pages_ : 0));
    added_pages_ = 0;
  }
  lock_.Reset();
  return absl::OkStatus();
}

}  // namespace ipclab::workloads

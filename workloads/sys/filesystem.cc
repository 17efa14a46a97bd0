#include "workloads/sys/filesystem.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/errno_status.h"

namespace ipclab::sys {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size()) {
      const std::string octal = text.substr(i + 1, 3);
      if (octal.find_first_not_of("01234567") == std::string::npos) {
        out.push_back(static_cast<char>(std::stoi(octal, nullptr, 8)));
        i += 3;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool Contains(const std::string& mount_point, const std::string& path) {
  if (mount_point == "/") return true;
  return path == mount_point || absl::StartsWith(path, mount_point + "/");
}

}  // namespace

std::string FilesystemInfo::Option(absl::string_view name) const {
  for (absl::string_view option : absl::StrSplit(super_options, ',')) {
    if (absl::StartsWith(option, name) && option.size() > name.size() &&
        option[name.size()] == '=') {
      return std::string(option.substr(name.size() + 1));
    }
  }
  return "";
}

absl::StatusOr<FilesystemInfo> FilesystemOf(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) {
    return base::ErrnoStatus(absl::StrCat("realpath(", path, ")"), errno);
  }
  const std::string real(resolved);
  std::ifstream mountinfo("/proc/self/mountinfo");
  if (!mountinfo) return base::ErrnoStatus("open(/proc/self/mountinfo)", errno);
  FilesystemInfo best;
  bool found = false;
  std::string line;
  // id parent major:minor root mount_point options [optional...] - type source super_options
  while (std::getline(mountinfo, line)) {
    std::vector<std::string> fields = absl::StrSplit(line, ' ');
    size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (fields.size() < 5 || dash + 2 >= fields.size()) continue;
    const std::string mount_point = Unescape(fields[4]);
    if (!Contains(mount_point, real)) continue;
    if (found && mount_point.size() < best.mount_point.size()) continue;
    best.mount_point = mount_point;
    best.type = fields[dash + 1];
    best.super_options = dash + 3 < fields.size() ? fields[dash + 3] : "";
    found = true;
  }
  if (!found) return absl::NotFoundError(absl::StrCat("no mount holds ", real));
  return best;
}

ScratchFile::ScratchFile(std::string path, base::Fd fd)
    : path_(std::move(path), std::move(fd), /*owner=*/true, ::unlink, "unlink") {}

absl::StatusOr<ScratchFile> ScratchFile::Create(const std::string& path, size_t size) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return base::ErrnoStatus(absl::StrCat("open(\"", path, "\", O_CREAT)"), errno);
  ScratchFile file(path, base::Fd(fd));
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    return base::ErrnoStatus(absl::StrCat("ftruncate(\"", path, "\", ", size, ")"), errno);
  }
  return file;  // on error above, `file` unlinks the name
}

absl::StatusOr<base::Fd> ScratchFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(absl::StrCat("open(\"", path, "\")"), errno);
  return base::Fd(fd);
}

}  // namespace ipclab::sys

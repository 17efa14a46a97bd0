#include "client/output.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "results/report/reporters.h"

namespace ipclab::client {
namespace {

absl::Status FileError(absl::string_view call, const std::string& path, int error) {
  return absl::InvalidArgumentError(
      absl::StrCat("cannot write --out file: ",
                   base::ErrnoMessage(absl::StrCat(call, "(\"", path, "\")"), error)));
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

OutputFormat ParseOutputFormat(absl::string_view name) {
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  return OutputFormat::kTable;
}

std::string RunResultsJson(const std::vector<v1::RunResult>& results, bool as_array) {
  if (results.size() == 1 && !as_array) return results::ToJson(results.front());
  std::string json = "[";
  for (size_t i = 0; i < results.size(); ++i) {
    absl::StrAppend(&json, i == 0 ? "\n" : ",\n",
                    absl::StripSuffix(results::ToJson(results[i]), "\n"));
  }
  absl::StrAppend(&json, "\n]\n");
  return json;
}

void PrintRunResults(const std::vector<v1::RunResult>& results, OutputFormat format,
                     bool comparison, bool as_array, std::ostream* out,
                     const results::TableOptions& table) {
  switch (format) {
    case OutputFormat::kJson:
      *out << RunResultsJson(results, as_array);
      break;
    case OutputFormat::kCsv:
      for (size_t i = 0; i < results.size(); ++i) {
        std::ostringstream csv;
        results::PrintRunCsv(results[i], &csv);
        std::string text = csv.str();
        if (i > 0) {  // one header for the whole output
          const size_t newline = text.find('\n');
          text = newline == std::string::npos ? "" : text.substr(newline + 1);
        }
        *out << text;
      }
      break;
    case OutputFormat::kTable:
      if (comparison) {
        results::PrintMatrixReport(results, table, out);
        break;
      }
      for (size_t i = 0; i < results.size(); ++i) {
        if (i > 0) *out << "\n";
        results::PrintRunReport(results[i], table, out);
      }
      break;
  }
  out->flush();
}

absl::Status CheckOutputPath(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("--out needs a file name");
  const std::string directory = DirectoryOf(path);
  if (access(directory.c_str(), W_OK | X_OK) != 0) {
    const int error = errno;
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot write --out file \"", path, "\": ",
        base::ErrnoMessage(absl::StrCat("access(\"", directory, "\", W_OK | X_OK)"), error)));
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  const std::string temporary = path + ".tmp";
  base::Fd fd(open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return FileError("open", temporary, errno);
  // Past this point a failure closes and removes the temporary file.
  auto fail = [&](absl::Status status) {
    fd.Reset();
    unlink(temporary.c_str());
    return status;
  };
  if (absl::Status written = base::WriteFull(fd.get(), contents.data(), contents.size(), temporary);
      !written.ok()) {
    return fail(
        absl::InvalidArgumentError(absl::StrCat("cannot write --out file: ", written.message())));
  }
  if (fsync(fd.get()) != 0) return fail(FileError("fsync", temporary, errno));
  if (close(fd.Release()) != 0) return fail(FileError("close", temporary, errno));
  if (rename(temporary.c_str(), path.c_str()) != 0) return fail(FileError("rename", path, errno));
  return absl::OkStatus();
}

}  // namespace ipclab::client

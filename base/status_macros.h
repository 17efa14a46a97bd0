// Status propagation macros. Debian's Abseil 20220623 has no status macros,
// so they are defined once here for every ipclab library.
#ifndef IPCLAB_BASE_STATUS_MACROS_H_
#define IPCLAB_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define IPCLAB_STATUS_CONCAT_INNER_(a, b) a##b
#define IPCLAB_STATUS_CONCAT_(a, b) IPCLAB_STATUS_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` is not OK.
#define IPCLAB_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status ipclab_status_ = (expr);          \
    if (!ipclab_status_.ok()) return ipclab_status_; \
  } while (0)

// `IPCLAB_ASSIGN_OR_RETURN(auto x, MakeX());` declares/assigns `x` from the
// value of a StatusOr, or returns its status.
#define IPCLAB_ASSIGN_OR_RETURN(lhs, rexpr) \
  IPCLAB_ASSIGN_OR_RETURN_IMPL_(IPCLAB_STATUS_CONCAT_(ipclab_statusor_, __LINE__), lhs, rexpr)

#define IPCLAB_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // IPCLAB_BASE_STATUS_MACROS_H_

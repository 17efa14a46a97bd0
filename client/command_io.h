// Where a command writes: results on `out` (stdout), errors and the progress
// line on `err` (stderr). Passing the streams in keeps commands testable.
#ifndef IPCLAB_CLIENT_COMMAND_IO_H_
#define IPCLAB_CLIENT_COMMAND_IO_H_

#include <cstddef>
#include <ostream>

namespace ipclab::client {

struct CommandIo {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // Draw the updating progress line on `err` (a terminal, and not --quiet).
  bool progress = false;
  size_t terminal_width = 80;
  // The widest line a table on `out` should have: 100, or the terminal's
  // width when stdout is a narrower terminal; --wide lifts the limit.
  size_t table_width = 100;
};

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_COMMAND_IO_H_

// ipclab: the command-line client. Everything but the process streams lives
// in the ipclab_client library (client/cli.h).
#include <iostream>

#include "client/cli.h"
#include "client/progress.h"

int main(int argc, char** argv) {
  ipclab::client::CommandIo io;
  io.out = &std::cout;
  io.err = &std::cerr;
  io.progress = ipclab::client::ProgressWanted(/*quiet=*/false);
  io.terminal_width = ipclab::client::TerminalWidth();
  io.table_width = ipclab::client::TableWidth();
  return ipclab::client::Main(argc, argv, io);
}

// Hand-built messages for the reporter tests: a catalog, a host, and two runs
// (`pipe` and `shm_posix`) over the same three cases, with the summaries the
// server would attach. Deterministic, so reporters can be compared to golden
// text.
#ifndef IPCLAB_RESULTS_TESTING_TEST_RUN_H_
#define IPCLAB_RESULTS_TESTING_TEST_RUN_H_

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results::testing {

v1::ListWorkloadsResponse MakeTestCatalog();
v1::HostInfo MakeTestHost();

// `pipe`: cases "message_size=64KiB,mode=stream" and
// "message_size=64B,mode=pingpong" (2 measured repetitions each, phases
// setup/warm/steady/teardown, roles producer/consumer; the pingpong case has
// latency), and "message_size=1MiB,mode=stream", which FAILED without
// repetitions.
v1::RunResult MakePipeRun();

// `shm_posix` over the same cases, all succeeded, faster.
v1::RunResult MakeShmRun();

}  // namespace ipclab::results::testing

#endif  // IPCLAB_RESULTS_TESTING_TEST_RUN_H_

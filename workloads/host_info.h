// Facts about the host that decide what the numbers mean: kernel, CPUs, page
// sizes, THP mode, huge page pools, memory, /dev/shm, cgroup limit, container.
#ifndef IPCLAB_WORKLOADS_HOST_INFO_H_
#define IPCLAB_WORKLOADS_HOST_INFO_H_

#include <string>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::workloads {

// Reads uname, /proc/cpuinfo, /proc/meminfo, /sys/kernel/mm/{transparent_hugepage,
// hugepages}, statvfs("/dev/shm"), the cgroup v2/v1 memory limit, container
// markers (/.dockerenv, /run/.containerenv, /proc/1/cgroup, `container` env)
// and /proc/sys/kernel/perf_event_paranoid. A fact that cannot be read is left
// at its zero value; this never fails.
v1::HostInfo ReadHostInfo();

// "madvise" from "always [madvise] never"; "" if there are no brackets.
std::string BracketedChoice(const std::string& sysfs_text);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_HOST_INFO_H_

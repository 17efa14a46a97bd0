// The workload catalog: one ops table per workload (fio's ioengine_ops), each
// defined in its own file (workloads/<name>.cc). registry.cc lists them in an
// explicit table and makes each a Workload; nothing registers itself.
#ifndef IPCLAB_WORKLOADS_CATALOG_H_
#define IPCLAB_WORKLOADS_CATALOG_H_

#include "workloads/workload.h"

namespace ipclab::workloads {

// `pipe`: an anonymous pipe between two processes, streaming or ping-pong;
// splice=vmsplice maps the producer's pages into the pipe instead of copying.
WorkloadOps PipeOps();

// `unix_socket`: an AF_UNIX stream socket pair between two processes,
// streaming or ping-pong. The kernel copies each message twice (sender's
// buffer into an skb, skb into the receiver's buffer), like a pipe.
WorkloadOps UnixSocketOps();

// `shm_posix`: a ring in shm_open + mmap(MAP_SHARED) between two processes
// (options: ring_workload.h; huge_pages=hugetlb uses memfd_create(MFD_HUGETLB),
// because /dev/shm is tmpfs).
WorkloadOps ShmPosixOps();

// `shm_sysv`: a ring in a System V segment (shmget + shmat) between two
// processes; the same ring, modes and options as shm_posix
// (ring_workload.h), with SHM_HUGETLB for huge_pages=hugetlb. The segment is
// marked for removal (IPC_RMID) as soon as both roles attached it, so a crash
// afterwards leaves nothing in `ipcs -m`.
WorkloadOps ShmSysvOps();

// `mmap_file`: a ring in a file mapped MAP_SHARED by two processes, in a
// scratch directory the server is configured with (ipclabd --scratch-tmpfs,
// --scratch-disk; defaults /dev/shm and $TMPDIR or /tmp). `location` picks
// which; clients never pass paths. The same ring, modes and options as
// shm_posix (ring_workload.h), except huge_pages=hugetlb, which no tmpfs or
// disk file can have. The file is unlinked as soon as both roles mapped it.
//
// What differs from shm_posix is what the kernel does: on tmpfs the pages
// are shmem (RssShmem, fault-around on reads, THP by the mount's huge=
// option); on disk they are page cache (RssFile), every first write to a
// clean page takes a write-notify fault (page_mkwrite), and writeback may
// clean pages again during a long run.
WorkloadOps MmapFileOps();

// `page_fault`: what first touching memory costs. One process (role
// `toucher`) maps `region_bytes` (memory_region.h: huge_pages, populate,
// shared) and touches one byte per 4 KiB page - also in huge mappings, like
// shared/reference/c-programs/pagefault.c - by reading, writing, or reading
// then writing.
//
// Phases: setup (mmap + madvise; populate=true pays its faults here), read
// and/or write (as `access` says; absent otherwise), teardown (munmap).
// Each touch phase - and setup when populate=true - reports bytes =
// region_bytes and messages = 4 KiB pages touched, so messages_per_sec is
// pages per second and ns per page is wall_ns / messages; faults per second
// is the role's minor_faults over the phase's wall_ns.
WorkloadOps PageFaultOps();

// `cow_private`: copy-on-write after fork. The `parent` role maps
// region_bytes MAP_PRIVATE (anonymous, or a file in the server's tmpfs
// scratch directory that never has a name), optionally writes every page,
// then forks the `child` role, which writes write_bytes of it.
//
// Phases: setup (map; a file is filled with write() first; populate=true
// faults the region in here), parent_write (only with parent_writes=true),
// fork (the parent's fork() call, timed: copying page tables), child_write
// (the child writes one byte per 4 KiB page; the parent idles), teardown.
// The child takes part from child_write on. child_write reports
// bytes = write_bytes and messages = pages written, so messages_per_sec is
// copied pages per second.
//
// What it shows (shared/reference/KERNEL-FACTS.md #8): one fault per written
// page in the child either way, but if the parent's pages were already its
// own (parent_writes=true or populate=true) the child's RssAnon does not
// change although every page was copied - only fault counts and Pss
// (which grows by half the written bytes) show the copies.
WorkloadOps CowPrivateOps();

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_CATALOG_H_

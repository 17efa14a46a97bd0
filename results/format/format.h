// Formatting of numbers for people: sizes, throughput, durations, counts and
// percentages, as the table reporters and the CLI's progress lines show them.
// Machine output (JSON, CSV) never goes through these.
//
// Scaled values keep three significant digits ("4.62 GB/s", "64.5 KiB",
// "812 MB/s"); a value that reaches 1000 of a decimal unit (1024 of a binary
// one) after rounding moves to the next unit.
#ifndef IPCLAB_RESULTS_FORMAT_FORMAT_H_
#define IPCLAB_RESULTS_FORMAT_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"

namespace ipclab::results {

// Binary units (B, KiB, MiB, GiB, TiB). An exact multiple of the unit prints
// as an integer ("64 KiB", "1 GiB", "512 B"); anything else with three
// significant digits ("1.00 GiB" for 1.001 GiB, "1.50 MiB"). Negative values
// keep their sign ("-4 KiB").
std::string FormatBytes(double bytes);

// FormatBytes with an explicit sign for deltas: "+48 KiB", "-1.50 MiB", "0 B".
std::string FormatBytesDelta(double bytes);

// Decimal units, 1 GB/s = 1e9 bytes/s (the convention of `perf bench` and of
// vendor figures): "950 B/s", "12.3 kB/s", "812 MB/s", "4.62 GB/s".
std::string FormatThroughput(double bytes_per_sec);

// A rate of events per second, decimal: "950/s", "70.5 k/s", "1.23 M/s".
std::string FormatRate(double per_sec);

// Nanoseconds to the largest fitting unit: "850 ns", "3.21 µs", "1.52 ms",
// "2.10 s". Sub-nanosecond values print as "0.50 ns". Negative keeps the sign.
std::string FormatDuration(double ns);

// Rounded to the nearest integer, with thousands separators: "262,144",
// "-1,024", "0".
std::string FormatCount(double value);

// A fraction as a percentage: FormatPercent(0.0123) == "1.2%",
// FormatPercent(0.0123, 2) == "1.23%".
std::string FormatPercent(double fraction, int decimals = 1);

// A CPU list in the kernel's cpulist form: {0, 1, 2, 5} -> "0-2,5"; duplicates
// and order do not matter; empty gives "".
std::string FormatCpuList(std::vector<int> cpus);
std::string FormatCpuList(const google::protobuf::RepeatedField<int32_t>& cpus);

// Text for XML and SVG/HTML markup: escapes & < > " ' and drops control
// characters other than newline and tab.
std::string XmlEscape(absl::string_view text);

// Text for a cell of a Markdown table: '|' escaped, newlines as spaces.
std::string MarkdownCell(absl::string_view text);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_FORMAT_FORMAT_H_

// Inline SVG charts for the HTML report: lines over a (log) x axis, grouped
// bars, and diverging change bars with confidence intervals. Each function
// returns one self-contained <svg> element (no scripts, fonts or external
// references), sized by its viewBox so it scales with the page. Colours come
// from the Okabe-Ito palette, which colour-blind readers can tell apart.
#ifndef IPCLAB_RESULTS_REPORT_SVG_CHART_H_
#define IPCLAB_RESULTS_REPORT_SVG_CHART_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ipclab::results {

enum class AxisScale { kLinear, kLog2, kLog10 };

struct ChartAxis {
  std::string title;
  AxisScale scale = AxisScale::kLinear;
  std::function<std::string(double)> format;  // tick labels
  bool binary = false;                        // bytes: linear ticks at round KiB/MiB/GiB multiples
};

struct ChartPoint {
  double x = 0.0;
  double y = 0.0;
  std::optional<double> low;   // whisker, e.g. the minimum over repetitions
  std::optional<double> high;  // e.g. the maximum
};

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;  // drawn in x order
  std::string colour;              // e.g. "#0072B2"; empty: the palette's, by index
};

// The default width of a chart's viewBox; small multiples use a narrower one
// so their text stays readable when two stand side by side.
inline constexpr double kChartWidth = 900;
inline constexpr double kPanelWidth = 620;

// Points joined by lines, one colour per series, whiskers where given, a
// legend on the right. Log scales skip values <= 0.
std::string LineChartSvg(absl::string_view title, const ChartAxis& x, const ChartAxis& y,
                         const std::vector<ChartSeries>& series, double width = kChartWidth);

struct BarGroup {
  std::string label;
  // One value per series name (nullopt: no bar), and optional whiskers.
  std::vector<std::optional<double>> values;
  std::vector<std::optional<std::pair<double, double>>> ranges;
};

// Vertical bars grouped by `groups`, one colour per series; negative values
// hang below the zero line (linear scale).
// `colours` per series name (empty or short: the palette's, by index).
std::string BarChartSvg(absl::string_view title, const std::vector<std::string>& series_names,
                        const std::vector<BarGroup>& groups, const ChartAxis& y,
                        double width = kChartWidth, const std::vector<std::string>& colours = {});

struct ChangeBar {
  std::string label;    // "message_size=64KiB throughput"
  double change = 0.0;  // fraction: -0.12 for -12%
  double low = 0.0;     // CI of the change
  double high = 0.0;
  // "better" (bluish green), "worse" (vermilion), "same" (grey), "noisy"
  // (light grey: inconclusive, never mistaken for worse): the colour.
  std::string verdict;
  std::string note;  // shown at the right, e.g. "-12.0% p=0.002"
};

// Horizontal bars from 0 to each change with its CI as a whisker, a shaded
// band at ±threshold, coloured by verdict. The axis spans the data but at
// most -100%..+300%; longer bars stop at the edge (the note says how long).
std::string ChangeChartSvg(absl::string_view title, const std::vector<ChangeBar>& bars,
                           double threshold);

// `text` escaped for XML text and attribute values.
std::string SvgEscape(absl::string_view text);

// Ticks for [low, high]: "nice" steps (1, 2, 5 x 10^k) for linear scales
// (in units of 1024^k with `binary`), powers of 2 or 10 for log scales; at
// most about `count` of them.
std::vector<double> AxisTicks(double low, double high, AxisScale scale, int count,
                              bool binary = false);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_SVG_CHART_H_

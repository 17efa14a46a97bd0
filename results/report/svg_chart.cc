#include "results/report/svg_chart.h"

#include "results/format/format.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ipclab::results {
namespace {

constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#7F7F7F", "#000000"};
constexpr size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

constexpr double kWidth = 900;
constexpr double kLeft = 86;
constexpr double kRight = kWidth - 24;
constexpr double kTop = 44;
constexpr double kPlotHeight = 270;
constexpr double kLegendRow = 18;
constexpr double kCharWidth = 6.6;  // of 12 px sans-serif, roughly

const char* Colour(size_t index) { return kPalette[index % kPaletteSize]; }

// The colour of entry `index`: the caller's, else the palette's.
std::string ColourOf(const std::vector<std::string>& colours, size_t index) {
  if (index < colours.size() && !colours[index].empty()) return colours[index];
  return Colour(index);
}

std::string Num(double value) { return absl::StrFormat("%.1f", value); }

bool Usable(double value, AxisScale scale) {
  return std::isfinite(value) && (scale == AxisScale::kLinear || value > 0);
}

double Transform(double value, AxisScale scale) {
  switch (scale) {
    case AxisScale::kLog2:
      return std::log2(value);
    case AxisScale::kLog10:
      return std::log10(value);
    case AxisScale::kLinear:
      break;
  }
  return value;
}

// A value range and how it maps to pixels.
class Mapping final {
 public:
  Mapping(double low, double high, AxisScale scale, double pixel_from, double pixel_to)
      : scale_(scale),
        low_(Transform(low, scale)),
        high_(Transform(high, scale)),
        from_(pixel_from),
        to_(pixel_to) {
    if (!(high_ > low_)) {  // one value: give it room
      low_ -= 1;
      high_ += 1;
    }
  }
  double operator()(double value) const {
    const double t = (Transform(value, scale_) - low_) / (high_ - low_);
    return from_ + std::clamp(t, -0.02, 1.02) * (to_ - from_);
  }

 private:
  AxisScale scale_;
  double low_;
  double high_;
  double from_;
  double to_;
};

// The range to draw: the data's, widened to whole ticks (and to 0 for
// linear scales, so bars and magnitudes are honest).
std::pair<double, double> Domain(double low, double high, AxisScale scale, bool include_zero,
                                 bool binary = false) {
  if (!(low <= high)) return {scale == AxisScale::kLinear ? 0.0 : 1.0, 1.0};
  if (scale == AxisScale::kLinear) {
    if (include_zero) {
      low = std::min(low, 0.0);
      high = std::max(high, 0.0);
    }
    if (low == high) high = low + 1;
    const std::vector<double> ticks = AxisTicks(low, high, scale, 5, binary);
    const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
    return {std::floor(low / step + 1e-9) * step, std::ceil(high / step - 1e-9) * step};
  }
  const double base = scale == AxisScale::kLog2 ? 2.0 : 10.0;
  return {std::pow(base, std::floor(Transform(low, scale) + 1e-9)),
          std::pow(base, std::ceil(Transform(high, scale) - 1e-9))};
}

std::string Text(double x, double y, absl::string_view text, absl::string_view attributes = "") {
  return absl::StrCat("<text x=\"", Num(x), "\" y=\"", Num(y), "\"", attributes.empty() ? "" : " ",
                      attributes, ">", SvgEscape(text), "</text>\n");
}

std::string Line(double x1, double y1, double x2, double y2, absl::string_view attributes) {
  return absl::StrCat("<line x1=\"", Num(x1), "\" y1=\"", Num(y1), "\" x2=\"", Num(x2), "\" y2=\"",
                      Num(y2), "\" ", attributes, "/>\n");
}

std::string Open(double height, absl::string_view title, double width = kWidth) {
  return absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ", Num(width), " ",
      Num(height), "\" role=\"img\" aria-label=\"", SvgEscape(title), "\">\n",
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      Text(kLeft, 24, title, "class=\"title\" font-size=\"16\" font-weight=\"600\""));
}

// The legend under the plot: entries in as many columns as fit the width.
struct LegendLayout {
  size_t columns = 1;
  double column_width = 0;
  size_t rows = 0;
  double height() const { return static_cast<double>(rows) * kLegendRow; }
};

LegendLayout LayOutLegend(const std::vector<std::string>& names, double right = kRight) {
  size_t longest = 1;
  for (const std::string& name : names) longest = std::max(longest, name.size());
  LegendLayout layout;
  layout.column_width = std::min(right - kLeft, 24 + kCharWidth * static_cast<double>(longest));
  layout.columns = std::max<size_t>(1, static_cast<size_t>((right - kLeft) / layout.column_width));
  layout.rows = (names.size() + layout.columns - 1) / layout.columns;
  return layout;
}

std::string Legend(const std::vector<std::string>& names, const LegendLayout& layout, double y,
                   const std::vector<std::string>& colours = {}) {
  std::string svg;
  const size_t most = static_cast<size_t>((layout.column_width - 24) / kCharWidth);
  for (size_t i = 0; i < names.size(); ++i) {
    const double x = kLeft + layout.column_width * static_cast<double>(i % layout.columns);
    const double row = y + kLegendRow * static_cast<double>(i / layout.columns);
    absl::StrAppend(&svg, "<rect x=\"", Num(x), "\" y=\"", Num(row - 10), "\" width=\"12\" ",
                    "height=\"12\" fill=\"", ColourOf(colours, i), "\"/>\n");
    std::string name = names[i];
    if (name.size() > most && most > 1) name = absl::StrCat(name.substr(0, most - 1), "…");
    absl::StrAppend(&svg, Text(x + 18, row, name, "font-size=\"12\""));
  }
  return svg;
}

// Horizontal grid lines and labels of a vertical value axis.
std::string ValueAxis(const ChartAxis& axis, const Mapping& map, double low, double high,
                      double left, double right, double top, double bottom) {
  std::string svg;
  for (double tick : AxisTicks(low, high, axis.scale, 6, axis.binary)) {
    const double y = map(tick);
    absl::StrAppend(&svg, Line(left, y, right, y, "stroke=\"#e3e3e3\""));
    absl::StrAppend(&svg, Text(left - 6, y + 4, axis.format ? axis.format(tick) : Num(tick),
                               "font-size=\"11\" text-anchor=\"end\""));
  }
  absl::StrAppend(&svg, Line(left, top, left, bottom, "stroke=\"#555\""));
  absl::StrAppend(&svg, Text(16, (top + bottom) / 2, axis.title,
                             absl::StrCat("font-size=\"12\" text-anchor=\"middle\" transform=\"",
                                          "rotate(-90 16 ", Num((top + bottom) / 2), ")\"")));
  return svg;
}

}  // namespace

std::string SvgEscape(absl::string_view text) { return XmlEscape(text); }

std::vector<double> AxisTicks(double low, double high, AxisScale scale, int count, bool binary) {
  std::vector<double> ticks;
  if (!(low <= high) || count < 1) return ticks;
  if (binary && scale == AxisScale::kLinear) {
    const double magnitude = std::max(std::fabs(low), std::fabs(high));
    double unit = 1;
    while (unit * 1024 <= magnitude) unit *= 1024;
    for (double tick : AxisTicks(low / unit, high / unit, scale, count))
      ticks.push_back(tick * unit);
    return ticks;
  }
  if (scale != AxisScale::kLinear) {
    if (!(low > 0)) return ticks;
    const double base = scale == AxisScale::kLog2 ? 2.0 : 10.0;
    const int first = static_cast<int>(std::ceil(Transform(low, scale) - 1e-9));
    const int last = static_cast<int>(std::floor(Transform(high, scale) + 1e-9));
    const int every = std::max(1, (last - first + count) / (count + 1));
    for (int k = first; k <= last; k += every) ticks.push_back(std::pow(base, k));
    return ticks;
  }
  if (low == high) return {low};
  const double raw = (high - low) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  const double mantissa = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  const double step = mantissa * magnitude;
  // k * mantissa / 10^j rather than a running sum, so ticks land on the
  // doubles nearest to 0.1, 0.2 ... and print cleanly.
  const double inverse = magnitude < 1 ? std::round(1 / magnitude) : 0;
  const auto first = static_cast<int64_t>(std::ceil(low / step - 1e-9));
  const auto last = static_cast<int64_t>(std::floor(high / step + 1e-9));
  for (int64_t k = first; k <= last; ++k) {
    const double units = static_cast<double>(k) * mantissa;
    ticks.push_back(inverse > 0 ? units / inverse : units * magnitude);
  }
  return ticks;
}

std::string LineChartSvg(absl::string_view title, const ChartAxis& x, const ChartAxis& y,
                         const std::vector<ChartSeries>& series, double width) {
  std::vector<std::string> names;
  std::vector<std::string> colours;
  for (const ChartSeries& s : series) {
    names.push_back(s.name);
    colours.push_back(s.colour);
  }
  const double right = width - (kWidth - kRight);
  const LegendLayout legend = LayOutLegend(names, right);
  const double bottom = kTop + kPlotHeight;
  const double height = bottom + 56 + legend.height() + 8;
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  double y_low = x_low, y_high = -x_low;
  for (const ChartSeries& s : series) {
    for (const ChartPoint& p : s.points) {
      if (!Usable(p.x, x.scale) || !Usable(p.y, y.scale)) continue;
      x_low = std::min(x_low, p.x);
      x_high = std::max(x_high, p.x);
      y_low = std::min({y_low, p.y, p.low.value_or(p.y)});
      y_high = std::max({y_high, p.y, p.high.value_or(p.y)});
    }
  }
  if (y.scale != AxisScale::kLinear) y_low = std::max(y_low, y_high * 1e-6);
  const auto [xd_low, xd_high] = Domain(x_low, x_high, x.scale, false);
  const auto [yd_low, yd_high] = Domain(y_low, y_high, y.scale, true, y.binary);
  const Mapping map_x(xd_low, xd_high, x.scale, kLeft + 10, right - 10);
  const Mapping map_y(yd_low, yd_high, y.scale, bottom, kTop);

  std::string svg = Open(height, title, width);
  absl::StrAppend(&svg, ValueAxis(y, map_y, yd_low, yd_high, kLeft, right, kTop, bottom));
  for (double tick : AxisTicks(xd_low, xd_high, x.scale, 10)) {
    const double px = map_x(tick);
    absl::StrAppend(&svg, Line(px, bottom, px, bottom + 5, "stroke=\"#555\""));
    absl::StrAppend(&svg, Text(px, bottom + 18, x.format ? x.format(tick) : Num(tick),
                               "font-size=\"11\" text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg, Line(kLeft, bottom, right, bottom, "stroke=\"#555\""));
  absl::StrAppend(&svg, Text((kLeft + right) / 2, bottom + 38, x.title,
                             "font-size=\"12\" text-anchor=\"middle\""));
  for (size_t i = 0; i < series.size(); ++i) {
    std::vector<ChartPoint> points;
    for (const ChartPoint& p : series[i].points) {
      if (Usable(p.x, x.scale) && Usable(p.y, y.scale)) points.push_back(p);
    }
    std::sort(points.begin(), points.end(),
              [](const ChartPoint& a, const ChartPoint& b) { return a.x < b.x; });
    std::string path;
    for (const ChartPoint& p : points) {
      absl::StrAppend(&path, path.empty() ? "M" : " L", Num(map_x(p.x)), " ", Num(map_y(p.y)));
    }
    const std::string colour = ColourOf(colours, i);
    absl::StrAppend(&svg, "<g class=\"series\" stroke=\"", colour, "\" fill=\"", colour, "\">\n");
    if (points.size() > 1) {
      absl::StrAppend(&svg, "<path d=\"", path, "\" fill=\"none\" stroke-width=\"2\"/>\n");
    }
    for (const ChartPoint& p : points) {
      const double px = map_x(p.x);
      if (p.low.has_value() && p.high.has_value() && Usable(*p.low, y.scale)) {
        absl::StrAppend(&svg, Line(px, map_y(*p.low), px, map_y(*p.high), "stroke-width=\"1.5\""));
      }
      absl::StrAppend(&svg, "<circle cx=\"", Num(px), "\" cy=\"", Num(map_y(p.y)),
                      "\" r=\"3.5\"/>\n");
    }
    absl::StrAppend(&svg, "</g>\n");
  }
  absl::StrAppend(&svg, Legend(names, legend, bottom + 66, colours), "</svg>\n");
  return svg;
}

std::string BarChartSvg(absl::string_view title, const std::vector<std::string>& series_names,
                        const std::vector<BarGroup>& groups, const ChartAxis& y, double width,
                        const std::vector<std::string>& colours) {
  size_t longest_label = 1;
  for (const BarGroup& group : groups) longest_label = std::max(longest_label, group.label.size());
  const double label_depth =
      std::min(150.0, 16 + 0.6 * kCharWidth * static_cast<double>(longest_label));
  const double right = width - (kWidth - kRight);
  const LegendLayout legend = LayOutLegend(series_names, right);
  const double bottom = kTop + kPlotHeight;
  const double height = bottom + label_depth + 12 + legend.height() + 8;
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const BarGroup& group : groups) {
    for (size_t s = 0; s < group.values.size(); ++s) {
      if (!group.values[s] || !Usable(*group.values[s], y.scale)) continue;
      low = std::min(low, *group.values[s]);
      high = std::max(high, *group.values[s]);
      if (s < group.ranges.size() && group.ranges[s]) {
        low = std::min(low, group.ranges[s]->first);
        high = std::max(high, group.ranges[s]->second);
      }
    }
  }
  if (y.scale != AxisScale::kLinear) low = std::max(low, high * 1e-6);
  const auto [d_low, d_high] = Domain(low, high, y.scale, true, y.binary);
  const Mapping map_y(d_low, d_high, y.scale, bottom, kTop);
  const double base = y.scale == AxisScale::kLinear ? map_y(0.0) : bottom;

  std::string svg = Open(height, title, width);
  absl::StrAppend(&svg, ValueAxis(y, map_y, d_low, d_high, kLeft, right, kTop, bottom));
  const double group_width =
      (right - kLeft) / static_cast<double>(std::max<size_t>(1, groups.size()));
  const double bar_width =
      group_width * 0.8 / static_cast<double>(std::max<size_t>(1, series_names.size()));
  for (size_t g = 0; g < groups.size(); ++g) {
    const double group_left = kLeft + group_width * static_cast<double>(g) + group_width * 0.1;
    for (size_t s = 0; s < groups[g].values.size(); ++s) {
      const std::optional<double>& value = groups[g].values[s];
      if (!value || !Usable(*value, y.scale)) continue;
      const double x = group_left + bar_width * static_cast<double>(s);
      const double top = map_y(*value);
      absl::StrAppend(&svg, "<rect x=\"", Num(x), "\" y=\"", Num(std::min(top, base)),
                      "\" width=\"", Num(std::max(1.0, bar_width - 2)), "\" height=\"",
                      Num(std::max(0.5, std::fabs(base - top))), "\" fill=\"", ColourOf(colours, s),
                      "\"><title>", SvgEscape(series_names[s]), ": ",
                      SvgEscape(y.format ? y.format(*value) : Num(*value)), "</title></rect>\n");
      if (s < groups[g].ranges.size() && groups[g].ranges[s] &&
          Usable(groups[g].ranges[s]->first, y.scale)) {
        const double cx = x + (bar_width - 2) / 2;
        absl::StrAppend(&svg, Line(cx, map_y(groups[g].ranges[s]->first), cx,
                                   map_y(groups[g].ranges[s]->second), "stroke=\"#222\""));
      }
    }
    std::string label = groups[g].label;
    if (label.size() > 40) label = absl::StrCat(label.substr(0, 39), "…");
    const double label_x = group_left + group_width * 0.4 + 4;
    absl::StrAppend(
        &svg, Text(label_x, bottom + 14, label,
                   absl::StrCat("font-size=\"11\" text-anchor=\"end\" transform=\"", "rotate(-35 ",
                                Num(label_x), " ", Num(bottom + 14), ")\"")));
  }
  absl::StrAppend(&svg, Line(kLeft, base, right, base, "stroke=\"#555\""));
  absl::StrAppend(&svg, Legend(series_names, legend, bottom + label_depth + 20, colours),
                  "</svg>\n");
  return svg;
}

std::string ChangeChartSvg(absl::string_view title, const std::vector<ChangeBar>& bars,
                           double threshold) {
  constexpr double kRow = 24;
  constexpr double kLabelWidth = 300;
  constexpr double kNoteWidth = 176;
  const double height = kTop + 30 + kRow * static_cast<double>(bars.size()) + 20;
  const double left = kLabelWidth;
  const double right = kWidth - kNoteWidth;
  constexpr double kLowest = -1.0;  // -100%
  constexpr double kHighest = 3.0;  // +300%
  double data_low = -2 * threshold;
  double data_high = 2 * threshold;
  for (const ChangeBar& bar : bars) {
    for (double value : {bar.change, bar.low, bar.high}) {
      if (!std::isfinite(value)) continue;
      data_low = std::min(data_low, value);
      data_high = std::max(data_high, value);
    }
  }
  const auto [low, high] =
      Domain(std::max(data_low, kLowest), std::min(data_high, kHighest), AxisScale::kLinear, true);
  const Mapping map_x(low, high, AxisScale::kLinear, left, right);
  const double axis_y = kTop + 16;
  const double rows_bottom = axis_y + 8 + kRow * static_cast<double>(bars.size());

  std::string svg = Open(height, title);
  absl::StrAppend(&svg, "<rect x=\"", Num(map_x(-threshold)), "\" y=\"", Num(axis_y), "\" width=\"",
                  Num(map_x(threshold) - map_x(-threshold)), "\" height=\"",
                  Num(rows_bottom - axis_y), "\" fill=\"#f0f0f0\"/>\n");
  for (double tick : AxisTicks(low, high, AxisScale::kLinear, 8)) {
    const double x = map_x(tick);
    absl::StrAppend(&svg, Line(x, axis_y, x, rows_bottom, "stroke=\"#e3e3e3\""));
    absl::StrAppend(&svg, Text(x, axis_y - 4, absl::StrFormat("%+.0f%%", tick * 100),
                               "font-size=\"11\" text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg, Line(map_x(0), axis_y, map_x(0), rows_bottom, "stroke=\"#555\""));
  for (size_t i = 0; i < bars.size(); ++i) {
    const ChangeBar& bar = bars[i];
    const double center = axis_y + 8 + kRow * (static_cast<double>(i) + 0.5);
    const char* colour = bar.verdict == "worse"    ? "#D55E00"
                         : bar.verdict == "better" ? "#009E73"
                         : bar.verdict == "noisy"  ? "#A6A6A6"
                                                   : "#7F7F7F";
    std::string label = bar.label;
    if (label.size() > 46) label = absl::StrCat(label.substr(0, 45), "…");
    absl::StrAppend(&svg,
                    Text(left - 8, center + 4, label, "font-size=\"11\" text-anchor=\"end\""));
    // Values beyond the axis stop at its ends; the note gives the value.
    auto clip = [low = low, high = high](double value) { return std::clamp(value, low, high); };
    if (std::isfinite(bar.change)) {
      const double x0 = map_x(0);
      const double x1 = map_x(clip(bar.change));
      absl::StrAppend(&svg, "<rect x=\"", Num(std::min(x0, x1)), "\" y=\"", Num(center - 7),
                      "\" width=\"", Num(std::max(1.0, std::fabs(x1 - x0))),
                      "\" height=\"14\" fill=\"", colour, "\" fill-opacity=\"0.75\"><title>",
                      SvgEscape(bar.label), ": ", SvgEscape(bar.note), "</title></rect>\n");
    }
    if (std::isfinite(bar.low) && std::isfinite(bar.high)) {
      const double a = map_x(clip(bar.low));
      const double b = map_x(clip(bar.high));
      absl::StrAppend(&svg, Line(a, center, b, center, "stroke=\"#222\" stroke-width=\"1.5\""));
      absl::StrAppend(&svg, Line(a, center - 5, a, center + 5, "stroke=\"#222\""));
      absl::StrAppend(&svg, Line(b, center - 5, b, center + 5, "stroke=\"#222\""));
    }
    absl::StrAppend(&svg, Text(right + 14, center + 4, bar.note,
                               absl::StrCat("font-size=\"11\" fill=\"", colour, "\"")));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace ipclab::results

// Multiple comparisons for the gate and compare: the Benjamini-Hochberg
// step-up procedure. A gate over a matrix makes hundreds of checks; Holm's
// family-wise control over that many needs p-values the Mann-Whitney test
// cannot reach at ten repetitions per side, so ipclab controls the false
// discovery rate instead: among the checks called significant, the expected
// share of false ones stays below q (independent or positively dependent
// tests, Benjamini & Hochberg 1995; Benjamini & Yekutieli 2001).
#ifndef IPCLAB_RESULTS_STATS_FALSE_DISCOVERY_H_
#define IPCLAB_RESULTS_STATS_FALSE_DISCOVERY_H_

#include <vector>

namespace ipclab::results {

// BH-adjusted p-values ("q-values", R's p.adjust(method = "BH")), in the
// input's order: with p sorted ascending, q_(i) = min over j >= i of
// p_(j) m / j, capped at 1. A check is significant at level q when its
// adjusted p-value is <= q.
std::vector<double> BenjaminiHochbergAdjust(const std::vector<double>& p_values);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STATS_FALSE_DISCOVERY_H_

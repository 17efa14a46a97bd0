#include "results/model/phases.h"

namespace ipclab::results {
namespace {

bool IsEdgePhase(const std::string& name) { return name == "setup" || name == "teardown"; }

}  // namespace

const v1::PhaseResult* FindPhase(const v1::RepetitionResult& repetition, absl::string_view name) {
  for (const v1::PhaseResult& phase : repetition.phases()) {
    if (phase.name() == name) return &phase;
  }
  return nullptr;
}

std::string HeadlinePhase(const v1::CaseResult& result) {
  std::string first;
  std::string first_moving;
  std::string first_inner;
  bool child_write = false;
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    for (const v1::PhaseResult& phase : repetition.phases()) {
      if (phase.name() == "steady") return "steady";
      // cow_private exists for the copy-on-write the child's writes take,
      // not the parent's first-touch writes before the fork.
      if (phase.name() == "child_write") child_write = true;
      if (first.empty()) first = phase.name();
      if (first_moving.empty() && phase.bytes() > 0) first_moving = phase.name();
      if (first_inner.empty() && !IsEdgePhase(phase.name())) first_inner = phase.name();
    }
  }
  if (child_write) return "child_write";
  if (!first_moving.empty()) return first_moving;
  if (!first_inner.empty()) return first_inner;
  return first;
}

bool TouchesPages(const v1::CaseResult& result) {
  bool touched = false;
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    for (const v1::PhaseResult& phase : repetition.phases()) {
      if (phase.name() == "steady") return false;
      touched |= phase.messages() > 0 && !IsEdgePhase(phase.name());
    }
  }
  return touched;
}

}  // namespace ipclab::results

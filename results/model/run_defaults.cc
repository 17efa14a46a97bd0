#include "results/model/run_defaults.h"

#include <algorithm>

#include <utility>

#include "google/protobuf/unknown_field_set.h"

namespace ipclab::results {
namespace {

// Requests stored before `warmup` had presence said "0 warm-ups" with
// `bool warmup_set = 6` (now reserved); binary protos keep it as an unknown
// field, so those runs still read as they were made.
bool LegacyExplicitWarmup(const v1::RunRequest& request) {
  const google::protobuf::UnknownFieldSet& unknown =
      request.GetReflection()->GetUnknownFields(request);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const google::protobuf::UnknownField& field = unknown.field(i);
    if (field.number() == 6 && field.type() == google::protobuf::UnknownField::TYPE_VARINT &&
        field.varint() != 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

uint32_t EffectiveRepetitions(const v1::RunRequest& request) {
  return request.repetitions() == 0 ? kDefaultRepetitions : request.repetitions();
}

uint32_t EffectiveWarmup(const v1::RunRequest& request) {
  if (request.has_warmup() || LegacyExplicitWarmup(request)) return request.warmup();
  return kDefaultWarmup;
}

double EffectiveMinTime(const v1::RunRequest& request) {
  if (request.has_min_time_seconds()) return std::max(0.0, request.min_time_seconds());
  return kDefaultMinTimeSeconds;
}

uint32_t EffectiveRounds(const v1::RunRequest& request) {
  const uint32_t repetitions = EffectiveRepetitions(request);
  if (request.has_rounds()) return std::clamp<uint32_t>(request.rounds(), 1, repetitions);
  uint64_t cases = 1;
  for (const v1::Sweep& sweep : request.sweeps()) {
    cases *= std::max<uint64_t>(1, static_cast<uint64_t>(sweep.values_size()));
  }
  return cases >= 2 ? std::min(kDefaultRounds, repetitions) : 1;
}

RoundShare ShareOfRound(uint32_t round, uint32_t rounds, uint32_t repetitions) {
  RoundShare share;
  share.first = static_cast<uint32_t>(uint64_t{repetitions} * round / rounds);
  share.count = static_cast<uint32_t>(uint64_t{repetitions} * (round + 1) / rounds) - share.first;
  return share;
}

v1::RunRequest WithRunDefaults(v1::RunRequest request) {
  request.set_rounds(EffectiveRounds(request));
  request.set_min_time_seconds(EffectiveMinTime(request));
  request.set_repetitions(EffectiveRepetitions(request));
  request.set_warmup(EffectiveWarmup(request));
  return request;
}

}  // namespace ipclab::results

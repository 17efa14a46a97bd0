#include "workloads/owner_mark.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ipclab::workloads {
namespace {

constexpr absl::string_view kMarkedPrefix = "ipclab-i";

std::string RunMark(absl::string_view run_id) {
  std::string run;
  for (char c : run_id) {
    if (run.size() == kMaxRunMarkChars) break;
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) run.push_back(c);
  }
  return run;
}

}  // namespace

OwnerMark OwnerMark::For(uint32_t instance, absl::string_view run_id) {
  OwnerMark mark;
  mark.instance = instance < kMaxInstances ? instance : kNoInstance;
  mark.run = RunMark(run_id);
  return mark;
}

OwnerMark OwnerMark::FromProto(const v1::WorkerRequest& request) {
  if (!request.has_owner()) return OwnerMark();
  OwnerMark mark = For(request.owner().instance(), request.owner().run());
  // A run id the worker would have to shorten or clean is not a mark the
  // server can recompute: treat it as none.
  if (mark.run != request.owner().run()) return OwnerMark();
  return mark;
}

v1::OwnerMark OwnerMark::ToProto() const {
  v1::OwnerMark proto;
  proto.set_instance(instance);
  proto.set_run(run);
  return proto;
}

std::string OwnerNamePrefix(const OwnerMark& mark, pid_t creator_pid) {
  if (!mark.owned()) return absl::StrCat("ipclab-", creator_pid, "-");
  return absl::StrCat(InstanceNamePrefix(mark.instance), mark.run, "-");
}

std::string InstanceNamePrefix(uint32_t instance) {
  return absl::StrCat(kMarkedPrefix, instance, "-");
}

std::optional<uint32_t> InstanceOfName(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, kMarkedPrefix)) return std::nullopt;
  const size_t dash = name.find('-');
  if (dash == 0 || dash == absl::string_view::npos || dash > 4) return std::nullopt;
  uint32_t instance = 0;
  for (char c : name.substr(0, dash)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  if (!absl::SimpleAtoi(name.substr(0, dash), &instance) || instance >= kMaxInstances) {
    return std::nullopt;
  }
  // The canonical spelling only ("i03" is not instance 3's).
  if (absl::StrCat(instance) != name.substr(0, dash)) return std::nullopt;
  return instance;
}

}  // namespace ipclab::workloads

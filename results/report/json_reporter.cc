#include "results/report/json_reporter.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver.h"
#include "google/protobuf/util/type_resolver_util.h"

namespace ipclab::results {
namespace {

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  // MessageToJsonString serializes without determinism, so map entries could
  // come out in any order; serialize deterministically and convert the bytes.
  std::string binary;
  {
    google::protobuf::io::StringOutputStream stream(&binary);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!message.SerializeToCodedStream(&coded)) return "";
  }
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(kTypeUrlPrefix,
                                                               descriptor->file()->pool()));
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = false;
  options.always_print_enums_as_ints = false;
  options.preserve_proto_field_names = false;
  std::string json;
  const auto status = google::protobuf::util::BinaryToJsonString(
      resolver.get(), absl::StrCat(kTypeUrlPrefix, "/", descriptor->full_name()), binary, &json,
      options);
  if (!status.ok()) return "";
  return json;
}

absl::StatusOr<v1::RunResult> RunResultFromJson(absl::string_view json) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  v1::RunResult run;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &run, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a RunResult in JSON: ", std::string(status.message())));
  }
  return run;
}

}  // namespace ipclab::results

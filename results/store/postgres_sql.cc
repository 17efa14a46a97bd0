#include "results/store/postgres_sql.h"

#include <endian.h>
#include <libpq-fe.h>
#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace ipclab::results::pg {
namespace {

// Type OIDs of pg_type.h (stable since PostgreSQL 7).
constexpr unsigned int kByteaOid = 17;
constexpr unsigned int kInt8Oid = 20;
constexpr unsigned int kTextOid = 25;
constexpr unsigned int kFloat8Oid = 701;

// Where the password is in `uri`: [begin, end) of its raw (percent-encoded)
// text, or begin == end when it has none.
struct Span {
  size_t begin = 0;
  size_t end = 0;
};

std::vector<Span> PasswordSpans(absl::string_view uri) {
  std::vector<Span> spans;
  const size_t scheme = uri.find("://");
  if (scheme == absl::string_view::npos) return spans;
  const size_t start = scheme + 3;
  const size_t authority_end = std::min(uri.find('/', start), uri.find('?', start));
  const absl::string_view authority =
      uri.substr(start, authority_end == absl::string_view::npos ? absl::string_view::npos
                                                                 : authority_end - start);
  const size_t at = authority.rfind('@');
  if (at != absl::string_view::npos) {
    const size_t colon = authority.substr(0, at).find(':');
    if (colon != absl::string_view::npos && colon + 1 < at) {
      spans.push_back({start + colon + 1, start + at});
    }
  }
  const size_t question = uri.find('?', start);
  if (question == absl::string_view::npos) return spans;
  size_t position = question + 1;
  while (position < uri.size()) {
    size_t end = uri.find('&', position);
    if (end == absl::string_view::npos) end = uri.size();
    const absl::string_view pair = uri.substr(position, end - position);
    if (absl::StartsWith(pair, "password=") && pair.size() > 9) {
      spans.push_back({position + 9, end});
    }
    position = end + 1;
  }
  return spans;
}

std::string PercentDecoded(absl::string_view text) {
  std::string decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    int value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        absl::SimpleHexAtoi(text.substr(i + 1, 2), &value)) {
      decoded.push_back(static_cast<char>(value));
      i += 2;
    } else {
      decoded.push_back(text[i]);
    }
  }
  return decoded;
}

void NoNotices(void*, const char*) {}

}  // namespace

std::string PasswordOf(absl::string_view uri) {
  std::vector<Span> spans = PasswordSpans(uri);
  if (spans.empty()) return "";
  return PercentDecoded(uri.substr(spans.back().begin, spans.back().end - spans.back().begin));
}

std::string RedactLocation(absl::string_view uri) {
  std::string redacted;
  size_t copied = 0;
  for (const Span& span : PasswordSpans(uri)) {
    absl::StrAppend(&redacted, uri.substr(copied, span.begin - copied), "***");
    copied = span.end;
  }
  absl::StrAppend(&redacted, uri.substr(copied));
  return redacted;
}

std::string RedactSecrets(absl::string_view text, absl::string_view uri) {
  std::string redacted(text);
  for (const Span& span : PasswordSpans(uri)) {
    const absl::string_view raw = uri.substr(span.begin, span.end - span.begin);
    const std::string decoded = PercentDecoded(raw);
    // The URI first (its password then gone), then the password alone.
    redacted = absl::StrReplaceAll(redacted, {{uri, RedactLocation(uri)}});
    for (const std::string& secret : {std::string(raw), decoded}) {
      if (!secret.empty()) redacted = absl::StrReplaceAll(redacted, {{secret, "***"}});
    }
  }
  return redacted;
}

// ---- Result -----------------------------------------------------------------

Result::~Result() { PQclear(result_); }

Result::Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int Result::rows() const { return PQntuples(result_); }

int64_t Result::affected_rows() const {
  int64_t count = 0;
  return absl::SimpleAtoi(PQcmdTuples(result_), &count) ? count : 0;
}

bool Result::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string Result::Text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<size_t>(PQgetlength(result_, row, column)));
}

int64_t Result::Int(int row, int column) const {
  int64_t value = 0;
  return absl::SimpleAtoi(PQgetvalue(result_, row, column), &value) ? value : 0;
}

std::string Result::Bytes(int row, int column) const { return Text(row, column); }

// ---- Params -----------------------------------------------------------------

Params& Params::Add(unsigned int type, std::string value, int format, bool null) {
  types_.push_back(type);
  values_.push_back(std::move(value));
  formats_.push_back(format);
  nulls_.push_back(null);
  return *this;
}

Params& Params::Text(absl::string_view text) { return Add(kTextOid, std::string(text), 0, false); }

Params& Params::Bytes(absl::string_view bytes) {
  return Add(kByteaOid, std::string(bytes), 1, false);
}

Params& Params::Int(int64_t value) {
  const uint64_t big_endian = htobe64(static_cast<uint64_t>(value));
  return Add(kInt8Oid, std::string(reinterpret_cast<const char*>(&big_endian), 8), 1, false);
}

Params& Params::Double(double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  const uint64_t big_endian = htobe64(bits);
  return Add(kFloat8Oid, std::string(reinterpret_cast<const char*>(&big_endian), 8), 1, false);
}

Params& Params::NullInt() { return Add(kInt8Oid, "", 1, true); }

Params& Params::NullDouble() { return Add(kFloat8Oid, "", 1, true); }

// ---- Connection -------------------------------------------------------------

absl::StatusOr<Connection> Connection::Open(const std::string& uri) {
  // Defaults first: the URI's own settings come later and win.
  const char* const keywords[] = {"fallback_application_name", "connect_timeout", "dbname",
                                  nullptr};
  const char* const values[] = {"ipclab", "10", uri.c_str(), nullptr};
  PGconn* connection = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (connection == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message(absl::StripTrailingAsciiWhitespace(PQerrorMessage(connection)));
    PQfinish(connection);
    return absl::UnavailableError(absl::StrCat("cannot connect to the results database \"",
                                               RedactLocation(uri),
                                               "\": ", RedactSecrets(message, uri)));
  }
  PQsetNoticeProcessor(connection, NoNotices, nullptr);
  return Connection(connection, uri);
}

Connection::~Connection() { PQfinish(connection_); }

Connection::Connection(Connection&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)), uri_(std::move(other.uri_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    PQfinish(connection_);
    connection_ = std::exchange(other.connection_, nullptr);
    uri_ = std::move(other.uri_);
  }
  return *this;
}

int Connection::backend_pid() const { return PQbackendPID(connection_); }

absl::Status Connection::Error(PGresult* result, absl::string_view what) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  const char* detail = result != nullptr ? PQresultErrorMessage(result) : "";
  std::string message(absl::StripTrailingAsciiWhitespace(
      detail != nullptr && *detail != '\0' ? detail : PQerrorMessage(connection_)));
  message =
      absl::StrCat(what, " in \"", RedactLocation(uri_), "\": ", RedactSecrets(message, uri_));
  if (PQstatus(connection_) != CONNECTION_OK || absl::StartsWith(sqlstate, "08") ||
      absl::StartsWith(sqlstate, "57P")) {
    return absl::UnavailableError(message);  // connection lost, server shutting down
  }
  if (sqlstate == "23505") return absl::AlreadyExistsError(message);  // unique_violation
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::AbortedError(message);
  if (absl::StartsWith(sqlstate, "28") || sqlstate == "42501") {
    return absl::PermissionDeniedError(message);
  }
  if (absl::StartsWith(sqlstate, "53")) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

absl::Status Connection::Exec(absl::string_view sql, absl::string_view what) const {
  PGresult* raw = PQexec(connection_, std::string(sql).c_str());
  const ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  absl::Status outcome =
      status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? absl::OkStatus() : Error(raw, what);
  // COMMIT of a failed transaction "succeeds" as ROLLBACK.
  if (outcome.ok() && sql == "COMMIT" && absl::string_view(PQcmdStatus(raw)) == "ROLLBACK") {
    outcome = absl::AbortedError(
        absl::StrCat(what, " in \"", RedactLocation(uri_), "\": the transaction was rolled back"));
  }
  PQclear(raw);
  return outcome;
}

absl::StatusOr<Result> Connection::Query(const std::string& sql, const Params& params,
                                         absl::string_view what, bool binary_results) const {
  std::vector<const char*> values(params.values_.size());
  std::vector<int> lengths(params.values_.size());
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = params.nulls_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  PGresult* raw =
      PQexecParams(connection_, sql.c_str(), params.size(), params.types_.data(), values.data(),
                   lengths.data(), params.formats_.data(), binary_results ? 1 : 0);
  const ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    absl::Status error = Error(raw, what);
    PQclear(raw);
    return error;
  }
  return Result(raw);
}

// ---- Transaction ------------------------------------------------------------

absl::Status Exec(const Connection* connection, absl::string_view sql, absl::string_view what) {
  return connection->Exec(sql, what);
}

}  // namespace ipclab::results::pg

// Internal: how JSON values read as text, numbers and dates, shared by the
// lowerings and the evaluator so both sides agree on every conversion.

#ifndef TRUSTCHECK_SRC_VALUE_TEXT_H_
#define TRUSTCHECK_SRC_VALUE_TEXT_H_

#include <json/json.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trustcheck {

// The text AWS IAM sees for a scalar: strings as they are, booleans as
// `true`/`false`, numbers by their JSON text. nullopt for null, arrays, objects.
std::optional<std::string> IamText(const Json::Value& value);

// A decimal number (`12`, `-1.5`, `2e3`); nullopt for anything else.
std::optional<double> ParseDecimal(std::string_view text);

// ISO 8601 (a date, or a date-time with or without a zone; UTC assumed) or
// epoch seconds, as AWS Date operators accept them.
std::optional<int64_t> ParseIsoOrEpoch(std::string_view text);
// The same in milliseconds: an ISO 8601 fraction of a second counts to the
// millisecond (`2024-06-01T12:00:00.5Z` is after `2024-06-01T12:00:00Z`).
std::optional<int64_t> ParseIsoOrEpochMillis(std::string_view text);

// JSON equality that respects types (`true` != "true", 42 != "42"), numbers
// by value.
bool TypedEquals(const Json::Value& a, const Json::Value& b);

// One-line JSON text of a value.
std::string CompactJson(const Json::Value& value);

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_VALUE_TEXT_H_

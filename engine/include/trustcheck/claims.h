// trustcheck/claims.h: tokens and their claims.
//
// OVERVIEW
//
// A token is given either as a compact JWT (`header.payload.signature`,
// base64url) or as a JSON object of claims; DecodeToken tells them apart by
// content. The claims keep their JSON types and are looked up by name or by
// RFC 6901 JSON pointer. Decoding does NOT verify the signature: the result
// says so (`signature_verified` stays false), and `trustcheck eval` prints it.
//
// TIME
//
// ParseTime accepts RFC 3339 (`2026-11-21T10:00:00Z`, with an offset or
// fractional seconds) or Unix seconds (`1763719200`) and returns Unix seconds.
//
// THREAD SAFETY
//
// Claims is immutable after decoding.

#ifndef TRUSTCHECK_CLAIMS_H_
#define TRUSTCHECK_CLAIMS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "trustcheck/status.h"

namespace Json {
class Value;
}

namespace trustcheck {

// Limits on what a token may hold; inputs beyond them are refused with an error.
struct TokenLimits {
  size_t max_bytes = 1 << 20;  // Default: 1 MiB of token text.
  int max_depth = 64;          // Default: 64 levels of JSON nesting.
};

class Claims {
 public:
  Claims();
  explicit Claims(Json::Value root);  // must be an object
  ~Claims();
  Claims(const Claims&);
  Claims& operator=(const Claims&);
  Claims(Claims&&) noexcept;
  Claims& operator=(Claims&&) noexcept;

  const Json::Value& root() const { return *root_; }
  // The claim `name` (a literal top-level key), or nullptr when absent.
  // A JSON null counts as present here; callers decide what null means.
  const Json::Value* Find(std::string_view name) const;
  // RFC 6901 pointer lookup (`/kubernetes.io/namespace`, `/groups/0`);
  // nullptr when any step is missing or malformed.
  const Json::Value* FindPointer(std::string_view pointer) const;
  // `iss` as a string, or "" when absent or not a string.
  const std::string& issuer() const { return issuer_; }
  // The AWS condition-key prefix for `iss`: the issuer without `https://`,
  // path and any trailing slash kept, lower-cased (key names are
  // case-insensitive).
  const std::string& aws_key_prefix() const { return aws_key_prefix_; }

 private:
  void Index();
  std::unique_ptr<Json::Value> root_;
  std::string issuer_;
  std::string aws_key_prefix_;
};

struct DecodedToken {
  enum class Form { kJwt, kClaimsJson } form = Form::kClaimsJson;
  Claims claims;
  std::string header_json;        // JWT only: the decoded header
  std::string algorithm;          // JWT only: header `alg`
  std::string key_id;             // JWT only: header `kid`
  std::string signing_input;      // JWT only: `header.payload`, for verification
  std::string signature;          // JWT only: the raw signature bytes
  bool signature_verified = false;
};

// Decodes a token from its text. `source` names the file for error
// locations ("-" for standard input).
Result<DecodedToken> DecodeToken(std::string_view text, const std::string& source,
                                 const TokenLimits& limits = {});

// Unix seconds from RFC 3339 or from an integer string.
Result<int64_t> ParseTime(std::string_view text);

// RFC 3339 text in UTC of Unix seconds: `2021-09-24T14:26:07Z`.
std::string FormatTime(int64_t unix_seconds);

// base64url without padding (padding tolerated); nullopt on bad input.
std::optional<std::string> DecodeBase64Url(std::string_view text);

}  // namespace trustcheck

#endif  // TRUSTCHECK_CLAIMS_H_

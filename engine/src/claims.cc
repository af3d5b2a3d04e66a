// Token decoding (compact JWT or claims JSON), claim lookup and time parsing.

#include "trustcheck/claims.h"

#include <fmt/format.h>
#include <json/json.h>

#include <cctype>
#include <charconv>
#include <ctime>

#include "source_text.h"
#include "text/ascii.h"

namespace trustcheck {

Claims::Claims() : root_(std::make_unique<Json::Value>(Json::objectValue)) {}
Claims::Claims(Json::Value root) : root_(std::make_unique<Json::Value>(std::move(root))) { Index(); }
Claims::~Claims() = default;
Claims::Claims(const Claims& o)
    : root_(std::make_unique<Json::Value>(*o.root_)), issuer_(o.issuer_), aws_key_prefix_(o.aws_key_prefix_) {}
Claims& Claims::operator=(const Claims& o) {
  if (this != &o) {
    root_ = std::make_unique<Json::Value>(*o.root_);
    issuer_ = o.issuer_;
    aws_key_prefix_ = o.aws_key_prefix_;
  }
  return *this;
}
Claims::Claims(Claims&&) noexcept = default;
Claims& Claims::operator=(Claims&&) noexcept = default;

void Claims::Index() {
  issuer_.clear();
  aws_key_prefix_.clear();
  const Json::Value* iss = Find("iss");
  if (iss && iss->isString()) issuer_ = iss->asString();
  std::string_view p = issuer_;
  if (p.substr(0, 8) == "https://") p.remove_prefix(8);
  aws_key_prefix_ = AsciiLower(p);
}

const Json::Value* Claims::Find(std::string_view name) const {
  if (!root_->isObject()) return nullptr;
  return root_->find(name.data(), name.data() + name.size());
}

const Json::Value* Claims::FindPointer(std::string_view pointer) const {
  if (pointer.empty()) return root_.get();
  if (pointer[0] != '/') return nullptr;
  const Json::Value* cur = root_.get();
  size_t pos = 1;
  while (true) {
    size_t next = pointer.find('/', pos);
    std::string_view raw = pointer.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && raw[i + 1] == '1') token += '/', ++i;
      else if (raw[i] == '~' && i + 1 < raw.size() && raw[i + 1] == '0') token += '~', ++i;
      else token += raw[i];
    }
    if (cur->isObject()) {
      cur = cur->find(token.data(), token.data() + token.size());
    } else if (cur->isArray()) {
      unsigned idx = 0;
      auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), idx);
      if (token.empty() || ec != std::errc() || p != token.data() + token.size() ||
          (token.size() > 1 && token[0] == '0') || idx >= cur->size())
        return nullptr;
      cur = &(*cur)[idx];
    } else {
      return nullptr;
    }
    if (!cur) return nullptr;
    if (next == std::string_view::npos) return cur;
    pos = next + 1;
  }
}

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    else return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling sextet is not valid base64
  return out;
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool LooksLikeCompactJwt(std::string_view s) {
  if (s.empty() || s.front() == '{') return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '='))
      return false;
  return true;
}

Result<Json::Value> ParseJsonPart(const std::string& source, std::string text, const char* what,
                                  const TokenLimits& limits) {
  SourceText st(source, std::move(text));
  Status utf8 = ValidateUtf8(st);
  if (!utf8.ok())
    return Status::Error(SourceLoc{st.path(), 1, 1}, fmt::format("token {} is not valid UTF-8", what));
  JsonLimits jl;
  jl.max_depth = limits.max_depth;
  auto v = ParseJson(st, jl);
  if (!v.ok()) {
    // ParseJson says "invalid JSON: <why>"; the part's own name says the rest.
    std::string why = v.status().message();
    if (why.rfind("invalid JSON: ", 0) == 0) why.erase(0, 14);
    return Status::Error(SourceLoc{st.path(), 1, 1}, fmt::format("token {} is not valid JSON: {}", what, why));
  }
  if (!v->isObject()) return Status::Error(SourceLoc{st.path(), 1, 1}, fmt::format("token {} is not a JSON object", what));
  return v;
}

}  // namespace

Result<DecodedToken> DecodeToken(std::string_view text, const std::string& source, const TokenLimits& limits) {
  FileId path = FileId::Of(source);
  SourceLoc start{path, 1, 1};
  if (text.size() > limits.max_bytes)
    return Status::Error(ErrorCode::kTooLarge, start, fmt::format("token is larger than the limit of {} bytes", limits.max_bytes));
  std::string_view body = Trim(text);
  if (body.empty()) return Status::Error(start, "token is empty");
  DecodedToken out;
  if (body.front() == '{' || body.front() == '[') {
    SourceText st(source, std::string(text));
    TRUSTCHECK_RETURN_IF_ERROR(ValidateUtf8(st));
    JsonLimits jl;
    jl.max_depth = limits.max_depth;
    auto v = ParseJson(st, jl);
    if (!v.ok()) return v.status();
    if (!v->isObject()) return Status::Error(LocOf(st, *v), "token claims must be a JSON object");
    // A header+payload pair ({"header": ..., "payload": ...}) is not claims.
    out.form = DecodedToken::Form::kClaimsJson;
    out.claims = Claims(std::move(*v));
    return out;
  }
  if (!LooksLikeCompactJwt(body))
    return Status::Error(start, "token is neither a compact JWT nor a JSON object of claims");
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t dot = body.find('.', pos);
    parts.push_back(body.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos));
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (parts.size() == 5) return Status::Error(start, "token is an encrypted JWE, not a signed JWT");
  if (parts.size() != 3)
    return Status::Error(start, fmt::format("JWT must have 3 dot-separated parts, found {}", parts.size()));
  auto header = DecodeBase64Url(parts[0]);
  if (!header) return Status::Error(start, "JWT header is not valid base64url");
  auto payload = DecodeBase64Url(parts[1]);
  if (!payload) return Status::Error(start, "JWT payload is not valid base64url");
  auto signature = DecodeBase64Url(parts[2]);
  if (!signature) return Status::Error(start, "JWT signature is not valid base64url");
  auto h = ParseJsonPart(source, *header, "header", limits);
  if (!h.ok()) return h.status();
  auto p = ParseJsonPart(source, *payload, "payload", limits);
  if (!p.ok()) return p.status();
  out.form = DecodedToken::Form::kJwt;
  out.header_json = *header;
  if ((*h)["alg"].isString()) out.algorithm = (*h)["alg"].asString();
  if ((*h)["kid"].isString()) out.key_id = (*h)["kid"].asString();
  out.signing_input = std::string(body.substr(0, parts[0].size() + 1 + parts[1].size()));
  out.signature = std::move(*signature);
  out.claims = Claims(std::move(*p));
  return out;
}

namespace {

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
// Hinnant's algorithm, the inverse of DaysFromCivil).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

}  // namespace

std::string FormatTime(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t rest = unix_seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rest / 3600, rest / 60 % 60, rest % 60);
}

Result<int64_t> ParseTime(std::string_view text) {
  std::string_view s = Trim(text);
  auto bad = [&] {
    return Status::Error(SourceLoc{}, fmt::format("time `{}` is neither RFC 3339 nor Unix seconds", std::string(text)));
  };
  if (s.empty()) return bad();
  bool all_digits = true;
  for (size_t i = 0; i < s.size(); ++i)
    if (!(std::isdigit(static_cast<unsigned char>(s[i])) || (i == 0 && s[i] == '-'))) all_digits = false;
  if (all_digits) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return bad();
    return v;
  }
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!ParseDigits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !ParseDigits(s, 5, 2, &mo) || s[7] != '-' ||
      !ParseDigits(s, 8, 2, &d))
    return bad();
  size_t i = 10;
  int64_t offset = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return bad();
    if (!ParseDigits(s, i + 1, 2, &h) || s.size() < i + 9 || s[i + 3] != ':' || !ParseDigits(s, i + 4, 2, &mi) ||
        s[i + 6] != ':' || !ParseDigits(s, i + 7, 2, &sec))
      return bad();
    i += 9;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i == start) return bad();
    }
    if (i >= s.size()) return bad();  // RFC 3339 needs a zone
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh, om;
      if (!ParseDigits(s, i + 1, 2, &oh) || s.size() < i + 6 || s[i + 3] != ':' || !ParseDigits(s, i + 4, 2, &om))
        return bad();
      offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
      i += 6;
    } else {
      return bad();
    }
    if (i != s.size()) return bad();
  }
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || h > 23 || mi > 59 || sec > 60) return bad();
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return bad();
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
}

}  // namespace trustcheck

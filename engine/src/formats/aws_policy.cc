// Lowering of AWS IAM role trust policies into the trust AST.
//
// Every rule here cites docs/semantics-aws.md; the evaluator knows nothing of
// AWS: operators become Tests whose fields (quantifier, missing result,
// negation, wildcard flavour) carry the semantics.

#include "formats/aws_policy.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <tuple>

#include "aws/condition_keys.h"
#include "trustcheck/claims.h"
#include "value_text.h"
#include "text/ascii.h"

namespace trustcheck::aws {

namespace {

// Matches `arn:aws[a-z-]*:iam::<12 digits>:<type><rest>` where <rest> has no
// line break (and is not empty unless `rest_may_be_empty`), as the regular
// expressions `arn:aws[a-z-]*:iam::(\d{12}):<type>(.+)` did: by hand, since
// std::regex took as long as lowering the rest of a policy.
bool MatchIamArn(std::string_view arn, std::string_view type, bool rest_may_be_empty, std::string* account,
                 std::string* rest) {
  constexpr std::string_view kStart = "arn:aws";
  if (arn.substr(0, kStart.size()) != kStart) return false;
  size_t i = kStart.size();
  while (i < arn.size() && ((arn[i] >= 'a' && arn[i] <= 'z') || arn[i] == '-')) ++i;
  constexpr std::string_view kIam = ":iam::";
  if (arn.substr(i, kIam.size()) != kIam) return false;
  i += kIam.size();
  if (arn.size() < i + 13) return false;
  for (size_t k = i; k < i + 12; ++k)
    if (arn[k] < '0' || arn[k] > '9') return false;
  std::string_view digits = arn.substr(i, 12);
  i += 12;
  if (arn[i++] != ':' || arn.substr(i, type.size()) != type) return false;
  std::string_view tail = arn.substr(i + type.size());
  if ((tail.empty() && !rest_may_be_empty) || tail.find_first_of("\n\r") != std::string_view::npos) return false;
  if (account) *account = std::string(digits);
  if (rest) *rest = std::string(tail);
  return true;
}

// `[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`: labels of letters, digits and hyphens,
// at least two, separated by single dots.
bool IsDomainName(std::string_view text) {
  size_t labels = 0, length = 0;
  for (char c : text) {
    if (c == '.') {
      if (length == 0) return false;
      ++labels;
      length = 0;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
      ++length;
    } else {
      return false;
    }
  }
  return length > 0 && labels >= 1;
}

// The operator families IAM knows. Names compare case-insensitively.
enum class OpFamily { kString, kNumeric, kDate, kBool, kNull, kArn, kBinary, kIp };

struct OperatorSpec {
  const char* name;
  OpFamily family;
  MatchKind kind;
  bool negated;
  WildcardFlavor flavor;  // kString family: kLiteral or kAws
  bool fold_case;
};

const std::vector<OperatorSpec>& Operators() {
  static const std::vector<OperatorSpec> kOps = {
      {"StringEquals", OpFamily::kString, MatchKind::kString, false, WildcardFlavor::kLiteral, false},
      {"StringNotEquals", OpFamily::kString, MatchKind::kString, true, WildcardFlavor::kLiteral, false},
      {"StringEqualsIgnoreCase", OpFamily::kString, MatchKind::kString, false, WildcardFlavor::kLiteral, true},
      {"StringNotEqualsIgnoreCase", OpFamily::kString, MatchKind::kString, true, WildcardFlavor::kLiteral, true},
      {"StringLike", OpFamily::kString, MatchKind::kString, false, WildcardFlavor::kAws, false},
      {"StringNotLike", OpFamily::kString, MatchKind::kString, true, WildcardFlavor::kAws, false},
      {"NumericEquals", OpFamily::kNumeric, MatchKind::kNumericEq, false, WildcardFlavor::kLiteral, false},
      {"NumericNotEquals", OpFamily::kNumeric, MatchKind::kNumericEq, true, WildcardFlavor::kLiteral, false},
      {"NumericLessThan", OpFamily::kNumeric, MatchKind::kNumericLt, false, WildcardFlavor::kLiteral, false},
      {"NumericLessThanEquals", OpFamily::kNumeric, MatchKind::kNumericLe, false, WildcardFlavor::kLiteral, false},
      {"NumericGreaterThan", OpFamily::kNumeric, MatchKind::kNumericGt, false, WildcardFlavor::kLiteral, false},
      {"NumericGreaterThanEquals", OpFamily::kNumeric, MatchKind::kNumericGe, false, WildcardFlavor::kLiteral, false},
      {"DateEquals", OpFamily::kDate, MatchKind::kDateEq, false, WildcardFlavor::kLiteral, false},
      {"DateNotEquals", OpFamily::kDate, MatchKind::kDateEq, true, WildcardFlavor::kLiteral, false},
      {"DateLessThan", OpFamily::kDate, MatchKind::kDateLt, false, WildcardFlavor::kLiteral, false},
      {"DateLessThanEquals", OpFamily::kDate, MatchKind::kDateLe, false, WildcardFlavor::kLiteral, false},
      {"DateGreaterThan", OpFamily::kDate, MatchKind::kDateGt, false, WildcardFlavor::kLiteral, false},
      {"DateGreaterThanEquals", OpFamily::kDate, MatchKind::kDateGe, false, WildcardFlavor::kLiteral, false},
      {"Bool", OpFamily::kBool, MatchKind::kBool, false, WildcardFlavor::kLiteral, false},
      {"Null", OpFamily::kNull, MatchKind::kPresence, false, WildcardFlavor::kLiteral, false},
      {"ArnEquals", OpFamily::kArn, MatchKind::kArn, false, WildcardFlavor::kAws, false},
      {"ArnLike", OpFamily::kArn, MatchKind::kArn, false, WildcardFlavor::kAws, false},
      {"ArnNotEquals", OpFamily::kArn, MatchKind::kArn, true, WildcardFlavor::kAws, false},
      {"ArnNotLike", OpFamily::kArn, MatchKind::kArn, true, WildcardFlavor::kAws, false},
      {"BinaryEquals", OpFamily::kBinary, MatchKind::kString, false, WildcardFlavor::kLiteral, false},
      {"IpAddress", OpFamily::kIp, MatchKind::kIpAddress, false, WildcardFlavor::kLiteral, false},
      {"NotIpAddress", OpFamily::kIp, MatchKind::kIpAddress, true, WildcardFlavor::kLiteral, false},
  };
  return kOps;
}

struct ParsedOperator {
  const OperatorSpec* spec = nullptr;
  Quantifier quantifier = Quantifier::kSingle;
  bool if_exists = false;
  std::string prefix;  // "ForAnyValue:" / "ForAllValues:" as written
};

std::optional<ParsedOperator> ParseOperator(std::string_view written) {
  ParsedOperator out;
  std::string_view rest = written;
  auto strip_prefix = [&](std::string_view p, Quantifier q) {
    if (rest.size() > p.size() && EqualsIgnoringAsciiCase(rest.substr(0, p.size()), p)) {
      out.prefix = std::string(rest.substr(0, p.size()));
      rest.remove_prefix(p.size());
      out.quantifier = q;
      return true;
    }
    return false;
  };
  if (!strip_prefix("ForAnyValue:", Quantifier::kAnyValue)) strip_prefix("ForAllValues:", Quantifier::kAllValues);
  static constexpr std::string_view kIfExists = "IfExists";
  for (const OperatorSpec& spec : Operators()) {
    std::string_view name = spec.name;
    if (EqualsIgnoringAsciiCase(rest, name)) {
      out.spec = &spec;
      return out;
    }
    if (rest.size() == name.size() + kIfExists.size() && EqualsIgnoringAsciiCase(rest.substr(0, name.size()), name) &&
        EqualsIgnoringAsciiCase(rest.substr(name.size()), kIfExists)) {
      out.spec = &spec;
      out.if_exists = true;
      return out;
    }
  }
  return std::nullopt;
}

// A policy value split into literal text and `${...}` policy variables
// (segments are filled only when there is a variable).
struct ValuePieces {
  std::vector<Operand::Segment> segments;
  bool has_variable = false;
};

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Template placeholders people check in before a deployment tool fills them
// (`${GITHUB_ORG}`, `$GITHUB_ORG`, `<NAMESPACE>`, `%s`, `{{ org }}`), as
// pieces with holes.
// `${NAME}` is a placeholder only when IAM could never resolve it as a policy
// variable: every key IAM sets has a `:` (`aws:username`,
// `token.actions.githubusercontent.com:sub`). False when there is none.
bool PlaceholderPieces(const std::string& text, bool variables, std::vector<TextPiece>* out) {
  out->clear();
  std::string literal;
  bool any = false;
  auto hole = [&](std::string written) {
    if (!literal.empty()) out->push_back({literal, true, {}, TextPiece::Same::kNothing});
    literal.clear();
    std::string reason = fmt::format("`{}` is a template placeholder", written);
    out->push_back({std::move(written), false, std::move(reason), TextPiece::Same::kNothing});
    any = true;
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::string::npos;
    if (text.compare(i, 2, "${") == 0) {
      size_t close = text.find('}', i + 2);
      std::string_view inner = close == std::string::npos ? std::string_view() : std::string_view(text).substr(i + 2, close - i - 2);
      bool escape = inner == "*" || inner == "?" || inner == "$";
      bool name = !inner.empty() && inner.find_first_of(":, '") == std::string_view::npos;
      if (close != std::string::npos && !escape && name) end = close + 1;
      if (close != std::string::npos && escape) {
        literal += text.substr(i, close - i + 1);
        i = close + 1;
        continue;
      }
      if (end == std::string::npos && variables) {
        literal += text[i++];
        continue;
      }
    } else if (text[i] == '<') {
      size_t close = text.find('>', i + 1);
      std::string_view inner = close == std::string::npos ? std::string_view() : std::string_view(text).substr(i + 1, close - i - 1);
      bool name = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ';
      });
      if (name) end = close + 1;
    } else if (text.compare(i, 2, "{{") == 0) {
      size_t close = text.find("}}", i + 2);
      if (close != std::string::npos) end = close + 2;
    } else if (text.compare(i, 2, "%s") == 0) {
      end = i + 2;
    } else if (text[i] == '$' && i + 1 < text.size() &&
               (std::isalpha(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '_')) {
      // An unexpanded shell variable (`$GITHUB_ORG`).
      end = i + 1;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    }
    if (end == std::string::npos) {
      literal += text[i++];
      continue;
    }
    hole(text.substr(i, end - i));
    i = end;
  }
  if (!any) return false;
  if (!literal.empty()) out->push_back({literal, true, {}, TextPiece::Same::kNothing});
  return true;
}

// Splits `text` per "Special characters" and "Specifying default values" of
// the IAM policy-variables reference: `${*}` `${?}` `${$}` are literals;
// any other `${...}` (up to the first `}`) is a variable. A default is
// written after a comma and a space, in single quotes: `${key, 'default'}`;
// anything else after the name leaves the variable without a default. An
// empty name never resolves. Literal text keeps its escapes so Pattern
// (kAws, aws_escapes) can tell them from wildcards.
ValuePieces SplitVariables(const std::string& text) {
  ValuePieces out;
  // Most values hold no `${`: no variable, and no segments are needed.
  if (text.find("${") == std::string::npos) return out;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    size_t close = text.compare(i, 2, "${") == 0 ? text.find('}', i + 2) : std::string::npos;
    if (close == std::string::npos) {
      literal += text[i++];
      continue;
    }
    std::string_view inner = std::string_view(text).substr(i + 2, close - i - 2);
    if (inner == "*" || inner == "?" || inner == "$") {
      literal += text.substr(i, close - i + 1);
      i = close + 1;
      continue;
    }
    std::string_view name = inner;
    std::string def;
    bool has_default = false;
    size_t comma = inner.find(", ");
    if (comma != std::string_view::npos) {
      name = inner.substr(0, comma);
      std::string_view rest = inner.substr(comma + 2);
      if (rest.find(", ") == std::string_view::npos && rest.size() >= 2 && rest.front() == '\'' &&
          rest.back() == '\'') {
        def = std::string(rest.substr(1, rest.size() - 2));
        has_default = true;
      }
    }
    std::string key(TrimSpaces(name));
    if (!literal.empty()) out.segments.push_back({false, literal, {}, false, {}});
    literal.clear();
    ValueRef ref = MapConditionKey(key);
    if (key.empty()) ref.visible = false;
    out.segments.push_back({true, key, std::move(ref), has_default, def});
    out.has_variable = true;
    i = close + 1;
  }
  if (!literal.empty()) out.segments.push_back({false, literal, {}, false, {}});
  return out;
}

// `${*}` -> `*` etc., for operators that compare exactly.
std::string UnescapeAws(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 4, "${*}") == 0 || text.compare(i, 4, "${?}") == 0 || text.compare(i, 4, "${$}") == 0) {
      out += text[i + 2];
      i += 4;
    } else {
      out += text[i++];
    }
  }
  return out;
}

bool ParseCidr(const std::string& text, Operand* out) {
  std::string addr = text;
  int len = -1;
  size_t slash = text.find('/');
  if (slash != std::string::npos) {
    addr = text.substr(0, slash);
    std::string p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit)) return false;
    len = std::stoi(p);
  }
  unsigned char buf[16];
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1) {
    if (len > 32) return false;
    std::copy(buf, buf + 4, out->ip_bytes.begin());
    out->ip_length = 4;
    out->ip_prefix = static_cast<int16_t>(len < 0 ? 32 : len);
    return true;
  }
  if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) {
    if (len > 128) return false;
    std::copy(buf, buf + 16, out->ip_bytes.begin());
    out->ip_length = 16;
    out->ip_prefix = static_cast<int16_t>(len < 0 ? 128 : len);
    return true;
  }
  return false;
}

class PolicyLowering {
 public:
  explicit PolicyLowering(TrustPolicyInput input) : in_(std::move(input)) {}

  Result<Trust> Run();

 private:
  SourceLoc Loc(const Json::Value& v) const { return in_.locator->ValueLoc(v); }
  SourceLoc KeyLoc(const Json::Value& v) const { return in_.locator->KeyLoc(v); }
  void Malformed(SourceLoc loc, std::string message) {
    trust_.notes.push_back({LoweringNote::Kind::kMalformed, std::move(loc), std::move(message), {}, {}});
  }
  Node MalformedNode(SourceLoc loc, std::string message) {
    Malformed(loc, message);
    return Node::Const(false, "malformed policy: " + message, loc);
  }
  // An object's members in the order the source has them (jsoncpp sorts
  // them), so traces and the first reported problem follow the policy as
  // written. The names point into the tree: walking the members once here
  // replaces a lookup by name per member (and per isMember()).
  struct Member {
    std::string_view name;
    const Json::Value* value;
    uint64_t order;  // TreeLocator::MemberOrder
  };
  std::vector<Member> SourceOrder(const Json::Value& object) const {
    std::vector<Member> members;
    members.reserve(object.size());
    for (auto it = object.begin(); it != object.end(); ++it)
      members.push_back(Member{MemberName(it), &*it, in_.locator->MemberOrder(*it)});
    auto before = [](const Member& a, const Member& b) { return a.order < b.order; };
    if (members.size() > 16) {
      std::stable_sort(members.begin(), members.end(), before);
      return members;
    }
    // Insertion sort for the few members most objects have: stable, and
    // without std::stable_sort's temporary buffer.
    for (size_t i = 1; i < members.size(); ++i)
      for (size_t j = i; j > 0 && before(members[j], members[j - 1]); --j) std::swap(members[j], members[j - 1]);
    return members;
  }
  // The member called `name`, or nullptr (one walk, no allocation).
  static const Json::Value* Find(const std::vector<Member>& members, std::string_view name) {
    for (const Member& m : members)
      if (m.name == name) return m.value;
    return nullptr;
  }
  // Values that take a single string or a list of them, walked in place.
  class ListOf {
   public:
    explicit ListOf(const Json::Value& v) : value_(v), size_(v.isArray() ? v.size() : 1) {}
    class iterator {
     public:
      iterator(const ListOf* list, Json::ArrayIndex i) : list_(list), i_(i) {}
      const Json::Value* operator*() const { return list_->value_.isArray() ? &list_->value_[i_] : &list_->value_; }
      iterator& operator++() {
        ++i_;
        return *this;
      }
      bool operator!=(const iterator& other) const { return i_ != other.i_; }

     private:
      const ListOf* list_;
      Json::ArrayIndex i_;
    };
    iterator begin() const { return iterator(this, 0); }
    iterator end() const { return iterator(this, size_); }
    size_t size() const { return size_; }

   private:
    const Json::Value& value_;
    Json::ArrayIndex size_;
  };

  Node LowerStatement(const Json::Value& st, size_t index, Statement* out);
  Node LowerPrincipal(const Json::Value& principal);
  Node LowerFederated(const Json::Value& value);
  Node IssuerTest(const std::vector<std::string>& issuers, const SourceLoc& loc) const;
  std::optional<Node> TemplatePlaceholder(const std::string& text, const SourceLoc& loc);
  std::optional<Node> FederatedFromPieces(const std::vector<TextPiece>& pieces, const SourceLoc& loc);
  // An unknown part of a Federated principal (a placeholder account, a
  // provider host left as a template). Once deployed it names the role's
  // own provider (IAM refuses a provider of another account), so that is
  // what the exposure analysis assumes.
  static Node OwnProviderUnknown(std::string reason, const SourceLoc& loc) {
    return Node::Unknown(std::move(reason), loc,
                         Node::Const(true, "the provider is assumed to be the role's own", loc));
  }
  // A partly known value with each hole kept as the literal text the source
  // wrote (`repo:${var.org}/*`): the value it takes once the deployer fills
  // the hole with a name of their own. nullopt where `Approximate` fails.
  std::optional<Operand> Symbolic(const ParsedOperator& op, const std::vector<TextPiece>& pieces,
                                  const SourceLoc& loc) const;
  bool Approximate(const ParsedOperator& op, const std::vector<TextPiece>& pieces, const SourceLoc& loc,
                   Operand* out) const;
  Node LowerAction(const Json::Value& value, bool negated);
  Node LowerCondition(const Json::Value& condition);
  Node LowerOperatorKey(const ParsedOperator& op, std::string_view op_name, std::string_view key,
                        const Json::Value& values);
  bool MakeOperand(const ParsedOperator& op, const Json::Value& v, Operand* out, std::string* error);

  bool variables_enabled() const { return trust_.policy_version == "2012-10-17"; }
  Status CheckListSizes(const Json::Value& value, std::string_view name, int depth) const;
  void FailClosedWhenMalformed();

  TrustPolicyInput in_;
  Trust trust_;
  std::string role_account_;
};

// Runs once per PolicyLowering; the trust is moved out, not copied (a copy
// of the lowered AST cost more than a tenth of the lowering).
Result<Trust> PolicyLowering::Run() {
  const Json::Value& policy = *in_.policy;
  trust_.platform = Platform::kAws;
  trust_.format = in_.format;
  trust_.name = in_.name;
  trust_.arn = in_.arn;
  trust_.kind = TrustKind::kRole;
  trust_.notes = std::move(in_.notes);
  trust_.loc = Loc(policy);
  static constexpr RequiredAction kActions[] = {{"sts:AssumeRoleWithWebIdentity", ""},
                                                {"sts:TagSession", kSessionTagsClaim}};
  trust_.required_actions = kActions;
  trust_.time.check_exp = true;
  trust_.time.check_nbf = true;
  MatchIamArn(in_.arn, "role/", true, &role_account_, nullptr);
  if (const std::string* unknown = in_.locator->Unknown(policy)) {
    // The whole document is unknown (a CloudFormation `!If` that cannot be
    // decided, a Terraform value known only after apply).
    Statement s;
    s.loc = Loc(policy);
    s.when = Node::Unknown(*unknown, s.loc);
    trust_.statements.push_back(std::move(s));
    return std::move(trust_);
  }
  if (!policy.isObject()) return Status::Error(Loc(policy), "trust policy must be a JSON object");

  // Problems of the document as a whole: IAM refuses it, so no statement
  // may apply (each gets a false first part).
  std::vector<Node> refused;
  const std::vector<Member> members = SourceOrder(policy);
  for (const Member& m : members) {
    if (m.name != "Version" && m.name != "Statement" && m.name != "Id")
      refused.push_back(MalformedNode(KeyLoc(*m.value), fmt::format("unknown policy element `{}`", m.name)));
  }
  if (const Json::Value* version = Find(members, "Version")) {
    const Json::Value& v = *version;
    if (!v.isString() || (v.asString() != "2012-10-17" && v.asString() != "2008-10-17"))
      refused.push_back(MalformedNode(
          Loc(v), fmt::format("policy `Version` must be `2012-10-17` or `2008-10-17`, not `{}`",
                              IamText(v).value_or("?"))));
    else
      trust_.policy_version = v.asString();
  }
  const Json::Value* statements_value = Find(members, "Statement");
  if (!statements_value) {
    Malformed(Loc(policy), "policy has no `Statement`");
    return std::move(trust_);
  }
  const Json::Value& statements = *statements_value;
  if (const std::string* unknown = in_.locator->Unknown(statements)) {
    Statement s;
    s.loc = Loc(statements);
    s.when = Node::Unknown(*unknown, s.loc);
    trust_.statements.push_back(std::move(s));
    return std::move(trust_);
  }
  if (!statements.isObject() && !statements.isArray()) {
    Malformed(Loc(statements), "`Statement` must be an object or an array of objects");
    return std::move(trust_);
  }
  if (statements.isArray() && statements.size() > in_.max_statements)
    return Status::Error(ErrorCode::kTooLarge, Loc(statements), fmt::format("`Statement` holds {} statements, more than the limit of {}",
                                                      statements.size(), in_.max_statements));
  TRUSTCHECK_RETURN_IF_ERROR(CheckListSizes(statements, "Statement", 0));
  size_t index = 0;
  for (const Json::Value* st : ListOf(statements)) {
    Statement s;
    s.loc = Loc(*st);
    s.when = LowerStatement(*st, index++, &s);
    if (!refused.empty()) {
      std::vector<Node> parts = refused;
      parts.push_back(std::move(s.when));
      s.when = Node::And(std::move(parts), s.loc);
    }
    trust_.statements.push_back(std::move(s));
  }
  FailClosedWhenMalformed();
  return std::move(trust_);
}

// IAM refuses the whole document when any part of it is malformed, so no
// Allow may apply, whichever statement holds the problem: a broken Deny (an
// unknown operator, a misspelt Effect) must not leave the Allows standing.
void PolicyLowering::FailClosedWhenMalformed() {
  const LoweringNote* first = nullptr;
  for (const LoweringNote& n : trust_.notes)
    if (n.kind == LoweringNote::Kind::kMalformed && (!first || std::tie(n.loc.line, n.loc.column) <
                                                                   std::tie(first->loc.line, first->loc.column)))
      first = &n;
  if (!first) return;
  for (Statement& s : trust_.statements) {
    if (s.effect != Effect::kAllow) continue;
    s.when = Node::And({Node::Const(false, "malformed policy: " + first->message, first->loc), std::move(s.when)},
                       s.loc);
  }
}

// The principal element's key, as IAM spells it (case-sensitive).
Statement::Principal::Type PrincipalType(std::string_view key) {
  using Type = Statement::Principal::Type;
  if (key == "AWS") return Type::kAws;
  if (key == "Federated") return Type::kFederated;
  if (key == "Service") return Type::kService;
  if (key == "CanonicalUser") return Type::kCanonicalUser;
  return Type::kOther;
}

// Every list inside the statements (principals, actions, condition values)
// against the value limit; lowering costs memory per value, and a policy
// IAM would accept holds at most a few thousand bytes of them anyway.
Status PolicyLowering::CheckListSizes(const Json::Value& value, std::string_view name, int depth) const {
  if (value.isArray() && depth > 0 && value.size() > in_.max_values)
    return Status::Error(ErrorCode::kTooLarge, Loc(value), fmt::format("`{}` holds {} values, more than the limit of {}", name,
                                                 value.size(), in_.max_values));
  if (value.isArray()) {
    for (const Json::Value& e : value)
      TRUSTCHECK_RETURN_IF_ERROR(CheckListSizes(e, name, depth + 1));
  } else if (value.isObject()) {
    for (auto it = value.begin(); it != value.end(); ++it)
      TRUSTCHECK_RETURN_IF_ERROR(CheckListSizes(*it, MemberName(it), depth + 1));
  }
  return Status();
}

Node PolicyLowering::LowerStatement(const Json::Value& st, size_t index, Statement* out) {
  if (const std::string* unknown = in_.locator->Unknown(st)) return Node::Unknown(*unknown, Loc(st));
  if (!st.isObject()) return MalformedNode(Loc(st), "statement must be a JSON object");
  static const char* kKnown[] = {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                                 "Resource", "NotResource", "Condition"};
  const std::vector<Member> members = SourceOrder(st);
  std::vector<Node> parts;
  parts.reserve(members.size() + 3);
  for (const Member& m : members) {
    if (std::find_if(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return m.name == k; }) ==
        std::end(kKnown))
      parts.push_back(MalformedNode(KeyLoc(*m.value), fmt::format("unknown statement element `{}`", m.name)));
  }
  if (const Json::Value* sid = Find(members, "Sid")) {
    if (sid->isString()) out->sid = sid->asString();
    else if (in_.locator->Unknown(*sid)) {}  // a name only: nothing to decide
    else parts.push_back(MalformedNode(Loc(*sid), "`Sid` must be a string"));
  }
  const Json::Value* effect = Find(members, "Effect");
  if (const std::string* unknown = effect ? in_.locator->Unknown(*effect) : nullptr) {
    // An Effect that might be Deny: fail closed by treating it as an undecidable Deny.
    out->effect = Effect::kDeny;
    return Node::Unknown(*unknown, Loc(*effect));
  }
  if (!effect) {
    parts.push_back(MalformedNode(Loc(st), "statement has no `Effect`"));
  } else if (effect->isString() && effect->asString() == "Allow") {
    out->effect = Effect::kAllow;
  } else if (effect->isString() && effect->asString() == "Deny") {
    out->effect = Effect::kDeny;
  } else {
    parts.push_back(MalformedNode(
        Loc(*effect), fmt::format("`Effect` must be `Allow` or `Deny`, not `{}`", IamText(*effect).value_or("?"))));
  }
  const Json::Value* not_principal = Find(members, "NotPrincipal");
  if (not_principal)
    parts.push_back(MalformedNode(KeyLoc(*not_principal), "role trust policies do not support `NotPrincipal`"));
  for (const char* k : {"Resource", "NotResource"})
    if (const Json::Value* resource = Find(members, k))
      parts.push_back(MalformedNode(KeyLoc(*resource), fmt::format("role trust policies do not support `{}`", k)));
  if (const Json::Value* principal_value = Find(members, "Principal")) {
    // The principals as written, for the linter: account principals and `*`
    // carry risks of their own beside web identity.
    const Json::Value& principal = *principal_value;
    if (principal.isString() && principal.asString() == "*") {
      out->principals.push_back({Statement::Principal::Type::kEveryone, "*", Loc(principal)});
    } else if (principal.isObject()) {
      for (auto it = principal.begin(); it != principal.end(); ++it)
        for (const Json::Value* v : ListOf(*it))
          if (v->isString()) out->principals.push_back({PrincipalType(MemberName(it)), v->asString(), Loc(*v)});
    }
    parts.push_back(LowerPrincipal(principal));
  } else if (!not_principal) parts.push_back(MalformedNode(Loc(st), "statement has no `Principal`"));
  const Json::Value* action = Find(members, "Action");
  const Json::Value* not_action = Find(members, "NotAction");
  if (action && not_action)
    parts.push_back(MalformedNode(Loc(st), "statement has both `Action` and `NotAction`"));
  else if (action) parts.push_back(LowerAction(*action, false));
  else if (not_action) parts.push_back(LowerAction(*not_action, true));
  else parts.push_back(MalformedNode(Loc(st), "statement has no `Action`"));
  if (const Json::Value* condition = Find(members, "Condition")) parts.push_back(LowerCondition(*condition));
  (void)index;
  return Node::And(std::move(parts), Loc(st));
}

Node PolicyLowering::LowerPrincipal(const Json::Value& principal) {
  if (const std::string* unknown = in_.locator->Unknown(principal)) return Node::Unknown(*unknown, Loc(principal));
  if (principal.isString()) {
    if (principal.asString() == "*") return Node::Const(true, "principal `*` matches everyone", Loc(principal));
    return MalformedNode(Loc(principal), fmt::format("`Principal` must be `*` or an object, not `{}`",
                                                     principal.asString()));
  }
  if (!principal.isObject()) return MalformedNode(Loc(principal), "`Principal` must be `*` or an object");
  std::vector<Node> alternatives;
  alternatives.reserve(principal.size());
  for (const Member& m : SourceOrder(principal)) {
    const std::string_view type = m.name;
    const Json::Value& value = *m.value;
    if (type == "Federated") {
      for (const Json::Value* v : ListOf(value)) alternatives.push_back(LowerFederated(*v));
    } else if (type == "AWS" || type == "Service" || type == "CanonicalUser") {
      for (const Json::Value* v : ListOf(value)) {
        if (const std::string* unknown = in_.locator->Unknown(*v)) {
          alternatives.push_back(Node::Unknown(*unknown, Loc(*v)));
        } else if (!v->isString()) {
          alternatives.push_back(MalformedNode(Loc(*v), fmt::format("`{}` principal must be a string", type)));
        } else if (type == "AWS" && v->asString() == "*") {
          alternatives.push_back(Node::Const(true, "principal `{\"AWS\": \"*\"}` matches everyone", Loc(*v)));
        } else {
          alternatives.push_back(Node::Const(
              false, fmt::format("principal `{}` `{}` is not a web identity provider", type, v->asString()), Loc(*v)));
        }
      }
    } else {
      alternatives.push_back(MalformedNode(KeyLoc(value), fmt::format("unknown principal type `{}`", type)));
    }
  }
  if (alternatives.size() == 1) return std::move(alternatives.front());
  return Node::Or(std::move(alternatives), Loc(principal));
}

Node PolicyLowering::IssuerTest(const std::vector<std::string>& issuers, const SourceLoc& loc) const {
  Test test;
  test.ref.source = ValueRef::Source::kClaim;
  test.ref.names = {"iss"};
  test.ref.display = "iss";
  test.role = TestRole::kFederatedPrincipal;
  test.what = "principal";
  test.op_display = "Federated";
  for (const std::string& iss : issuers) {
    Operand op;
    op.text = iss;
    op.pattern = Pattern::Compile(iss, {WildcardFlavor::kLiteral, false, false});
    op.place = loc;
    test.operands.push_back(std::move(op));
  }
  return Node::MakeTest(std::move(test), loc);
}

// A Federated OIDC provider ARN whose partition or account is not known
// (`arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/HOST`) still
// names its issuer: the host is written out. An account that is by
// construction the role's own (TextPiece::Same) needs no check; any other
// unknown account or partition leaves the principal undecided even for the
// right issuer, since a provider in another account is never usable.
std::optional<Node> PolicyLowering::FederatedFromPieces(const std::vector<TextPiece>& pieces, const SourceLoc& loc) {
  std::string flat;
  std::vector<const TextPiece*> holes;
  for (const TextPiece& p : pieces) {
    if (p.known) {
      if (p.text.find('\x01') != std::string::npos) return std::nullopt;
      flat += p.text;
    } else {
      flat += '\x01';
      holes.push_back(&p);
    }
  }
  static const RE2 kOidcArn("arn:(aws[a-z-]*|\x01):iam::([0-9]{12}|\x01):oidc-provider/([^\x01]+)");
  std::string partition, account, host;
  if (!RE2::FullMatch(flat, kOidcArn, &partition, &account, &host)) return std::nullopt;
  size_t hole = 0;
  std::vector<Node> undecided;
  if (partition == "\x01" && holes[hole++]->same != TextPiece::Same::kOwnPartition)
    undecided.push_back(OwnProviderUnknown(
        fmt::format("the OIDC provider's partition is unknown: {}", holes[hole - 1]->reason), loc));
  if (account == "\x01") {
    if (holes[hole++]->same != TextPiece::Same::kOwnAccount)
      undecided.push_back(OwnProviderUnknown(
          fmt::format("the OIDC provider's account is unknown: {}", holes[hole - 1]->reason), loc));
  } else if (!role_account_.empty() && account != role_account_) {
    return Node::Const(
        false, fmt::format("OIDC provider account `{}` is not the role's account `{}`", account, role_account_), loc);
  }
  Node issuer = IssuerTest({"https://" + host}, loc);
  if (undecided.empty()) return issuer;
  undecided.insert(undecided.begin(), std::move(issuer));
  return Node::And(std::move(undecided), loc);
}

Node PolicyLowering::LowerFederated(const Json::Value& value) {
  SourceLoc loc = Loc(value);
  if (const std::string* unknown = in_.locator->Unknown(value)) {
    if (const std::vector<TextPiece>* pieces = in_.locator->Pieces(value))
      if (auto node = FederatedFromPieces(*pieces, loc)) return std::move(*node);
    return Node::Unknown(*unknown, loc);
  }
  if (!value.isString()) return MalformedNode(loc, "`Federated` principal must be a string");
  const std::string text = value.asString();
  std::string account, host;
  std::vector<std::string> issuers;
  if (MatchIamArn(text, "oidc-provider/", false, &account, &host)) {
    if (!role_account_.empty() && account != role_account_)
      return Node::Const(false,
                         fmt::format("OIDC provider account `{}` is not the role's account `{}`", account,
                                     role_account_),
                         loc);
    issuers = {"https://" + host};
  } else if (IsBuiltInProvider(text)) {
    issuers = IssuersForProvider(text);
  } else if (MatchIamArn(text, "saml-provider/", false, nullptr, nullptr)) {
    return Node::Const(false, fmt::format("SAML provider `{}` does not accept OIDC tokens", text), loc);
  } else if (IsDomainName(text)) {
    // IAM accepts any domain name here ("a valid domain name or a SAML
    // metadata ARN"), but only the built-in providers, spelled exactly,
    // name web identity providers; principals compare case-sensitively.
    return Node::Const(false, fmt::format("Federated principal `{}` is not a built-in web identity provider{}", text,
                                          IsBuiltInProviderFolded(text) ? " (names are case-sensitive)" : ""),
                       loc);
  } else if (auto placeholder = TemplatePlaceholder(text, loc)) {
    return std::move(*placeholder);
  } else {
    return MalformedNode(loc, fmt::format("`{}` is not an OIDC provider ARN or a built-in provider", text));
  }
  return IssuerTest(issuers, loc);
}

// Policies kept as templates (`${AWS_ACCOUNT_ID}`, `<OIDC_PROVIDER>`, `%s`,
// `YOUR_ACCOUNT_ID`) are not policies IAM would store yet, but they are what
// people check in: their principal is an explicit unknown instead of a
// malformed element, and a provider host that is written out still decides
// the issuer.
std::optional<Node> PolicyLowering::TemplatePlaceholder(const std::string& text, const SourceLoc& loc) {
  static const RE2 kLooseOidcArn(R"(arn:([^:]*):iam::([^:]*):oidc-provider/(.+))");
  static const RE2 kPlaceholder(R"(\$\{[^}]*\}|<[^>]*>|%[sd]|\{\{[^}]*\}\})");
  auto unresolved = [&](std::string reason) {
    trust_.notes.push_back({LoweringNote::Kind::kUnresolved, loc, reason, {}, {}});
    return OwnProviderUnknown(std::move(reason), loc);
  };
  std::string partition, account, host;
  if (RE2::FullMatch(text, kLooseOidcArn, &partition, &account, &host)) {
    if (RE2::PartialMatch(host, kPlaceholder))
      return unresolved(fmt::format("the OIDC provider host of `{}` is a template placeholder", text));
    static const RE2 kAccountId(R"(\d{12})");
    if (!RE2::FullMatch(account, kAccountId))
      return Node::And({IssuerTest({"https://" + host}, loc),
                        unresolved(fmt::format("the account `{}` of the OIDC provider ARN is not an account ID", account))},
                       loc);
    if (!role_account_.empty() && account != role_account_)
      return Node::Const(
          false, fmt::format("OIDC provider account `{}` is not the role's account `{}`", account, role_account_), loc);
    return Node::And({IssuerTest({"https://" + host}, loc),
                      unresolved(fmt::format("the partition `{}` of the OIDC provider ARN is not a partition",
                                             partition))},
                     loc);
  }
  if (RE2::PartialMatch(text, kPlaceholder))
    return unresolved(fmt::format("`Federated` principal `{}` is a template placeholder", text));
  return std::nullopt;
}

Node PolicyLowering::LowerAction(const Json::Value& value, bool negated) {
  Test test;
  test.ref.source = ValueRef::Source::kAction;
  test.ref.display = "action";
  test.negated = negated;
  test.role = TestRole::kAction;
  test.what = "action";
  test.op_display = negated ? "NotAction" : "Action";
  const ListOf list(value);
  test.operands.reserve(list.size());
  for (const Json::Value* v : list) {
    if (const std::string* unknown = in_.locator->Unknown(*v)) return Node::Unknown(*unknown, Loc(*v));
    if (!v->isString()) return MalformedNode(Loc(*v), "actions must be strings");
    Operand op;
    op.text = v->asString();
    op.place = Loc(*v);
    // `*` alone is every action; otherwise `service:action`, where the
    // service prefix is literal and the action name takes `*` and `?` (IAM:
    // "Actions/Conditions must be prefaced by a vendor"; "can contain only
    // one colon"). Both parts are case-insensitive.
    size_t colon = op.text.find(':');
    if (op.text != "*" && (colon == std::string::npos || op.text.find(':', colon + 1) != std::string::npos))
      return MalformedNode(Loc(*v), fmt::format("action `{}` must be `*` or `service:action`", op.text));
    std::string pattern;
    if (op.text == "*") {
      pattern = op.text;
    } else {
      pattern.reserve(op.text.size() + 8);
      for (size_t i = 0; i < op.text.size(); ++i) {
        char c = op.text[i];
        bool literal = c == '$' || (i < colon && (c == '*' || c == '?'));
        if (literal) {
          pattern += "${";
          pattern += c;
          pattern += '}';
        } else {
          pattern += c;
        }
      }
    }
    op.pattern = Pattern::Compile(pattern, {WildcardFlavor::kAws, true, true});
    test.operands.push_back(std::move(op));
  }
  return Node::MakeTest(std::move(test), Loc(value));
}

Node PolicyLowering::LowerCondition(const Json::Value& condition) {
  if (const std::string* unknown = in_.locator->Unknown(condition)) return Node::Unknown(*unknown, Loc(condition));
  if (!condition.isObject()) return MalformedNode(Loc(condition), "`Condition` must be an object");
  std::vector<Node> tests;
  tests.reserve(condition.size() * 2);
  for (const Member& m : SourceOrder(condition)) {
    const std::string_view op_name = m.name;
    const Json::Value& block = *m.value;
    auto op = ParseOperator(op_name);
    if (!op) {
      tests.push_back(MalformedNode(KeyLoc(block), fmt::format("unknown condition operator `{}`", op_name)));
      continue;
    }
    if (op->spec->family == OpFamily::kNull && op->if_exists) {
      tests.push_back(MalformedNode(KeyLoc(block), "the `Null` operator cannot take `IfExists`"));
      continue;
    }
    if (const std::string* unknown = in_.locator->Unknown(block)) {
      tests.push_back(Node::Unknown(*unknown, Loc(block)));
      continue;
    }
    if (!block.isObject()) {
      tests.push_back(MalformedNode(Loc(block), fmt::format("operator `{}` must map condition keys to values", op_name)));
      continue;
    }
    for (const Member& key : SourceOrder(block)) tests.push_back(LowerOperatorKey(*op, op_name, key.name, *key.value));
  }
  if (tests.size() == 1) return std::move(tests.front());  // one condition: no And of one to keep
  return Node::And(std::move(tests), Loc(condition));
}

bool PolicyLowering::MakeOperand(const ParsedOperator& op, const Json::Value& v, Operand* out, std::string* error) {
  auto value_text = IamText(v);
  if (!value_text) {
    *error = "condition values must be strings, numbers or booleans";
    return false;
  }
  out->text = std::move(*value_text);
  const std::string& text = out->text;
  out->place = Loc(v);
  const OperatorSpec& spec = *op.spec;
  switch (spec.family) {
    case OpFamily::kString:
    case OpFamily::kBinary:
    case OpFamily::kArn: {
      bool vars = variables_enabled();
      PatternOptions po{spec.flavor, spec.fold_case, vars};
      if (vars) {
        ValuePieces pieces = SplitVariables(text);
        if (pieces.has_variable) {
          out->segments = std::move(pieces.segments);
          if (spec.flavor == WildcardFlavor::kLiteral)
            for (auto& s : out->segments)
              if (!s.is_variable) s.text = UnescapeAws(s.text);
        }
      }
      // Exact operators compare `${*}` as `*`; a value without `${` (most)
      // is compiled as it is, without an unescaped copy.
      if (vars && spec.flavor == WildcardFlavor::kLiteral && text.find("${") != std::string::npos)
        out->pattern = Pattern::Compile(UnescapeAws(text), po);
      else
        out->pattern = Pattern::Compile(text, po);
      return true;
    }
    case OpFamily::kNumeric: {
      auto n = ParseDecimal(text);
      if (!n) {
        *error = fmt::format("`{}` is not a number", text);
        return false;
      }
      out->number = *n;
      return true;
    }
    case OpFamily::kDate: {
      auto d = ParseIsoOrEpochMillis(text);
      if (!d) {
        *error = fmt::format("`{}` is not an ISO 8601 date or epoch seconds", text);
        return false;
      }
      // Floor division: the milliseconds part stays within 0-999.
      out->epoch_seconds = *d / 1000 - (*d % 1000 < 0 ? 1 : 0);
      out->epoch_milliseconds = static_cast<int32_t>(*d - out->epoch_seconds * 1000);
      return true;
    }
    case OpFamily::kBool:
      // Bool takes policy variables (condition operators reference); the
      // substituted value must read `true` or `false` at evaluation time.
      if (variables_enabled()) {
        ValuePieces pieces = SplitVariables(text);
        if (pieces.has_variable) {
          out->segments = std::move(pieces.segments);
          for (auto& s : out->segments)
            if (!s.is_variable) s.text = UnescapeAws(s.text);
          return true;
        }
      }
      [[fallthrough]];
    case OpFamily::kNull: {
      std::string t = AsciiLower(text);
      if (t != "true" && t != "false") {
        *error = fmt::format("`{}` must be `true` or `false`", text);
        return false;
      }
      out->flag = t == "true";
      return true;
    }
    case OpFamily::kIp:
      if (!ParseCidr(text, out)) {
        *error = fmt::format("`{}` is not an IP address or CIDR block", text);
        return false;
      }
      return true;
  }
  return false;
}

Node PolicyLowering::LowerOperatorKey(const ParsedOperator& op, std::string_view op_name, std::string_view key,
                                      const Json::Value& values) {
  SourceLoc loc = KeyLoc(values);
  // A single partly known value is approximated below.
  if (const std::string* unknown = in_.locator->Unknown(values); unknown && !in_.locator->Pieces(values))
    return Node::Unknown(*unknown, loc);
  const OperatorSpec& spec = *op.spec;
  // Access Analyzer: "When you use the Null condition operator with
  // ForAllValues, the statement always returns true ... with ForAnyValue ...
  // always returns false." The documentation wins over simulators here.
  if (spec.family == OpFamily::kNull && op.quantifier == Quantifier::kAllValues)
    return Node::Const(true, fmt::format("`{}` on `{}` is always true", op_name, key), loc);
  if (spec.family == OpFamily::kNull && op.quantifier == Quantifier::kAnyValue)
    return Node::Const(false, fmt::format("`{}` on `{}` is always false", op_name, key), loc);
  Test test;
  test.ref = MapConditionKey(key);
  if (KeyClaimUndocumented(test.ref))
    return Node::Unknown(fmt::format("AWS lists `{}` as a condition key but does not say which token claim it reads",
                                     key),
                         loc);
  test.typing = ValueTyping::kIamString;
  test.kind = spec.kind;
  test.negated = spec.negated;
  test.quantifier = op.quantifier;
  test.op_display = op_name;
  test.role = TestRole::kCondition;
  test.what = "condition";
  // A missing key: false; negated operators: true; IfExists: true;
  // ForAllValues: true; ForAnyValue: false (docs/semantics-aws.md).
  bool missing = spec.negated;
  if (op.quantifier == Quantifier::kAllValues) missing = true;
  if (op.quantifier == Quantifier::kAnyValue) missing = false;
  // With a set operator its own rule decides a missing key; IfExists is
  // left without effect there (undocumented; the reference simulator's
  // reading, docs/semantics-aws.md).
  if (op.if_exists && op.quantifier == Quantifier::kSingle) missing = true;
  test.missing_result = missing ? Tri::kTrue : Tri::kFalse;
  std::vector<Operand> approximations;
  std::vector<Operand> symbols;  // the same values with their holes as literal text
  std::string approximation_reason;
  const ListOf list(values);
  test.operands.reserve(list.size());
  for (const Json::Value* v : list) {
    // A template placeholder in the value (`repo:${GITHUB_ORG}/*`,
    // `<NAMESPACE>`): an unknown with its pieces, like a template parameter.
    std::vector<TextPiece> placeholder_pieces;
    if (v->isString() && !in_.locator->Unknown(*v) && PlaceholderPieces(v->asString(), variables_enabled(), &placeholder_pieces)) {
      Operand approximation;
      std::string reason = placeholder_pieces[0].known ? placeholder_pieces[1].reason : placeholder_pieces[0].reason;
      trust_.notes.push_back({LoweringNote::Kind::kUnresolved, Loc(*v), reason, {}, {}});
      if (!Approximate(op, placeholder_pieces, Loc(*v), &approximation)) return Node::Unknown(reason, Loc(*v));
      if (approximation_reason.empty()) approximation_reason = reason;
      approximations.push_back(std::move(approximation));
      if (auto symbol = Symbolic(op, placeholder_pieces, Loc(*v))) symbols.push_back(std::move(*symbol));
      continue;
    }
    if (const std::string* unknown = in_.locator->Unknown(*v)) {
      const std::vector<TextPiece>* pieces = in_.locator->Pieces(*v);
      Operand approximation;
      if (!pieces || !Approximate(op, *pieces, Loc(*v), &approximation)) return Node::Unknown(*unknown, Loc(*v));
      if (approximation_reason.empty()) approximation_reason = *unknown;
      approximations.push_back(std::move(approximation));
      if (auto symbol = Symbolic(op, *pieces, Loc(*v))) symbols.push_back(std::move(*symbol));
      continue;
    }
    Operand operand;
    std::string error;
    if (!MakeOperand(op, *v, &operand, &error))
      return MalformedNode(Loc(*v), fmt::format("{} in `{}` on `{}`", error, op_name, key));
    test.operands.push_back(std::move(operand));
  }
  if (approximations.empty()) return Node::MakeTest(std::move(test), loc);
  // Some values are only partly known. `wide` matches every value they could
  // take (each hole a `*`), `test` only the known values. A test is monotone
  // in its operands (anti-monotone when negated), so: positive, `test` true
  // decides true, `wide` false decides false; negated, the other way round;
  // anything else is unknown. Never an accept that depends on a guess.
  bool had_exact = !test.operands.empty();
  Test wide = test;
  for (Operand& a : approximations) wide.operands.push_back(std::move(a));
  // Assumed once the holes are filled: the same test on the symbolic values
  // (within `wide`, so And/Or with it below reads as that test alone).
  Node undecided = Node::Unknown(approximation_reason, loc);
  if (symbols.size() == approximations.size()) {
    Test assumed = test;
    assumed.operands = std::move(symbols);
    undecided = Node::Unknown(approximation_reason, loc, Node::MakeTest(std::move(assumed), loc));
  }
  if (!test.negated) {
    Node maybe = Node::And({Node::MakeTest(std::move(wide), loc), std::move(undecided)}, loc);
    if (!had_exact) return maybe;
    return Node::Or({Node::MakeTest(std::move(test), loc), std::move(maybe)}, loc);
  }
  Node maybe = Node::Or({Node::MakeTest(std::move(wide), loc), std::move(undecided)}, loc);
  if (!had_exact) return maybe;
  return Node::And({Node::MakeTest(std::move(test), loc), std::move(maybe)}, loc);
}

// The widest pattern a partly known string operand could be: its known text
// matched as the operator would, each hole a `*`. Only for the string
// operators; ARN, numeric and date values stay unknown as a whole.
bool PolicyLowering::Approximate(const ParsedOperator& op, const std::vector<TextPiece>& pieces,
                                 const SourceLoc& loc, Operand* out) const {
  const OperatorSpec& spec = *op.spec;
  if (spec.family != OpFamily::kString) return false;
  bool vars = variables_enabled();
  std::string pattern;
  auto escape_all = [&](const std::string& literal) {
    for (char c : literal) {
      if (c == '*' || c == '?' || c == '$') pattern += fmt::format("${{{}}}", c);
      else pattern += c;
    }
  };
  for (const TextPiece& p : pieces) {
    out->text += p.text;
    if (!p.known) {
      pattern += '*';
      continue;
    }
    if (vars && SplitVariables(p.text).has_variable) return false;  // a policy variable: too far
    if (spec.flavor == WildcardFlavor::kLiteral) {
      escape_all(vars ? UnescapeAws(p.text) : p.text);
    } else if (vars) {
      pattern += p.text;  // `*` `?` are wildcards, `${*}` escapes keep their meaning
    } else {
      for (char c : p.text) pattern += c == '$' ? std::string("${$}") : std::string(1, c);
    }
  }
  out->pattern = Pattern::Compile(pattern, {WildcardFlavor::kAws, spec.fold_case, true});
  out->place = loc;
  return true;
}

std::optional<Operand> PolicyLowering::Symbolic(const ParsedOperator& op, const std::vector<TextPiece>& pieces,
                                                const SourceLoc& loc) const {
  // Known pieces compile as Approximate() compiles them; a hole's bytes stay
  // literal whatever the operator: the symbol is a name, not a pattern.
  Operand out;
  std::string pattern;
  for (const TextPiece& p : pieces) {
    out.text += p.text;
    if (p.known) {
      Operand piece;
      if (!Approximate(op, {p}, loc, &piece)) return std::nullopt;
      pattern += piece.pattern.text();
      continue;
    }
    for (char c : p.text) {
      if (c == '*' || c == '?' || c == '$') pattern += fmt::format("${{{}}}", c);
      else pattern += c;
    }
  }
  out.pattern = Pattern::Compile(pattern, {WildcardFlavor::kAws, op.spec->fold_case, true});
  out.place = loc;
  return out;
}

}  // namespace

bool LooksLikePolicy(const Json::Value& value) {
  return value.isObject() && value.isMember("Statement");
}

std::vector<LoweringNote> DuplicateKeyNotes(const SourceText& source) {
  std::vector<LoweringNote> notes;
  for (const DuplicateKey& d : FindDuplicateKeys(source)) {
    notes.push_back({LoweringNote::Kind::kDuplicateKey, source.LocAt(d.offset),
                     fmt::format("key `{}` appears again later in the same object; IAM keeps only the last one", d.key),
                     d.key, d.path});
  }
  return notes;
}

Result<Trust> LowerTrustPolicy(TrustPolicyInput input) {
  if (!input.policy || !input.locator) return Status::Error({}, "internal: no policy to lower");
  auto trust = PolicyLowering(std::move(input)).Run();
  if (trust.ok()) {
    // The first malformed note becomes eval's error: make it the first in
    // the source.
    std::stable_sort(trust->notes.begin(), trust->notes.end(), [](const LoweringNote& a, const LoweringNote& b) {
      return std::tie(a.loc.line, a.loc.column) < std::tie(b.loc.line, b.loc.column);
    });
  }
  return trust;
}

}  // namespace trustcheck::aws

#include "formats/aws_oidc_provider.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <set>

namespace trustcheck::aws {

namespace {

std::string HostOf(const std::string& url) {
  return url.rfind("https://", 0) == 0 ? url.substr(8) : url;
}

std::string AccountOfArn(const std::string& arn) {
  static const RE2 kArn(R"(arn:aws[a-z-]*:iam::(\d{12}):.*)");
  std::string account;
  return RE2::FullMatch(arn, kArn, &account) ? account : std::string();
}

// Every value (or, from `unknown`, every reason) the fact gives `key`.
std::vector<std::string> FactValues(const std::vector<std::pair<std::string, std::string>>& pairs, const char* key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : pairs)
    if (k == key) out.push_back(v);
  return out;
}

std::vector<std::string> FactValues(const LoadedFile::Fact& fact, const char* key) { return FactValues(fact.values, key); }

// Why each unknown client ID is unknown.
std::vector<std::string> UnknownClientIds(const LoadedFile::Fact& fact) { return FactValues(fact.unknown, "client_id"); }

bool IsFederatedTest(const Node& n) {
  return n.kind == Node::Kind::kTest && n.test && n.test->role == TestRole::kFederatedPrincipal &&
         n.test->ref.names.size() == 1 && n.test->ref.names[0] == "iss" && n.test->operands.size() == 1;
}

// The client-ID test this link step adds: in an AWS role it is the only
// audience test (the policy's own conditions are TestRole::kCondition).
bool IsClientIdCheck(const Node& n) {
  if (n.kind == Node::Kind::kTest) return n.test && n.test->role == TestRole::kAudience;
  return std::any_of(n.children.begin(), n.children.end(), IsClientIdCheck);
}

// STS's check: some value of `aud` is one of the client IDs, compared exactly.
Test ClientIdTest() {
  Test t;
  t.ref.source = ValueRef::Source::kClaim;
  t.ref.names = {"aud"};
  t.ref.display = "aud";
  t.typing = ValueTyping::kIamString;
  t.kind = MatchKind::kString;
  t.quantifier = Quantifier::kAnyValue;  // an `aud` list passes when one entry is registered
  t.missing_result = Tri::kFalse;
  t.role = TestRole::kAudience;
  t.what = "audience";
  t.op_display = kClientIdListCheck;
  return t;
}

// `where` locates each client ID at the list that registers it.
Node AudienceTest(const std::set<std::string>& ids, const SourceLoc& loc,
                  const std::map<std::string, SourceLoc>& where) {
  Test t = ClientIdTest();
  for (const std::string& id : ids) {
    Operand op;
    op.text = id;
    op.pattern = Pattern::Compile(id, {WildcardFlavor::kLiteral, false, false});
    auto at = where.find(id);
    op.place = at == where.end() ? loc : at->second;
    t.operands.push_back(std::move(op));
  }
  return Node::MakeTest(std::move(t), loc);
}

// The client-ID check for one issuer given its matching definitions.
Node AudienceCheck(const std::vector<const LoadedFile::Fact*>& providers, const std::string& host) {
  const LoadedFile::Fact& first = *providers.front();
  std::set<std::string> all, common, first_set;
  std::map<std::string, SourceLoc> where;
  std::string unknown_reason;
  bool same = true;
  for (size_t i = 0; i < providers.size(); ++i) {
    std::vector<std::string> ids = FactValues(*providers[i], "client_id");
    std::set<std::string> set(ids.begin(), ids.end());
    for (const std::string& id : ids) where.emplace(id, providers[i]->loc);
    std::vector<std::string> unknowns = UnknownClientIds(*providers[i]);
    if (!unknowns.empty() && unknown_reason.empty()) {
      const std::string* name = providers[i]->Value("name");
      unknown_reason = fmt::format("a client ID of OIDC provider `{}` is unknown: {}",
                                   name && !name->empty() ? *name : host, unknowns.front());
    }
    all.insert(set.begin(), set.end());
    if (i == 0) {
      common = first_set = set;
      continue;
    }
    if (set != first_set || unknowns.empty() != UnknownClientIds(first).empty()) same = false;
    std::set<std::string> both;
    std::set_intersection(common.begin(), common.end(), set.begin(), set.end(), std::inserter(both, both.end()));
    common = std::move(both);
  }
  SourceLoc loc = first.loc;
  Node wide = AudienceTest(all, loc, where);
  if (!unknown_reason.empty()) {
    // Unknown entries: undecided, unless every one of them is partly known
    // and no value they could take matches the token's `aud`.
    Test patterns = ClientIdTest();
    bool all_patterned = true;
    for (const LoadedFile::Fact* p : providers) {
      std::vector<std::string> mine = FactValues(*p, "client_id_pattern");
      std::vector<std::string> written = FactValues(*p, "client_id_written");
      if (mine.size() != UnknownClientIds(*p).size()) all_patterned = false;
      for (size_t i = 0; i < mine.size(); ++i) {
        Operand op;
        op.text = i < written.size() ? written[i] : mine[i];
        op.pattern = Pattern::Compile(mine[i], {WildcardFlavor::kAws, false, true});
        op.place = p->loc;
        patterns.operands.push_back(std::move(op));
      }
    }
    Node maybe = Node::Unknown(unknown_reason, loc);
    if (all_patterned && !patterns.operands.empty())
      maybe = Node::And({Node::MakeTest(std::move(patterns), loc), std::move(maybe)}, loc);
    wide = Node::Or({std::move(wide), std::move(maybe)}, loc);
  }
  if (same) return wide;
  Node narrow = Node::Or(
      {AudienceTest(common, loc, where),
       Node::Unknown(fmt::format("the OIDC provider definitions for `{}` in this load have different client ID lists",
                                 host),
                     loc)},
      loc);
  return Node::And({std::move(wide), std::move(narrow)}, loc);
}

struct ProviderRef {
  size_t file;
  const LoadedFile::Fact* fact;
};

void Rewrite(Node* node, size_t file, const std::string& role_account, const std::vector<ProviderRef>& providers) {
  if (IsFederatedTest(*node)) {
    const std::string host = HostOf(node->test->operands.front().text);
    std::vector<const LoadedFile::Fact*> own, any;
    for (const ProviderRef& p : providers) {
      if (p.fact->key != host) continue;
      const std::string* account = p.fact->Value("account");
      if (account && !account->empty() && !role_account.empty() && *account != role_account) continue;
      (p.file == file ? own : any).push_back(p.fact);
    }
    const auto& chosen = own.empty() ? any : own;
    if (chosen.empty()) return;
    SourceLoc loc = node->loc;
    Node principal = std::move(*node);
    *node = Node::And({std::move(principal), AudienceCheck(chosen, host)}, loc);
    return;
  }
  if (IsClientIdCheck(*node)) return;  // linked before
  for (Node& child : node->children) Rewrite(&child, file, role_account, providers);
}

}  // namespace

LoadedFile::Fact ProviderFact(const OidcProvider& provider) {
  LoadedFile::Fact fact;
  fact.kind = kOidcProviderFactKind;
  std::string url = provider.url.rfind("https://", 0) == 0 ? provider.url : "https://" + provider.url;
  fact.key = HostOf(url);
  fact.loc = provider.loc;
  fact.values.emplace_back("url", url);
  fact.values.emplace_back("name", provider.name);
  fact.values.emplace_back("account", provider.account);
  for (const std::string& id : provider.client_ids) fact.values.emplace_back("client_id", id);
  for (const std::string& why : provider.unknown_client_ids) fact.unknown.emplace_back("client_id", why);
  for (size_t i = 0; i < provider.client_id_patterns.size(); ++i) {
    fact.values.emplace_back("client_id_pattern", provider.client_id_patterns[i]);
    fact.values.emplace_back("client_id_written", i < provider.client_id_written.size()
                                                      ? provider.client_id_written[i]
                                                      : provider.client_id_patterns[i]);
  }
  return fact;
}

void LinkOidcProviders(std::vector<LoadedFile>* files) {
  std::vector<ProviderRef> providers;
  for (size_t i = 0; i < files->size(); ++i)
    for (const LoadedFile::Fact& f : (*files)[i].facts)
      if (f.kind == kOidcProviderFactKind) providers.push_back({i, &f});
  if (providers.empty()) return;
  for (size_t i = 0; i < files->size(); ++i) {
    for (Trust& trust : (*files)[i].trusts) {
      if (trust.platform != Platform::kAws) continue;
      const std::string account = AccountOfArn(trust.arn);
      for (Statement& s : trust.statements) Rewrite(&s.when, i, account, providers);
    }
  }
}

}  // namespace trustcheck::aws

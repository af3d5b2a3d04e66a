// The rule registry, severity names and the per-trust rule adapter.

#include "lint/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace trustcheck::lint {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "?";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical})
    if (IEquals(name, SeverityName(s))) return s;
  return std::nullopt;
}

namespace {

// Appends where a trust comes from (Trust::context) to each finding on it:
// the same module code called twice gives two findings, each naming its call.
class ContextSink : public FindingSink {
 public:
  ContextSink(FindingSink& inner, const Trust& trust) : inner_(inner), context_(trust.context) {}
  void Report(SourceLoc loc, std::string message, std::optional<Severity> severity, Evidence evidence) override {
    if (!context_.empty()) message += fmt::format(" [in {}]", context_);
    inner_.Report(std::move(loc), std::move(message), severity, std::move(evidence));
  }

 private:
  FindingSink& inner_;
  const std::string& context_;
};

}  // namespace

void TrustRule::Check(const LintInput& input, FindingSink& sink) const {
  for (const LoadedFile& file : *input.files)
    for (const Trust& trust : file.trusts) {
      ContextSink in_context(sink, trust);
      CheckTrust(file, trust, in_context);
    }
}

const char* Owners::KeyFor(const IssuerProfile& profile) {
  std::string_view id = profile.id;
  if (id == "github-actions" || id == "github-enterprise") return "github";
  if (id == "gitlab-com") return "gitlab";
  if (id == "hcp-terraform") return "terraform";
  if (id == "buildkite") return "buildkite";
  if (id == "entra-id") return "azure";
  return nullptr;
}

bool Owners::Covers(const IssuerProfile& profile) const {
  const char* key = KeyFor(profile);
  return key && by_platform.count(key) && !by_platform.at(key).empty();
}

bool Owners::Owns(const IssuerProfile& profile, const std::string& tenant) const {
  const char* key = KeyFor(profile);
  if (!key || !by_platform.count(key)) return false;
  for (const std::string& o : by_platform.at(key))
    if (IEquals(o, tenant)) return true;
  return false;
}

void ExposureRule::Check(const LintInput& input, FindingSink& sink) const {
  if (!input.exposures) return;
  for (const LoadedFile& file : *input.files)
    for (const Trust& trust : file.trusts)
      for (size_t i = 0; i < trust.statements.size(); ++i)
        if (trust.statements[i].effect == Effect::kAllow) {
          ContextSink in_context(sink, trust);
          CheckStatement(input, file, trust, i, input.exposures->Of(trust, i), in_context);
        }
}

void ExposureRule::CheckStatement(const LintInput& input, const LoadedFile& file, const Trust& trust, size_t statement,
                                  const Exposure& exposure, FindingSink& sink) const {
  for (const IssuerExposure& e : exposure.issuers) CheckExposure(input, file, trust, statement, e, sink);
}

void Registry::Add(std::unique_ptr<Rule> rule) {
  // Duplicate ids or names are a programming error the registry test
  // catches (tests/lint_rules_test.cc); Find() returns the first.
  auto at = std::lower_bound(rules_.begin(), rules_.end(), rule, [](const auto& a, const auto& b) {
    return std::string_view(a->info().id) < std::string_view(b->info().id);
  });
  rules_.insert(at, std::move(rule));
}

const Rule* Registry::Find(std::string_view id_or_name) const {
  for (const auto& r : rules_)
    if (IEquals(r->info().id, id_or_name) || IEquals(r->info().name, id_or_name)) return r.get();
  return nullptr;
}

}  // namespace trustcheck::lint

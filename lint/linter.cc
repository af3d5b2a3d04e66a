// Runs rules, then applies the config and the inline suppressions.

#include "lint/linter.h"

#include <algorithm>
#include <ctime>
#include <tuple>

#include "lint/suppression.h"
#include "trustcheck/parallel.h"

namespace trustcheck::lint {

namespace {

class CollectingSink : public FindingSink {
 public:
  CollectingSink(const RuleInfo& info, std::vector<Finding>* out) : info_(info), out_(out) {}
  void Report(SourceLoc loc, std::string message, std::optional<Severity> severity, Evidence evidence) override {
    out_->push_back({info_.id, info_.name, severity.value_or(info_.severity), std::move(message), std::move(loc),
                     std::move(evidence.witness), std::move(evidence.assumptions)});
  }

 private:
  const RuleInfo& info_;
  std::vector<Finding>* out_;
};

auto SortKey(const Finding& f) { return std::make_tuple(f.loc.path(), f.loc.line, f.loc.column, f.rule, f.message); }

}  // namespace

const Exposure& ExposureMap::Of(const Trust& trust, size_t index) const {
  static const Exposure kNone;
  auto it = by_trust_.find(&trust);
  if (it == by_trust_.end() || index >= it->second.size()) return kNone;
  return it->second[index];
}

void ExposureMap::Compute(const std::vector<LoadedFile>& files, int threads, int64_t now) {
  std::vector<const Trust*> trusts;
  for (const LoadedFile& f : files)
    for (const Trust& t : f.trusts) trusts.push_back(&t);
  std::vector<std::vector<Exposure>> results(trusts.size());
  ExposureOptions options;
  options.now = now;
  ParallelFor(trusts.size(), ThreadCount(threads), [&](size_t i) {
    const Trust& t = *trusts[i];
    results[i].resize(t.statements.size());
    for (size_t s = 0; s < t.statements.size(); ++s)
      if (t.statements[s].effect == Effect::kAllow) results[i][s] = AnalyseStatementExposure(t, s, options);
  });
  for (size_t i = 0; i < trusts.size(); ++i) by_trust_[trusts[i]] = std::move(results[i]);
}

std::vector<Finding> RunLint(const Registry& registry, const std::vector<LoadedFile>& files,
                             const LintOptions& options) {
  std::vector<LoadedFile> kept;
  const std::vector<LoadedFile>* input = &files;
  if (options.config && !options.config->ignore.empty()) {
    for (const LoadedFile& f : files)
      if (!options.config->Ignored(f.path)) kept.push_back(f);
    input = &kept;
  }
  const Rule* only = options.only_rule.empty() ? nullptr : registry.Find(options.only_rule);
  if (!options.only_rule.empty() && !only) return {};
  std::vector<const Rule*> enabled;
  for (const auto& rule : registry.rules()) {
    const RuleInfo& info = rule->info();
    if (only ? rule.get() != only : options.config && !options.config->Enabled(info)) continue;
    enabled.push_back(rule.get());
  }
  // The rules are independent and read the files only: they run on every
  // core, each into its own list (the analysis rules take most of the time,
  // one trust at a time). The config and the suppressions are applied
  // afterwards, in rule order, on this thread.
  // Who gets in, once for every rule that grades it.
  ExposureMap exposures;
  exposures.Compute(*input, options.threads, options.now ? options.now : static_cast<int64_t>(std::time(nullptr)));
  std::vector<std::vector<Finding>> found(enabled.size());
  ParallelFor(enabled.size(), ThreadCount(options.threads), [&](size_t i) {
    CollectingSink sink(enabled[i]->info(), &found[i]);
    enabled[i]->Check(LintInput{input, &exposures, options.config ? &options.config->owners : nullptr}, sink);
  });
  std::vector<Finding> findings;
  for (size_t i = 0; i < enabled.size(); ++i) {
    const RuleInfo& info = enabled[i]->info();
    for (Finding& f : found[i]) {
      if (!only && options.config) f.severity = options.config->SeverityOf(info, f.severity);
      if (options.sources) {
        const SourceLines* lines = options.sources->Get(f.loc.path());
        if (lines && IsSuppressed(*lines, f.loc.line, info)) continue;
      }
      if (options.config && options.config->Ignored(f.loc.path())) continue;
      findings.push_back(std::move(f));
    }
  }
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return SortKey(a) < SortKey(b); });
  findings.erase(std::unique(findings.begin(), findings.end(),
                             [](const Finding& a, const Finding& b) { return SortKey(a) == SortKey(b); }),
                 findings.end());
  return findings;
}

}  // namespace trustcheck::lint

// Wildcard matching: trustcheck::Pattern against the usual alternatives.
//
// Engines (each compiles its patterns before timing, as a policy engine would):
//   trustcheck  Pattern::Compile(pattern, {}) then Pattern::Match
//   fnmatch     glibc fnmatch(pattern, subject, 0); the patterns avoid `[` and `\`
//   re2         the glob as an RE2 (`*` -> `.*`, `?` -> `.`, literals quoted,
//               dot_nl), RE2::Match with ANCHOR_BOTH
//   std_regex   the glob as a std::regex (ECMAScript), std::regex_match
//
// BM_Match/<engine>/<case> matches every (pattern, subject) pair of a case
// once per iteration; the per_match counter is the CPU time of one match
// (time / (iterations * pairs)). The pairs come from real OIDC subject claims
// (GitHub, GitLab, Terraform Cloud) and mix matching and non-matching
// subjects.
//
// BM_MatchPathological/<engine>/<stars> matches `*a*a*...*a*b` (that many
// stars) against 1000 `a`s; BM_MatchPathologicalOpen adds a trailing `*`, so
// no engine can reject by looking at the last byte. std::regex backtracks
// exponentially on these and is left out of them.
//
// main() checks that all engines agree on every pair before anything is
// timed; otherwise it prints the disagreeing pair and exits with status 2. This file provides
// main() for the whole trustcheck_bench executable.
//
// Reproduce the table in docs/performance.md (Release build):
//   trustcheck_bench --benchmark_filter=BM_Match --benchmark_min_time=0.2
//     --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true
//     --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>
#include <fnmatch.h>
#include <re2/re2.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "trustcheck/pattern.h"

namespace {

struct Pair {
  std::string pattern;
  std::string subject;
};

struct Case {
  std::string name;
  std::vector<Pair> pairs;
  bool run_std_regex = true;  // false where std::regex backtracks exponentially
};

const std::string kGitHubMain = "repo:octo-org/octo-repo:ref:refs/heads/main";
const std::string kGitHubDev = "repo:octo-org/octo-repo:ref:refs/heads/dev";
const std::string kGitHubRelease = "repo:octo-org/octo-repo:ref:refs/heads/release-1.2";
const std::string kGitHubTag = "repo:octo-org/octo-repo:ref:refs/tags/v1.2.3";
const std::string kGitHubPullRequest = "repo:octo-org/octo-repo:pull_request";
const std::string kGitHubOtherRepo = "repo:octo-org/other-repo:ref:refs/heads/main";
const std::string kGitLabMain = "project_path:group/project:ref_type:branch:ref:main";
const std::string kGitLabTag = "project_path:group/project:ref_type:tag:ref:v1.0";
const std::string kTfcApply =
    "organization:acme:project:Default Project:workspace:ws-01:run_phase:apply";
const std::string kTfcPlan =
    "organization:acme:project:Default Project:workspace:ws-01:run_phase:plan";

std::string Repeat(const std::string& unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

// `*a*a*...*a*b` with `stars` stars, and with a trailing `*` when open.
std::string PathologicalPattern(int stars, bool open) {
  return Repeat("*a", stars - 1) + "*b" + (open ? "*" : "");
}

std::vector<Case> MatchCases() {
  const std::string many_a(64, 'a');
  return {
      {"literal",
       {{kGitHubMain, kGitHubMain},
        {kGitHubMain, kGitHubMain + "line"},
        {kGitLabMain, kGitLabMain},
        {kGitLabMain, "project_path:group/project:ref_type:branch:ref:maim"},
        {kTfcApply, kTfcApply},
        {kTfcApply, kTfcPlan}}},
      {"prefix_star",
       {{"repo:octo-org/octo-repo:*", kGitHubMain},
        {"repo:octo-org/octo-repo:*", kGitHubPullRequest},
        {"repo:octo-org/octo-repo:*", kGitHubOtherRepo},
        {"organization:acme:project:Default Project:workspace:*", kTfcApply},
        {"organization:acme:project:Default Project:workspace:*",
         "organization:evil:project:Default Project:workspace:ws-01:run_phase:apply"}}},
      {"suffix_star",
       {{"*:ref:refs/heads/main", kGitHubMain},
        {"*:ref:refs/heads/main", kGitHubDev},
        {"*:run_phase:apply", kTfcApply},
        {"*:run_phase:apply", kTfcPlan},
        {"*:ref_type:branch:ref:main", kGitLabMain}}},
      {"infix_star",
       {{"repo:octo-org/*:ref:refs/heads/main", kGitHubMain},
        {"repo:octo-org/*:ref:refs/heads/main", kGitHubDev},
        {"repo:octo-org/*:ref:refs/heads/main", kGitHubOtherRepo},
        {"project_path:group/*:ref_type:branch:ref:main", kGitLabMain},
        {"project_path:group/*:ref_type:branch:ref:main", kGitLabTag}}},
      {"multi_star",
       {{"repo:octo-org/*:ref:refs/heads/release-*", kGitHubRelease},
        {"repo:octo-org/*:ref:refs/heads/release-*", kGitHubMain},
        {"organization:acme:project:*:workspace:*:run_phase:apply", kTfcApply},
        {"organization:acme:project:*:workspace:*:run_phase:apply", kTfcPlan},
        {"project_path:*/*:ref_type:*:ref:main", kGitLabMain},
        {"project_path:*/*:ref_type:*:ref:main", kGitLabTag}}},
      {"question",
       {{"repo:octo-org/octo-repo:ref:refs/tags/v?.?.?", kGitHubTag},
        {"repo:octo-org/octo-repo:ref:refs/tags/v?.?.?",
         "repo:octo-org/octo-repo:ref:refs/tags/v1.22.3"},
        {"organization:acme:project:Default Project:workspace:ws-??:run_phase:apply", kTfcApply},
        {"organization:acme:project:Default Project:workspace:ws-??:run_phase:apply",
         "organization:acme:project:Default Project:workspace:ws-001:run_phase:apply"}}},
      {"pathological",
       {{PathologicalPattern(8, false), many_a},
        {PathologicalPattern(8, false), many_a + "b"},
        {PathologicalPattern(8, true), many_a},
        {PathologicalPattern(8, true), many_a + "b" + many_a}},
       /*run_std_regex=*/false},
  };
}

// ---------------------------------------------------------------------------
// Engines: Compile once, Match many times.

struct TrustcheckEngine {
  static constexpr const char* kName = "trustcheck";
  using Compiled = trustcheck::Pattern;
  static Compiled Compile(const std::string& glob) {
    return trustcheck::Pattern::Compile(glob, trustcheck::PatternOptions{});
  }
  static bool Match(const Compiled& pattern, const std::string& subject) {
    return pattern.Match(subject);
  }
};

struct FnmatchEngine {
  static constexpr const char* kName = "fnmatch";
  using Compiled = std::string;
  static Compiled Compile(const std::string& glob) { return glob; }
  static bool Match(const Compiled& glob, const std::string& subject) {
    return fnmatch(glob.c_str(), subject.c_str(), 0) == 0;
  }
};

struct Re2Engine {
  static constexpr const char* kName = "re2";
  using Compiled = std::unique_ptr<RE2>;
  static Compiled Compile(const std::string& glob) {
    std::string regex;
    std::string literal;
    for (char c : glob) {
      if (c == '*' || c == '?') {
        regex += RE2::QuoteMeta(literal) + (c == '*' ? ".*" : ".");
        literal.clear();
      } else {
        literal += c;
      }
    }
    regex += RE2::QuoteMeta(literal);
    RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);
    auto re = std::make_unique<RE2>(regex, options);
    if (!re->ok()) {
      std::fprintf(stderr, "re2 rejects `%s`: %s\n", regex.c_str(), re->error().c_str());
      std::abort();
    }
    return re;
  }
  static bool Match(const Compiled& re, const std::string& subject) {
    return re->Match(subject, 0, subject.size(), RE2::ANCHOR_BOTH, nullptr, 0);
  }
};

struct StdRegexEngine {
  static constexpr const char* kName = "std_regex";
  using Compiled = std::regex;
  static Compiled Compile(const std::string& glob) {
    std::string regex;
    for (char c : glob) {
      if (c == '*') {
        regex += "[\\s\\S]*";
      } else if (c == '?') {
        regex += "[\\s\\S]";
      } else {
        if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) {
          regex += '\\';
        }
        regex += c;
      }
    }
    return std::regex(regex, std::regex::ECMAScript | std::regex::optimize);
  }
  static bool Match(const Compiled& re, const std::string& subject) {
    return std::regex_match(subject, re);
  }
};

// ---------------------------------------------------------------------------
// Timing

template <typename Engine>
void RunPairs(benchmark::State& state, const std::vector<Pair>& pairs) {
  std::vector<typename Engine::Compiled> compiled;
  for (const Pair& pair : pairs) compiled.push_back(Engine::Compile(pair.pattern));
  for (auto _ : state) {
    for (size_t i = 0; i < pairs.size(); ++i) {
      bool matched = Engine::Match(compiled[i], pairs[i].subject);
      benchmark::DoNotOptimize(matched);
    }
  }
  state.counters["per_match"] = benchmark::Counter(
      static_cast<double>(pairs.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

template <typename Engine>
void RegisterCase(const Case& c) {
  const std::string name = std::string("BM_Match/") + Engine::kName + "/" + c.name;
  benchmark::RegisterBenchmark(name.c_str(), [pairs = c.pairs](benchmark::State& state) {
    RunPairs<Engine>(state, pairs);
  });
}

template <typename Engine>
void RegisterPathological(const char* family, bool open, int stars) {
  const std::string name = std::string(family) + "/" + Engine::kName + "/" + std::to_string(stars);
  const std::vector<Pair> pairs = {{PathologicalPattern(stars, open), std::string(1000, 'a')}};
  benchmark::RegisterBenchmark(name.c_str(), [pairs](benchmark::State& state) {
    RunPairs<Engine>(state, pairs);
  });
}

// ---------------------------------------------------------------------------
// Agreement check: a benchmark of engines that disagree measures nothing.

template <typename Engine>
bool MatchOnce(const Pair& pair) {
  return Engine::Match(Engine::Compile(pair.pattern), pair.subject);
}

void CheckAgreement(const std::string& what, const std::vector<Pair>& pairs, bool with_std_regex,
                    bool want_both_outcomes) {
  bool seen[2] = {false, false};
  for (const Pair& pair : pairs) {
    const bool want = MatchOnce<TrustcheckEngine>(pair);
    seen[want] = true;
    const bool fn = MatchOnce<FnmatchEngine>(pair);
    const bool re2 = MatchOnce<Re2Engine>(pair);
    const bool std_re = with_std_regex ? MatchOnce<StdRegexEngine>(pair) : want;
    if (fn != want || re2 != want || std_re != want) {
      std::fprintf(stderr,
                   "%s: engines disagree on `%s` vs `%s`: trustcheck %d, fnmatch %d, re2 %d, "
                   "std_regex %d\n",
                   what.c_str(), pair.pattern.c_str(), pair.subject.c_str(), want, fn, re2, std_re);
      std::exit(2);
    }
  }
  if (want_both_outcomes && !(seen[0] && seen[1])) {
    std::fprintf(stderr, "%s: the pairs must include matching and non-matching subjects\n",
                 what.c_str());
    std::exit(2);
  }
}

constexpr int kPathologicalStars[] = {10, 20, 50, 100, 200};

void RegisterAll() {
  for (const Case& c : MatchCases()) {
    CheckAgreement(c.name, c.pairs, c.run_std_regex, /*want_both_outcomes=*/true);
    RegisterCase<TrustcheckEngine>(c);
    RegisterCase<FnmatchEngine>(c);
    RegisterCase<Re2Engine>(c);
    if (c.run_std_regex) RegisterCase<StdRegexEngine>(c);
  }
  for (const auto& [family, open] : {std::pair{"BM_MatchPathological", false},
                                     std::pair{"BM_MatchPathologicalOpen", true}}) {
    for (int stars : kPathologicalStars) {
      CheckAgreement(std::string(family) + "/" + std::to_string(stars),
                     {{PathologicalPattern(stars, open), std::string(1000, 'a')}},
                     /*with_std_regex=*/false, /*want_both_outcomes=*/false);
      RegisterPathological<TrustcheckEngine>(family, open, stars);
      RegisterPathological<FnmatchEngine>(family, open, stars);
      RegisterPathological<Re2Engine>(family, open, stars);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// BM_Load/<format>/<N>: loading and compiling N trusts from their text, in
// memory (no file I/O): UTF-8 check, format detection, parsing, lowering,
// pattern compilation, exactly LoadText(). Reports bytes per second of
// source text and trusts per second (items). `aws-iam-dump` is one document
// holding N roles; the other formats are N documents of one trust each.
//
// BM_LoadStage/<stage>/<N>: where the time of loading N pretty-printed AWS
// trust policies goes, one stage at a time (each row includes only its own
// stage): `utf8` (ValidateUtf8), `json` (ParseJson: jsoncpp and the limit
// checks), `duplicate_keys` (FindDuplicateKeys, the second pass over the
// text that notes repeated keys, on texts ParseJson has not seen: LoadText
// skips it when ParseJson counted as many members as keys), `load` (the
// whole LoadText, every stage included), `evaluate` (Evaluate() of the N
// lowered trusts against one GitHub Actions token).

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "source_text.h"
#include "synthetic_corpus.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/load.h"

namespace trustcheck::bench {
namespace {

// The folder the in-memory texts pretend to live in; it must not exist.
constexpr const char* kNoFolder = "/nonexistent-trustcheck-bench";

size_t TotalBytes(const std::vector<std::string>& texts) {
  size_t bytes = 0;
  for (const std::string& t : texts) bytes += t.size();
  return bytes;
}

void RunLoad(benchmark::State& state, const std::string& format, size_t n) {
  static std::string cached_format;
  static size_t cached_n = 0;
  static std::vector<std::string> texts;
  if (cached_format != format || cached_n != n) {
    texts = SyntheticTexts(format, n);
    cached_format = format;
    cached_n = n;
  }
  LoadOptions options;
  options.forced_format = format;
  // Check once, untimed, that every text loads into the trusts it holds.
  size_t trusts = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto file = LoadText(fmt::format("{}/trust-{}.{}", kNoFolder, i, format == "terraform" ? "tf" : "json"), texts[i],
                         options);
    if (!file.ok()) {
      state.SkipWithError(file.status().ToString().c_str());
      return;
    }
    trusts += file->trusts.size();
  }
  if (trusts != n) {
    state.SkipWithError(fmt::format("{} texts lowered into {} trusts, not {}", format, trusts, n).c_str());
    return;
  }
  // In a folder that does not exist: a Terraform file reads the other `.tf`
  // files of its folder (its module), so a path in the working folder made
  // the timing depend on where the benchmark was started.
  std::vector<std::string> paths;
  for (size_t i = 0; i < texts.size(); ++i)
    paths.push_back(fmt::format("{}/trust-{}.{}", kNoFolder, i, format == "terraform" ? "tf" : "json"));
  for (auto _ : state) {
    for (size_t i = 0; i < texts.size(); ++i) {
      auto file = LoadText(paths[i], texts[i], options);
      benchmark::DoNotOptimize(file);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * TotalBytes(texts)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.counters["bytes_per_trust"] = static_cast<double>(TotalBytes(texts)) / static_cast<double>(n);
}

void RunStage(benchmark::State& state, const std::string& stage, size_t n) {
  static std::vector<std::string> texts;
  static std::vector<SourceText> sources;
  static std::vector<SourceText> unparsed;  // never given to ParseJson (see duplicate_keys)
  static std::vector<Trust> trusts;
  if (texts.size() != n) {
    texts = SyntheticTexts("aws-policy", n);
    sources.clear();
    unparsed.clear();
    trusts.clear();
    for (size_t i = 0; i < n; ++i) {
      sources.emplace_back(fmt::format("trust-{}.json", i), texts[i]);
      unparsed.emplace_back(fmt::format("trust-{}.json", i), texts[i]);
      auto file = LoadText(fmt::format("trust-{}.json", i), texts[i], {});
      if (!file.ok()) {
        state.SkipWithError(file.status().ToString().c_str());
        return;
      }
      for (Trust& t : file->trusts) trusts.push_back(std::move(t));
    }
  }
  static const Claims claims = [] {
    auto token = DecodeToken(SyntheticTokens(1000).front(), "token.json");
    return token.ok() ? token->claims : Claims();
  }();
  LoadOptions options;
  for (auto _ : state) {
    if (stage == "utf8") {
      for (const SourceText& s : sources) benchmark::DoNotOptimize(ValidateUtf8(s));
    } else if (stage == "json") {
      for (const SourceText& s : sources) benchmark::DoNotOptimize(ParseJson(s, {}));
    } else if (stage == "duplicate_keys") {
      for (const SourceText& s : unparsed) benchmark::DoNotOptimize(FindDuplicateKeys(s));
    } else if (stage == "load") {
      for (size_t i = 0; i < n; ++i) benchmark::DoNotOptimize(LoadText(*sources[i].path(), texts[i], options));
    } else {
      for (const Trust& t : trusts) benchmark::DoNotOptimize(Evaluate(t, claims, {kSyntheticNow}));
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * TotalBytes(texts)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

const bool kRegistered = [] {
  for (const char* format : {"aws-policy", "aws-iam-dump", "cloudformation", "terraform", "vault-role",
                             "entra-credential", "gcp-provider"}) {
    for (size_t n : {1000u}) {
      benchmark::RegisterBenchmark(fmt::format("BM_Load/{}/{}", format, n).c_str(),
                                   [format = std::string(format), n](benchmark::State& state) {
                                     RunLoad(state, format, n);
                                   })
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (const char* stage : {"utf8", "json", "duplicate_keys", "load", "evaluate"})
    benchmark::RegisterBenchmark(fmt::format("BM_LoadStage/{}/1000", stage).c_str(),
                                 [stage = std::string(stage)](benchmark::State& state) { RunStage(state, stage, 1000); })
        ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace trustcheck::bench

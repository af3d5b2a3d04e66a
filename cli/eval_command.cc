// `trustcheck eval --token FILE|- [--at TIME] [--format text|json] [--type FORMAT] [--all] [--timings] PATH...`

#include <fmt/format.h>
#include <json/json.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "cli/command.h"
#include "cli/progress.h"
#include "lint/style.h"
#include "trustcheck/batch.h"
#include "trustcheck/claims.h"
#include "trustcheck/evaluate.h"
#include "trustcheck/exposure.h"
#include "trustcheck/jwks.h"
#include "trustcheck/read.h"
#include "trustcheck/load.h"

namespace trustcheck::cli {

namespace {

CommandSpec Spec() {
  CommandSpec spec{"eval", {"PATH..."},
                   "Evaluates the token against every trust found in PATH exactly as each platform would: which trusts\n"
                   "accept it, and for the others the condition that refuses it. Exit codes: 0 when a trust accepts, 1\n"
                   "when none does, 2 on a usage or input error.",
                   {{"token", "FILE|-", "the token: a compact JWT or a JSON object of claims (`-`: standard input)", true},
                    {"jwks", "FILE", "verify the JWT's signature with this JSON Web Key Set first"},
                    {"at", "TIME", "evaluate at this time, RFC 3339 or Unix seconds (default: now)"},
                    {"format", "text|json", "output format (default: text)"},
                    {"all", "", "list every trust, not only those that can accept (text output)"},
                    {"timings", "", "print the time each stage took on standard error"},
                    {"assume-unknowns", "", "read unknown values as the deployer's own (replays a lint witness)"},
                    {"no-color", "", "no colour, even on a terminal (also: NO_COLOR)"}}};
  for (OptionSpec& o : LoadOptionSpecs()) spec.options.push_back(std::move(o));
  return spec;
}

// With more trusts than this, the text report asks the trust index
// (trustcheck/index.h) which trusts can accept the token, evaluates only
// those and counts the others; `--all` evaluates and lists every trust, as
// the JSON report (one entry per trust) always does.
constexpr size_t kIndexThreshold = 256;

// Owns what a run allocated until the process exits, without freeing it: the
// process ends right after the report, and releasing twenty thousand lowered
// trusts one allocation at a time took longer than evaluating them. The list
// stays reachable from a static, so leak checkers do not report it.
template <typename T>
T& KeepUntilExit(T value) {
  static auto* kept = new std::vector<std::shared_ptr<const void>>();
  auto owned = std::make_shared<T>(std::move(value));
  kept->push_back(owned);
  return *owned;
}

// `--timings`: the wall and CPU time of each stage of the run on stderr, to
// see where an end-to-end run spends its time. CPU time is the process's, so
// it adds up the threads of the parallel stages and, unlike wall time, hardly
// depends on what else the machine is running.
class StageTimer {
 public:
  explicit StageTimer(bool enabled) : enabled_(enabled), wall_(Wall()), cpu_(Cpu()) {}

  // Prints the time since the previous lap, under `stage`.
  void Lap(const char* stage) {
    if (!enabled_) return;
    double wall = Wall(), cpu = Cpu();
    std::fputs(fmt::format("timing: {:<8} {:8.1f} ms wall {:8.1f} ms cpu\n", stage, wall - wall_, cpu - cpu_).c_str(),
               stderr);
    wall_ = wall;
    cpu_ = cpu;
  }

 private:
  static double Wall() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  static double Cpu() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
  }

  bool enabled_;
  double wall_, cpu_;
};


std::string ReasonText(const Reason& r) {
  std::string where = r.loc.ToString();
  return where.empty() ? r.message : fmt::format("{} ({})", r.message, where);
}

std::string TokenDescription(const DecodedToken& token) {
  if (token.form == DecodedToken::Form::kJwt)
    return fmt::format("JWT (alg `{}`), signature {}", token.algorithm,
                       token.signature_verified ? "verified" : "NOT verified");
  return "claims JSON (no signature to verify)";
}

struct Row {
  const LoadedFile* file;
  const Trust* trust;
  Decision decision;
};

// `total`: trusts loaded; `rows` may hold only the index's candidates.
void PrintText(const std::vector<Row>& rows, size_t total, const DecodedToken& token, const std::string& token_path,
               int64_t at, size_t accepted, bool color) {
  std::string out = fmt::format("token {}: {}; iss `{}`; evaluated at {} ({})\n", token_path,
                                TokenDescription(token), token.claims.issuer(), FormatTime(at), at);
  for (const Row& r : rows) {
    const Trust& t = *r.trust;
    std::string label = t.name.empty() ? std::string("(unnamed)") : t.name;
    out += fmt::format("\n{} {} {} ({} {}): {}{}\n", r.decision.accepted ? lint::Paint(color, lint::Tone::kGood, "ACCEPT") : lint::Paint(color, lint::Tone::kBad, "REJECT"),
                       t.loc.ToString(), label, PlatformName(t.platform), TrustKindName(t.kind), OutcomeName(r.decision.outcome),
                       t.context.empty() ? std::string() : fmt::format(" [in {}]", t.context));
    for (const Reason& reason : r.decision.reasons) out += "  - " + ReasonText(reason) + "\n";
  }
  if (total > rows.size())
    out += fmt::format("\n{} other trust{} cannot accept the token: no Allow statement of {} can apply to its claims "
                       "(`--all` lists each with its reasons)\n",
                       total - rows.size(), total - rows.size() == 1 ? "" : "s",
                       total - rows.size() == 1 ? "it" : "theirs");
  out += fmt::format("\n{} of {} trust{} accepted the token\n", accepted, total, total == 1 ? "" : "s");
  std::fputs(out.c_str(), stdout);
}

void PrintJson(const std::vector<Row>& rows, const DecodedToken& token, int64_t at, size_t accepted) {
  Json::Value root(Json::objectValue);
  root["accepted"] = static_cast<Json::UInt64>(accepted);
  root["evaluated_at"] = static_cast<Json::Int64>(at);
  root["token"]["form"] = token.form == DecodedToken::Form::kJwt ? "jwt" : "claims";
  root["token"]["signature_verified"] = token.signature_verified;
  root["token"]["iss"] = token.claims.issuer();
  root["trusts"] = Json::Value(Json::arrayValue);
  for (const Row& r : rows) {
    Json::Value t(Json::objectValue);
    t["source"] = r.trust->loc.path();
    t["line"] = r.trust->loc.line;
    t["column"] = r.trust->loc.column;
    t["name"] = r.trust->name;
    t["platform"] = PlatformName(r.trust->platform);
    t["format"] = r.trust->format.str();
    t["kind"] = TrustKindName(r.trust->kind);
    if (!r.trust->arn.empty()) t["arn"] = r.trust->arn;
    if (!r.trust->context.empty()) t["context"] = r.trust->context.str();
    t["decision"] = r.decision.accepted ? "accept" : "reject";
    t["outcome"] = OutcomeName(r.decision.outcome);
    t["reasons"] = Json::Value(Json::arrayValue);
    for (const Reason& reason : r.decision.reasons) t["reasons"].append(ReasonText(reason));
    root["trusts"].append(std::move(t));
  }
  Json::StreamWriterBuilder b;
  b["indentation"] = "  ";
  b["emitUTF8"] = true;
  std::fputs((Json::writeString(b, root) + "\n").c_str(), stdout);
}

}  // namespace

int EvalCommand(int argc, char** argv) {
  Args args;
  const CommandSpec spec = Spec();
  if (!ParseArgs(argc, argv, spec, &args)) return kExitError;
  if (args.Has("help")) {
    std::fputs(Help(spec).c_str(), stdout);
    return kExitOk;
  }
  if (!args.Has("token")) return UsageError(std::string("`--token` is required\n") + Usage(spec));
  if (args.positional.empty()) return UsageError(std::string("no PATH given\n") + Usage(spec));
  std::string format = args.Get("format", "text");
  StageTimer timer(args.Has("timings"));
  if (!CheckChoice("format", format, {"text", "json"})) return kExitError;

  int64_t at = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
  if (args.Has("at")) {
    auto t = ParseTime(args.Get("at"));
    if (!t.ok()) return UsageError(fmt::format("`--at`: {}", t.status().message()));
    at = *t;
  }
  std::string token_path = args.Get("token");
  Result<std::string> token_text = ReadBounded(token_path, {TokenLimits().max_bytes, "token", true});
  if (!token_text.ok()) return InputError(token_text.status());
  auto token = DecodeToken(*token_text, token_path);
  if (!token.ok()) return InputError(token.status());
  // With a JWKS, a signature that does not verify is a reject from every
  // trust (the platforms check it before any condition).
  Status signature;
  if (args.Has("jwks")) {
    Result<std::string> jwks_text = ReadBounded(args.Get("jwks"), {kMaxJwksBytes, "JWKS", true});
    if (!jwks_text.ok()) return InputError(jwks_text.status());
    signature = VerifyJwtSignature(*token, *jwks_text, args.Get("jwks"));
    token->signature_verified = signature.ok();
  }

  timer.Lap("token");
  LoadOptions options;
  options.forced_format = args.Get("type");
  if (!ApplyLimitFlags(args, &options.limits)) return kExitError;
  if (!ApplyTerraformVariableFlags(args, &options)) return kExitError;
  ProgressLine progress(isatty(STDERR_FILENO) != 0);
  options.progress = progress.Callback("loading");
  auto& loaded = KeepUntilExit(LoadPaths(args.positional, options));
  progress.Finish();
  if (!loaded.ok()) return InputError(loaded.status());
  timer.Lap("load");
  for (const Status& e : loaded->errors) std::fputs(fmt::format("trustcheck: {}\n", e.ToString()).c_str(), stderr);
  // Replays a lint witness that assumes the trust's unknown values are the
  // deployer's own (trustcheck/exposure.h): never the platform's decision.
  if (args.Has("assume-unknowns"))
    for (LoadedFile& f : loaded->files)
      for (Trust& t : f.trusts) t = AssumeUnknowns(t);

  std::vector<Row> trusts;
  for (const LoadedFile& f : loaded->files)
    for (const Trust& t : f.trusts) trusts.push_back({&f, &t, {}});
  if (trusts.empty() && loaded->errors.empty()) return UsageError("no trust found in the given paths");
  // Nothing could be evaluated: the errors above are the whole answer.
  if (trusts.empty()) return kExitError;

  std::vector<const Trust*> pointers;
  for (const Row& r : trusts) pointers.push_back(r.trust);
  BatchOptions batch;
  batch.eval.now = at;
  batch.every_decision = format == "json" || args.Has("all");
  batch.index_threshold = kIndexThreshold;
  BatchResult evaluated = EvaluateMany(pointers, token->claims, signature, batch);
  timer.Lap("evaluate");
  auto& rows = KeepUntilExit(std::vector<Row>());
  rows.reserve(evaluated.rows.size());
  for (BatchRow& r : evaluated.rows) rows.push_back({trusts[r.trust].file, trusts[r.trust].trust, std::move(r.decision)});
  const size_t accepted = evaluated.accepted;
  if (format == "json") PrintJson(rows, *token, at, accepted);
  else PrintText(rows, trusts.size(), *token, token_path, at, accepted, lint::WantColor(args.Has("no-color")));
  timer.Lap("report");
  if (!loaded->errors.empty()) return kExitError;
  return accepted > 0 ? kExitOk : kExitNegative;
}

}  // namespace trustcheck::cli

// `trustcheck diff [--format text|json] [--at TIME] [--type FORMAT] OLD NEW`
// `trustcheck diff [--format text|json] [--at TIME] [--type FORMAT] --git REV PATH`
//
// Parses the arguments, loads both sides and diffs them with
// trustcheck/diff.h, then renders the rows as text or JSON. Exit 1 when NEW
// widens access, 0 otherwise, 2 on errors.

#include <fmt/format.h>
#include <json/json.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include "cli/command.h"
#include "cli/progress.h"
#include "lint/style.h"
#include "trustcheck/analysis.h"
#include "trustcheck/claims.h"
#include "trustcheck/diff.h"
#include "trustcheck/exposure.h"
#include "trustcheck/git.h"
#include "trustcheck/issuers.h"
#include "trustcheck/load.h"
#include "trustcheck/wording.h"

namespace trustcheck::cli {

namespace {

namespace fs = std::filesystem;

CommandSpec Spec() {
  CommandSpec spec{"diff", {"OLD NEW", "--git REV PATH"},
                   "For each trust, whether NEW accepts a token OLD refused (widened) or the reverse (narrowed), with a\n"
                   "witness token `trustcheck eval` replays. With --git, PATH is compared with itself at revision REV.\n"
                   "Exit codes: 0 nothing widened, 1 something did, 2 on a usage or input error.",
                   {{"format", "text|json", "output format (default: text)"},
                    {"at", "TIME", "evaluate witness tokens at this time, RFC 3339 or Unix seconds (default: now)"},
                    {"git", "REV", "compare PATH with PATH at this git revision", false, false, false},
                    {"no-color", "", "no colour, even on a terminal (also: NO_COLOR)"}}};
  for (OptionSpec& o : LoadOptionSpecs()) spec.options.push_back(std::move(o));
  return spec;
}

using Side = DiffSide;
using Row = DiffRow;

// A side, loaded with a progress line on a terminal.
Status LoadSide(const std::string& path, const LoadOptions& options, Side* side) {
  ProgressLine progress(isatty(STDERR_FILENO) != 0);
  LoadOptions with_progress = options;
  with_progress.progress = progress.Callback("loading");
  Status s = LoadDiffSide(path, with_progress, side);
  progress.Finish();
  return s;
}

std::string Shown(const Side& side, const std::string& s) { return ShownOnSide(side, s); }
std::string Shown(const Side& side, const SourceLoc& loc) { return Shown(side, loc.ToString()); }

void CollectTests(const Node& node, std::vector<const Test*>* out) {
  if (node.kind == Node::Kind::kTest) out->push_back(node.test.get());
  for (const Node& c : node.children) CollectTests(c, out);
}

// What the accepting trust's wildcard that lets `value` in admits, in the
// issuer's terms: " (`repo:acme/*`: any repository of organisation `acme`)".
std::string Admits(const Trust& accepting, const Json::Value& claims, const Witness::Difference& d) {
  const Json::Value& iss = claims["iss"];
  const IssuerProfile* profile = iss.isString() ? FindIssuerProfile(iss.asString()) : nullptr;
  std::vector<const Test*> tests;
  for (const Statement& s : accepting.statements)
    if (s.effect == Effect::kAllow) CollectTests(s.when, &tests);
  for (const Test* t : tests) {
    if (t->negated || t->kind != MatchKind::kString || t->ref.names.empty() || t->ref.names.front() != d.claim) continue;
    for (const Operand& op : t->operands) {
      if (!op.valid || !op.segments.empty() || !op.pattern.has_wildcards() || !op.pattern.Match(d.value)) continue;
      std::string admits = profile ? ReadClaimPattern(*profile, d.claim, op.pattern).admits : std::string();
      return admits.empty() ? fmt::format(" (`{}`)", op.text) : fmt::format(" (`{}`: {})", op.text, admits);
    }
  }
  return "";
}

// The one-line story of a witness; `reason` appends why the refusing side
// refuses it.
std::string Explanation(const Row& r, bool widened, const Witness& w, bool reason) {
  if (!r.pair.old_entry)
    return fmt::format("NEW adds trust `{}`, which accepts tokens (OLD has no such trust)", TrustOf(r).name);
  if (!r.pair.new_entry)
    return fmt::format("NEW removes trust `{}`, which accepted tokens", TrustOf(r).name);
  const Trust& accepting = widened ? *r.pair.new_entry->trust : *r.pair.old_entry->trust;
  std::string first_reason = w.refused_because.empty() ? std::string() : w.refused_because.front().message;
  std::string why = reason && !first_reason.empty() ? ": " + first_reason : "";
  if (w.differences.empty())
    return fmt::format("{}{}", widened ? "NEW accepts a token OLD refused" : "NEW refuses a token OLD accepted", why);
  auto describe = [](const Witness::Difference& d, const std::string& value) {
    if (d.claim == kTimeClaims) return fmt::format("time claims `{}`", value);
    if (value == "(absent)") return fmt::format("a token without `{}`", d.claim);
    return fmt::format("`{}` `{}`", d.claim, value);
  };
  std::vector<std::string> value_words, alternative_words;
  for (const Witness::Difference& d : w.differences) {
    value_words.push_back(describe(d, d.value) + (d.claim == kTimeClaims ? "" : Admits(accepting, *w.claims, d)));
    alternative_words.push_back(describe(d, d.alternative));
  }
  std::string values = JoinWords(value_words, "and");
  std::string alternatives = JoinWords(alternative_words, "or");
  if (widened)
    return fmt::format("NEW also accepts {}, which OLD refused (OLD accepts {}){}", values, alternatives, why);
  return fmt::format("NEW no longer accepts {}, which OLD accepted (NEW accepts {}){}", values, alternatives, why);
}

std::string CompactJsonText(const Json::Value& v) {
  Json::StreamWriterBuilder b;
  b["indentation"] = "";
  b["emitUTF8"] = true;
  return Json::writeString(b, v);
}

std::string ReasonText(const Side& side, const Reason& r) {
  std::string where = Shown(side, r.loc);
  return where.empty() ? r.message : fmt::format("{} ({})", r.message, where);
}

std::string TrustLabel(const Row& r, const Side& old_side, const Side& new_side) {
  const Trust& t = TrustOf(r);
  std::string where = r.pair.new_entry ? Shown(new_side, r.pair.new_entry->trust->loc)
                                       : Shown(old_side, r.pair.old_entry->trust->loc);
  return fmt::format("{} {} ({} {})", where, t.name.empty() ? "(unnamed)" : t.name, PlatformName(t.platform),
                     TrustKindName(t.kind));
}

void PrintText(const std::vector<Row>& rows, const Side& old_side, const Side& new_side, bool color) {
  std::string out;
  size_t widened = 0, narrowed = 0, undecided = 0;
  for (const Row& r : rows) {
    const DiffStatus status = r.status;
    bool w = r.change.widened.answer == Answer::kYes, n = r.change.narrowed.answer == Answer::kYes;
    widened += w;
    narrowed += n;
    std::string tag = w && n ? "WIDENED+NARROWED" : w ? "WIDENED" : n ? "NARROWED" : status == DiffStatus::kUndecided ? "UNDECIDED" : "UNCHANGED";
    if (status == DiffStatus::kAdded) tag = w ? "ADDED" : "ADDED (accepts nothing)";
    if (status == DiffStatus::kRemoved) tag = n ? "REMOVED" : "REMOVED (accepted nothing)";
    lint::Tone tone = w ? lint::Tone::kBad : n ? lint::Tone::kWarning : status == DiffStatus::kUndecided ? lint::Tone::kUnsure
                                                                                         : lint::Tone::kGood;
    out += fmt::format("{} {}\n", lint::Paint(color, tone, tag), TrustLabel(r, old_side, new_side));
    std::string credentials = CredentialChanges(old_side, new_side, r);
    if (!credentials.empty()) out += fmt::format("  credentials: {}\n", credentials);
    // Who gets in, before and after, when the rung moved.
    if ((w || n) && r.old_reach.known && r.new_reach.known && r.old_reach.reach != r.new_reach.reach) {
      auto words = [](const Reached& x) { return x.who.empty() ? std::string("nobody") : x.who; };
      out += fmt::format("  who gets in: {} (OLD) -> {} (NEW)\n", words(r.old_reach), words(r.new_reach));
    }
    for (bool direction : {true, false}) {
      const Separation& s = direction ? r.change.widened : r.change.narrowed;
      const Side& refusing_side = direction ? old_side : new_side;
      if (s.answer == Answer::kYes) {
        for (const Witness& w : s.witnesses) {
          out += "  " + Explanation(r, direction, w, false) + "\n";
          for (size_t i = 0; i < w.refused_because.size() && i < 3; ++i)
            out += fmt::format("    {} refuses: {}\n", direction ? "OLD" : "NEW",
                               ReasonText(refusing_side, w.refused_because[i]));
          out += "    token: " + CompactJsonText(*w.claims) + "\n";
        }
      } else if (s.answer == Answer::kUndecided && r.pair.old_entry && r.pair.new_entry) {
        ++undecided;
        out += fmt::format("  cannot decide whether {} accepts a token {} refuses:\n", direction ? "NEW" : "OLD",
                           direction ? "OLD" : "NEW");
        for (const std::string& l : s.limits) out += "    - " + l + "\n";
      }
    }
  }
  out += fmt::format("\n{} trust{} compared: {} widened, {} narrowed{}\n", rows.size(), rows.size() == 1 ? "" : "s",
                     widened, narrowed, undecided ? fmt::format(", {} undecided", undecided) : "");
  std::fputs(out.c_str(), stdout);
}

Json::Value Where(const Side& side, const DiffEntry* e) {
  if (!e) return Json::Value(Json::nullValue);
  Json::Value w(Json::objectValue);
  w["source"] = Shown(side, e->trust->loc.path());
  w["line"] = e->trust->loc.line;
  w["column"] = e->trust->loc.column;
  return w;
}

void PrintJson(const std::vector<Row>& rows, const Side& old_side, const Side& new_side) {
  Json::Value root(Json::objectValue);
  bool widened = false, narrowed = false, undecided = false;
  Json::Value witnesses(Json::arrayValue), trusts(Json::arrayValue);
  for (const Row& r : rows) {
    const Trust& t = TrustOf(r);
    Json::Value id(Json::objectValue);
    id["name"] = t.name;
    id["platform"] = PlatformName(t.platform);
    id["kind"] = TrustKindName(t.kind);
    if (!t.arn.empty()) id["arn"] = t.arn;
    id["old"] = Where(old_side, r.pair.old_entry);
    id["new"] = Where(new_side, r.pair.new_entry);
    Json::Value row = id;
    row["status"] = DiffStatusName(r.status);
    std::string credentials = CredentialChanges(old_side, new_side, r);
    if (!credentials.empty()) row["credentials"] = credentials;
    // Who gets in through each version: the exposure's widest rung.
    Json::Value exposure(Json::objectValue);
    for (bool is_old : {true, false}) {
      const Reached& x = is_old ? r.old_reach : r.new_reach;
      bool present = is_old ? r.pair.old_entry != nullptr : r.pair.new_entry != nullptr;
      Json::Value side(Json::objectValue);
      if (!present || !x.known) {
        side = Json::Value(Json::nullValue);
      } else {
        side["reach"] = ReachName(x.reach);
        side["who"] = x.who;
      }
      exposure[is_old ? "old" : "new"] = side;
    }
    row["exposure"] = exposure;
    row["widened"] = AnswerName(r.change.widened.answer);
    row["narrowed"] = AnswerName(r.change.narrowed.answer);
    Json::Value limits(Json::arrayValue);
    for (const Separation* s : {&r.change.widened, &r.change.narrowed})
      for (const std::string& l : s->limits) limits.append(l);
    row["limits"] = limits;
    trusts.append(row);
    for (bool direction : {true, false}) {
      const Separation& s = direction ? r.change.widened : r.change.narrowed;
      if (s.answer == Answer::kUndecided && r.pair.old_entry && r.pair.new_entry) undecided = true;
      if (s.answer != Answer::kYes) continue;
      (direction ? widened : narrowed) = true;
      for (const Witness& wit : s.witnesses) {
        Json::Value w(Json::objectValue);
        w["direction"] = direction ? "widened" : "narrowed";
        w["trust"] = id;
        w["claims"] = *wit.claims;
        w["explanation"] = Explanation(r, direction, wit, true);
        Json::Value diffs(Json::arrayValue);
        for (const Witness::Difference& d : wit.differences) {
          Json::Value dj(Json::objectValue);
          dj["claim"] = d.claim;
          dj["value"] = d.value;
          dj["alternative"] = d.alternative;
          diffs.append(dj);
        }
        w["differences"] = diffs;
        const Side& accepting = direction ? new_side : old_side;
        const Side& refusing = direction ? old_side : new_side;
        Json::Value acc(Json::arrayValue), ref(Json::arrayValue);
        for (const Reason& reason : wit.accepted_because) acc.append(ReasonText(accepting, reason));
        for (const Reason& reason : wit.refused_because) ref.append(ReasonText(refusing, reason));
        w["accepted_because"] = acc;
        w["refused_because"] = ref;
        witnesses.append(w);
      }
    }
  }
  root["widened"] = widened;
  root["narrowed"] = narrowed;
  root["undecided"] = undecided;
  root["witnesses"] = witnesses;
  root["trusts"] = trusts;
  Json::StreamWriterBuilder b;
  b["indentation"] = "  ";
  b["emitUTF8"] = true;
  std::fputs((Json::writeString(b, root) + "\n").c_str(), stdout);
}

int PrintLoadErrors(const Side& side) {
  for (const Status& e : side.load.errors)
    std::fputs(fmt::format("trustcheck: {}\n", Shown(side, e.ToString())).c_str(), stderr);
  return side.load.errors.empty() ? kExitOk : kExitError;
}

}  // namespace

int DiffCommand(int argc, char** argv) {
  Args args;
  const CommandSpec spec = Spec();
  if (!ParseArgs(argc, argv, spec, &args)) return kExitError;
  if (args.Has("help")) {
    std::fputs(Help(spec).c_str(), stdout);
    return kExitOk;
  }
  std::string format = args.Get("format", "text");
  if (!CheckChoice("format", format, {"text", "json"})) return kExitError;
  bool git = args.Has("git");
  if (git ? args.positional.size() != 1 : args.positional.size() != 2)
    return UsageError(std::string(git ? "`--git REV` takes exactly one PATH\n" : "expected OLD and NEW\n") + Usage(spec));
  int64_t at = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  if (args.Has("at")) {
    auto t = ParseTime(args.Get("at"));
    if (!t.ok()) return UsageError(fmt::format("`--at`: {}", t.status().message()));
    at = *t;
  }
  LoadOptions options;
  options.forced_format = args.Get("type");
  if (!ApplyLimitFlags(args, &options.limits)) return kExitError;
  if (!ApplyTerraformVariableFlags(args, &options)) return kExitError;
  Side old_side, new_side;
  Status s;
  if (git) {
    old_side.label = args.Get("git") + ":" + args.positional[0];
    new_side.label = args.positional[0];
    s = LoadDiffSideAt(args.Get("git"), args.positional[0], options, &old_side);
    std::error_code ec;
    if (s.ok() && !fs::exists(args.positional[0], ec)) {
      // Deleted in the work tree: every trust of REV was removed.
    } else if (s.ok()) {
      s = LoadSide(args.positional[0], options, &new_side);
    }
  } else {
    old_side.label = args.positional[0];
    new_side.label = args.positional[1];
    s = LoadSide(args.positional[0], options, &old_side);
    if (s.ok()) s = LoadSide(args.positional[1], options, &new_side);
  }
  if (!s.ok()) {
    RemoveSnapshot(old_side.snapshot);
    return InputError(s);
  }
  int load_errors = std::max(PrintLoadErrors(old_side), PrintLoadErrors(new_side));

  DiffOptions diff;
  diff.now = at;
  std::vector<Row> rows = DiffTrusts(old_side, new_side, diff);
  if (format == "json") PrintJson(rows, old_side, new_side);
  else PrintText(rows, old_side, new_side, lint::WantColor(args.Has("no-color")));
  RemoveSnapshot(old_side.snapshot);
  if (load_errors != kExitOk) return kExitError;
  bool widened = std::any_of(rows.begin(), rows.end(), [](const Row& r) { return r.change.widened.answer == Answer::kYes; });
  return widened ? kExitNegative : kExitOk;
}

}  // namespace trustcheck::cli

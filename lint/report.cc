// The outputs of `trustcheck lint`: text, JSON, SARIF, GitHub workflow
// commands and GitLab Code Quality.

#include "lint/report.h"

#include <fmt/format.h>
#include <json/json.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "lint/docs.h"
#include "lint/style.h"

namespace trustcheck::lint {


namespace {

std::string WriteCompactJson(const Json::Value& v) {
  Json::StreamWriterBuilder b;
  b["indentation"] = "";
  b["emitUTF8"] = true;
  return Json::writeString(b, v);
}

std::string WriteJson(const Json::Value& v) {
  Json::StreamWriterBuilder b;
  b["indentation"] = "  ";
  b["emitUTF8"] = true;
  return Json::writeString(b, v) + "\n";
}


// Longest excerpt shown: a minified JSON file is one line of megabytes, and
// repeating it under every finding made the report quadratic in the file.
constexpr size_t kMaxExcerptBytes = 160;

// The source line and a caret under the column, tabs kept for alignment.
// A long line shows only a window around the column, elided with `...`.
std::string SourceExcerpt(const SourceLines* lines, const SourceLoc& loc, bool color) {
  if (!lines || !loc.known()) return "";
  std::string_view line = lines->Line(loc.line);
  if (line.empty()) return "";
  size_t column = loc.column > 0 ? loc.column - 1 : 0;  // bytes before the caret
  std::string prefix, suffix;
  if (line.size() > kMaxExcerptBytes) {
    auto continuation = [&](size_t i) { return i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80; };
    size_t start = column > kMaxExcerptBytes / 2 ? column - kMaxExcerptBytes / 2 : 0;
    while (start > 0 && continuation(start)) --start;
    size_t end = std::min(line.size(), start + kMaxExcerptBytes);
    while (end < line.size() && continuation(end)) ++end;
    if (start > 0) prefix = "...";
    if (end < line.size()) suffix = "...";
    line = line.substr(start, end - start);
    column = column >= start ? column - start : 0;
  }
  std::string number = std::to_string(loc.line);
  std::string pad(number.size(), ' ');
  std::string caret(prefix.size(), ' ');
  for (size_t i = 0; i < column && i < line.size(); ++i) caret += line[i] == '\t' ? '\t' : ' ';
  std::string mark = Paint(color, Tone::kMarker, "^");
  return fmt::format("    {} | {}{}{}\n    {} | {}{}\n", number, prefix, line, suffix, pad, caret, mark);
}

std::string Summary(const std::vector<Finding>& findings, const std::vector<LoadedFile>& files, size_t skipped,
                    bool listed) {
  size_t trusts = 0;
  for (const LoadedFile& f : files) trusts += f.trusts.size();
  std::string checked = fmt::format("{} trust{} in {} file{}", trusts, trusts == 1 ? "" : "s", files.size(),
                                    files.size() == 1 ? "" : "s");
  checked += " checked";
  if (skipped > 0)
    checked += fmt::format("; {} file{} skipped{}", skipped, skipped == 1 ? "" : "s",
                           listed ? "" : ", --show-skipped lists them");
  if (findings.empty()) return fmt::format("no findings ({})\n", checked);
  std::map<Severity, size_t, std::greater<>> by_severity;
  std::map<std::string, int> with_findings;
  for (const Finding& f : findings) {
    by_severity[f.severity]++;
    with_findings[f.loc.path()] = 1;
  }
  std::string counts;
  for (const auto& [s, n] : by_severity) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, SeverityName(s));
  return fmt::format("{} finding{} in {} file{}: {} ({})\n", findings.size(), findings.size() == 1 ? "" : "s",
                     with_findings.size(), with_findings.size() == 1 ? "" : "s", counts, checked);
}

// The path without leading `./`.
std::string RelativePath(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  return path;
}

// A relative path as a URI reference (RFC 3986): unreserved bytes and `/`
// stay, everything else is percent-encoded. Absolute paths become file URIs.
std::string PathUri(std::string path) {
  path = RelativePath(std::move(path));
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return path.rfind('/', 0) == 0 ? "file://" + out : out;
}

// GitHub code scanning ranks results by this number (critical >= 9.0,
// high >= 7.0, medium >= 4.0, low below).
const char* SecuritySeverity(Severity s) {
  switch (s) {
    case Severity::kCritical: return "9.5";
    case Severity::kHigh: return "8.0";
    case Severity::kMedium: return "5.5";
    case Severity::kLow: return "3.0";
    case Severity::kInfo: return "1.0";
  }
  return "0.0";
}

}  // namespace

const char* SarifLevel(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
    case Severity::kHigh: return "error";
    case Severity::kMedium: return "warning";
    case Severity::kLow:
    case Severity::kInfo: return "note";
  }
  return "none";
}

std::string RenderText(const ReportInput& in) {
  std::string out;
  std::string current;
  for (const Finding& f : *in.findings) {
    const std::string& path = f.loc.path();
    if (path != current || out.empty()) {
      if (!out.empty()) out += "\n";
      out += Paint(in.color, Tone::kHeading, path.empty() ? std::string("(no file)") : path) + "\n";
      current = path;
    }
    std::string where = f.loc.known() ? fmt::format("{}:{}", f.loc.line, f.loc.column) : std::string("-");
    out += fmt::format("  {}  {}  {}  {}\n", where, PaintSeverity(in.color, f.severity),
                       Paint(in.color, Tone::kQuiet, f.rule + " " + f.name), f.message);
    out += SourceExcerpt(in.sources ? in.sources->Get(path) : nullptr, f.loc, in.color);
    if (in.witnesses && f.witness) {
      out += fmt::format("    witness: {}\n", WriteCompactJson(*f.witness));
      for (const std::string& a : f.assumptions) out += fmt::format("    assumes: {}\n", a);
    }
  }
  if (!out.empty()) out += "\n";
  size_t skipped = in.skipped ? in.skipped->size() : 0;
  if (in.list_skipped && skipped > 0) {
    for (const SkippedFile& s : *in.skipped) out += fmt::format("skipped {}: {}\n", s.path, s.reason);
    out += "\n";
  }
  out += Summary(*in.findings, *in.files, skipped, in.list_skipped);
  return out;
}

std::string RenderJson(const ReportInput& in) {
  Json::Value root(Json::objectValue);
  Json::Value files(Json::arrayValue);
  for (const LoadedFile& f : *in.files) {
    Json::Value v(Json::objectValue);
    v["path"] = f.path;
    v["format"] = f.format;
    v["trusts"] = static_cast<Json::UInt64>(f.trusts.size());
    files.append(v);
  }
  root["files"] = files;
  Json::Value skipped(Json::arrayValue);
  if (in.skipped)
    for (const SkippedFile& s : *in.skipped) {
      Json::Value v(Json::objectValue);
      v["path"] = s.path;
      v["reason"] = s.reason;
      skipped.append(v);
    }
  root["skipped"] = skipped;
  Json::Value findings(Json::arrayValue);
  for (const Finding& f : *in.findings) {
    Json::Value v(Json::objectValue);
    v["rule"] = f.rule;
    v["name"] = f.name;
    v["severity"] = SeverityName(f.severity);
    v["message"] = f.message;
    v["source"] = f.loc.path();
    v["line"] = f.loc.line;
    v["column"] = f.loc.column;
    if (f.witness) v["witness"] = *f.witness;
    if (!f.assumptions.empty()) {
      Json::Value assumes(Json::arrayValue);
      for (const std::string& a : f.assumptions) assumes.append(a);
      v["assumes"] = assumes;
    }
    findings.append(v);
  }
  root["findings"] = findings;
  return WriteJson(root);
}

std::string RenderSarif(const ReportInput& in) {
  Json::Value driver(Json::objectValue);
  driver["name"] = "trustcheck";
  driver["version"] = in.tool_version;
  driver["semanticVersion"] = in.tool_version;
  Json::Value rules(Json::arrayValue);
  std::map<std::string, Json::ArrayIndex> index;
  for (const auto& r : in.registry->rules()) {
    const RuleInfo& i = r->info();
    Json::Value rule(Json::objectValue);
    rule["id"] = i.id;
    rule["name"] = i.name;
    rule["shortDescription"]["text"] = std::string(i.summary);
    rule["fullDescription"]["text"] = std::string(i.why);
    rule["help"]["text"] = RenderRuleText(i);
    rule["help"]["markdown"] = RenderRuleMarkdown(i);
    rule["defaultConfiguration"]["level"] = SarifLevel(i.severity);
    Json::Value tags(Json::arrayValue);
    tags.append("security");
    tags.append("oidc");
    rule["properties"]["tags"] = tags;
    rule["properties"]["precision"] = "high";
    rule["properties"]["severity"] = SeverityName(i.severity);
    rule["properties"]["security-severity"] = SecuritySeverity(i.severity);
    index[i.id] = rules.size();
    rules.append(rule);
  }
  driver["rules"] = rules;
  Json::Value results(Json::arrayValue);
  for (const Finding& f : *in.findings) {
    Json::Value result(Json::objectValue);
    result["ruleId"] = f.rule;
    auto it = index.find(f.rule);
    if (it != index.end()) result["ruleIndex"] = it->second;
    result["level"] = SarifLevel(f.severity);
    result["message"]["text"] = f.message;
    Json::Value physical(Json::objectValue);
    physical["artifactLocation"]["uri"] = PathUri(f.loc.path());
    if (f.loc.path().rfind('/', 0) != 0) physical["artifactLocation"]["uriBaseId"] = "%SRCROOT%";
    // SARIF regions are 1-based; a finding about a whole file points at its start.
    physical["region"]["startLine"] = f.loc.line > 0 ? f.loc.line : 1;
    physical["region"]["startColumn"] = f.loc.column > 0 ? f.loc.column : 1;
    Json::Value location(Json::objectValue);
    location["physicalLocation"] = physical;
    result["locations"].append(location);
    result["properties"]["severity"] = SeverityName(f.severity);
    // The token that proves a breadth finding, as `trustcheck eval` takes it.
    if (f.witness) result["properties"]["witness"] = *f.witness;
    if (!f.assumptions.empty())
      for (const std::string& a : f.assumptions) result["properties"]["assumes"].append(a);
    results.append(result);
  }
  Json::Value run(Json::objectValue);
  run["tool"]["driver"] = driver;
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = results;
  Json::Value root(Json::objectValue);
  root["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  root["version"] = "2.1.0";
  root["runs"].append(run);
  return WriteJson(root);
}

namespace {

// GitHub workflow commands: the message is data (`%`, CR and LF escaped),
// property values also escape `:` and `,` (GitHub's runner reads them as
// separators). Checked against actions/toolkit's escapeData/escapeProperty.
std::string GithubData(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string GithubProperty(const std::string& s) {
  std::string out;
  for (char c : GithubData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}


std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < size; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

}  // namespace

const char* GithubCommand(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
    case Severity::kHigh: return "error";
    case Severity::kMedium: return "warning";
    case Severity::kLow:
    case Severity::kInfo: return "notice";
  }
  return "notice";
}

const char* GitlabSeverity(Severity severity) {
  switch (severity) {
    case Severity::kCritical: return "blocker";
    case Severity::kHigh: return "critical";
    case Severity::kMedium: return "major";
    case Severity::kLow: return "minor";
    case Severity::kInfo: return "info";
  }
  return "info";
}

std::string RenderGithub(const ReportInput& in) {
  std::string out;
  for (const Finding& f : *in.findings) {
    std::string properties;
    if (!f.loc.path().empty()) properties += "file=" + GithubProperty(RelativePath(f.loc.path()));
    if (f.loc.known()) properties += fmt::format(",line={},col={}", f.loc.line, f.loc.column);
    properties += std::string(properties.empty() ? "" : ",") + "title=" + GithubProperty(f.rule + " " + f.name);
    std::string message = f.message;
    if (f.witness) message += "\nwitness: " + WriteCompactJson(*f.witness);
    for (const std::string& a : f.assumptions) message += "\nassumes: " + a;
    out += fmt::format("::{} {}::{}\n", GithubCommand(f.severity), properties, GithubData(message));
  }
  // A plain line, shown in the job's log.
  size_t skipped = in.skipped ? in.skipped->size() : 0;
  out += Summary(*in.findings, *in.files, skipped, false);
  return out;
}

std::string GitlabFingerprint(const Finding& finding, int occurrence) {
  return Sha256Hex(fmt::format("{}\n{}\n{}\n{}", finding.rule, RelativePath(finding.loc.path()), finding.message,
                               occurrence));
}

std::string RenderGitlab(const ReportInput& in) {
  Json::Value issues(Json::arrayValue);
  // The same finding twice in one file (two equal values): the count keeps
  // their fingerprints apart; lines stay out so that edits elsewhere in
  // the file do not make a finding look new.
  std::map<std::string, int> seen;
  for (const Finding& f : *in.findings) {
    Json::Value issue(Json::objectValue);
    issue["type"] = "issue";
    issue["check_name"] = f.rule + " " + f.name;
    std::string description = f.message;
    if (f.witness) description += "; witness: " + WriteCompactJson(*f.witness);
    issue["description"] = description;
    issue["categories"].append("Security");
    std::string key = fmt::format("{}\n{}\n{}", f.rule, RelativePath(f.loc.path()), f.message);
    issue["fingerprint"] = GitlabFingerprint(f, seen[key]++);
    issue["severity"] = GitlabSeverity(f.severity);
    issue["location"]["path"] = RelativePath(f.loc.path());
    issue["location"]["lines"]["begin"] = f.loc.line > 0 ? f.loc.line : 1;
    issues.append(issue);
  }
  return WriteJson(issues);
}

}  // namespace trustcheck::lint

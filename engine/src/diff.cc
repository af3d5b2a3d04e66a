#include "trustcheck/diff.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

namespace trustcheck {

namespace fs = std::filesystem;

namespace {

std::string Relative(const std::string& file, const std::string& root, bool root_is_dir) {
  if (!root_is_dir) return "";
  std::error_code ec;
  fs::path rel = fs::relative(fs::path(file), fs::path(root), ec);
  return ec ? file : rel.generic_string();
}

// The access unit of an Entra credential: the application or managed
// identity whose credentials they are. A file of credentials (`az ad app
// federated-credential list`) is one unit; Terraform names it by
// `application_id` or `parent_id` (the access unit, TrustFacts::access_unit).
std::string AccessUnitKey(const DiffEntry& e) {
  return e.rel + "\n" + e.trust->loc.path() + "\n" + e.trust->facts.access_unit;
}

void GroupAccessUnits(DiffSide* side) {
  std::map<std::string, std::vector<size_t>> by_unit;
  for (size_t i = 0; i < side->entries.size(); ++i) {
    const Trust& t = *side->entries[i].trust;
    if (t.platform == Platform::kAzure && t.kind == TrustKind::kFederatedCredential)
      by_unit[AccessUnitKey(side->entries[i])].push_back(i);
  }
  std::vector<bool> grouped(side->entries.size(), false);
  std::vector<DiffEntry> units;
  for (const auto& [key, indices] : by_unit) {
    const DiffEntry& first = side->entries[indices.front()];
    Trust unit = *first.trust;
    unit.statements.clear();
    unit.notes.clear();
    const std::string& name = first.trust->facts.access_unit;
    unit.name = !name.empty() ? name : fs::path(first.trust->loc.path()).filename().string();
    unit.kind = TrustKind::kApplication;
    std::vector<const Trust*> members;
    for (size_t i : indices) {
      const Trust& c = *side->entries[i].trust;
      for (const Statement& st : c.statements) unit.statements.push_back(st);
      unit.notes.insert(unit.notes.end(), c.notes.begin(), c.notes.end());
      members.push_back(&c);
      grouped[i] = true;
    }
    side->units.push_back(std::move(unit));
    side->members[&side->units.back()] = std::move(members);
    units.push_back({&side->units.back(), first.rel, first.index});
  }
  std::vector<DiffEntry> kept;
  for (size_t i = 0; i < side->entries.size(); ++i)
    if (!grouped[i]) kept.push_back(side->entries[i]);
  kept.insert(kept.end(), units.begin(), units.end());
  side->entries = std::move(kept);
}

std::string Identity(const Trust& t) {
  return fmt::format("{}|{}|{}", PlatformName(t.platform), TrustKindName(t.kind), t.arn.empty() ? t.name : t.arn);
}

// By identity within the same file, then by identity anywhere (a trust that
// moved), then by position within the same file (single files with
// different names, trusts renamed in place).
std::vector<DiffPair> PairTrusts(const DiffSide& old_side, const DiffSide& new_side) {
  std::vector<DiffPair> pairs;
  std::vector<bool> old_used(old_side.entries.size()), new_used(new_side.entries.size());
  auto unique_match = [&](auto key_of) {
    std::map<std::string, std::vector<size_t>> olds, news;
    for (size_t i = 0; i < old_side.entries.size(); ++i)
      if (!old_used[i]) olds[key_of(old_side.entries[i])].push_back(i);
    for (size_t i = 0; i < new_side.entries.size(); ++i)
      if (!new_used[i]) news[key_of(new_side.entries[i])].push_back(i);
    for (const auto& [key, o] : olds) {
      auto it = news.find(key);
      if (it == news.end() || o.size() != 1 || it->second.size() != 1) continue;
      old_used[o[0]] = new_used[it->second[0]] = true;
      pairs.push_back({&old_side.entries[o[0]], &new_side.entries[it->second[0]]});
    }
  };
  unique_match([](const DiffEntry& e) { return e.rel + "\n" + Identity(*e.trust); });
  unique_match([](const DiffEntry& e) { return Identity(*e.trust); });
  unique_match([](const DiffEntry& e) {
    return fmt::format("{}\n{}|{}|{}", e.rel, PlatformName(e.trust->platform), TrustKindName(e.trust->kind), e.index);
  });
  for (size_t i = 0; i < old_side.entries.size(); ++i)
    if (!old_used[i]) pairs.push_back({&old_side.entries[i], nullptr});
  for (size_t i = 0; i < new_side.entries.size(); ++i)
    if (!new_used[i]) pairs.push_back({nullptr, &new_side.entries[i]});
  return pairs;
}

Reached WhoGetsIn(const Trust* trust, int64_t now) {
  Reached out;
  if (!trust) return out;
  ExposureOptions options;
  options.now = now;
  out.known = true;
  for (const IssuerExposure& e : AnalyseExposure(*trust, options).issuers) {
    if (e.undecided && e.widest.empty()) out.known = false;
    if (e.widest.empty() || e.reach < out.reach || (e.reach == out.reach && !out.who.empty())) continue;
    out.reach = e.reach;
    out.who = e.widest.front().who;
  }
  return out;
}

DiffStatus StatusOf(const DiffRow& r) {
  if (!r.pair.old_entry) return DiffStatus::kAdded;
  if (!r.pair.new_entry) return DiffStatus::kRemoved;
  if (r.change.widened.answer == Answer::kYes || r.change.narrowed.answer == Answer::kYes) return DiffStatus::kChanged;
  if (r.change.widened.answer == Answer::kUndecided || r.change.narrowed.answer == Answer::kUndecided)
    return DiffStatus::kUndecided;
  return DiffStatus::kUnchanged;
}

}  // namespace

const char* DiffStatusName(DiffStatus status) {
  switch (status) {
    case DiffStatus::kAdded: return "added";
    case DiffStatus::kRemoved: return "removed";
    case DiffStatus::kChanged: return "changed";
    case DiffStatus::kUndecided: return "undecided";
    case DiffStatus::kUnchanged: return "unchanged";
  }
  return "unchanged";
}

Status LoadDiffSide(const std::string& path, const LoadOptions& options, DiffSide* side) {
  TRUSTCHECK_ASSIGN_OR_RETURN(side->load, LoadPaths({path}, options));
  std::error_code ec;
  bool dir = fs::is_directory(path, ec);
  for (const LoadedFile& f : side->load.files)
    for (size_t i = 0; i < f.trusts.size(); ++i)
      side->entries.push_back({&f.trusts[i], Relative(f.path, path, dir), i});
  GroupAccessUnits(side);
  return Status();
}

Status LoadDiffSideAt(const std::string& rev, const std::string& path, const LoadOptions& options, DiffSide* side) {
  TRUSTCHECK_ASSIGN_OR_RETURN(side->snapshot, SnapshotAt(rev, path, options.limits.max_file_bytes));
  if (side->snapshot.load_path.empty()) return Status();  // absent at REV: every trust of PATH is new
  return LoadDiffSide(side->snapshot.load_path, options, side);
}

std::string ShownOnSide(const DiffSide& side, const std::string& path_or_location) {
  return ShownPath(side.snapshot, path_or_location);
}

std::vector<DiffRow> DiffTrusts(const DiffSide& old_side, const DiffSide& new_side, const DiffOptions& options) {
  AnalysisOptions analysis;
  analysis.now = options.now;
  analysis.max_witnesses = options.max_witnesses;
  std::vector<DiffRow> rows;
  for (const DiffPair& p : PairTrusts(old_side, new_side)) {
    const Trust* old_trust = p.old_entry ? p.old_entry->trust : nullptr;
    const Trust* new_trust = p.new_entry ? p.new_entry->trust : nullptr;
    DiffRow row{p, CompareTrusts(old_trust, new_trust, analysis), WhoGetsIn(old_trust, options.now),
                WhoGetsIn(new_trust, options.now)};
    row.status = StatusOf(row);
    rows.push_back(std::move(row));
  }
  return rows;
}

const Trust& TrustOf(const DiffRow& row) {
  return row.pair.new_entry ? *row.pair.new_entry->trust : *row.pair.old_entry->trust;
}

// The credentials of a unit pair that differ, by name: "`main` changed,
// `prod` removed, `release` added".
std::string CredentialChanges(const DiffSide& old_side, const DiffSide& new_side, const DiffRow& row) {
  const Trust* old_unit = row.pair.old_entry ? row.pair.old_entry->trust : nullptr;
  const Trust* new_unit = row.pair.new_entry ? row.pair.new_entry->trust : nullptr;
  auto members = [](const DiffSide& side, const Trust* unit) {
    std::map<std::string, std::string> out;  // name -> dump
    auto it = unit ? side.members.find(unit) : side.members.end();
    if (it != side.members.end())
      for (const Trust* c : it->second) out[c->name] = Dump(*c);
    return out;
  };
  std::map<std::string, std::string> before = members(old_side, old_unit), after = members(new_side, new_unit);
  std::vector<std::string> parts;
  for (const auto& [name, dump] : before) {
    auto it = after.find(name);
    if (it == after.end()) parts.push_back(fmt::format("`{}` removed", name));
    else if (it->second != dump) parts.push_back(fmt::format("`{}` changed", name));
  }
  for (const auto& [name, dump] : after)
    if (!before.count(name)) parts.push_back(fmt::format("`{}` added", name));
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

}  // namespace trustcheck

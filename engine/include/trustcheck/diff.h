// trustcheck/diff.h: two versions of a set of trusts, trust by trust.
//
// OVERVIEW
//
// `trustcheck diff OLD NEW` loads both sides (DiffSide), pairs their trusts
// (by identity in the same file, then by identity anywhere, then by
// position in the same file), and for each pair asks the analysis
// (trustcheck/analysis.h) in both directions whether one accepts a token
// the other refuses, and the exposure analysis (trustcheck/exposure.h) who
// gets in before and after. Entra federated credentials of one application
// or managed identity are compared as one trust (an access unit): any of
// them admits, so moving a subject between two credentials changes nothing.
//
//   DiffSide old_side, new_side;
//   TRUSTCHECK_RETURN_IF_ERROR(LoadDiffSide("before/", options, &old_side));
//   TRUSTCHECK_RETURN_IF_ERROR(LoadDiffSide("after/", options, &new_side));
//   for (const DiffRow& row : DiffTrusts(old_side, new_side, {.now = now}))
//     if (row.change.widened.answer == Answer::kYes) ...   // row.change.widened.witnesses prove it
//
// THREAD SAFETY
//
// A DiffSide owns its trusts; rows point into both sides, which must outlive
// them.

#ifndef TRUSTCHECK_DIFF_H_
#define TRUSTCHECK_DIFF_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "trustcheck/analysis.h"
#include "trustcheck/ast.h"
#include "trustcheck/exposure.h"
#include "trustcheck/git.h"
#include "trustcheck/load.h"
#include "trustcheck/status.h"

namespace trustcheck {

// One trust of a side: a loaded trust or an access unit.
struct DiffEntry {
  const Trust* trust = nullptr;
  std::string rel;   // its file, relative to the side's root ("" for a single file)
  size_t index = 0;  // position among the file's trusts
};

struct DiffSide {
  std::string label;  // the path as the user named it ("main:roles/" for a git revision)
  LoadResult load;
  std::vector<DiffEntry> entries;
  // Entra access units: made here, owned by the side; each unit's
  // credentials as loaded.
  std::deque<Trust> units;
  std::map<const Trust*, std::vector<const Trust*>> members;
  // Files read from a git revision live in a temporary folder (shown as
  // `REV:path`); RemoveSnapshot(side.snapshot) deletes it.
  GitSnapshot snapshot;
};

// Loads PATH (a file or a folder) into `side`: its entries, access units
// grouped.
Status LoadDiffSide(const std::string& path, const LoadOptions& options, DiffSide* side);
// PATH as it was at git revision REV (trustcheck/git.h). PATH absent at REV
// leaves the side empty.
Status LoadDiffSideAt(const std::string& rev, const std::string& path, const LoadOptions& options, DiffSide* side);

// A location or path of the side as people should see it (`REV:path` for a
// git revision).
std::string ShownOnSide(const DiffSide& side, const std::string& path_or_location);

struct DiffPair {
  const DiffEntry* old_entry = nullptr;  // null: added in NEW
  const DiffEntry* new_entry = nullptr;  // null: removed from OLD
};

// Who gets in through one version of a trust: the widest rung over its
// issuers, in the platform's words ("any repository of organisation `acme`").
struct Reached {
  Reach reach = Reach::kNobody;
  std::string who;     // "" when nobody gets in or it cannot be decided
  bool known = false;  // false: no trust, or the analysis could not decide
};

enum class DiffStatus : uint8_t { kAdded, kRemoved, kChanged, kUndecided, kUnchanged };
// "added", "removed", "changed", "undecided", "unchanged" (the JSON report's `status`).
const char* DiffStatusName(DiffStatus status);

struct DiffRow {
  DiffPair pair;
  TrustChange change;  // widened / narrowed, each with witnesses
  Reached old_reach, new_reach;
  DiffStatus status = DiffStatus::kUnchanged;
};

struct DiffOptions {
  int64_t now = 0;            // the time witnesses are evaluated at
  size_t max_witnesses = 3;   // per direction
};

std::vector<DiffRow> DiffTrusts(const DiffSide& old_side, const DiffSide& new_side, const DiffOptions& options);

// The trust of a row (NEW's when it has one).
const Trust& TrustOf(const DiffRow& row);

// The credentials of an access-unit pair that differ, by name ("`main`
// changed, `prod` removed, `release` added"); "" for other trusts.
std::string CredentialChanges(const DiffSide& old_side, const DiffSide& new_side, const DiffRow& row);

}  // namespace trustcheck

#endif  // TRUSTCHECK_DIFF_H_

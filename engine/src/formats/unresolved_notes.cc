#include "formats/unresolved_notes.h"

#include <set>
#include <string>
#include <utility>

namespace trustcheck {

namespace {

using Key = std::pair<std::string, std::string>;  // location, message

void Collect(const Node& node, std::set<Key>* seen, std::vector<LoweringNote>* out) {
  if (node.kind == Node::Kind::kUnknown && seen->insert({node.loc.ToString(), node.reason()}).second)
    out->push_back({LoweringNote::Kind::kUnresolved, node.loc, node.reason(), {}, {}});
  for (const Node& child : node.children) Collect(child, seen, out);
}

}  // namespace

void AddUnresolvedNotes(Trust* trust) {
  std::set<Key> seen;
  for (const LoweringNote& n : trust->notes) seen.insert({n.loc.ToString(), n.message});
  std::vector<LoweringNote> added;
  for (const Statement& s : trust->statements) Collect(s.when, &seen, &added);
  for (LoweringNote& n : added) trust->notes.push_back(std::move(n));
}

}  // namespace trustcheck

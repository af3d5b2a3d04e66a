#include "formats/value_tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "formats/entra_credential.h"

namespace trustcheck {

std::optional<size_t> FindHole(std::string_view text, size_t* start, size_t* end) {
  for (size_t i = 0; i + kHoleMarker.size() < text.size(); ++i) {
    bool match = true;
    for (size_t k = 0; k < kHoleMarker.size() && match; ++k) {
      match = std::tolower(static_cast<unsigned char>(text[i + k])) == kHoleMarker[k];
    }
    if (!match) continue;
    size_t j = i + kHoleMarker.size();
    size_t n = 0;
    bool digits = false;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) {
      n = n * 10 + static_cast<size_t>(text[j] - '0');
      ++j;
      digits = true;
    }
    if (!digits || text.substr(j, 2) != "@@") continue;
    if (start) *start = i;
    if (end) *end = j + 2;
    return n;
  }
  return std::nullopt;
}

std::string HoleText(size_t n) { return fmt::format("@@unknown-{}@@", n); }

TextPiece::Same SameOf(uint8_t tag) {
  return tag == kTagOwnAccount     ? TextPiece::Same::kOwnAccount
         : tag == kTagOwnPartition ? TextPiece::Same::kOwnPartition
                                   : TextPiece::Same::kNothing;
}

namespace {

bool MentionsHole(std::string_view text, const std::vector<Hole>& holes, const Hole** hole) {
  std::optional<size_t> n = FindHole(text);
  if (!n || *n >= holes.size()) return false;
  *hole = &holes[*n];
  return true;
}

const Hole* HoleInTest(const Test& t, const std::vector<Hole>& holes) {
  const Hole* hole = nullptr;
  for (const std::string& name : t.ref.names) {
    if (MentionsHole(name, holes, &hole)) return hole;
  }
  if (MentionsHole(t.ref.display, holes, &hole)) return hole;
  for (const Operand& op : t.operands) {
    if (MentionsHole(op.text, holes, &hole)) return hole;
  }
  return nullptr;
}

// `text` with each placeholder replaced by the hole as the source wrote it
// (`${var.org}`): the value the deployer's own input takes, as a symbol.
std::string WithSymbols(std::string text, const std::vector<Hole>& holes) {
  size_t start = 0, end = 0;
  while (std::optional<size_t> n = FindHole(text, &start, &end)) {
    std::string written = *n < holes.size() && !holes[*n].written.empty() ? holes[*n].written : "${unknown}";
    text.replace(start, end - start, written);
  }
  return text;
}

// The test as it reads once its values are filled with the deployer's own
// (Node::assumed); nullopt when a hole names what is read, not a value.
std::optional<Test> AssumedTest(const Test& t, const std::vector<Hole>& holes) {
  const Hole* hole = nullptr;
  for (const std::string& name : t.ref.names)
    if (MentionsHole(name, holes, &hole)) return std::nullopt;
  if (MentionsHole(t.ref.display, holes, &hole)) return std::nullopt;
  Test out = t;
  for (Operand& op : out.operands) {
    if (!FindHole(op.text)) continue;
    op.text = WithSymbols(op.text, holes);
    if (op.typed && op.typed->isString()) op.typed = std::make_shared<const Json::Value>(WithSymbols(op.typed->asString(), holes));
    op.pattern = Pattern::Compile(op.typed && op.typed->isString() ? op.typed->asString() : op.text, op.pattern.options());
  }
  return out;
}

void ReplaceHoles(Node* node, const std::vector<Hole>& holes) {
  const Hole* hole = nullptr;
  if (node->kind == Node::Kind::kTest && node->test) hole = HoleInTest(*node->test, holes);
  if ((node->kind == Node::Kind::kConst || node->kind == Node::Kind::kUnknown) && !hole) {
    MentionsHole(node->reason(), holes, &hole);
  }
  if (hole) {
    SourceLoc loc = node->loc.known() ? node->loc : hole->loc;
    std::optional<Test> assumed;
    if (node->kind == Node::Kind::kTest && node->test) assumed = AssumedTest(*node->test, holes);
    *node = assumed ? Node::Unknown(hole->reason, loc, Node::MakeTest(std::move(*assumed), loc))
                    : Node::Unknown(hole->reason, loc);
    return;
  }
  for (Node& child : node->children) ReplaceHoles(&child, holes);
}

std::string WithoutHoles(std::string text) {
  size_t start = 0, end = 0;
  while (FindHole(text, &start, &end)) text.replace(start, end - start, "(unknown)");
  return text;
}

}  // namespace

void ReplaceHoles(Trust* trust, const std::vector<Hole>& holes) {
  if (holes.empty()) return;
  for (Statement& s : trust->statements) ReplaceHoles(&s.when, holes);
  const Hole* hole = nullptr;
  trust->notes.erase(std::remove_if(trust->notes.begin(), trust->notes.end(),
                                    [&](const LoweringNote& n) { return MentionsHole(n.message, holes, &hole); }),
                     trust->notes.end());
  for (auto& [key, value] : trust->facts.labels) value = WithoutHoles(value);
  trust->facts.access_unit = WithoutHoles(trust->facts.access_unit);
  trust->name = WithoutHoles(trust->name);
}

void Guard(Trust* trust, const std::vector<Hole>& guards) {
  if (guards.empty()) return;
  for (Statement& s : trust->statements) {
    std::vector<Node> parts = {std::move(s.when)};
    // Assumed to hold: what the trust admits once it exists (an instance of
    // a `for_each` over an unknown collection) is what the exposure reports.
    for (const Hole& g : guards)
      parts.push_back(Node::Unknown(g.reason, g.loc, Node::Const(true, "assumed to exist once deployed", g.loc)));
    s.when = Node::And(std::move(parts), s.loc);
  }
}


Result<Trust> LowerEntraCredentialValue(const hcl::Value& credential, const SourceLoc& fallback,
                                        const std::string& format, const std::string& fallback_name) {
  Emitter emitter(fallback);
  Json::Value root;
  emitter.Emit(credential, &root);
  entra::CredentialInput input;
  input.credential = &root;
  input.locator = emitter.locator();
  input.format = format;
  input.fallback_name = fallback_name;
  TRUSTCHECK_ASSIGN_OR_RETURN(Trust trust, entra::LowerCredential(std::move(input)));
  ReplaceHoles(&trust, emitter.holes());
  return trust;
}

}  // namespace trustcheck

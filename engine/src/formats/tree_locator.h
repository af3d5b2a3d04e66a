// Internal: how a lowering finds source locations (and unknowns) for the
// values of a JSON-shaped tree, whatever file format the tree came from.
//
// JSON files locate values by jsoncpp offsets; YAML and HCL inputs build a
// Json::Value tree and remember each value's position by address.

#ifndef TRUSTCHECK_SRC_FORMATS_TREE_LOCATOR_H_
#define TRUSTCHECK_SRC_FORMATS_TREE_LOCATOR_H_

#include <json/json.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "source_text.h"
#include "trustcheck/status.h"

namespace trustcheck {

// One piece of a string value that is only partly known: a template such as
// CloudFormation's `arn:aws:iam::${AWS::AccountId}:oidc-provider/HOST` or a
// Terraform interpolation. Lowerings that can still decide something from
// the known text (the provider host of a Federated ARN, an over-approximation
// of a condition value) read the pieces; everything else sees the whole value
// as unknown.
struct TextPiece {
  std::string text;   // literal text; for a hole, how the source wrote it (`${AWS::AccountId}`)
  bool known = true;
  // Holes only: what is unknown, one lowercase sentence.
  std::string reason;
  // Holes only: the value is, by construction, the account (or partition) of
  // the trust being lowered (CloudFormation `AWS::AccountId` in the role's
  // own stack, Terraform `data.aws_caller_identity.current.account_id`), so
  // it cannot name another account even though its digits are unknown.
  enum class Same : uint8_t { kNothing, kOwnAccount, kOwnPartition };
  Same same = Same::kNothing;
};

class TreeLocator {
 public:
  virtual ~TreeLocator() = default;
  // Where the value starts.
  virtual SourceLoc ValueLoc(const Json::Value& value) const = 0;
  // Where the key introducing a member value is (defaults to the value).
  virtual SourceLoc KeyLoc(const Json::Value& member_value) const { return ValueLoc(member_value); }
  // A number that orders the members of one object as the source has them
  // (defaults to the key's line and column).
  virtual uint64_t MemberOrder(const Json::Value& member_value) const {
    SourceLoc loc = KeyLoc(member_value);
    return (static_cast<uint64_t>(loc.line) << 32) | loc.column;
  }
  // Non-null when the value could not be resolved (Terraform variable with no
  // default, computed attribute); the string says what is unknown.
  virtual const std::string* Unknown(const Json::Value& value) const { return nullptr; }
  // For an unknown string that is partly known: its pieces in order (at least
  // one of them a hole). nullptr otherwise.
  virtual const std::vector<TextPiece>* Pieces(const Json::Value& value) const { return nullptr; }
  // Where the whole input is, for errors with no better place.
  virtual SourceLoc FileLoc() const = 0;
};

// Locations from jsoncpp byte offsets into one source text.
class JsonTextLocator : public TreeLocator {
 public:
  explicit JsonTextLocator(const SourceText& source) : source_(source) {}
  SourceLoc ValueLoc(const Json::Value& value) const override { return LocOf(source_, value); }
  SourceLoc KeyLoc(const Json::Value& value) const override { return KeyLocOf(source_, value); }
  // A member's value starts after its key, and members do not overlap.
  uint64_t MemberOrder(const Json::Value& value) const override {
    return static_cast<uint64_t>(value.getOffsetStart());
  }
  SourceLoc FileLoc() const override { return source_.LocAtLine(1, 1); }

 private:
  const SourceText& source_;
};

// Locations remembered by address (values built from YAML, HCL, or a JSON
// string embedded in another file). Values not registered fall back to
// `fallback`.
class AddressLocator : public TreeLocator {
 public:
  explicit AddressLocator(SourceLoc fallback) : fallback_(std::move(fallback)) {}
  void Set(const Json::Value* value, SourceLoc loc) { locs_[value] = std::move(loc); }
  void SetKey(const Json::Value* value, SourceLoc loc) { key_locs_[value] = std::move(loc); }
  void SetUnknown(const Json::Value* value, std::string reason) { unknowns_[value] = std::move(reason); }
  // Marks a string as partly known (also call SetUnknown for it).
  void SetPieces(const Json::Value* value, std::vector<TextPiece> pieces) { pieces_[value] = std::move(pieces); }
  SourceLoc ValueLoc(const Json::Value& value) const override {
    auto it = locs_.find(&value);
    return it == locs_.end() ? fallback_ : it->second;
  }
  SourceLoc KeyLoc(const Json::Value& value) const override {
    auto it = key_locs_.find(&value);
    return it == key_locs_.end() ? ValueLoc(value) : it->second;
  }
  const std::string* Unknown(const Json::Value& value) const override {
    auto it = unknowns_.find(&value);
    return it == unknowns_.end() ? nullptr : &it->second;
  }
  const std::vector<TextPiece>* Pieces(const Json::Value& value) const override {
    auto it = pieces_.find(&value);
    return it == pieces_.end() ? nullptr : &it->second;
  }
  SourceLoc FileLoc() const override { return fallback_; }

 private:
  SourceLoc fallback_;
  std::unordered_map<const Json::Value*, std::vector<TextPiece>> pieces_;
  std::unordered_map<const Json::Value*, SourceLoc> locs_;
  std::unordered_map<const Json::Value*, SourceLoc> key_locs_;
  std::unordered_map<const Json::Value*, std::string> unknowns_;
};

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_TREE_LOCATOR_H_

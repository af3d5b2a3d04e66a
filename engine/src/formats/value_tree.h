// Internal: hcl::Value trees as the JSON-shaped trees the platform lowerings
// read, with unknowns kept.
//
// Formats that evaluate a language into hcl::Value (Terraform, Bicep and ARM
// templates) hand each platform lowering (aws_policy.h, entra_credential.h,
// vault_role.h, gcp_provider.h) a Json::Value whose every node is located
// where it was written (AddressLocator). An unknown value becomes a
// placeholder string `@@unknown-N@@` registered with the locator, with its
// reason and known pieces; where a lowering read such a placeholder as text
// anyway, ReplaceHoles turns what it built back into Unknown nodes, so no
// token is ever accepted because of an unknown.

#ifndef TRUSTCHECK_SRC_FORMATS_VALUE_TREE_H_
#define TRUSTCHECK_SRC_FORMATS_VALUE_TREE_H_

#include <json/json.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/tree_locator.h"
#include "hcl/hcl.h"
#include "trustcheck/ast.h"

namespace trustcheck {

// Tags the resolver puts on unknown pieces (hcl::Value::Piece::tag).
enum PieceTag : uint8_t { kTagNone = 0, kTagOwnAccount = 1, kTagOwnPartition = 2 };

// Placeholders stand for unknown values in text a lowering reads without
// asking the locator: `@@unknown-N@@`, matched case-insensitively (lowerings
// may fold case).
inline constexpr std::string_view kHoleMarker = "@@unknown-";

// The number of the first placeholder in `text` (and where it is), if any.
std::optional<size_t> FindHole(std::string_view text, size_t* start = nullptr, size_t* end = nullptr);
std::string HoleText(size_t n);

struct Hole {
  std::string reason;
  SourceLoc loc;
  std::string written = {};  // how the source wrote it, `${var.x}`
  uint8_t tag = kTagNone;
};

TextPiece::Same SameOf(uint8_t tag);

// Writes hcl::Values into a Json tree for a lowering, with an AddressLocator
// that knows every node's location and every unknown.
class Emitter {
  using Value = hcl::Value;

 public:
  explicit Emitter(SourceLoc fallback) : locator_(std::make_unique<AddressLocator>(std::move(fallback))) {}

  AddressLocator* locator() { return locator_.get(); }
  const std::vector<Hole>& holes() const { return holes_; }

  // A placeholder for an unknown value that a lowering may read as text.
  std::string NewHole(std::string reason, SourceLoc loc) {
    holes_.push_back({std::move(reason), std::move(loc)});
    return HoleText(holes_.size() - 1);
  }

  // Writes `v` into `slot`: unknowns become placeholder strings registered
  // as unknown (with their pieces); every value is located where it was
  // written.
  void Emit(const Value& v, Json::Value* slot) { Emit(v, slot, v.loc()); }

  void Emit(const Value& v, Json::Value* slot, const SourceLoc& loc) {
    switch (v.kind()) {
      case Value::Kind::kNull: *slot = Json::Value(Json::nullValue); break;
      case Value::Kind::kBool: *slot = v.as_bool(); break;
      case Value::Kind::kNumber: {
        double n = v.as_number();
        if (std::trunc(n) == n && std::fabs(n) < 9e15) {
          *slot = Json::Value(static_cast<Json::Int64>(n));
        } else {
          *slot = n;
        }
        break;
      }
      case Value::Kind::kString: *slot = v.as_string(); break;
      case Value::Kind::kTuple: {
        *slot = Json::Value(Json::arrayValue);
        Json::ArrayIndex i = 0;
        for (const Value& item : v.items()) Emit(item, &(*slot)[i++]);
        break;
      }
      case Value::Kind::kObject: {
        *slot = Json::Value(Json::objectValue);
        for (const auto& [key, item] : v.fields()) Emit(item, &(*slot)[key]);
        break;
      }
      case Value::Kind::kUnknown: {
        *slot = NewHole(v.unknown_reason(), loc);
        locator_->SetUnknown(slot, v.unknown_reason());
        if (!v.pieces().empty()) locator_->SetPieces(slot, TextPieces(v.pieces()));
        break;
      }
    }
    if (loc.known()) locator_->Set(slot, loc);
  }

  static std::vector<TextPiece> TextPieces(const std::vector<Value::Piece>& pieces) {
    std::vector<TextPiece> out;
    for (const Value::Piece& p : pieces) {
      TextPiece t;
      t.known = p.known;
      if (p.known) {
        t.text = p.text;
      } else {
        t.text = p.written.empty() ? "${...}" : p.written;
        t.reason = p.text;
        t.same = SameOf(p.tag);
      }
      out.push_back(std::move(t));
    }
    return out;
  }

 private:
  std::unique_ptr<AddressLocator> locator_;
  std::vector<Hole> holes_;
};

// After lowering: every node, note and attribute built from a placeholder
// becomes what it stands for, an unknown.
void ReplaceHoles(Trust* trust, const std::vector<Hole>& holes);

// The step every evaluated format (Terraform, Bicep, ARM) shares for an Entra
// federated credential: `credential` (issuer, subject, audiences,
// claimsMatchingExpression, name) written out as JSON, lowered by
// entra_credential.h, and the unknowns it read as text turned back into
// Unknown nodes. The caller sets the trust's location, format and context.
Result<Trust> LowerEntraCredentialValue(const hcl::Value& credential, const SourceLoc& fallback,
                                        const std::string& format, const std::string& fallback_name);

// Guards each statement with the unknowns the lowering did not see
// (assumed to hold: the trust as it reads once it exists).
void Guard(Trust* trust, const std::vector<Hole>& guards);

}  // namespace trustcheck

#endif  // TRUSTCHECK_SRC_FORMATS_VALUE_TREE_H_

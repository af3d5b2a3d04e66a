#include "formats/yaml_tree.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include "text/json_pointer.h"

namespace trustcheck {

namespace {

constexpr const char* kCoreTag = "tag:yaml.org,2002:";

bool IsNullText(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::optional<bool> BoolText(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// A decimal integer that survives a round trip through its number form
// (no leading zero, no `+`, within 64 bits): numbers like account IDs with a
// leading zero stay strings, so no digit is lost.
std::optional<Json::Value> IntegerText(const std::string& s) {
  static const RE2 kInt(R"(-?(0|[1-9][0-9]*))");
  if (s.size() > 20 || !RE2::FullMatch(s, kInt)) return std::nullopt;
  errno = 0;
  if (s[0] == '-') {
    long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == ERANGE) return std::nullopt;
    return Json::Value(static_cast<Json::Int64>(v));
  }
  unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return Json::Value(static_cast<Json::UInt64>(v));
}

std::optional<Json::Value> FloatText(const std::string& s) {
  static const RE2 kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (s.size() > 64 || !RE2::FullMatch(s, kFloat)) return std::nullopt;
  double v = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  return Json::Value(v);
}

class Converter {
 public:
  Converter(const SourceText& source, const YamlTreeOptions& options, YamlTree* out)
      : source_(source), options_(options), out_(out) {}

  Status Convert(const YAML::Node& node, Json::Value* slot, const SourceLoc& key_loc, const std::string& path,
                 int depth);

 private:
  SourceLoc MarkLoc(const YAML::Mark& m) const {
    if (m.line < 0) return source_.FileLoc();
    return source_.LocAtLine(static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1));
  }
  Status Scalar(const YAML::Node& node, const std::string& tag, const SourceLoc& loc, Json::Value* slot);
  Status Map(const YAML::Node& node, const SourceLoc& loc, Json::Value* slot, const std::string& path, int depth);

  const SourceText& source_;
  const YamlTreeOptions& options_;
  YamlTree* out_;
  size_t nodes_ = 0;
};

Status Converter::Scalar(const YAML::Node& node, const std::string& tag, const SourceLoc& loc, Json::Value* slot) {
  const std::string text = node.IsNull() ? std::string() : node.Scalar();
  if (tag == "!") {  // quoted or block scalar: always a string
    *slot = text;
    return Status();
  }
  if (tag.empty() || tag == "?") {  // plain scalar: core schema resolution
    if (node.IsNull() || IsNullText(text)) *slot = Json::Value(Json::nullValue);
    else if (auto b = BoolText(text)) *slot = *b;
    else if (auto i = IntegerText(text)) *slot = *i;
    else if (auto f = FloatText(text)) *slot = *f;
    else *slot = text;
    return Status();
  }
  const std::string core = kCoreTag;
  if (tag.compare(0, core.size(), core) == 0) {
    std::string kind = tag.substr(core.size());
    if (kind == "str") {
      *slot = text;
      return Status();
    }
    if (kind == "null" && IsNullText(text)) {
      *slot = Json::Value(Json::nullValue);
      return Status();
    }
    if (kind == "bool") {
      if (auto b = BoolText(text)) {
        *slot = *b;
        return Status();
      }
    }
    if (kind == "int") {
      if (auto i = IntegerText(text)) {
        *slot = *i;
        return Status();
      }
    }
    if (kind == "float") {
      if (auto f = FloatText(text)) {
        *slot = *f;
        return Status();
      }
    }
    return Status::Error(loc, fmt::format("`{}` is not a valid `!!{}` value", text, kind));
  }
  return Status::Error(loc, fmt::format("unsupported YAML tag `{}`", tag));
}

Status Converter::Map(const YAML::Node& node, const SourceLoc& loc, Json::Value* slot, const std::string& path,
                      int depth) {
  *slot = Json::Value(Json::objectValue);
  std::map<std::string, SourceLoc> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // A copy: `it->first` lives in a proxy that dies with the statement.
    const YAML::Node key = it->first;
    SourceLoc kloc = MarkLoc(key.Mark());
    if (!key.IsScalar() && !key.IsNull())
      return Status::Error(kloc, "YAML map keys must be plain strings");
    const std::string& ktag = key.Tag();
    if (!ktag.empty() && ktag != "?" && ktag != "!" && ktag != std::string(kCoreTag) + "str")
      return Status::Error(kloc, fmt::format("YAML map keys cannot carry the tag `{}`", ktag));
    std::string name = key.IsNull() ? std::string() : key.Scalar();
    auto prev = seen.find(name);
    if (prev != seen.end()) {
      out_->duplicates.push_back(
          {LoweringNote::Kind::kDuplicateKey, prev->second,
           fmt::format("key `{}` appears again later in the same map; only the last one is kept", name), name, path});
      prev->second = kloc;
    } else {
      seen.emplace(name, kloc);
    }
    slot->removeMember(name);
    Json::Value& child = (*slot)[name];
    TRUSTCHECK_RETURN_IF_ERROR(Convert(it->second, &child, kloc, path + "/" + JsonPointerToken(name), depth + 1));
    out_->locator->SetKey(&child, kloc);
  }
  (void)loc;
  return Status();
}

Status Converter::Convert(const YAML::Node& node, Json::Value* slot, const SourceLoc& key_loc,
                          const std::string& path, int depth) {
  SourceLoc loc = MarkLoc(node.Mark());
  // An empty value (`Key:` and nothing) is marked where the next token
  // starts; its key is the better place.
  if (node.IsNull() && key_loc.known() && loc.line != key_loc.line) loc = key_loc;
  if (++nodes_ > options_.max_nodes)
    return Status::Error(ErrorCode::kTooLarge, loc, fmt::format("YAML document expands to more than {} values", options_.max_nodes));
  if (depth > options_.max_depth) return Status::Error(ErrorCode::kTooLarge, loc, "YAML nesting is deeper than the limit");
  const std::string& tag = node.Tag();
  auto mapped = options_.tag_keys.find(tag);
  if (mapped != options_.tag_keys.end()) {
    // `!Tag value` is the one-member object {"Key": value}, located at the tag.
    *slot = Json::Value(Json::objectValue);
    Json::Value& inner = (*slot)[mapped->second];
    Status s;
    if (node.IsMap()) s = Map(node, loc, &inner, path + "/" + JsonPointerToken(mapped->second), depth + 1);
    else if (node.IsSequence()) {
      inner = Json::Value(Json::arrayValue);
      Json::ArrayIndex i = 0;
      for (const YAML::Node& item : node) {
        Json::Value& e = inner[i];
        s = Convert(item, &e, {}, fmt::format("{}/{}/{}", path, JsonPointerToken(mapped->second), i), depth + 2);
        if (!s.ok()) return s;
        ++i;
      }
    } else {
      // The tag stands for the type: its scalar is always a string.
      inner = node.IsNull() ? std::string() : node.Scalar();
    }
    if (!s.ok()) return s;
    out_->locator->Set(&inner, loc);
    out_->locator->Set(slot, loc);
    return Status();
  }
  if (!tag.empty() && tag[0] == '!' && tag != "!")
    return Status::Error(loc, fmt::format("unsupported YAML tag `{}`", tag));
  Status s;
  switch (node.Type()) {
    case YAML::NodeType::Map: s = Map(node, loc, slot, path, depth); break;
    case YAML::NodeType::Sequence: {
      *slot = Json::Value(Json::arrayValue);
      Json::ArrayIndex i = 0;
      for (const YAML::Node& item : node) {
        Json::Value& e = (*slot)[i];
        s = Convert(item, &e, {}, fmt::format("{}/{}", path, i), depth + 1);
        if (!s.ok()) return s;
        ++i;
      }
      break;
    }
    case YAML::NodeType::Scalar:
    case YAML::NodeType::Null: s = Scalar(node, tag, loc, slot); break;
    case YAML::NodeType::Undefined: *slot = Json::Value(Json::nullValue); break;
  }
  if (!s.ok()) return s;
  out_->locator->Set(slot, loc);
  return Status();
}

}  // namespace

Result<YamlTree> YamlToJson(const YAML::Node& document, const SourceText& source, const YamlTreeOptions& options) {
  YamlTree tree;
  tree.root = std::make_unique<Json::Value>();
  tree.locator = std::make_unique<AddressLocator>(source.LocAtLine(1, 1));
  Converter converter(source, options, &tree);
  TRUSTCHECK_RETURN_IF_ERROR(converter.Convert(document, tree.root.get(), {}, "", 0));
  return tree;
}

}  // namespace trustcheck

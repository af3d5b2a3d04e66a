// TraceScalar: decoded JSON strings and YAML scalars traced back to their
// bytes in the file, checked against what yaml-cpp and jsoncpp decode.

#include "formats/scalar_trace.h"

#include <gtest/gtest.h>
#include <json/json.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <string>

namespace trustcheck {
namespace {

// "c@offset" for each decoded byte (spaces as _, newlines as \n), then "$@end".
std::string Describe(std::string_view text, const std::vector<uint32_t>& offsets, std::string_view decoded) {
  std::string out;
  for (size_t i = 0; i < decoded.size(); ++i) {
    out += decoded[i] == '\n' ? std::string("\\n") : decoded[i] == ' ' ? std::string("_") : std::string(1, decoded[i]);
    out += "@" + std::to_string(offsets[i]) + " ";
  }
  return out + "$@" + std::to_string(offsets.back());
}

struct YamlCase {
  std::string doc;    // a YAML document with the scalar under key `k`
  std::string trace;  // Describe() of the trace, or "none"
};

TEST(ScalarTrace, YamlScalars) {
  const YamlCase cases[] = {
      {"k: a == 'x'\n", "a@3 _@4 =@5 =@6 _@7 '@8 x@9 '@10 $@11"},
      // Plain scalars fold: trailing blanks go, a single break is a space.
      {"k: a   \n  b\n", "a@3 _@7 b@10 $@11"},
      {"k: a\n\n  b\n", "a@3 \\n@4 b@8 $@9"},
      {"k: 'it''s'\n", "i@4 t@5 '@6 s@8 $@9"},
      {"k: 'a\n  b'\n", "a@4 _@5 b@8 $@9"},
      {"k: \"a\\tb\\\"\"\n", "a@4 \t@5 b@7 \"@8 $@10"},
      {"k: \"\\u00e9\\x41\"\n", "\xC3@4 \xA9@4 A@10 $@14"},
      {"k: \"a \\\n   b\"\n", "a@4 _@5 b@11 $@12"},
      {"k: |\n  a\n    b\n\n  c\nz: 1\n", "a@7 \\n@8 _@11 _@12 b@13 \\n@14 \\n@15 c@18 \\n@19 $@20"},
      {"k: |-\n  a\n  b\n", "a@8 \\n@9 b@12 $@13"},
      {"k: >\n  a\n  b\n\n  c\nz: 1\n", "a@7 _@8 b@11 \\n@12 c@16 \\n@17 $@18"},
      {"k: >-\n  a &&\n  b\n", "a@8 _@9 &@10 &@11 _@12 b@15 $@16"},
      {"k: |2\n   a\n", "none"},  // explicit indentation indicator
  };
  for (const YamlCase& c : cases) {
    YAML::Node doc = YAML::Load(c.doc);
    YAML::Node k = doc["k"];
    std::string decoded = k.as<std::string>();
    auto trace = TraceScalar(c.doc, k.Mark().pos, decoded);
    EXPECT_EQ(trace ? Describe(c.doc, *trace, decoded) : "none", c.trace) << c.doc;
  }
}

TEST(ScalarTrace, JsonStrings) {
  const std::string text = R"({"k": "a \"q\" \\ \/ \ud83d\ude00 \n x"})";
  Json::Value json;
  Json::CharReaderBuilder builder;
  std::string errors;
  std::istringstream in(text);
  ASSERT_TRUE(Json::parseFromStream(builder, in, &json, &errors)) << errors;
  std::string decoded = json["k"].asString();
  auto trace = TraceScalar(text, 6, decoded);
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(Describe(text, *trace, decoded),
            "a@7 _@8 \"@9 q@11 \"@12 _@14 \\@15 _@17 /@18 _@20 \xF0@21 \x9F@21 \x98@21 \x80@21 _@33 \\n@34 _@36 x@37 $@38");
}

TEST(ScalarTrace, RefusesWhatItCannotExplain) {
  // The decoded text does not come from these bytes.
  EXPECT_FALSE(TraceScalar("k: abc\n", 3, "abd").has_value());
  EXPECT_FALSE(TraceScalar("k: 'abc\n", 3, "abcdef").has_value());
  EXPECT_FALSE(TraceScalar("k: \"a\\q\"", 3, "aq").has_value());
  EXPECT_FALSE(TraceScalar("k: a", 10, "a").has_value());
}

TEST(ScalarTrace, OffsetOfLineColumn) {
  const std::string text = "ab\ncd\n\nef";
  EXPECT_EQ(OffsetOfLineColumn(text, 1, 1), 0u);
  EXPECT_EQ(OffsetOfLineColumn(text, 2, 2), 4u);
  EXPECT_EQ(OffsetOfLineColumn(text, 4, 1), 7u);
  EXPECT_FALSE(OffsetOfLineColumn(text, 5, 1).has_value());
  EXPECT_FALSE(OffsetOfLineColumn(text, 0, 1).has_value());
}

}  // namespace
}  // namespace trustcheck

// Status error codes (trustcheck/status.h): each kind of failure a caller may
// act on carries its code, from the reader, the loader and the lowerings.

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "test_support.h"
#include "trustcheck/load.h"
#include "trustcheck/read.h"
#include "trustcheck/status.h"

namespace trustcheck {
namespace {

TEST(Status, OkAndPlainErrors) {
  EXPECT_EQ(Status().code(), ErrorCode::kInvalid);
  Status plain = Status::Error(SourceLoc::File("p.json"), "`Effect` must be `Allow` or `Deny`");
  EXPECT_EQ(plain.code(), ErrorCode::kInvalid);
  Status coded = Status::Error(ErrorCode::kUnreadable, SourceLoc::File("p.json"), "cannot read file: permission denied");
  EXPECT_EQ(coded.code(), ErrorCode::kUnreadable);
  EXPECT_EQ(coded.ToString(), "p.json: error: cannot read file: permission denied");
}

TEST(Status, CodeNames) {
  const std::vector<std::pair<ErrorCode, std::string>> names = {
      {ErrorCode::kInvalid, "invalid"},         {ErrorCode::kUnreadable, "unreadable"},
      {ErrorCode::kTooLarge, "too-large"},      {ErrorCode::kUnsupported, "unsupported"},
      {ErrorCode::kInternal, "internal"},
  };
  for (const auto& [code, name] : names) EXPECT_EQ(ErrorCodeName(code), name);
}

// The first error of loading `text` (as `type` when not empty) with `limits`.
Status LoadError(const std::string& path, const std::string& text, const std::string& type = "",
                 const LoadLimits& limits = {}) {
  LoadOptions options;
  options.forced_format = type;
  options.limits = limits;
  auto file = LoadText(path, text, options);
  return file.ok() ? Status() : file.status();
}

TEST(Status, LoadErrorsCarryTheirCode) {
  LoadLimits small;
  small.max_file_bytes = 16;
  LoadLimits shallow;
  shallow.max_depth = 3;
  const std::string policy =
      R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "x"},
          "Action": "sts:AssumeRoleWithWebIdentity"}]})";
  struct Case {
    std::string name;
    Status error;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"malformed policy", LoadError("p.json", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Perhaps"}]})",
                                     "aws-policy"),
       ErrorCode::kInvalid},
      {"file over the byte limit", LoadError("p.json", policy, "", small), ErrorCode::kTooLarge},
      {"nesting over the depth limit", LoadError("p.json", R"({"a": {"b": {"c": {"d": {}}}}})", "", shallow),
       ErrorCode::kTooLarge},
      {"unknown --type", LoadError("p.json", policy, "no-such-format"), ErrorCode::kUnsupported},
      {"no known format", LoadError("p.json", R"({"hello": "world"})"), ErrorCode::kUnsupported},
  };
  for (const Case& c : cases) {
    ASSERT_FALSE(c.error.ok()) << c.name;
    EXPECT_EQ(c.error.code(), c.code) << c.name << ": " << c.error.ToString();
  }
}

TEST(Status, ReadErrorsCarryTheirCode) {
  auto missing = ReadBounded(testing::TestTempDir() + "/no-such-file.json", {.max_bytes = 1024, .what = "file"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kUnreadable) << missing.status().ToString();
  const std::string path = testing::TestTempDir() + "/big.json";
  std::ofstream(path) << std::string(100, ' ');
  auto big = ReadBounded(path, {.max_bytes = 10, .what = "token"});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), ErrorCode::kTooLarge) << big.status().ToString();
  auto paths = LoadPaths({testing::TestTempDir() + "/no-such-folder"}, {});
  ASSERT_FALSE(paths.ok());
  EXPECT_EQ(paths.status().code(), ErrorCode::kUnreadable) << paths.status().ToString();
}

}  // namespace
}  // namespace trustcheck

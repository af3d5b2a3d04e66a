// TC006: duplicate JSON keys (recorded by the lowering as notes).

#include "rules/duplicate_key.h"

#include <fmt/format.h>

namespace trustcheck::rules {

const lint::RuleInfo& DuplicateKey::info() const {
  static const lint::RuleInfo kInfo{
      "TC006",
      "duplicate-key",
      lint::Severity::kCritical,
      "A key appears twice in one JSON object, and the platform silently keeps only the last one",
      "JSON parsers, IAM included, keep the last of two equal keys. When the duplicate is a condition operator, "
      "the first block and every condition in it disappear without an error: the UK government role that any "
      "GitHub repository could assume had two `StringEquals` blocks, and the `sub` check was in the first. A "
      "duplicated condition key, `Effect` or `Principal` changes the meaning the same way.\n\n"
      "Merge the two blocks into one object.",
      {{"AWS: the second StringEquals drops the sub check", "json",
        R"("Condition": {
  "StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"},
  "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
})"}},
      {{"AWS: one block with both keys", "json",
        R"("Condition": {
  "StringEquals": {
    "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main",
    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
})"}},
      {"https://github.com/alphagov/govuk-infrastructure/pull/879",
       "https://securitylabs.datadoghq.com/articles/exploring-github-to-aws-keyless-authentication-flaws/"}};
  return kInfo;
}

namespace {

// Keys whose second copy cannot change who gets in.
bool Harmless(const std::string& key) {
  return key == "Sid" || key == "Version" || key == "Id" || key == "description" || key == "name" ||
         key == "displayName";
}

// Where the object sits, for the message: "in statement 1", "in `/Condition`".
std::string Where(const std::string& path) {
  if (path.empty() || path == "/") return "at the top level";
  return fmt::format("in `{}`", path);
}

}  // namespace

void DuplicateKey::CheckTrust(const LoadedFile&, const Trust& trust, lint::FindingSink& sink) const {
  for (const LoweringNote& note : trust.notes) {
    if (note.kind != LoweringNote::Kind::kDuplicateKey) continue;
    bool in_condition = note.path.find("/Condition") != std::string::npos;
    bool is_operator = in_condition && note.path.size() >= 10 && note.path.compare(note.path.size() - 10, 10, "/Condition") == 0;
    std::string message;
    if (is_operator) {
      message = fmt::format("condition operator `{}` appears twice {}; only the last block counts, so every "
                            "condition in the first one is silently dropped",
                            note.key, Where(note.path));
    } else if (in_condition) {
      message = fmt::format("condition key `{}` appears twice {}; only the last value counts, so the first one is "
                            "silently dropped",
                            note.key, Where(note.path));
    } else {
      message = fmt::format("key `{}` appears twice {}; only the last one counts, so the first one is silently "
                            "dropped",
                            note.key, Where(note.path));
    }
    sink.Report(note.loc, message, Harmless(note.key) ? std::optional(lint::Severity::kLow) : std::nullopt);
  }
}

}  // namespace trustcheck::rules

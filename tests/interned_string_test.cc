// InternedString (trustcheck/interned_string.h): equal texts are one object,
// whatever thread interned them, and the handle reads as its text.

#include "trustcheck/interned_string.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace trustcheck {
namespace {

TEST(InternedString, EqualTextsAreOneObject) {
  struct Case {
    std::string a, b;
    bool same;
  };
  const std::vector<Case> cases = {
      {"token.actions.githubusercontent.com:sub", "token.actions.githubusercontent.com:sub", true},
      {"sub", "Sub", false},
      {"sub", "sub ", false},
      {"", "", true},
      {std::string("a\0b", 3), std::string("a\0c", 3), false},
  };
  for (const Case& c : cases) {
    InternedString a(c.a), b(c.b);
    EXPECT_EQ(a == b, c.same) << c.a << " vs " << c.b;
    EXPECT_EQ(&a.str() == &b.str(), c.same) << c.a << " vs " << c.b;
    EXPECT_EQ(a.str(), c.a);
  }
}

TEST(InternedString, ReadsAsItsText) {
  InternedString display = "token.actions.githubusercontent.com:aud";
  const std::string& text = display;
  EXPECT_EQ(text, "token.actions.githubusercontent.com:aud");
  EXPECT_TRUE(display == "token.actions.githubusercontent.com:aud");
  EXPECT_TRUE(display == std::string_view("token.actions.githubusercontent.com:aud"));
  EXPECT_FALSE(display == "aud");
  EXPECT_EQ(display.size(), 39u);
  EXPECT_EQ(display.find(':'), 35u);
  EXPECT_EQ(display.substr(36), "aud");
  EXPECT_TRUE(display.starts_with("token.") && display.ends_with(":aud"));
  EXPECT_EQ(fmt::format("`{}`", display), "`token.actions.githubusercontent.com:aud`");
  EXPECT_EQ(display + "!", "token.actions.githubusercontent.com:aud!");
  display.clear();
  EXPECT_TRUE(display.empty());
  EXPECT_TRUE(display == InternedString());
}

TEST(InternedString, ThreadsInterningTheSameTextsGetTheSameObjects) {
  constexpr int kTexts = 2000;
  std::vector<std::vector<const std::string*>> seen(4, std::vector<const std::string*>(kTexts));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < seen.size(); ++t)
    threads.emplace_back([&seen, t] {
      for (int i = 0; i < kTexts; ++i) seen[t][i] = &InternedString(fmt::format("claim-{}", i)).str();
    });
  for (std::thread& thread : threads) thread.join();
  for (size_t t = 1; t < seen.size(); ++t) EXPECT_EQ(seen[t], seen[0]);
  for (int i = 0; i < kTexts; ++i) EXPECT_EQ(*seen[0][i], fmt::format("claim-{}", i));
}

}  // namespace
}  // namespace trustcheck

// libFuzzer target: token decoding (compact JWT or claims JSON) and lookups.

#include <cstddef>
#include <cstdint>
#include <string>

#include "trustcheck/claims.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto token = trustcheck::DecodeToken(text, "token");
  if (token.ok()) {
    token->claims.Find("sub");
    token->claims.FindPointer("/kubernetes.io/namespace");
    token->claims.FindPointer(text.substr(0, 64));
  }
  trustcheck::ParseTime(text);
  return 0;
}

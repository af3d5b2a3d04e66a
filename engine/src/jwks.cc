// JWT signature verification against a JWKS, with OpenSSL 3.

#include "trustcheck/jwks.h"

#include <fmt/format.h>
#include <json/json.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "source_text.h"

namespace trustcheck {

namespace {

struct Algorithm {
  const char* name;
  const char* kty;
  const EVP_MD* (*md)();  // nullptr for EdDSA
  bool pss = false;
  const char* curve = nullptr;  // EC / OKP
  size_t ec_component_bytes = 0;
};

const Algorithm* FindAlgorithm(std::string_view alg) {
  static const Algorithm kAlgorithms[] = {
      {"RS256", "RSA", EVP_sha256}, {"RS384", "RSA", EVP_sha384}, {"RS512", "RSA", EVP_sha512},
      {"PS256", "RSA", EVP_sha256, true}, {"PS384", "RSA", EVP_sha384, true}, {"PS512", "RSA", EVP_sha512, true},
      {"ES256", "EC", EVP_sha256, false, "P-256", 32}, {"ES384", "EC", EVP_sha384, false, "P-384", 48},
      {"EdDSA", "OKP", nullptr, false, "Ed25519"},
  };
  for (const Algorithm& a : kAlgorithms)
    if (alg == a.name) return &a;
  return nullptr;
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::optional<std::string> Member(const Json::Value& key, const char* name) {
  const Json::Value* v = key.find(name, name + std::strlen(name));
  if (!v || !v->isString()) return std::nullopt;
  return v->asString();
}

std::optional<std::string> B64Member(const Json::Value& key, const char* name) {
  auto text = Member(key, name);
  if (!text) return std::nullopt;
  return DecodeBase64Url(*text);
}

PkeyPtr FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  PkeyPtr none(nullptr, EVP_PKEY_free);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  if (!params) return none;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (ctx && EVP_PKEY_fromdata_init(ctx) == 1) EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return PkeyPtr(pkey, EVP_PKEY_free);
}

PkeyPtr RsaKey(const Json::Value& key) {
  PkeyPtr none(nullptr, EVP_PKEY_free);
  auto n = B64Member(key, "n");
  auto e = B64Member(key, "e");
  if (!n || !e || n->empty() || e->empty()) return none;
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  PkeyPtr out(nullptr, EVP_PKEY_free);
  if (bn_n && bn_e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1)
    out = FromParams("RSA", bld);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return out;
}

PkeyPtr EcKey(const Json::Value& key, const Algorithm& alg) {
  PkeyPtr none(nullptr, EVP_PKEY_free);
  auto x = B64Member(key, "x");
  auto y = B64Member(key, "y");
  if (!x || !y || x->size() != alg.ec_component_bytes || y->size() != alg.ec_component_bytes) return none;
  std::string point = "\x04" + *x + *y;
  const char* group = std::string_view(alg.curve) == "P-256" ? "prime256v1" : "secp384r1";
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  PkeyPtr out(nullptr, EVP_PKEY_free);
  if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1)
    out = FromParams("EC", bld);
  OSSL_PARAM_BLD_free(bld);
  return out;
}

PkeyPtr Ed25519Key(const Json::Value& key) {
  auto x = B64Member(key, "x");
  if (!x || x->size() != 32) return PkeyPtr(nullptr, EVP_PKEY_free);
  return PkeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                             reinterpret_cast<const unsigned char*>(x->data()), x->size()),
                 EVP_PKEY_free);
}

// JWS ECDSA signatures are R||S; OpenSSL verifies DER.
std::optional<std::string> EcdsaRawToDer(const std::string& raw, size_t component) {
  if (raw.size() != 2 * component) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(component), nullptr);
  BIGNUM* s =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data() + component), static_cast<int>(component), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

bool Verify(EVP_PKEY* pkey, const Algorithm& alg, const std::string& input, const std::string& signature) {
  std::string sig = signature;
  if (std::string_view(alg.kty) == "EC") {
    auto der = EcdsaRawToDer(signature, alg.ec_component_bytes);
    if (!der) return false;
    sig = *der;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, alg.md ? alg.md() : nullptr, nullptr, pkey) == 1;
  if (ok && alg.pss)
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  if (ok)
    ok = EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// Why `key` cannot verify `alg`, or "" when it fits.
std::string KeyMismatch(const Json::Value& key, const Algorithm& alg) {
  auto kty = Member(key, "kty");
  if (!kty || *kty != alg.kty) return fmt::format("key type `{}` cannot verify `{}`", kty.value_or("?"), alg.name);
  if (alg.curve) {
    auto crv = Member(key, "crv");
    if (!crv || *crv != alg.curve) return fmt::format("curve `{}` cannot verify `{}`", crv.value_or("?"), alg.name);
  }
  if (auto key_alg = Member(key, "alg"); key_alg && *key_alg != alg.name)
    return fmt::format("key is for `{}`, not `{}`", *key_alg, alg.name);
  if (auto use = Member(key, "use"); use && *use != "sig") return fmt::format("key use is `{}`, not `sig`", *use);
  return "";
}

PkeyPtr BuildKey(const Json::Value& key, const Algorithm& alg) {
  std::string_view kty = alg.kty;
  if (kty == "RSA") return RsaKey(key);
  if (kty == "EC") return EcKey(key, alg);
  return Ed25519Key(key);
}

}  // namespace

Status VerifyJwtSignature(const DecodedToken& token, std::string_view jwks_json, const std::string& jwks_source) {
  SourceText source(jwks_source, std::string(jwks_json));
  SourceLoc file_loc = source.LocAtLine(1, 1);
  if (token.form != DecodedToken::Form::kJwt)
    return Status::Error(file_loc, "a JWKS was given but the token is claims JSON, which has no signature");
  if (token.algorithm == "none") return Status::Error(file_loc, "token algorithm `none` is never accepted");
  if (token.algorithm.rfind("HS", 0) == 0)
    return Status::Error(file_loc, fmt::format("token algorithm `{}` is HMAC; a public key must never verify it",
                                               token.algorithm));
  const Algorithm* alg = FindAlgorithm(token.algorithm);
  if (!alg) return Status::Error(file_loc, fmt::format("token algorithm `{}` is not supported", token.algorithm));
  auto parsed = ParseJson(source);
  if (!parsed.ok()) return parsed.status();
  const Json::Value& keys = (*parsed)["keys"];
  if (!parsed->isObject() || !keys.isArray()) return Status::Error(file_loc, "JWKS must be an object with a `keys` array");
  std::string last_problem = "no key in the set fits the token";
  bool kid_found = token.key_id.empty();
  for (const Json::Value& key : keys) {
    if (!key.isObject()) continue;
    if (!token.key_id.empty()) {
      if (Member(key, "kid") != token.key_id) continue;
      kid_found = true;
    }
    std::string mismatch = KeyMismatch(key, *alg);
    if (!mismatch.empty()) {
      last_problem = mismatch;
      continue;
    }
    PkeyPtr pkey = BuildKey(key, *alg);
    if (!pkey) {
      last_problem = "key material is malformed";
      continue;
    }
    if (Verify(pkey.get(), *alg, token.signing_input, token.signature)) return Status();
    last_problem = fmt::format("signature does not verify with key `{}`", Member(key, "kid").value_or("(no kid)"));
  }
  if (!kid_found)
    return Status::Error(file_loc, fmt::format("token key id `{}` is not in the JWKS", token.key_id));
  return Status::Error(file_loc, last_problem);
}

}  // namespace trustcheck

// JWT signature verification against JWKS documents built from keys the test
// generates with OpenSSL.

#include "trustcheck/jwks.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <string>

#include "trustcheck/claims.h"

namespace trustcheck {
namespace {

std::string B64Url(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (bytes.size() - i == 1) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    for (int k = 18; k >= 6; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  return out;
}

std::string BnBytes(EVP_PKEY* key, const char* param, size_t pad = 0) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, param, &bn);
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  if (out.size() < pad) out.insert(0, pad - out.size(), '\0');
  return out;
}

struct Key {
  EVP_PKEY* pkey = nullptr;
  std::string jwk;  // public JWK JSON object
  ~Key() { EVP_PKEY_free(pkey); }
};

void MakeRsa(Key* k, const std::string& kid) {
  k->pkey = EVP_RSA_gen(2048);
  k->jwk = R"({"kty":"RSA","kid":")" + kid + R"(","use":"sig","n":")" + B64Url(BnBytes(k->pkey, OSSL_PKEY_PARAM_RSA_N)) +
           R"(","e":")" + B64Url(BnBytes(k->pkey, OSSL_PKEY_PARAM_RSA_E)) + R"("})";
}

void MakeEc(Key* k, const std::string& kid, const char* group, const char* crv, size_t bytes) {
  k->pkey = EVP_EC_gen(group);
  k->jwk = R"({"kty":"EC","kid":")" + kid + R"(","crv":")" + crv + R"(","x":")" +
           B64Url(BnBytes(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, bytes)) + R"(","y":")" +
           B64Url(BnBytes(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, bytes)) + R"("})";
}

void MakeEd25519(Key* k, const std::string& kid) {
  k->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  unsigned char raw[32];
  size_t len = sizeof raw;
  EVP_PKEY_get_raw_public_key(k->pkey, raw, &len);
  k->jwk = R"({"kty":"OKP","kid":")" + kid + R"(","crv":"Ed25519","x":")" +
           B64Url(std::string(reinterpret_cast<char*>(raw), len)) + R"("})";
}

std::string Sign(EVP_PKEY* key, const std::string& alg, const std::string& input) {
  const EVP_MD* md = nullptr;
  if (alg.substr(2) == "256") md = EVP_sha256();
  if (alg.substr(2) == "384") md = EVP_sha384();
  if (alg.substr(2) == "512") md = EVP_sha512();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, alg == "EdDSA" ? nullptr : md, nullptr, key);
  if (alg[0] == 'P') {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (alg[0] == 'E' && alg != "EdDSA") {  // DER -> R||S
    size_t n = alg == "ES256" ? 32 : 48;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(2 * n, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n));
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data() + n), static_cast<int>(n));
    ECDSA_SIG_free(es);
    return raw;
  }
  return sig;
}

std::string MakeJwt(EVP_PKEY* key, const std::string& alg, const std::string& kid) {
  std::string header = R"({"alg":")" + alg + R"(","typ":"JWT")" + (kid.empty() ? "" : R"(,"kid":")" + kid + "\"") + "}";
  std::string input = B64Url(header) + "." + B64Url(R"({"iss":"https://issuer.example","sub":"s"})");
  if (!key) return input + ".";
  return input + "." + B64Url(Sign(key, alg, input));
}

Status VerifyText(const std::string& jwt, const std::string& jwks) {
  auto token = DecodeToken(jwt, "token.jwt");
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  if (!token.ok()) return token.status();
  return VerifyJwtSignature(*token, jwks, "jwks.json");
}

TEST(jwks_test, every_supported_algorithm_verifies_and_a_tampered_token_fails) {
  Key rsa, ec256, ec384, ed;
  MakeRsa(&rsa, "rsa");
  MakeEc(&ec256, "ec256", "P-256", "P-256", 32);
  MakeEc(&ec384, "ec384", "P-384", "P-384", 48);
  MakeEd25519(&ed, "ed");
  std::string jwks = "{\"keys\":[" + rsa.jwk + "," + ec256.jwk + "," + ec384.jwk + "," + ed.jwk + "]}";
  struct Case {
    EVP_PKEY* key;
    const char* alg;
    const char* kid;
  } cases[] = {{rsa.pkey, "RS256", "rsa"}, {rsa.pkey, "RS384", "rsa"}, {rsa.pkey, "RS512", "rsa"},
               {rsa.pkey, "PS256", "rsa"}, {ec256.pkey, "ES256", "ec256"}, {ec384.pkey, "ES384", "ec384"},
               {ed.pkey, "EdDSA", "ed"},   {rsa.pkey, "RS256", ""}};
  for (const Case& c : cases) {
    std::string jwt = MakeJwt(c.key, c.alg, c.kid);
    Status ok = VerifyText(jwt, jwks);
    EXPECT_TRUE(ok.ok()) << c.alg << ": " << ok.ToString();
    // Swap in another payload under the same signature: it must no longer verify.
    size_t first = jwt.find('.');
    size_t second = jwt.find('.', first + 1);
    std::string tampered = jwt.substr(0, first + 1) + B64Url(R"({"iss":"https://issuer.example","sub":"x"})") +
                           jwt.substr(second);
    Status bad = VerifyText(tampered, jwks);
    EXPECT_FALSE(bad.ok()) << c.alg;
  }
}

TEST(jwks_test, refuses_none_hmac_unknown_kid_and_mismatched_keys) {
  Key rsa, ec;
  MakeRsa(&rsa, "rsa");
  MakeEc(&ec, "ec", "P-256", "P-256", 32);
  std::string jwks = "{\"keys\":[" + rsa.jwk + "," + ec.jwk + "]}";
  struct Case {
    std::string jwt;
    std::string message;
  } cases[] = {
      {MakeJwt(nullptr, "none", ""), "token algorithm `none` is never accepted"},
      {B64Url(R"({"alg":"HS256"})") + "." + B64Url(R"({"sub":"s"})") + "." + B64Url("mac"),
       "token algorithm `HS256` is HMAC; a public key must never verify it"},
      {MakeJwt(rsa.pkey, "RS256", "other"), "token key id `other` is not in the JWKS"},
      {MakeJwt(nullptr, "ES256", "rsa") + B64Url(std::string(64, 'x')), "key type `RSA` cannot verify `ES256`"},
      {MakeJwt(nullptr, "XS256", "rsa") + B64Url("sig"), "token algorithm `XS256` is not supported"},
  };
  for (const Case& c : cases) {
    Status s = VerifyText(c.jwt, jwks);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), c.message);
    EXPECT_EQ(s.loc().ToString(), "jwks.json:1:1");
  }
}

TEST(jwks_test, malformed_jwks_is_a_located_error) {
  Key rsa;
  MakeRsa(&rsa, "rsa");
  std::string jwt = MakeJwt(rsa.pkey, "RS256", "rsa");
  EXPECT_EQ(VerifyText(jwt, "{\"keys\": 3}").message(), "JWKS must be an object with a `keys` array");
  Status bad = VerifyText(jwt, "{\"keys\": [\n  {\"kty\": }]}");
  EXPECT_EQ(bad.loc().line, 2u);
  auto claims = DecodeToken(R"({"sub":"s"})", "claims.json");
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(VerifyJwtSignature(*claims, "{\"keys\":[]}", "jwks.json").message(),
            "a JWKS was given but the token is claims JSON, which has no signature");
}

}  // namespace
}  // namespace trustcheck

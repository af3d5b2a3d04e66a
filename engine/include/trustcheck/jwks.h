// trustcheck/jwks.h: verifying a JWT's signature against a JSON Web Key Set.
//
// OVERVIEW
//
// VerifyJwtSignature checks a decoded compact JWT (trustcheck/claims.h)
// against the keys of a JWKS document (RFC 7517), with OpenSSL:
//
//   RS256, RS384, RS512   RSASSA-PKCS1-v1_5 with SHA-2        (kty RSA)
//   PS256, PS384, PS512   RSASSA-PSS, MGF1 with the same hash   (kty RSA)
//   ES256, ES384          ECDSA on P-256 / P-384, R||S form     (kty EC)
//   EdDSA                 Ed25519                               (kty OKP)
//
// Refused, whatever the keys say: `alg: none`, the HMAC algorithms (HS256,
// ...: a public key must never be used as an HMAC secret), any other
// algorithm, a `kid` the set does not hold, a key whose `kty`, `crv` or
// `alg` does not fit the token's `alg`, and a key whose `use` is not `sig`.
// Without a `kid` in the token, every fitting key is tried.
//
// THREAD SAFETY
//
// Pure functions.

#ifndef TRUSTCHECK_JWKS_H_
#define TRUSTCHECK_JWKS_H_

#include <string>
#include <string_view>

#include "trustcheck/claims.h"
#include "trustcheck/status.h"

namespace trustcheck {

// The largest JWKS document read (1 MiB: public key sets are a few KiB).
inline constexpr size_t kMaxJwksBytes = 1 << 20;

// Ok when the signature verifies with a key of the set; otherwise a
// one-line reason (the location names `jwks_source`).
Status VerifyJwtSignature(const DecodedToken& token, std::string_view jwks_json, const std::string& jwks_source);

}  // namespace trustcheck

#endif  // TRUSTCHECK_JWKS_H_

// trustcheck/exposure.h: who gets in through a trust, proved by tokens.
//
// OVERVIEW
//
// The exposure analysis answers one question for a lowered trust and each
// issuer it accepts: WHO GETS IN? It answers on the issuer's identity
// ladder, widest first:
//
//   kAnyone       anyone holding a token of the issuer (a shared issuer:
//                 strangers; a per-tenant issuer: any workload of it)
//   kAnyTenant    strangers, but only with some names (`repo:*/infra:...`)
//   kAnyResource  one tenant, any repository, project, workspace, ...
//   kAnyRun       one resource, any branch, tag, environment or run phase
//   kPinned       only the runs the trust names
//   kNobody       no token of the issuer gets in (with the reason)
//
// Every rung reached is backed by a WITNESS: a token built the way the
// issuer builds its tokens (see engine/src/exposure/token_models.cc: a
// stranger's repository, a foreign workspace, a pull-request run) that
// Evaluate() accepts. "Nobody" is a proof: the analysis layer
// (trustcheck/analysis.h) shows that no token whose subject has a form the
// issuer issues is accepted.
//
//   ExposureOptions options;
//   options.now = 1767225600;
//   for (const IssuerExposure& e : AnalyseExposure(trust, options).issuers)
//     if (e.reach >= Reach::kAnyResource) Print(e.widest.front().who, *e.widest.front().witness);
//
// METHOD
//
// 1. The values a trust names are read with the issuer's grammar
//    (trustcheck/issuers.h): `repo:acme/app:ref:refs/heads/*` names the
//    organisation `acme` (OWN), the repository `app` (OWN) and leaves the
//    branch open. Wildcards are instantiated (`acme*` -> `acmex`, a FOREIGN
//    name), and every field also gets a fresh name no trust pins.
// 2. Candidate tokens are built from the issuer's token model, one rung at
//    a time: foreign tenant; own tenant and foreign resource; own resource
//    and a fresh run name; own everything. Each candidate is decided with
//    Decide(); the first rung with an accepted token is the reach.
// 3. UNKNOWNS are symbols: a value the deployer fills in later (a
//    Terraform variable, a CloudFormation parameter, a placeholder account)
//    is assumed to be the deployer's own (Node::assumed), so
//    `repo:${var.org}/*` reads as "any repository of organisation
//    `${var.org}`, whatever it is". A finding that holds only under that
//    assumption lists it (Admission::assumptions); an unknown that the
//    analysis cannot assume (an unknown Effect) leaves the trust undecided
//    (IssuerExposure::undecided) and never hides what does not depend on it.
//
// THREAD SAFETY
//
// Pure functions of their arguments; call them from any thread.

#ifndef TRUSTCHECK_EXPOSURE_H_
#define TRUSTCHECK_EXPOSURE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trustcheck/analysis.h"
#include "trustcheck/ast.h"
#include "trustcheck/issuers.h"

namespace Json {
class Value;
}

namespace trustcheck {

// Ordered: a wider reach compares greater.
enum class Reach : uint8_t { kNobody, kPinned, kAnyRun, kAnyResource, kAnyTenant, kAnyone };
const char* ReachName(Reach reach);  // "nobody", "pinned", "any-run", "any-resource", "any-tenant", "anyone"

// An issuer a statement accepts.
struct AcceptedIssuer {
  std::string issuer;                      // as written; "" when the trust does not say
  const IssuerProfile* profile = nullptr;  // nullptr when unknown
  bool guessed = false;                    // profile guessed from claim names, issuer unknown
  // Named only by the provider prefix of AWS condition keys, because the
  // principal is unknown (a template placeholder).
  bool from_condition_keys = false;
  SourceLoc loc;  // where the issuer is named (or the statement)
};

// The issuers statement `statement` accepts: its positive tests on `iss`;
// else the provider prefix of its AWS condition keys; else one entry with an
// empty issuer and a profile guessed from the claims it checks.
std::vector<AcceptedIssuer> StatementIssuers(const Trust& trust, const Statement& statement);

struct ExposureOptions {
  int64_t now = 0;  // Unix seconds: witnesses carry iat = now, exp = now + 3600
  // Bound on the candidate tokens decided per issuer. Default: 4000.
  size_t max_tokens = 4000;
  // For the proof of kNobody.
  AnalysisOptions analysis;
};

// One way in, proved by a token.
struct Admission {
  Reach reach = Reach::kNobody;
  // Who, in the platform's words: "any repository of organisation `acme`".
  std::string who;
  // A token Evaluate() accepts; on the trust as written when `assumptions`
  // is empty, else on AssumeUnknowns(trust).
  std::shared_ptr<const Json::Value> witness;
  // The unknown values the acceptance relies on (each one lowercase
  // sentence, as the lowering put it).
  std::vector<std::string> assumptions;
  // The policy value that lets the witness in, when one value does (null
  // when nothing identifying is checked: an audience-only trust).
  const Test* test = nullptr;
  const Operand* operand = nullptr;
  SourceLoc loc;  // the operand's (or the test's) location, when known
  // The witness is a run of code nobody has reviewed yet (a pull request).
  bool unreviewed = false;
  std::string run;  // the run's noun: "branch", "pull request"
  // For audience-pinned issuers: the witness keeps the trust's own account
  // or identity and only the OAuth client (the tenant) is foreign.
  bool own_resource = false;
  // The tenant the witness belongs to when it is one the trust names
  // (`acme`, or an id such as `123456` when only the id is named); empty
  // when the witness's tenant is a stranger's or the issuer has none.
  std::string tenant;
  bool tenant_is_id = false;
};

struct IssuerExposure {
  AcceptedIssuer issuer;
  Reach reach = Reach::kNobody;
  // The admissions at `reach`, one per policy value that causes it.
  std::vector<Admission> widest;
  // A run of unreviewed code that gets in (pull request, merge request),
  // when one does.
  std::optional<Admission> unreviewed;
  // kNobody: why no token gets in, one lowercase sentence.
  std::string nobody_reason;
  // Some candidate could not be decided even with the unknowns assumed: the
  // reach is a lower bound.
  bool undecided = false;
};

struct Exposure {
  std::vector<IssuerExposure> issuers;
};

// The exposure of the whole trust (every Allow, Deny statements respected).
Exposure AnalyseExposure(const Trust& trust, const ExposureOptions& options);

// The exposure of one Allow statement together with the trust's Deny
// statements (for findings located at the statement).
Exposure AnalyseStatementExposure(const Trust& trust, size_t statement, const ExposureOptions& options);

// The issuer table and the token models as a Markdown page
// (docs/platform-facts.md, `trustcheck facts`).
std::string PlatformFactsMarkdown();

// A copy of `trust` in which every unknown that has an assumed reading
// (Node::assumed) reads as it. The copy shares its Tests with `trust`.
Trust AssumeUnknowns(const Trust& trust);

}  // namespace trustcheck

#endif  // TRUSTCHECK_EXPOSURE_H_

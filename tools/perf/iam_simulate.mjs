// Asks the @cloud-copilot/iam-simulate npm package the question `trustcheck
// eval` answers, for tools/perf/e2e.py: which of the role trust policies in
// DIR accept this token?
//
// The package is AGPL-licensed: it is installed outside this repository and
// only imported from there (IAM_SIMULATE_DIR names the folder whose
// node_modules holds it); nothing in the build or the tests uses it.
//
// runSimulation(), the package's front door, keeps only the context keys its
// action table lists for sts:AssumeRoleWithWebIdentity, which leaves out
// `token.actions.githubusercontent.com:sub` and every other OIDC provider's
// keys; so, like tools/difftest/driver.mjs, this calls its evaluation core
// (loadPolicy + authorize) directly. That also skips its input validation:
// the fastest way the package can answer.
//
// usage: node iam_simulate.mjs DIR CONTEXT.json PRINCIPAL_ARN
//   CONTEXT.json: the token as AWS condition keys ({"<provider>:sub": ...}).
// Prints the accepting files' names, one per line, then on stderr the count
// per outcome and the milliseconds spent reading and deciding (without
// Node's start-up and the package's import).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import {
  loadPolicy, authorize, AwsRequestImpl, RequestContextImpl, DiscoveryContextKeyConstraints,
} from '../iam_simulate_core.mjs';

const [dir, contextFile, principal] = process.argv.slice(2);
const started = performance.now();
const context = JSON.parse(readFileSync(contextFile, 'utf8'));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const outcomes = new Map();
const accepted = [];
for (const file of files) {
  const policy = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const role = `arn:aws:iam::123456789012:role/${file.slice(0, -5)}`;
  const request = new AwsRequestImpl(principal, { resource: role, accountId: '123456789012' },
                                     'sts:AssumeRoleWithWebIdentity', new RequestContextImpl(context));
  const answer = authorize({
    request, sessionPolicy: undefined, identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [],
    resourcePolicy: loadPolicy(policy, { name: 'trust' }), permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} },
  });
  const outcome = answer.result.result ?? answer.result;
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if (outcome === 'Allowed') accepted.push(file);
}
const elapsed = performance.now() - started;
process.stdout.write(accepted.map((f) => f + '\n').join(''));
console.error(`outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; decided in ${elapsed.toFixed(0)} ms`);

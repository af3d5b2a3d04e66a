// Batch driver for tools/difftest/difftest.py: asks the @cloud-copilot/iam-simulate npm package
// (an independent IAM simulator, AGPL-licensed, installed OUTSIDE this repository and never part of
// the build) for the decision on each input line, once per action. IAM_SIMULATE_DIR names the
// folder whose node_modules holds the package.
//
// Input line:  {"policy": <trust policy>, "context": {"<key>": "v" | ["v", ...]}, "principal": "...",
//               "actions": ["sts:AssumeRoleWithWebIdentity", ...]}
// Output line: JSON array of decisions, one per action: "Allowed" | "ExplicitlyDenied" |
//              "ImplicitlyDenied" | "Error <message>".
import readline from 'node:readline';

import {
  loadPolicy, authorize, AwsRequestImpl, RequestContextImpl, DiscoveryContextKeyConstraints,
} from '../iam_simulate_core.mjs';

// The simulator treats a principal that is neither an ARN nor an `...amazonaws.com` name
// (accounts.google.com, graph.facebook.com, www.amazon.com) as a cross-account caller that also
// needs an identity policy. A web identity needs none, so such requests get an allow-all identity
// policy, which leaves the trust policy alone to decide.
const allowAll = loadPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  { name: 'identity' });

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  const out = [];
  for (const action of c.actions) {
    try {
      const needsIdentity = !c.principal.startsWith('arn:') && !c.principal.endsWith('amazonaws.com');
      const request = new AwsRequestImpl(c.principal,
        { resource: 'arn:aws:iam::111122223333:role/r', accountId: '111122223333' }, action,
        new RequestContextImpl(c.context));
      const result = authorize({
        request, sessionPolicy: undefined, identityPolicies: needsIdentity ? [allowAll] : [],
        serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: loadPolicy(c.policy, { name: 'trust' }),
        permissionBoundaries: undefined, vpcEndpointPolicies: undefined,
        simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
        serviceSettings: { s3: {} } });
      out.push(result.result);
    } catch (e) {
      out.push('Error ' + e.message);
    }
  }
  console.log(JSON.stringify(out));
}
